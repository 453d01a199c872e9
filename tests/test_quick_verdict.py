"""The compiled rules used for ranking give exactly the verdicts of the readable `assess`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.catalogue import load_catalogue
from bot.core.catalogue import Offer
from bot.core.eligibility import ALMOST_V, FIT_V, HIDDEN_V, assess, compile_rules, quick_verdict
from bot.core.keys import GERMAN_LEVELS, LEVEL_UNKNOWN, STATUS_UNKNOWN, STATUSES, level_rank
from bot.core.profile import Profile
from tests.conftest import FIXTURE_DATA, TODAY

BASE = load_catalogue(FIXTURE_DATA).offers["T-HE-1"]
VERDICTS = {"hidden": HIDDEN_V, "fit": FIT_V, "almost": ALMOST_V}

ages = st.none() | st.integers(0, 40)
levels = st.none() | st.sampled_from(GERMAN_LEVELS)
days = st.none() | st.integers(-400, 400).map(lambda d: TODAY + timedelta(days=d))


@st.composite
def offers(draw: st.DrawFn) -> Offer:
    low, high = draw(ages), draw(ages)
    first, last = draw(days), draw(days)
    return replace(
        BASE,
        min_age=low,
        max_age=high,
        statuses=draw(st.none() | st.frozensets(st.sampled_from(STATUSES), min_size=1)),
        min_german=draw(levels),
        max_german=draw(levels),
        valid_from=first,
        valid_until=last,
    )


@settings(max_examples=1000)
@given(
    offer=offers(),
    age=ages,
    status=st.none() | st.sampled_from((*STATUSES, STATUS_UNKNOWN)),
    level=st.none() | st.sampled_from((*GERMAN_LEVELS, LEVEL_UNKNOWN)),
    day=st.integers(-5, 5).map(lambda d: TODAY + timedelta(days=d)),
)
def test_quick_verdict_agrees_with_assess(
    offer: Offer, age: int | None, status: str | None, level: str | None, day: date
) -> None:
    profile = Profile(age, status, level, "helmstedt", ("sport",))
    expected = VERDICTS[assess(offer, profile, offer.district, day).verdict]
    known_status = None if status in (None, STATUS_UNKNOWN) else status
    rank = None if level in (None, LEVEL_UNKNOWN) else level_rank(level)
    got = quick_verdict(compile_rules(offer), day.toordinal(), age, known_status, rank)
    assert got == expected
