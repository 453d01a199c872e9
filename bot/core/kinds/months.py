"""Kinds that ask for a month: a birth month (or the age, typed), a month of arrival (or "I
don't know"). Stored as "2009-03", or as the span of months it may have been in
("2008-07/2009-06" for a typed age, "2025-01/2025-12" for a year alone)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.core import interpreter
from bot.core.flow import Flow, Step
from bot.core.kinds.base import Kind
from bot.core.kinds.choices import ChoiceKind
from bot.core.kinds.typed import TypedKind
from bot.core.person import MonthSpan, age_at, birth_of_age
from bot.core.text import Translator, ltr
from bot.core.turn import Turn
from bot.core.world import World

_NUMBER = re.compile(r"\d+")
MIN_AGE, MAX_AGE = 6, 99


def month_span(text: str, today: date) -> MonthSpan | None:
    """ "03.2009", "3/2009", "2009-03", "3 2009" (a month), or "2009" (a year): None if not a
    month or year up to today."""
    numbers = [int(n) for n in _NUMBER.findall(text)]
    years = [n for n in numbers if 1900 <= n <= today.year]
    months = [n for n in numbers if 1 <= n <= 12]
    if len(numbers) == 2 and len(years) == 1 and months:
        month = next(n for n in numbers if n != years[0] or numbers.count(n) > 1)
        if not 1 <= month <= 12 or (years[0], month) > (today.year, today.month):
            return None
        return MonthSpan((years[0], month), (years[0], month))
    if len(numbers) == 1 and len(years) == 1:
        last = (years[0], 12) if years[0] < today.year else (years[0], today.month)
        return MonthSpan((years[0], 1), last)
    return None


def month_name(t: Translator, span: MonthSpan) -> str:
    year, month = span.first
    if span.exact:
        return ltr(t, t.format_month(date(year, month, 1)))
    return ltr(t, str(year))


class BirthKind(TypedKind):
    """When were you born: a month and year, a year, or the age."""

    name = "birth"
    value_type = "birth"

    def parse(self, turn: Turn, step: Step, text: str) -> str | None:
        today = turn.world.today
        span = month_span(text, today)
        if span is not None:
            age = age_at(*span.first, today)
            return span.text() if MIN_AGE <= age <= MAX_AGE else None
        numbers = _NUMBER.findall(text)
        if len(numbers) == 1 and MIN_AGE <= int(numbers[0]) <= MAX_AGE:
            return birth_of_age(int(numbers[0]), today).text()
        return None

    def answered(self, turn: Turn, step: Step) -> bool:
        return turn.session.profile.has(step.field)

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        span = MonthSpan.parse(value)
        if span is None:
            return str(value)
        low, high = age_at(*span.last, world.today), age_at(*span.first, world.today)
        age = ltr(t, t.format_number(low))
        if span.exact:
            return t.gettext("{age} (born in {month})").format(
                age=age, month=month_name(t, span)
            )
        return age if low == high else t.gettext("{low} or {high}").format(
            low=age, high=ltr(t, t.format_number(high))
        )


class MonthKind(ChoiceKind):
    """A month in the past ("07.2026"), a year, or an option button such as "I don't know"."""

    name = "month"
    value_type = "month"
    needs_options = False

    def prompt(self, turn: Turn, step: Step) -> list[str]:
        return Kind.prompt(self, turn, step)  # no explanation lines under the question

    def text(self, turn: Turn, step: Step, text: str) -> None:
        span = month_span(text, turn.world.today)
        if span is not None:
            interpreter.save(turn, span.text())
            return
        super().text(turn, step, text)  # an option's label, typed

    def show(self, t: Translator, world: World, flow: Flow, step: Step, value: Any) -> str:
        span = MonthSpan.parse(value)
        return month_name(t, span) if span else super().show(t, world, flow, step, value)
