"""Reading an offer's structured facts from its row (the schedule, cost, requirements and
next-step columns of data/README.md); every problem is recorded on the row."""

from __future__ import annotations

import re
from datetime import time

from bot.content.rows import CsvRow
from bot.core import offer_facts as keys
from bot.core.offer_facts import OfferFacts, Span, Window

FACT_COLUMNS = (
    "format", "days", "time_from", "time_to", "times_extra", "times_or", "hours_per_week",
    "duration", "intake", "start_months", "frequency", "apply_by", "cost_type",
    "cost_amount", "cost_unit", "cost_exemption", "cost_extra", "pay", "grants", "requires",
    "next_step", "bring",
)  # fmt: skip
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_WINDOW = re.compile(r"^([a-z;\-]+)@(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")
_SPAN = re.compile(r"^(\d+(?:\.\d+)?)?([a-z]?)(-)?(?:(\d+(?:\.\d+)?)([a-z]?))?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _keys(row: CsvRow, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = row.items(name, required=False)
    for value in values:
        if value not in allowed:
            row.problem(name, f"{value!r} is not one of {', '.join(allowed)}")
    if len(set(values)) != len(values):
        row.problem(name, "names a value twice")
    return tuple(v for v in values if v in allowed)


def _days(row: CsvRow, name: str, text: str) -> tuple[int, ...]:
    """ "mon;tue;wed" or "mon-fri" (or both: "mon-wed;fri")."""
    days: list[int] = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        first, _, last = part.partition("-")
        if first not in keys.DAYS or (last and last not in keys.DAYS):
            row.problem(name, f"{part!r} is not a day ({', '.join(keys.DAYS)}) or a range mon-fri")
            continue
        low = keys.DAYS.index(first)
        high = keys.DAYS.index(last) if last else low
        days.extend(range(low, high + 1) if low <= high else ())
        if low > high:
            row.problem(name, f"{part!r} runs backwards")
    return tuple(sorted(set(days)))


def _time(row: CsvRow, name: str, text: str) -> time | None:
    found = _TIME.match(text)
    if not found:
        row.problem(name, f"{text!r} is not a time like 08:30")
        return None
    return time(int(found[1]), int(found[2]))


def _window(row: CsvRow, name: str) -> Window | None:
    """ "mon;tue@17:30-20:45": another window of days and times."""
    text = row.text(name, required=False)
    if not text:
        return None
    found = _WINDOW.match(text)
    if not found:
        row.problem(name, f"{text!r} is not days@HH:MM-HH:MM like mon-thu@17:30-20:45")
        return None
    start, end = _time(row, name, found[2]), _time(row, name, found[3])
    if start and end and end <= start:
        row.problem(name, "ends before it starts")
    return Window(_days(row, name, found[1]), start, end)


def _span(row: CsvRow, name: str, units: tuple[str, ...]) -> Span | None:
    """ "700h", "3.5y", "2y-3y", "-10m" (up to), "6m-" (at least); for hours a week and
    amounts without a unit: "20", "2-8"."""
    text = row.text(name, required=False).replace(",", ".")
    if not text:
        return None
    found = _SPAN.match(text)
    hint = "a number with a unit like 10m, 3y, 700h, a range 2y-3y, -10m (up to) or 6m-"
    if not units:
        hint = "a number, or a range like 2-8"
    if not found or not (found[1] or found[4]) or (found[4] and not found[3]):
        row.problem(name, f"{text!r} is not {hint}")
        return None
    low, low_unit, dash, high, high_unit = found.groups()
    unit = low_unit or high_unit or ""
    if (low_unit and high_unit and low_unit != high_unit) or (bool(unit) != bool(units)) or (
        unit and unit not in units
    ):
        row.problem(name, f"{text!r} is not {hint}")
        return None
    first = float(low) if low else None
    last = float(high) if high else (None if dash else first)
    if first is not None and last is not None and last < first:
        row.problem(name, f"{text!r} runs backwards")
    return Span(first, last, unit)


def read_facts(row: CsvRow) -> OfferFacts:
    windows = []
    days_text = row.text("days", required=False)
    start_text, end_text = row.text("time_from", False), row.text("time_to", False)
    if days_text or start_text or end_text:
        start = _time(row, "time_from", start_text) if start_text else None
        end = _time(row, "time_to", end_text) if end_text else None
        if bool(start_text) != bool(end_text):
            row.problem("time_to", "give time_from and time_to together")
        if start and end and end <= start:
            row.problem("time_to", "is before time_from")
        windows.append(Window(_days(row, "days", days_text), start, end))
    extra = _window(row, "times_extra")
    if extra:
        windows.append(extra)
    months = []
    for text in row.items("start_months", required=False):
        if not text.isdigit() or not 1 <= int(text) <= 12:
            row.problem("start_months", f"{text!r} is not a month number from 1 to 12")
        else:
            months.append(int(text))
    apply_text = row.text("apply_by", required=False)
    apply_in, apply_by = None, None
    if _MONTH.match(apply_text):
        apply_in = (int(apply_text[:4]), int(apply_text[5:]))
        if not 1 <= apply_in[1] <= 12:
            row.problem("apply_by", f"{apply_text!r} is not a month like 2027-02")
    elif apply_text:
        apply_by = row.day("apply_by")
    costs = _keys(row, "cost_type", keys.COST_TYPES)
    amount = _span(row, "cost_amount", ())
    unit = row.choice("cost_unit", keys.COST_UNITS, required=False)
    if amount and "fee" not in costs:
        row.problem("cost_amount", "is given, but cost_type is not fee")
    if amount and not unit:
        row.problem("cost_unit", "is required with cost_amount")
    return OfferFacts(
        formats=_keys(row, "format", keys.FORMATS),
        windows=tuple(windows),
        alternative=_window(row, "times_or"),
        frequency=row.choice("frequency", keys.FREQUENCIES, required=False),
        hours_per_week=_span(row, "hours_per_week", ()),
        duration=_span(row, "duration", keys.DURATION_UNITS),
        intake=_keys(row, "intake", keys.INTAKES),
        start_months=tuple(sorted(set(months))),
        apply_by=apply_by,
        apply_in=apply_in,
        cost_types=costs,
        cost_amount=amount,
        cost_unit=unit,
        cost_exemption=row.choice("cost_exemption", ("yes", "no"), required=False) == "yes",
        cost_extra=row.choice("cost_extra", ("yes", "no"), required=False) == "yes",
        pay=row.choice("pay", keys.PAY, required=False),
        grants=_keys(row, "grants", keys.GRANTS),
        requires=_keys(row, "requires", keys.REQUIRES),
        next_steps=_keys(row, "next_step", keys.NEXT_STEPS),
        bring=_keys(row, "bring", keys.BRING),
    )
