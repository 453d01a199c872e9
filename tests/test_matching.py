"""Hard eligibility and ranking on the fixture catalogue, profile by profile."""

from __future__ import annotations

import pytest

from bot.content.catalogue import load_catalogue
from bot.core.matching import match_offers
from bot.core.profile import Profile
from tests.conftest import FIXTURE_DATA, TODAY

CATALOGUE = load_catalogue(FIXTURE_DATA)

# (age, status, German, place, interests) -> exactly these offers, best first: interest, then
# how close the offer's German start level is, then in person before online, located before
# district-wide, distance in 5-km steps, start, free, id.
CASES = [
    (17, "gestattung", "A1", "helmstedt", ("german_course",),
     ["T-HE-1", "T-HE-5", "T-KR-2", "T-HE-4", "T-HE-3"]),
    (17, "gestattung", "A1", "koenigslutter", ("sport",),
     ["T-HE-4", "T-HE-1", "T-HE-5", "T-HE-3", "T-KR-2"]),
    (20, "aufenthaltserlaubnis", "B1", "helmstedt", ("german_course", "vocational_training"),
     ["T-HE-2", "T-HE-7", "T-KR-2", "T-HE-4", "T-HE-3"]),
    (20, "duldung", "A2", "helmstedt", ("vocational_training",),
     ["T-HE-7", "T-HE-5", "T-HE-4", "T-HE-3", "T-KR-2"]),
    (20, "gestattung", "B2", "helmstedt", ("german_course",), ["T-HE-4", "T-HE-3"]),
    (25, "unknown", "unknown", "helmstedt", ("german_course",),
     ["T-HE-2", "T-HE-5", "T-KR-2", "T-HE-4", "T-HE-3"]),
    (17, "eu_citizen", "none", "uerdingen", ("school_certificate",), ["T-KR-1", "T-KR-2"]),
    (30, "other", "C1", "krefeld", ("counselling",), ["T-KR-3"]),
    (12, "gestattung", "none", "schoeningen", ("sport",), ["T-HE-3", "T-KR-2"]),
]  # fmt: skip


@pytest.mark.parametrize(("age", "status", "german", "place", "interests", "expected"), CASES)
def test_exactly_the_eligible_offers_in_order(
    age: int, status: str, german: str, place: str, interests: tuple[str, ...], expected: list
) -> None:
    profile = Profile(age, status, german, place, interests)
    assert [m.offer.id for m in match_offers(CATALOGUE, profile, TODAY)] == expected


def test_expired_offers_never_show() -> None:
    profile = Profile(20, "unknown", "unknown", "helmstedt", ("german_course",))
    assert all(m.offer.id != "T-HE-6" for m in match_offers(CATALOGUE, profile, TODAY))


def test_without_a_known_place_nothing_is_matched() -> None:
    assert match_offers(CATALOGUE, Profile(20, "other", "A1", "atlantis", ("job",)), TODAY) == []
