"""One input being answered: the session it changes, what it reads, and what it produces."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.access import NOBODY, Actor
from bot.core.desk import NOTHING, Prepared
from bot.core.dialogue_io import Outcome, Reply
from bot.core.effects import Effect
from bot.core.flow import Flow, Step
from bot.core.profile import Frame, Session
from bot.core.text import Translator, esc
from bot.core.world import FALLBACK_LANGUAGE, World


@dataclass
class Turn:
    session: Session
    world: World
    actor: Actor = NOBODY
    hint: str | None = None  # the channel's language guess (Telegram's language_code)
    outcome: Outcome = field(default_factory=Outcome)
    # What the service looked up for this input (an invitation, a checked upload, ...).
    prepared: Prepared = NOTHING
    # Set when this turn started or re-asked a question, so that a finished sub-flow does not
    # ask its parent's question a second time.
    asked: bool = False

    @property
    def t(self) -> Translator:
        code = self.session.language or self.hint or FALLBACK_LANGUAGE
        return self.world.translator(code)

    def say(self, reply: Reply) -> None:
        self.outcome.replies.append(reply)

    def note(self, text: str) -> None:
        """A plain message (escaped)."""
        self.say(Reply(esc(text)))

    def effect(self, effect: Effect) -> None:
        self.outcome.effects.append(effect)

    @property
    def frame(self) -> Frame | None:
        return self.session.frame

    @property
    def flow(self) -> Flow | None:
        frame = self.session.frame
        return self.world.flows.get(frame.flow) if frame else None

    @property
    def step(self) -> Step | None:
        frame, flow = self.session.frame, self.flow
        return flow.steps.get(frame.step) if frame and flow else None

    @property
    def district(self) -> str:
        """The person's district from their town; "" when not known."""
        place = self.world.catalogue.places.get(self.session.profile.place or "")
        return place.district if place else ""

    def profile_complete(self) -> bool:
        return self.session.profile.is_complete(self.world.profile_flow.required_fields())
