"""The values that cross the border between a channel and the dialogue core."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.core.desk import NOTHING, Prepared
from bot.core.effects import Effect

InputKind = Literal["command", "text", "button", "location", "file", "forwarded", "unsupported"]


@dataclass(frozen=True)
class Upload:
    """A document someone sent: its name, type and bytes (the channel downloaded it)."""

    name: str
    mime_type: str
    content: bytes


@dataclass(frozen=True)
class Input:
    """One thing a person did: typed, tapped, shared a location, sent a file or something else."""

    kind: InputKind
    value: str = ""
    # For commands: the argument after the command (a /start deep-link payload).
    argument: str = ""
    latitude: float | None = None
    longitude: float | None = None
    upload: Upload | None = None
    # The channel's id of the message (a relay to a counsellor copies it, never its text).
    message_id: int | None = None
    # What the service looked up for this input (an invitation, a checked upload, ...).
    prepared: Prepared = NOTHING


@dataclass(frozen=True)
class Button:
    """A callback button (`data`), or a link (`url`), or "share into a chat" (`share`: the
    inline query the chosen chat gets)."""

    label: str
    data: str = ""
    url: str = ""
    share: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply, e.g. an event's calendar file."""

    filename: str
    content: bytes
    mime_type: str = "text/calendar"


@dataclass(frozen=True)
class Reply:
    """One message to send. `html` uses Telegram's HTML subset; every dynamic part is escaped."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # True: this message replaces the one whose button was tapped (e.g. ticking an interest).
    replace: bool = False
    notice: str = ""  # short pop-up text for a tapped button (answerCallbackQuery)
    attachment: Attachment | None = None  # sent as a document, `html` as its caption


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    # What else the input changes, carried out in the transaction that saves the session.
    effects: list[Effect] = field(default_factory=list)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.effects if isinstance(e, kind)]
