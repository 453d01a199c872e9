"""Who may join an offer: every rule checked with its reason; fitting, almost, or hidden.

"I don't know" for status or German level never excludes; it becomes a note that points to
counselling. An offer is "almost" when exactly one condition is missing and a step the person
can take would unlock it (more German, a birthday); anything else that fails hides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from bot.core.catalogue import Offer
from bot.core.keys import LEVEL_UNKNOWN, STATUS_UNKNOWN, level_rank
from bot.core.profile import Profile

Verdict = Literal["fit", "almost", "hidden"]
# An offer from a minimum age is "almost" for someone at most this many years younger.
ALMOST_YEARS = 1


@dataclass(frozen=True)
class Gap:
    """The one condition missing for an "almost" offer, e.g. rule min_german, need B1, have A2."""

    rule: Literal["min_german", "min_age"]
    need: str
    have: str


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    gap: Gap | None = None
    # Rules the offer has and the person meets, to say why it fits: age, status, german.
    reasons: tuple[str, ...] = ()
    # Things to tell along: status_unknown, german_unknown, needs_verification,
    # school_certificate.
    notes: tuple[str, ...] = ()
    # Why it is hidden (for tests and coordinators, never shown as a verdict on a person).
    hidden_by: str = ""


_HIDDEN: dict[str, Assessment] = {}


def _hidden(rule: str) -> Assessment:
    # One shared value per rule: most offers are hidden, and this runs for every offer.
    if rule not in _HIDDEN:
        _HIDDEN[rule] = Assessment("hidden", hidden_by=rule)
    return _HIDDEN[rule]


def assess(offer: Offer, profile: Profile, district: str, today: date) -> Assessment:
    """The verdict with its reasons, notes and the missing condition. The readable rules;
    `quick_verdict` below gives the same verdicts faster for ranking."""
    if not offer.is_valid_on(today):
        return _hidden("valid")
    if offer.district != district and not offer.online:
        return _hidden("district")
    gaps: list[Gap] = []
    reasons: list[str] = []
    notes: list[str] = []

    age = profile.age
    if age is not None and (offer.min_age is not None or offer.max_age is not None):
        if offer.max_age is not None and age > offer.max_age:
            return _hidden("max_age")
        if offer.min_age is not None and age < offer.min_age:
            if offer.min_age - age > ALMOST_YEARS:
                return _hidden("min_age")
            gaps.append(Gap("min_age", str(offer.min_age), str(age)))
        else:
            reasons.append("age")

    if offer.statuses is not None:
        if profile.status in (None, STATUS_UNKNOWN):
            notes.append("status_unknown")
        elif profile.status in offer.statuses:
            reasons.append("status")
        else:
            return _hidden("status")

    level = profile.german_level
    if offer.min_german or offer.max_german:
        if level in (None, LEVEL_UNKNOWN):
            notes.append("german_unknown")
        elif offer.max_german and level_rank(level) > level_rank(offer.max_german):
            return _hidden("max_german")
        elif offer.min_german and level_rank(level) < level_rank(offer.min_german):
            gaps.append(Gap("min_german", offer.min_german, level))
        else:
            reasons.append("german")

    if offer.needs_verification:
        notes.append("needs_verification")
    if offer.school_certificate_required:
        notes.append("school_certificate")
    if len(gaps) > 1:
        return _hidden(gaps[0].rule)
    verdict: Verdict = "almost" if gaps else "fit"
    return Assessment(verdict, gaps[0] if gaps else None, tuple(reasons), tuple(notes))


# -- the same rules, compiled for ranking thousands of offers ----------------------------------

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


def compile_rules(offer: Offer) -> OfferRules:
    return OfferRules(
        offer.valid_from.toordinal() if offer.valid_from else NO_LIMIT_LOW,
        offer.valid_until.toordinal() if offer.valid_until else NO_LIMIT_HIGH,
        offer.min_age if offer.min_age is not None else NO_LIMIT_LOW,
        offer.max_age if offer.max_age is not None else NO_LIMIT_HIGH,
        offer.statuses,
        level_rank(offer.min_german) if offer.min_german else NO_LIMIT_LOW,
        level_rank(offer.max_german) if offer.max_german else NO_LIMIT_HIGH,
    )


def quick_verdict(
    rules: OfferRules, day: int, age: int | None, status: str | None, rank: int | None
) -> int:
    """`assess(...).verdict` for an offer in reach, as HIDDEN_V, FIT_V or ALMOST_V.

    `rank` is the person's German level rank, None when unknown; `status` None when unknown.
    A test checks that both always agree.
    """
    # One unpacking instead of seven attribute look-ups: this runs for every offer in reach.
    valid_from, valid_until, min_age, max_age, statuses, min_rank, max_rank = rules
    if day < valid_from or day > valid_until:
        return HIDDEN_V
    gaps = 0
    if age is not None:
        if age > max_age:
            return HIDDEN_V
        if age < min_age:
            if min_age - age > ALMOST_YEARS:
                return HIDDEN_V
            gaps = 1
    if status is not None and statuses is not None and status not in statuses:
        return HIDDEN_V
    if rank is not None:
        if rank > max_rank:
            return HIDDEN_V
        if rank < min_rank:
            gaps += 1
    if gaps > 1:
        return HIDDEN_V
    return ALMOST_V if gaps else FIT_V
