"""Answer validators, found by name from the conversation files: typed text in, a value out
(None when the text does not fit)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time

# `\d` matches every Unicode decimal digit, so Arabic-Indic and Persian digits work too.
_NUMBER = re.compile(r"\d+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.(?:\s*(\d{2,4}))?")
_TIME = re.compile(r"(?<![\d.])(\d{1,2})[:.h](\d{2})(?!\d)")

Validator = Callable[[str, date], object | None]

MIN_AGE = 6
MAX_AGE = 99


def age_or_birth_year(text: str, today: date) -> int | None:
    """An age in years, from "17", "I am 17" or a birth year like "2008"; None if not plausible."""
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1:
        return None
    value = int(numbers[0])
    if today.year - MAX_AGE <= value <= today.year:
        value = today.year - value  # a birth year; the birthday may still come, so "about"
    if MIN_AGE <= value <= MAX_AGE:
        return value
    return None


def parse_date(text: str, today: date) -> date | None:
    """ "2026-12-03", "3.12.2026", "03.12.26" or "3.12." (the next such day from today)."""
    iso = _ISO_DATE.search(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        german = _GERMAN_DATE.search(text)
        if german is None:
            return None
        day, month, year = int(german[1]), int(german[2]), german[3]
        if year is None:
            candidate = date(today.year, month, day)
            return candidate if candidate >= today else date(today.year + 1, month, day)
        full = int(year) + (2000 if len(year) == 2 else 0)
        return date(full, month, day)
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    # A date's dots are not a time: "3.12. 18:00" finds 18:00, "3.12." finds nothing.
    stripped = _GERMAN_DATE.sub(" ", _ISO_DATE.sub(" ", text))
    found = _TIME.search(stripped)
    if found is None:
        return None
    hour, minute = int(found[1]), int(found[2])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def future_date(text: str, today: date) -> str | None:
    """A date from today on, as ISO text."""
    day = parse_date(text, today)
    return day.isoformat() if day and day >= today else None


def future_datetime(text: str, today: date) -> str | None:
    """A local date and time from today on, as ISO text without a zone ("2026-12-03T18:00");
    the flow's result handler reads it in the district's time zone."""
    day, moment = parse_date(text, today), parse_time(text)
    if day is None or moment is None or day < today:
        return None
    return datetime.combine(day, moment).isoformat(timespec="minutes")


VALIDATORS: dict[str, Validator] = {
    "age_or_birth_year": age_or_birth_year,
    "future_date": future_date,
    "future_datetime": future_datetime,
}
