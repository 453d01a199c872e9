"""Kinds that read typed text or a file: a number, free text, a date, a date and time, a
document."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from bot.core import interpreter
from bot.core.dialogue_io import Upload
from bot.core.effects import KeepUpload
from bot.core.flow import Flow, Step
from bot.core.kinds.base import Kind
from bot.core.text import Translator, ltr
from bot.core.turn import Turn
from bot.core.validators import VALIDATORS, parse_date, parse_time
from bot.core.world import World

TEXT_MAX = 500  # characters of a free-text answer
UPLOAD_MAX = 5 * 1024 * 1024


class TypedKind(Kind):
    """A kind whose answer is typed: `parse` turns the text into the value, or None."""

    def parse(self, turn: Turn, step: Step, text: str) -> Any:
        raise NotImplementedError

    def text(self, turn: Turn, step: Step, text: str) -> None:
        value = self.parse(turn, step, text)
        if value is None:
            interpreter.refuse(turn, step)
        else:
            interpreter.save(turn, value)


class NumberKind(TypedKind):
    name = "number"
    value_type = "int"

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        return ltr(t, t.format_number(value))

    def parse(self, turn: Turn, step: Step, text: str) -> Any:
        return VALIDATORS[step.validator](text, turn.world.today)


class TextKind(TypedKind):
    name = "text"
    value_type = "text"

    def parse(self, turn: Turn, step: Step, text: str) -> Any:
        value = " ".join(text.split())
        return value if value and len(value) <= TEXT_MAX else None


MESSAGE_MAX = 3500  # a broadcast's text: Telegram allows 4096, room for the heading


class MessageKind(TypedKind):
    """A longer message with its line breaks (a coordinator's news)."""

    name = "message"
    value_type = "text"

    def parse(self, turn: Turn, step: Step, text: str) -> Any:
        lines = [" ".join(line.split()) for line in text.strip().splitlines()]
        value = "\n".join(lines).strip()
        return value if value and len(value) <= MESSAGE_MAX else None


class DateKind(TypedKind):
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
