"""The compiled rules used for ranking give exactly the verdicts of the readable `assess`:
age limits, papers, German, waiting months per status, reception centre, school obligation
and dated rules, for people whose answers may each be unknown."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.catalogue import load_catalogue
from bot.core.catalogue import Condition, DatedRule, Offer
from bot.core.eligibility import assess
from bot.core.keys import GERMAN_LEVELS, LEVEL_UNKNOWN, STATUS_UNKNOWN, STATUSES
from bot.core.person import MonthSpan, Person, School, person_of
from bot.core.profile import Profile
from bot.core.quick_rules import (
    ALMOST_V,
    FIT_V,
    HIDDEN_V,
    compile_rules,
    facts_of,
    quick_verdict,
)
from tests.conftest import FIXTURE_DATA, TODAY

BASE = load_catalogue(FIXTURE_DATA).offers["T-HE-1"]
VERDICTS = {"hidden": HIDDEN_V, "fit": FIT_V, "almost": ALMOST_V}

ages = st.none() | st.integers(0, 40)
levels = st.none() | st.sampled_from(GERMAN_LEVELS)
# Mostly open (three of four branches): an offer outside its dates hides every other rule.
days = st.one_of(
    st.none(), st.none(), st.none(),
    st.integers(-400, 400).map(lambda d: TODAY + timedelta(days=d)),
)  # fmt: skip
months = st.none() | st.integers(1, 30)


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Condition]:
    chosen = draw(st.lists(st.sampled_from(STATUSES), max_size=3, unique=True))
    return {
        status: Condition(
            "T-HE-1",
            status,
            min_months=draw(months),
            min_months_reception=draw(months),
            reception_excluded=draw(st.booleans()),
            safe_country_excluded=draw(st.booleans()),
            permission=draw(st.sampled_from(("", "auslaenderbehoerde"))),
        )
        for status in chosen
    }


@st.composite
def dated_rules(draw: st.DrawFn) -> tuple[DatedRule, ...]:
    rules = []
    for number in range(draw(st.integers(0, 2))):
        starts = TODAY + timedelta(days=draw(st.integers(-30, 30)))
        length = draw(st.none() | st.integers(0, 60))
        until = None if length is None else starts + timedelta(days=length)
        statuses = frozenset(draw(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=4)))
        rules.append(DatedRule(f"R{number}", "admission_stop", statuses, starts, until,
                               ("self_payer",), "", "https://example.org"))  # fmt: skip
    return tuple(rules)


@st.composite
def offers(draw: st.DrawFn) -> Offer:
    return replace(
        BASE,
        min_age=draw(ages),
        max_age=draw(ages),
        statuses=draw(st.none() | st.frozensets(st.sampled_from(STATUSES), min_size=1)),
        min_german=draw(levels),
        max_german=draw(levels),
        valid_from=draw(days),
        valid_until=draw(days),
        school_obligation=draw(st.sampled_from(("any", "required", "excluded"))),
        conditions=draw(conditions()),
        rules=draw(dated_rules()),
    )


@st.composite
def births(draw: st.DrawFn) -> str | None:
    """None, an exact birth month, or a span of up to 12 months (a typed age or a year)."""
    if draw(st.booleans()):
        return None
    first = draw(st.integers(1980 * 12, 2026 * 12))
    last = first + draw(st.sampled_from((0, 0, 11, draw(st.integers(0, 11)))))
    span = MonthSpan((first // 12, first % 12 + 1), (last // 12, last % 12 + 1))
    return span.text()


@st.composite
def people(draw: st.DrawFn) -> tuple[Profile, Person]:
    arrival = draw(st.none() | st.integers(0, 30))
    profile = Profile(
        None,
        draw(st.none() | st.sampled_from((*STATUSES, STATUS_UNKNOWN))),
        draw(st.none() | st.sampled_from((*GERMAN_LEVELS, LEVEL_UNKNOWN))),
        "helmstedt",
        ("sport",),
        birth=draw(births()),
        arrival=None if arrival is None else f"{2026 - arrival // 12}-{12 - arrival % 12:02d}",
        reception=draw(st.none() | st.sampled_from(("yes", "no", "unknown"))),
    )
    person = person_of(profile, TODAY, None)
    # The school obligation comes from the state's rule; here any of its outcomes.
    obliged = draw(st.none() | st.booleans())
    ends = draw(st.none() | st.integers(-30, 800).map(lambda d: TODAY + timedelta(days=d)))
    return profile, replace(person, school=School(obliged, ends))


@settings(max_examples=3000)
@given(offer=offers(), who=people(), day=st.integers(-5, 5))
def test_quick_verdict_agrees_with_assess(
    offer: Offer, who: tuple[Profile, Person], day: int
) -> None:
    _profile, person = who
    on = TODAY + timedelta(days=day)
    expected = VERDICTS[assess(offer, person, offer.district, on).verdict]
    assert quick_verdict(compile_rules(offer), on.toordinal(), facts_of(person)) == expected


def person(age: int | None = 20, status: str | None = "duldung", level: int | None = 2,
           months: int | None = None, reception: bool | None = None,
           school: School | None = None) -> Person:  # fmt: skip
    school = school or School(False, None)
    return Person(age, age, None, status, level, months, reception, school)


STOP = DatedRule("R", "admission_stop", frozenset({"duldung"}), TODAY, None, ("self_payer",),
                 "", "https://example.org")  # fmt: skip
WAIT = {"duldung": Condition("T-HE-1", "duldung", min_months=9, reception_excluded=True)}
SCHOOL_SOON, SCHOOL_LONG = (School(True, TODAY + timedelta(days=d)) for d in (100, 500))
# Each rule deciding once, as the readable rules say: (offer changes, person, expected).
CASES = [
    ({}, person(), ("fit", "")),
    ({"valid_until": TODAY - timedelta(days=1)}, person(), ("hidden", "valid")),
    ({"max_age": 18}, person(), ("hidden", "max_age")),
    ({"min_age": 21}, person(), ("almost", "min_age")),
    ({"min_age": 22}, person(), ("hidden", "min_age")),
    ({"statuses": frozenset({"eu_citizen"})}, person(), ("hidden", "status")),
    ({"min_german": "B1"}, person(), ("almost", "min_german")),
    ({"max_german": "A1"}, person(), ("hidden", "max_german")),
    ({"conditions": WAIT}, person(months=5), ("almost", "months")),
    ({"conditions": WAIT}, person(months=None), ("fit", "")),
    ({"conditions": WAIT}, person(months=9), ("fit", "")),
    ({"conditions": WAIT}, person(months=5, reception=True), ("hidden", "reception")),
    ({"school_obligation": "excluded"}, person(school=SCHOOL_SOON), ("almost", "school")),
    ({"school_obligation": "excluded"}, person(school=SCHOOL_LONG), ("hidden", "school")),
    ({"school_obligation": "required"}, person(), ("hidden", "school")),
    ({"school_obligation": "required"}, person(school=School(None, None)), ("fit", "")),
    ({"rules": (STOP,)}, person(), ("almost", "stop")),
    ({"rules": (STOP,)}, person(status=None), ("fit", "")),
    ({"rules": (STOP,), "min_german": "B1"}, person(), ("hidden", "min_german")),
]


@pytest.mark.parametrize(("changes", "who", "expected"), CASES)
def test_each_rule_decides_alike_in_both(
    changes: dict, who: Person, expected: tuple[str, str]
) -> None:
    offer = replace(BASE, **{"min_age": None, "max_age": None, "statuses": None, **changes})
    result = assess(offer, who, offer.district, TODAY)
    why = result.hidden_by or (result.gap.rule if result.gap else "")
    assert (result.verdict, why) == expected
    got = quick_verdict(compile_rules(offer), TODAY.toordinal(), facts_of(who))
    assert got == VERDICTS[result.verdict]


def test_a_day_of_the_school_obligation_is_counted_like_assess() -> None:
    offer = replace(BASE, school_obligation="excluded")
    for days_left in (371, 372, 373):
        person = Person(16, 16, MonthSpan((2010, 5), (2010, 5)), None, None, None, False,
                        School(True, TODAY + timedelta(days=days_left)))  # fmt: skip
        expected = VERDICTS[assess(offer, person, offer.district, TODAY).verdict]
        got = quick_verdict(compile_rules(offer), TODAY.toordinal(), facts_of(person))
        assert got == expected == (ALMOST_V if days_left <= 372 else HIDDEN_V)
