"""What we know about one person, and where they are in their conversations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# The answers the matching reads. A flow may declare more profile fields; they are kept by
# name like these (and stored in a column of the same name).
MATCHING_FIELDS = ("birth", "status", "german_level", "place", "interests")


def _field(name: str) -> property:
    def get(self: Profile) -> Any:
        return self.values.get(name)

    def put(self: Profile, value: Any) -> None:
        self.set(name, value)

    return property(get, put)


class Profile:
    """The answers a person gave, by field name; nothing else is asked or stored."""

    __slots__ = ("values",)

    def __init__(
        self,
        age: int | None = None,
        status: str | None = None,
        german_level: str | None = None,
        place: str | None = None,
        interests: Iterable[str] = (),
        **more: Any,
    ) -> None:
        self.values: dict[str, Any] = {}
        for name, value in dict(
            age=age, status=status, german_level=german_level, place=place,
            interests=interests, **more,
        ).items():  # fmt: skip
            self.set(name, value)

    age = _field("age")
    status = _field("status")
    german_level = _field("german_level")
    place = _field("place")
    interests = _field("interests")

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def set(self, name: str, value: Any) -> None:
        if isinstance(value, list | tuple):
            value = tuple(value)
        self.values[name] = value

    def has(self, name: str) -> bool:
        """Answered: a value that is not None and not an empty list. A profile from before the
        birth question holds the age instead, which answers it too."""
        if name == "birth" and self.values.get("age") is not None:
            return True
        return self.values.get(name) not in (None, ())

    def is_complete(self, required: Iterable[str] = MATCHING_FIELDS) -> bool:
        return all(self.has(name) for name in required)

    def copy(self) -> Profile:
        clone = Profile()
        clone.values = dict(self.values)
        return clone

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and self.values == other.values

    def __repr__(self) -> str:
        return f"Profile({self.values!r})"


@dataclass
class Frame:
    """One open conversation on the stack: which flow, which step, and what it collected.

    `history` holds the steps answered before (for Back); `pending` what the open step waits
    on (place candidates, ticked options); `draft` the answers of a flow that fills its own
    draft (a wizard) instead of the profile. `single`: answer this one step, then return (an
    edit from /profile). `then`: the result handler that gets this frame's answers when it
    ends, instead of the flow's own `on_done`.
    """

    flow: str
    step: str
    history: list[str] = field(default_factory=list)
    pending: dict[str, Any] = field(default_factory=dict)
    draft: dict[str, Any] = field(default_factory=dict)
    single: bool = False
    then: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"flow": self.flow, "step": self.step}
        for name in ("history", "pending", "draft", "single", "then"):
            value = getattr(self, name)
            if value:
                data[name] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Frame:
        return cls(
            flow=str(data.get("flow", "")),
            step=str(data.get("step", "")),
            history=[str(s) for s in data.get("history", [])],
            pending=dict(data.get("pending", {})),
            draft=dict(data.get("draft", {})),
            single=bool(data.get("single", False)),
            then=str(data.get("then", "")),
        )


@dataclass
class Session:
    """One person's state: language, consent, answers, and the stack of open conversations.

    The top frame is the question now open; no frame means no question is open.
    """

    language: str | None = None
    consented: bool = False
    # "Use without saving": agreed to use Lotse, not to be stored; the session is interim
    # (interim_sessions, no profile, deleted 24 hours after its last input).
    unsaved: bool = False
    stack: list[Frame] = field(default_factory=list)
    profile: Profile = field(default_factory=Profile)
    saved: list[str] = field(default_factory=list)  # offer ids, in the order saved
    dismissed: list[str] = field(default_factory=list)  # "not for me": never shown again
    announced: list[str] = field(default_factory=list)  # newly fitting offers already told
    # "Tell me about new offers": announce catalogue changes that newly fit (off by default).
    new_offers: bool = False
    news: bool = True  # news from the district (broadcasts); /profile turns it off
    opened_offer: bool = False  # opened an offer's details once (a step the report counts)
    # Events with a reminder; read from the subscriptions table, changed through effects.
    subscribed: list[str] = field(default_factory=list)
    # The buttons of the last message that had some, as (label, data): a label typed instead
    # of tapped ("Remind me") works like the button.
    buttons: list[tuple[str, str]] = field(default_factory=list)
    # The invite the person came with (a referral id, never who made it): its kind
    # ("volunteer", "counselling"), the service of a counselling referral, and whether their
    # finishing the questions was counted.
    referral: int = 0
    referral_kind: str = ""
    referral_service: str = ""
    referral_finished: bool = False
    referral_district: str = ""  # the invite's district: its towns are offered first
    # Writing to a counselling case: the case whose conversation the next messages go to.
    relay: int = 0
    # A hand-over being prepared ("Talk to a person"): service, share, question; until sent.
    talk: dict[str, str] = field(default_factory=dict)

    @property
    def frame(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def step(self) -> str | None:
        """The id of the open question, None when none is open."""
        return self.stack[-1].step if self.stack else None


def forget(session: Session) -> None:
    """Everything about the person goes; only the language they chose stays for the reply."""
    language = session.language
    session.__dict__.update(Session().__dict__)
    session.language = language
