"""Who may join an offer: every rule checked with its reason; fitting, almost, or hidden.

The rules are data (the offer's limits, data/conditions.csv, data/rules.csv, the state's school
obligation); data/README.md says in words what this code does. "I don't know" (papers, German,
arrival, reception centre) never hides an offer: the condition is shown instead. An offer is
"almost" when exactly one condition is missing and time or a step will unlock it within a year
(a birthday, more German, months in Germany, the end of school obligation, another way in
while admissions are stopped); anything else that fails hides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.core.catalogue import NATIONWIDE, Offer
from bot.core.keys import level_rank
from bot.core.person import Person, person_of
from bot.core.profile import Profile

Verdict = Literal["fit", "almost", "hidden"]
GapRule = Literal["min_age", "min_german", "school", "months", "stop"]
ALMOST_YEARS = 1  # an offer from a minimum age is "almost" at most this many years before
ALMOST_MONTHS = 12  # months in Germany, or to the end of school obligation
# A condition shown with a fitting offer, e.g. ("permission", "auslaenderbehoerde"),
# ("months", "duldung", "9"): the views turn each into a sentence.
Note = tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """The one condition missing for an "almost" offer.

    min_age: need the age, have the age now, `when` the birthday (None: month not known);
    min_german: need the level, have the level; months: need/have months in Germany, for
    `status`; school: `when` the obligation ends (None: not known); stop: need the rule id,
    `routes` what remains.
    """

    rule: GapRule
    need: str = ""
    have: str = ""
    when: date | None = None
    status: str = ""
    routes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    gap: Gap | None = None
    # Rules the offer has and the person meets, to say why it fits: age, status, german,
    # school (still a pupil, for school offers).
    reasons: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    papers: str = ""  # the status key, for "Open with your papers: Duldung." (reason "status")
    # Why it is hidden (for tests and coordinators, never shown as a verdict on a person).
    hidden_by: str = ""


_HIDDEN: dict[str, Assessment] = {}


def _hidden(rule: str) -> Assessment:
    # One shared value per rule: most offers are hidden, and this runs for many offers.
    if rule not in _HIDDEN:
        _HIDDEN[rule] = Assessment("hidden", hidden_by=rule)
    return _HIDDEN[rule]


def assess(offer: Offer, who: Person | Profile, district: str, today: date) -> Assessment:
    """The verdict with its reasons, notes and the missing condition. `who` is a Person (with
    the state's school obligation) or a bare Profile (then school obligation is unknown)."""
    person = who if isinstance(who, Person) else person_of(who, today, None)
    if not offer.is_valid_on(today):
        return _hidden("valid")
    if offer.district != district and (not offer.online or offer.district == NATIONWIDE):
        return _hidden("district")  # nationwide offers are for people outside the districts
    gaps: list[Gap] = []
    reasons: list[str] = []
    notes: list[Note] = []

    low, high = person.age_low, person.age_high
    if (
        low is not None
        and high is not None
        and (offer.min_age is not None or offer.max_age is not None)
    ):
        if offer.max_age is not None and low > offer.max_age:
            return _hidden("max_age")
        if offer.min_age is not None and low < offer.min_age:
            if offer.min_age - high > ALMOST_YEARS:
                return _hidden("min_age")
            gaps.append(
                Gap("min_age", str(offer.min_age), str(low), person.birthday(offer.min_age))
            )
        else:
            reasons.append("age")
            if offer.max_age is not None and high > offer.max_age:
                notes.append(("age_until", str(offer.max_age + 1)))

    status = person.status
    if offer.statuses is not None:
        if status is None:
            notes.append(("status_unknown",))
        elif status not in offer.statuses:
            return _hidden("status")
    condition = offer.conditions.get(status) if status else None
    if condition is not None:
        if condition.reception_excluded:
            if person.reception:
                return _hidden("reception")
            if person.reception is None:
                notes.append(("reception_excluded", status))
        in_centre = condition.months_needed(True)
        outside = condition.months_needed(False)
        needed = in_centre if person.reception else outside
        if person.reception is None and in_centre != outside:
            if in_centre:
                notes.append(("months_reception", status, str(in_centre)))
            needed = outside
        if needed:
            if person.months is None:
                notes.append(("months", status, str(needed)))
            elif person.months < needed:
                if needed - person.months > ALMOST_MONTHS:
                    return _hidden("months")
                gaps.append(Gap("months", str(needed), str(person.months), status=status))
            else:
                notes.append(("months_met", status, str(needed)))
        if condition.permission:
            notes.append(("permission", condition.permission))
        if condition.safe_country_excluded:
            notes.append(("safe_country", status))
    elif offer.statuses is not None and status is not None:
        reasons.append("status")  # the papers alone decide: a bare "open for your papers"

    if offer.min_german or offer.max_german:
        if person.level is None:
            notes.append(("german_unknown",))
        elif offer.max_german and person.level > level_rank(offer.max_german):
            return _hidden("max_german")
        elif offer.min_german and person.level < level_rank(offer.min_german):
            level = next(k for k, v in _LEVELS.items() if v == person.level)
            gaps.append(Gap("min_german", offer.min_german, level))
        else:
            reasons.append("german")

    school = person.school
    if offer.school_obligation == "excluded":
        if school.obliged:
            end = school.ends
            if end is None or end - today > timedelta(days=31 * ALMOST_MONTHS):
                return _hidden("school")
            gaps.append(Gap("school", when=end + timedelta(days=1)))
        elif school.obliged is None:
            notes.append(("school_unknown",))
    elif offer.school_obligation == "required":
        if school.obliged is False:
            return _hidden("school")
        if school.obliged is None:
            notes.append(("school_unknown",))
        else:
            reasons.append("school")

    for rule in offer.rules:
        if status is None:
            if rule.starts <= today and (rule.until is None or today <= rule.until):
                notes.append(("stop_unknown", rule.id))
        elif rule.applies(status, today):
            gaps.append(Gap("stop", rule.id, status=status, routes=rule.routes))

    referral = (condition.referral if condition else "") or offer.referral
    if referral and not any(gap.rule == "stop" for gap in gaps):
        # While admissions are stopped for them, the routes that remain are the first step.
        notes.append(("referral", referral))
    if offer.needs_verification:
        notes.append(("needs_verification",))
    if offer.school_certificate_required:
        notes.append(("school_certificate",))
    if len(gaps) > 1:
        return _hidden(gaps[0].rule)
    verdict: Verdict = "almost" if gaps else "fit"
    return Assessment(
        verdict, gaps[0] if gaps else None, tuple(reasons), tuple(notes), status or ""
    )


_LEVELS = {level: level_rank(level) for level in ("none", "A1", "A2", "B1", "B2", "C1")}
