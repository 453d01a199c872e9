"""The values that cross the border between a channel and the dialogue core."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

InputKind = Literal["command", "text", "button", "location", "unsupported"]


@dataclass(frozen=True)
class Input:
    """One thing a person did: typed, tapped, shared a location or sent something else."""

    kind: InputKind
    value: str = ""
    # For commands: the argument after the command (a /start deep-link payload).
    argument: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Button:
    label: str
    data: str


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
    # Side effects the service carries out after the reply is computed.
    erase: bool = False
    # A search that found nothing fitting, counted per district (never per person).
    search_miss: str = ""
    # Event subscriptions to store or remove (event ids); the service plans the reminders.
    subscribe: list[str] = field(default_factory=list)
    unsubscribe: list[str] = field(default_factory=list)
    # An answer to "Did you go?": (event id, "yes" | "no" | "cancelled"), counted without names.
    went: tuple[str, str] | None = None
