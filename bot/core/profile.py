"""What we know about one person, and where they are in a conversation."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Profile:
    """The minimum the matching needs; nothing else is asked or stored."""

    age: int | None = None
    status: str | None = None
    german_level: str | None = None
    place: str | None = None
    interests: tuple[str, ...] = ()

    def is_complete(self) -> bool:
        return None not in (self.age, self.status, self.german_level, self.place) and bool(
            self.interests
        )

    def get(self, name: str) -> object:
        return getattr(self, name)

    def set(self, name: str, value: object) -> None:
        if name == "interests":
            value = tuple(value)  # type: ignore[arg-type]
        setattr(self, name, value)


@dataclass
class Session:
    """One person's state: language, consent, answers and the current question.

    `step` is None when no question is open. `history` holds the steps answered before, for the
    Back button. `pending` holds what the current step waits on (place candidates, ticked
    interests, the offer page); it is small and stored with the session.
    """

    language: str | None = None
    consented: bool = False
    step: str | None = None
    history: list[str] = field(default_factory=list)
    pending: dict[str, object] = field(default_factory=dict)
    # Where to go after the current step: "" continues the flow; "profile" returns to /profile.
    return_to: str = ""
    profile: Profile = field(default_factory=Profile)
    saved: list[str] = field(default_factory=list)  # offer ids, in the order saved
    dismissed: list[str] = field(default_factory=list)  # "not for me": never shown again
    announced: list[str] = field(default_factory=list)  # newly fitting offers already told
    # Events with a reminder; read from the subscriptions table, changed only through
    # `Outcome.subscribe` / `Outcome.unsubscribe`.
    subscribed: list[str] = field(default_factory=list)
