"""Kinds that offer buttons: a choice, several choices, the language, consent."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process, utils

from bot.core import callback, interpreter
from bot.core.dialogue_io import Button
from bot.core.effects import Erase
from bot.core.flow import Flow, Step
from bot.core.kinds.base import Kind, Rows, answer_button, matches_label
from bot.core.person import person_of
from bot.core.profile import forget
from bot.core.text import Translator, bold, esc
from bot.core.turn import Turn
from bot.core.world import World

TEXT_MATCH_CUTOFF = 85
_LIST_SEPARATORS = re.compile(r"[,;/\n،؛]+")


class ChoiceKind(Kind):
    name = "choice"
    value_type = "key"
    needs_options = True

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        parts = super().prompt(turn, step)
        only = turn.frame.pending.get("only") if turn.frame else None
        explained = [o for o in step.options if o.explain and (not only or o.value in only)]
        if explained:
            t, context = turn.t, interpreter.context(turn, step)
            parts.append(
                "\n".join(
                    f"• {bold(esc(t.pgettext(context, o.label)))}: "
                    f"{esc(t.pgettext(context, o.explain))}"
                    for o in explained
                )
            )
        return parts

    def buttons(self, turn: Turn, step: Step) -> Rows:
        t, context = turn.t, interpreter.context(turn, step)
        only = turn.frame.pending.get("only") if turn.frame else None
        return [
            (answer_button(t.pgettext(context, o.label), step, o.value),)
            for o in step.options
            if not only or o.value in only
        ]

    def choices(self, turn: Turn, step: Step) -> dict[str, str]:
        """Every text that names an option, folded, mapped to the option value."""
        t, context = turn.t, interpreter.context(turn, step)
        names: dict[str, str] = {}
        for option in step.options:
            for name in (t.pgettext(context, option.label), option.label, option.value):
                names.setdefault(utils.default_process(name), option.value)
        return names

    def match(self, turn: Turn, step: Step, text: str) -> str | None:
        """The option a typed text names: a word people use for it ("a little" is A1), a
        meaning ("idk" is "I don't know"), or its label with a typo."""
        return self.match_words(turn, step, text) or self.match_label(turn, step, text)

    def match_words(self, turn: Turn, step: Step, text: str) -> str | None:
        answers, language = turn.world.answers, turn.t.language
        value = answers.value(language, step.field, text) if step.field else None
        if value and step.option(value) is not None:
            return value
        meaning = answers.meaning(language, text)
        return next((o.value for o in step.options if meaning and o.means == meaning), None)

    def match_label(self, turn: Turn, step: Step, text: str) -> str | None:
        names = self.choices(turn, step)
        found = process.extractOne(
            utils.default_process(text), list(names), scorer=fuzz.WRatio,
            score_cutoff=TEXT_MATCH_CUTOFF,
        )  # fmt: skip
        return names[found[0]] if found else None

    def text(self, turn: Turn, step: Step, text: str) -> None:
        value = self.match_words(turn, step, text)
        several = [
            v for v in turn.world.answers.several(turn.t.language, text) if step.option(v)
        ]
        if value is None and len(several) > 1:
            # "refugee" can mean several papers: only those, to choose from. Never guessed
            # from a label that merely looks alike.
            turn.frame.pending["only"] = several  # type: ignore[union-attr]
            interpreter.ask(turn, esc(turn.t.gettext("Which one is it? Tap your paper.")))
            return
        value = value or self.match_label(turn, step, text)
        if value is None:
            interpreter.refuse(turn, step)
        else:
            self.answer(turn, step, value)

    def press(self, turn: Turn, step: Step, action: str, value: str) -> None:
        if action == "a":
            self.answer(turn, step, value)
        else:
            interpreter.ask(turn)

    def answer(self, turn: Turn, step: Step, value: str) -> None:
        if step.option(value) is None:
            interpreter.ask(turn)
        else:
            interpreter.save(turn, value)

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        option = step.option(str(value))
        return t.pgettext(flow.context(step), option.label) if option else str(value)


class LanguageKind(ChoiceKind):
    name = "language"
    value_type = None
    needs_options = False

    def enter(self, turn: Turn, step: Step) -> None:
        turn.frame.pending["suggested"] = turn.session.language or turn.hint or ""  # type: ignore[union-attr]

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        return Kind.prompt(self, turn, step)

    def buttons(self, turn: Turn, step: Step) -> Rows:
        hint = turn.frame.pending.get("suggested") if turn.frame else None
        ordered = sorted(turn.world.languages, key=lambda lang: lang.code != hint)
        buttons = [answer_button(lang.name, step, lang.code) for lang in ordered]
        return [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]

    def choices(self, turn: Turn, step: Step) -> dict[str, str]:
        names: dict[str, str] = {}
        for lang in turn.world.languages:
            for name in (lang.name, lang.code):
                names[utils.default_process(name)] = lang.code
        return names

    def answered(self, turn: Turn, step: Step) -> bool:
        return turn.session.language is not None

    def answer(self, turn: Turn, step: Step, value: str) -> None:
        if turn.world.language(value) is None:
            interpreter.ask(turn)
            return
        turn.session.language = value
        interpreter.advance(turn, value)


MINOR_AGE = 16  # Art. 8 GDPR as Germany applies it: younger people need a parent's consent
MEMORY = "memory"  # "Use without saving"


def is_minor(turn: Turn) -> bool:
    """Under 16 by the age answered before the consent question (not saved to a profile)."""
    person = person_of(turn.session.profile, turn.world.today, None)
    return person.age_high is not None and person.age_high < MINOR_AGE


class ConsentKind(ChoiceKind):
    name = "consent"
    value_type = None

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        parts = Kind.prompt(self, turn, step)
        if is_minor(turn):
            parts.insert(0, bold(esc(turn.t.gettext(
                "You are under 16. Then a parent, your guardian (Vormund) or the youth office "
                "(Jugendamt) should know about Lotse and agree before I save your answers. If "
                "you came to Germany without your parents, the Jugendamt takes care of you: "
                "tell them or your guardian about Lotse. You can use Lotse without saving now."
            ))))  # fmt: skip
        return parts

    def buttons(self, turn: Turn, step: Step) -> Rows:
        rows = super().buttons(turn, step)
        if is_minor(turn):
            # Without saving first: the safe choice for someone who cannot consent alone.
            rows.sort(key=lambda row: not row[0].data.endswith(f":{MEMORY}"))
        return rows

    def satisfied(self, turn: Turn) -> bool:
        return turn.session.consented

    def answered(self, turn: Turn, step: Step) -> bool:
        return turn.session.consented

    def answer(self, turn: Turn, step: Step, value: str) -> None:
        if value == "agree":
            turn.session.consented = True
            turn.session.unsaved = False
            interpreter.advance(turn, value)
        elif value == MEMORY:
            turn.session.consented = True
            turn.session.unsaved = True
            turn.note(turn.t.gettext(
                "Okay, I do not save a profile of you. Your answers stay only for this "
                "conversation: I delete them 24 hours after your last message. Reminders and "
                "talking to a person need saving; /privacy turns saving on."
            ))  # fmt: skip
            interpreter.advance(turn, value)
        elif value == "decline":
            forget(turn.session)
            turn.effect(Erase())
            turn.note(
                turn.t.gettext(
                    "Okay. I did not save anything about you. If you need help, you can go to "
                    "the Jugendmigrationsdienst (youth migration service) in your town. If you "
                    "change your mind, send /start."
                )
            )
        else:
            interpreter.ask(turn)


class MultiKind(ChoiceKind):
    name = "multi"
    value_type = "keys"

    def enter(self, turn: Turn, step: Step) -> None:
        current = interpreter.current_value(turn, step) or ()
        turn.frame.pending["ticked"] = list(current)  # type: ignore[union-attr]

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        return Kind.prompt(self, turn, step)

    def ticked(self, turn: Turn) -> list[str]:
        return list(turn.frame.pending.get("ticked", [])) if turn.frame else []

    def buttons(self, turn: Turn, step: Step) -> Rows:
        t, context = turn.t, interpreter.context(turn, step)
        ticked = set(self.ticked(turn))
        rows: Rows = []
        for option in step.options:
            mark = "✅ " if option.value in ticked else ""
            label = mark + t.pgettext(context, option.label)
            rows.append((Button(label, callback.encode("fl", "t", step.id, option.value)),))
        rows.append((Button(t.gettext("Done ✔"), callback.encode("fl", "d", step.id)),))
        return rows

    def press(self, turn: Turn, step: Step, action: str, value: str) -> None:
        if action == "t" and step.option(value) is not None:
            ticked = self.ticked(turn)
            ticked.remove(value) if value in ticked else ticked.append(value)
            turn.frame.pending["ticked"] = ticked  # type: ignore[union-attr]
            interpreter.ask(turn, replace=True)
        elif action == "d":
            self.finish(turn, step)
        else:
            interpreter.ask(turn)

    def text(self, turn: Turn, step: Step, text: str) -> None:
        meaning = turn.world.answers.meaning(turn.t.language, text)
        done = meaning == "done" or (meaning == "yes" and self.ticked(turn))  # "ok" after ticks
        if done or matches_label(text, "Done ✔", turn.t.gettext("Done ✔")):
            self.finish(turn, step)
            return
        ticked = self.ticked(turn)
        understood = False
        for piece in _LIST_SEPARATORS.split(text):
            value = self.match(turn, step, piece) if piece.strip() else None
            if value:
                understood = True
                if value not in ticked:
                    ticked.append(value)
        turn.frame.pending["ticked"] = ticked  # type: ignore[union-attr]
        if understood:
            interpreter.ask(turn)
        else:
            interpreter.refuse(turn, step)

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        return ", ".join(ChoiceKind.show(self, t, world, flow, step, v) for v in value)

    def finish(self, turn: Turn, step: Step) -> None:
        ticked = [v for v in self.ticked(turn) if step.option(v)]
        if not ticked:
            interpreter.refuse(turn, step)
            return
        order = [o.value for o in step.options]
        interpreter.save(turn, tuple(sorted(ticked, key=order.index)))
