"""Everything the dialogue reads but never changes, passed in from outside."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot.core.answers import Answers
from bot.core.cards import CardIndex
from bot.core.catalogue import Catalogue
from bot.core.events import Event
from bot.core.flow import Flow
from bot.core.places import PlaceIndex
from bot.core.search import SearchIndex
from bot.core.text import Translator

if TYPE_CHECKING:
    from bot.core.tables import Tables

FALLBACK_LANGUAGE = "en"

# Telegram sends IETF tags; some name a language we ship under another code, or a language
# whose speakers usually read one we ship (Belarusian or Kazakh speakers mostly read Russian).
CLOSEST_LANGUAGE = {
    "prs": "fa_AF",
    "fa_af": "fa_AF",
    "kmr": "ku",
    "sdh": "ckb",
    "be": "ru",
    "kk": "ru",
    "ky": "ru",
    "az": "tr",
}


@dataclass(frozen=True)
class Language:
    code: str  # our catalogue code: "ar", "fa_AF", "ckb", ...
    name: str  # in its own script, for the picker


@dataclass(frozen=True)
class Operator:
    """Who runs this Lotse (said in /privacy) and how long data is kept without use."""

    name: str = ""
    contact: str = ""
    retention_days: int = 365
    bot_username: str = ""  # for links to the bot (invites, shared offers); "" unknown


@dataclass(frozen=True)
class World:
    flows: dict[str, Flow]
    tables: Tables
    catalogue: Catalogue
    places: PlaceIndex
    languages: tuple[Language, ...]
    translator: Callable[[str], Translator]
    today: date
    search: SearchIndex
    events: dict[str, Event] = field(default_factory=dict)
    cards: CardIndex = field(default_factory=lambda: CardIndex({}))
    answers: Answers = field(default_factory=Answers)
    # The moment of this input (UTC); `today` is its date in the district's time zone.
    now: datetime = datetime(1970, 1, 1, tzinfo=UTC)
    version: int = 0  # the content version, changed by every swap
    operator: Operator = field(default_factory=lambda: Operator())

    @property
    def profile_flow(self) -> Flow:
        """The one flow that fills the profile (the onboarding)."""
        return next(f for f in self.flows.values() if f.fills == "profile")

    def language(self, code: str | None) -> Language | None:
        return next((lang for lang in self.languages if lang.code == code), None)

    def closest_language(self, tag: str | None) -> str | None:
        """A shipped language for a Telegram `language_code` like "ar" or "uk-UA", or None."""
        if not tag:
            return None
        tag = tag.replace("-", "_").lower()
        codes = {lang.code.lower(): lang.code for lang in self.languages}
        for candidate in (tag, tag.split("_")[0]):
            candidate = CLOSEST_LANGUAGE.get(candidate, candidate).lower()
            if candidate in codes:
                return codes[candidate]
        return None
