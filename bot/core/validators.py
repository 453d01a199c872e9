"""Answer validators, found by name from the conversation files."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

# `\d` matches every Unicode decimal digit, so Arabic-Indic and Persian digits work too.
_NUMBER = re.compile(r"\d+")

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


VALIDATORS: dict[str, Validator] = {
    "age_or_birth_year": age_or_birth_year,
}
