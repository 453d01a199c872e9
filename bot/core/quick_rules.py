"""The rules of eligibility.py compiled to plain numbers, for ranking thousands of offers: one
`quick_verdict` per offer in reach, without reasons or notes. A property test checks that it
always gives the verdict of the readable `assess`."""

from __future__ import annotations

from typing import NamedTuple

from bot.core.catalogue import Offer
from bot.core.eligibility import ALMOST_MONTHS, ALMOST_YEARS
from bot.core.keys import level_rank
from bot.core.person import Person

NO_LIMIT_LOW, NO_LIMIT_HIGH = -1, 1_000_000
HIDDEN_V, FIT_V, ALMOST_V = 0, 1, 2


class OfferRules(NamedTuple):
    """An offer's rules as plain numbers, made once per catalogue."""

    valid_from: int  # date ordinals; open ends are NO_LIMIT_*
    valid_until: int
    min_age: int
    max_age: int
    statuses: frozenset[str] | None
    min_rank: int  # German level ranks; no limit is NO_LIMIT_*
    max_rank: int
    school: int  # SCHOOL_ANY, SCHOOL_REQUIRED or SCHOOL_EXCLUDED
    # By status, for conditions that can decide: (months needed while in a reception centre,
    # months needed outside (0: none), excluded while in a reception centre). None: no such.
    conditions: dict[str, tuple[int, int, bool]] | None
    dated: tuple[tuple[frozenset[str], int, int], ...]  # (statuses, from, until) ordinals


SCHOOL_ANY, SCHOOL_REQUIRED, SCHOOL_EXCLUDED = 0, 1, 2
_SCHOOL = {"any": SCHOOL_ANY, "required": SCHOOL_REQUIRED, "excluded": SCHOOL_EXCLUDED}
SCHOOL_ALMOST_DAYS = 31 * ALMOST_MONTHS


class Facts(NamedTuple):
    """What the compiled rules need of a person, as plain values (see Person)."""

    age_low: int | None
    age_high: int | None
    status: str | None  # None: not known
    rank: int | None  # German level rank; None: not known
    months: int | None  # months in Germany
    reception: bool | None
    school_obliged: bool | None
    school_end: int | None  # date ordinal of the obligation's last day


def facts_of(person: Person) -> Facts:
    end = person.school.ends
    return Facts(
        person.age_low, person.age_high, person.status, person.level, person.months,
        person.reception, person.school.obliged, end.toordinal() if end else None,
    )  # fmt: skip


def compile_rules(offer: Offer) -> OfferRules:
    conditions = {
        status: (c.months_needed(True) or 0, c.months_needed(False) or 0, c.reception_excluded)
        for status, c in offer.conditions.items()
        if c.months_needed(True) or c.months_needed(False) or c.reception_excluded
    }
    return OfferRules(
        offer.valid_from.toordinal() if offer.valid_from else NO_LIMIT_LOW,
        offer.valid_until.toordinal() if offer.valid_until else NO_LIMIT_HIGH,
        offer.min_age if offer.min_age is not None else NO_LIMIT_LOW,
        offer.max_age if offer.max_age is not None else NO_LIMIT_HIGH,
        offer.statuses,
        level_rank(offer.min_german) if offer.min_german else NO_LIMIT_LOW,
        level_rank(offer.max_german) if offer.max_german else NO_LIMIT_HIGH,
        _SCHOOL[offer.school_obligation],
        conditions or None,
        tuple(
            (
                rule.statuses,
                rule.starts.toordinal(),
                rule.until.toordinal() if rule.until else NO_LIMIT_HIGH,
            )
            for rule in offer.rules
        ),
    )


def quick_verdict(rules: OfferRules, day: int, who: Facts) -> int:
    """`assess(...).verdict` as HIDDEN_V, FIT_V or ALMOST_V, for an offer in reach, without
    the reasons and notes. A property test checks that both always agree."""
    # One unpacking instead of many attribute look-ups: this runs for every offer in reach.
    (valid_from, valid_until, min_age, max_age, statuses, min_rank, max_rank, school,
     conditions, dated) = rules  # fmt: skip
    if day < valid_from or day > valid_until:
        return HIDDEN_V
    age_low, age_high, status, rank, months, reception, obliged, school_end = who
    gaps = 0
    if age_low is not None and age_high is not None and (min_age, max_age) != (
        NO_LIMIT_LOW, NO_LIMIT_HIGH,
    ):  # fmt: skip
        if age_low > max_age:
            return HIDDEN_V
        if age_low < min_age:
            if min_age - age_high > ALMOST_YEARS:
                return HIDDEN_V
            gaps = 1
    if status is not None:
        if statuses is not None and status not in statuses:
            return HIDDEN_V
        condition = conditions.get(status) if conditions is not None else None
        if condition is not None:
            in_centre, outside, excluded = condition
            if excluded and reception:
                return HIDDEN_V
            needed = in_centre if reception else outside
            if needed and months is not None and months < needed:
                if needed - months > ALMOST_MONTHS:
                    return HIDDEN_V
                gaps += 1
    if rank is not None and (min_rank, max_rank) != (NO_LIMIT_LOW, NO_LIMIT_HIGH):
        if rank > max_rank:
            return HIDDEN_V
        if rank < min_rank:
            gaps += 1
    if school == SCHOOL_EXCLUDED:
        if obliged:
            if school_end is None or school_end - day > SCHOOL_ALMOST_DAYS:
                return HIDDEN_V
            gaps += 1
    elif school == SCHOOL_REQUIRED and obliged is False:
        return HIDDEN_V
    if status is not None:
        for rule_statuses, starts, until in dated:
            if status in rule_statuses and starts <= day <= until:
                gaps += 1
    if gaps > 1:
        return HIDDEN_V
    return ALMOST_V if gaps else FIT_V
