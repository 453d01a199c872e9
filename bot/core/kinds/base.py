"""The answer kind every kind builds on, and the helpers they share."""

from __future__ import annotations

from typing import Any, ClassVar

from rapidfuzz import fuzz, utils

from bot.core import callback, interpreter
from bot.core.dialogue_io import Button, Reply, Upload
from bot.core.flow import Flow, Step
from bot.core.text import Translator, esc
from bot.core.turn import Turn
from bot.core.world import World

Rows = list[tuple[Button, ...]]


def answer_button(label: str, step: Step, value: str) -> Button:
    return Button(label, callback.encode("fl", "a", step.id, value))


def matches_label(text: str, *labels: str) -> bool:
    """Typed text that names a button, in English or the reader's language."""
    typed = utils.default_process(text)
    return bool(typed) and any(
        fuzz.ratio(typed, utils.default_process(label)) >= 90 for label in labels
    )


class Kind:
    name: ClassVar[str]
    value_type: ClassVar[str | None] = None
    needs_options: ClassVar[bool] = False

    def enter(self, turn: Turn, step: Step) -> None:
        """Called when the step becomes the open question."""

    def satisfied(self, turn: Turn) -> bool:
        """True when there is nothing to ask (consent already given): the step is skipped."""
        return False

    def answered(self, turn: Turn, step: Step) -> bool:
        """Whether the person answered this step already (to continue where they left)."""
        return step.optional or interpreter.current_value(turn, step) not in (None, ())

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        return [esc(turn.t.pgettext(interpreter.context(turn, step), step.prompt))]

    def buttons(self, turn: Turn, step: Step) -> Rows:
        return []

    def question(self, turn: Turn, step: Step, intro: str = "") -> Reply:
        parts = [intro] if intro else []
        parts.extend(self.prompt(turn, step))
        rows = self.buttons(turn, step)
        rows.extend(interpreter.navigation(turn, step))
        return Reply("\n\n".join(parts), tuple(rows))

    def text(self, turn: Turn, step: Step, text: str) -> None:
        interpreter.refuse(turn, step)

    def press(self, turn: Turn, step: Step, action: str, value: str) -> None:
        """A button of this step: "a" (an answer), "t" (tick), "d" (done)."""
        interpreter.ask(turn)

    def location(self, turn: Turn, step: Step, lat: float, lon: float) -> bool:
        """A shared location; False when this step does not take one."""
        return False

    def upload(self, turn: Turn, step: Step, upload: Upload) -> bool:
        return False

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        """A stored answer in words, for /profile and /privacy (plain text)."""
        return str(value)
