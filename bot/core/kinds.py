"""Answer kinds: each renders its question and handles its own input. Adding a kind is one
class in `REGISTRY`; the interpreter never asks which kind a step is."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any, ClassVar

from rapidfuzz import fuzz, process, utils

from bot.core import callback, interpreter
from bot.core.dialogue_io import Button, Reply, Upload
from bot.core.effects import Erase, KeepUpload
from bot.core.flow import Flow, Step
from bot.core.profile import forget
from bot.core.text import Translator, bold, esc, ltr
from bot.core.turn import Turn
from bot.core.validators import VALIDATORS, parse_date, parse_time
from bot.core.world import World

TEXT_MATCH_CUTOFF = 85
TEXT_MAX = 500  # characters of a free-text answer
UPLOAD_MAX = 5 * 1024 * 1024
_LIST_SEPARATORS = re.compile(r"[,;/\n،؛]+")
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


class ChoiceKind(Kind):
    name = "choice"
    value_type = "key"
    needs_options = True

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        parts = super().prompt(turn, step)
        explained = [o for o in step.options if o.explain]
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
        return [
            (answer_button(t.pgettext(context, o.label), step, o.value),) for o in step.options
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
        names = self.choices(turn, step)
        found = process.extractOne(
            utils.default_process(text), list(names), scorer=fuzz.WRatio,
            score_cutoff=TEXT_MATCH_CUTOFF,
        )  # fmt: skip
        return names[found[0]] if found else None

    def text(self, turn: Turn, step: Step, text: str) -> None:
        value = self.match(turn, step, text)
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


class ConsentKind(ChoiceKind):
    name = "consent"
    value_type = None

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        return Kind.prompt(self, turn, step)

    def satisfied(self, turn: Turn) -> bool:
        return turn.session.consented

    def answered(self, turn: Turn, step: Step) -> bool:
        return turn.session.consented

    def answer(self, turn: Turn, step: Step, value: str) -> None:
        if value == "agree":
            turn.session.consented = True
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


class NumberKind(Kind):
    name = "number"
    value_type = "int"

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        return ltr(t, t.format_number(value))

    def text(self, turn: Turn, step: Step, text: str) -> None:
        value = VALIDATORS[step.validator](text, turn.world.today)
        if value is None:
            interpreter.refuse(turn, step)
        else:
            interpreter.save(turn, value)


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
        if matches_label(text, "Done ✔", turn.t.gettext("Done ✔")):
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


class PlaceKind(Kind):
    name = "place"
    value_type = "place"

    def candidates(self, turn: Turn) -> list[str]:
        return [str(p) for p in turn.frame.pending.get("candidates", [])] if turn.frame else []

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        if self.candidates(turn):
            return [esc(turn.t.gettext("Is it one of these? Tap it, or type your town again."))]
        return super().prompt(turn, step)

    def buttons(self, turn: Turn, step: Step) -> Rows:
        t, rows = turn.t, []
        for place_id in self.candidates(turn):
            place = turn.world.catalogue.places.get(place_id)
            if place:
                label = t.gettext("{place} ({postcode})").format(
                    place=place.name, postcode=place.postcodes[0]
                )
                rows.append((answer_button(ltr(t, label), step, place.id),))
        return rows

    def text(self, turn: Turn, step: Step, text: str) -> None:
        found = turn.world.places.search(text)
        turn.frame.pending["candidates"] = [p.id for p in found]  # type: ignore[union-attr]
        interpreter.ask(turn, "" if found else self.help(turn, step))

    def location(self, turn: Turn, step: Step, lat: float, lon: float) -> bool:
        nearest = turn.world.places.nearest(lat, lon)
        turn.frame.pending["candidates"] = [place.id for place, _km in nearest]  # type: ignore[union-attr]
        interpreter.ask(turn, "" if nearest else self.help(turn, step))
        return True

    def help(self, turn: Turn, step: Step) -> str:
        t = turn.t
        districts = ", ".join(d.name for d in turn.world.catalogue.districts.values())
        return "\n".join(
            [
                esc(t.pgettext(interpreter.context(turn, step), step.help)),
                esc(
                    t.gettext("For now I know places in: {districts}.").format(districts=districts)
                ),
            ]
        )

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        place = world.catalogue.places.get(str(value))
        return ltr(t, place.name) if place else str(value)

    def press(self, turn: Turn, step: Step, action: str, value: str) -> None:
        if action == "a" and value in turn.world.catalogue.places:
            interpreter.save(turn, value)
        else:
            interpreter.ask(turn)


class LocationKind(Kind):
    name = "location"
    value_type = "location"

    def location(self, turn: Turn, step: Step, lat: float, lon: float) -> bool:
        interpreter.save(turn, [round(lat, 5), round(lon, 5)])
        return True


class TextKind(Kind):
    name = "text"
    value_type = "text"

    def text(self, turn: Turn, step: Step, text: str) -> None:
        value = " ".join(text.split())
        if not value or len(value) > TEXT_MAX:
            interpreter.refuse(turn, step)
        else:
            interpreter.save(turn, value)


class DateKind(Kind):
    """A date ("3.12.2026"), or with `validator` e.g. future_date; stored as ISO text."""

    name = "date"
    value_type = "date"

    def parse(self, turn: Turn, step: Step, text: str) -> Any:
        if step.validator:
            return VALIDATORS[step.validator](text, turn.world.today)
        day = parse_date(text, turn.world.today)
        return day.isoformat() if day else None

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        return ltr(t, t.format_date(date.fromisoformat(str(value)[:10])))

    def text(self, turn: Turn, step: Step, text: str) -> None:
        value = self.parse(turn, step, text)
        if value is None:
            interpreter.refuse(turn, step)
        else:
            interpreter.save(turn, value)


class DateTimeKind(DateKind):
    """A local date and time ("3.12.2026 18:00"), stored as ISO text without a zone."""

    name = "datetime"
    value_type = "datetime"

    def parse(self, turn: Turn, step: Step, text: str) -> Any:
        if step.validator:
            return VALIDATORS[step.validator](text, turn.world.today)
        day, moment = parse_date(text, turn.world.today), parse_time(text)
        return f"{day.isoformat()}T{moment:%H:%M}" if day and moment else None


class FileKind(Kind):
    """A document upload; its bytes are kept by the service (an effect), the draft holds a
    reference to them."""

    name = "file"
    value_type = "file"

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        return str(value.get("name", "")) if isinstance(value, dict) else str(value)

    def upload(self, turn: Turn, step: Step, upload: Upload) -> bool:
        if not upload.content or len(upload.content) > UPLOAD_MAX:
            interpreter.refuse(turn, step)
            return True
        key = hashlib.sha256(upload.content).hexdigest()[:32]
        turn.effect(KeepUpload(key, upload.name, upload.mime_type, upload.content))
        interpreter.save(turn, {"upload": key, "name": upload.name, "size": len(upload.content)})
        return True


REGISTRY: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        LanguageKind(), ConsentKind(), NumberKind(), ChoiceKind(), MultiKind(), PlaceKind(),
        LocationKind(), TextKind(), DateKind(), DateTimeKind(), FileKind(),
    )
}  # fmt: skip
