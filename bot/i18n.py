"""Translations from `locales/<lang>/LC_MESSAGES/messages.po`, read directly (no compile step).

English is the source language: its msgids are the texts. Every other language needs a
catalogue; a missing or fuzzy entry falls back to English (the CI gate keeps that from
happening in shipped languages).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    format_timedelta,
    get_day_names,
    get_month_names,
)
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from bot.core.world import FALLBACK_LANGUAGE, Language

log = logging.getLogger(__name__)

DOMAIN = "messages"

# The picker order. Dari reads the Farsi catalogue but gets Afghan formats (fa_AF).
LANGUAGE_ORDER = ("de", "en", "ar", "fa", "fa_AF", "ps", "uk", "ru", "tr", "ku", "ckb", "ti",
                  "so", "fr")  # fmt: skip
CATALOGUE_OF = {"fa_AF": "fa"}

# Hand-written picker names where CLDR's own name would confuse (e.g. Dari shows as
# "Persian (Afghanistan)" in CLDR).
PICKER_NAMES = {
    "fa": "فارسی (Farsi)",
    "fa_AF": "دری (Dari)",
    "ku": "Kurdî (Kurmancî)",
    "ckb": "کوردی (سۆرانی)",
}


@dataclass
class BabelTranslator:
    """The core's Translator, backed by a compiled gettext catalogue and a babel Locale."""

    language: str
    translations: NullTranslations
    locale: Locale = field(repr=False)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def format_number(self, number: float) -> str:
        return format_decimal(number, locale=self.locale)

    def format_currency(self, amount: float, currency: str) -> str:
        return format_currency(amount, currency, locale=self.locale)

    def format_date(self, day: date) -> str:
        return format_date(day, format="long", locale=self.locale)

    def format_month(self, day: date) -> str:
        return format_skeleton("yMMMM", day, locale=self.locale)

    def format_day(self, day: date) -> str:
        return format_date(day, format="full", locale=self.locale)

    def format_time(self, moment: datetime) -> str:
        return format_time(moment, format="short", locale=self.locale)

    def format_clock(self, moment: time) -> str:
        return format_time(moment, format="short", locale=self.locale)

    def weekday_name(self, weekday: int) -> str:
        return get_day_names("abbreviated", locale=self.locale)[weekday]

    def month_name(self, month: int) -> str:
        return get_month_names("wide", context="stand-alone", locale=self.locale)[month]

    def format_duration(self, span: timedelta) -> str:
        return format_timedelta(span, threshold=1.5, locale=self.locale)

    def territory_name(self, code: str) -> str:
        return self.locale.territories.get(code) or code

    def format_list(self, items: Sequence[str]) -> str:
        return format_list(list(items), locale=self.locale)


class Catalogues:
    """All shipped languages, loaded once at start."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._translations: dict[str, NullTranslations] = {FALLBACK_LANGUAGE: NullTranslations()}
        for po_path in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            code = po_path.parent.parent.name
            self._translations[code] = load_po(po_path)
        self._cache: dict[str, BabelTranslator] = {}
        self._languages: tuple[Language, ...] | None = None

    @cached_property
    def codes(self) -> list[str]:
        """Every language a person can choose: one per catalogue, plus those sharing one."""
        available = set(self._translations) | {
            code for code, source in CATALOGUE_OF.items() if source in self._translations
        }
        ordered = [code for code in LANGUAGE_ORDER if code in available]
        return ordered + sorted(available - set(ordered))

    def languages(self) -> tuple[Language, ...]:
        if self._languages is None:
            self._languages = tuple(Language(code, language_name(code)) for code in self.codes)
        return self._languages

    def translator(self, code: str) -> BabelTranslator:
        if code not in self.codes:
            code = FALLBACK_LANGUAGE
        if code not in self._cache:
            catalogue = self._translations[CATALOGUE_OF.get(code, code)]
            self._cache[code] = BabelTranslator(code, catalogue, Locale.parse(code))
        return self._cache[code]


def load_po(path: Path) -> Translations:
    """Read a .po file and compile it in memory; fuzzy entries are left out, like msgfmt does."""
    with path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def language_name(code: str) -> str:
    if code in PICKER_NAMES:
        return PICKER_NAMES[code]
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]
