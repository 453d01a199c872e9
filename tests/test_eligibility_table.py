"""Hand-labelled eligibility table: an independent check of `assess` against data/README.md.

Every expected set below was derived by hand from "How matching decides" in data/README.md and
the fixture catalogue (tests/fixtures/data), not from the matching code. Day: 2026-11-22.

Fixture offers (district; online; age; statuses; German):
  T-HE-1 helmstedt; no; 16-18; all; -
  T-HE-2 helmstedt; no; 16-; aufenthaltserlaubnis, protection_24, eu_citizen; min B1
  T-HE-3 helmstedt; no; 12-26; all; -
  T-HE-4 helmstedt; no; 14-27; all; -
  T-HE-5 helmstedt; no; 16-; all; max A2; valid 2026-01-01..2027-06-30
  T-HE-6 helmstedt; expired 2025-12-31: always hidden
  T-HE-7 helmstedt; no; 16-24; aufenthaltserlaubnis, protection_24, eu_citizen, duldung; min A2
  T-KR-1 krefeld; no; 16-18; all; -
  T-KR-2 krefeld; yes (online, any district); -; all; max B1
  T-KR-3 krefeld; no; 27-; all; -
"""

from __future__ import annotations

import pytest

from bot.content.catalogue import load_catalogue
from bot.core.eligibility import assess
from bot.core.profile import Profile
from tests.conftest import FIXTURE_DATA, TODAY

CATALOGUE = load_catalogue(FIXTURE_DATA)

# (age, status, german, place, fit, almost)  -- labelled by hand from data/README.md
TABLE = [
    # status not in T-HE-2/T-HE-7 hides them even though A1 is below their min_german
    (17, "gestattung", "A1", "helmstedt",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, set()),
    # allowed status, A1 one step below min A2 (T-HE-7) and below min B1 (T-HE-2): almost
    (17, "aufenthaltserlaubnis", "A1", "helmstedt",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, {"T-HE-2", "T-HE-7"}),
    # age exactly min_age 16; B1 exactly min_german (T-HE-2) and max_german (T-KR-2); B1 > A2
    (16, "aufenthaltserlaubnis", "B1", "helmstedt",
     {"T-HE-1", "T-HE-2", "T-HE-3", "T-HE-4", "T-HE-7", "T-KR-2"}, set()),
    # one year below min_age 16: almost for T-HE-1/2/7 (T-HE-5 hidden by max A2)
    (15, "aufenthaltserlaubnis", "B1", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-KR-2"}, {"T-HE-1", "T-HE-2", "T-HE-7"}),
    # two years below min_age 16: hidden; exactly min_age 14 of T-HE-4: fit
    (14, "aufenthaltserlaubnis", "B1", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-KR-2"}, set()),
    # age and German both missing for T-HE-2/T-HE-7: hidden; age alone for T-HE-1/T-HE-5
    (15, "aufenthaltserlaubnis", "A1", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-KR-2"}, {"T-HE-1", "T-HE-5"}),
    # exactly max_age 18 (T-HE-1); A2 = max T-HE-5 and = min T-HE-7; A2 < B1 (T-HE-2)
    (18, "protection_24", "A2", "helmstedt",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-HE-7", "T-KR-2"}, {"T-HE-2"}),
    # one year above max_age 18: T-HE-1 hidden
    (19, "protection_24", "A2", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-HE-5", "T-HE-7", "T-KR-2"}, {"T-HE-2"}),
    # exactly max_age 24 (T-HE-7); B2 above max A2 (T-HE-5) and max B1 (online T-KR-2)
    (24, "eu_citizen", "B2", "helmstedt",
     {"T-HE-2", "T-HE-3", "T-HE-4", "T-HE-7"}, set()),
    # one year above max_age 24: T-HE-7 hidden
    (25, "eu_citizen", "B2", "helmstedt",
     {"T-HE-2", "T-HE-3", "T-HE-4"}, set()),
    # exactly max_age 26 (T-HE-3); duldung not in T-HE-2; German none has no min anywhere else
    (26, "duldung", "none", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, set()),
    # above max 26 (T-HE-3 hidden), exactly max_age 27 (T-HE-4)
    (27, "duldung", "none", "helmstedt",
     {"T-HE-4", "T-HE-5", "T-KR-2"}, set()),
    # above max 27 (T-HE-4 hidden); only open-ended offers remain
    (28, "duldung", "A1", "helmstedt",
     {"T-HE-5", "T-KR-2"}, set()),
    # oldest age 35, status other, C1: every offer hidden (age, status or max_german)
    (35, "other", "C1", "helmstedt",
     set(), set()),
    # youngest age 12 = min T-HE-3; two below min 14 (T-HE-4); status unknown never excludes
    (12, "unknown", "none", "helmstedt",
     {"T-HE-3", "T-KR-2"}, set()),
    # one below min 14 (T-HE-4 almost), three below min 16; other place in helmstedt district
    (13, "gestattung", "none", "koenigslutter",
     {"T-HE-3", "T-KR-2"}, {"T-HE-4"}),
    # age, status and German all unknown: nothing excludes, only expired T-HE-6 and Krefeld
    (None, "unknown", "unknown", "helmstedt",
     {"T-HE-1", "T-HE-2", "T-HE-3", "T-HE-4", "T-HE-5", "T-HE-7", "T-KR-2"}, set()),
    # unknown age with a known status outside T-HE-2/T-HE-7; third place of helmstedt district
    (None, "gestattung", "A1", "schoeningen",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, set()),
    # unknown age does not count as missing: German none below min gives almost only
    (None, "aufenthaltserlaubnis", "none", "helmstedt",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, {"T-HE-2", "T-HE-7"}),
    # status unknown is not excluded by restricted statuses; A2 below min B1 (T-HE-2)
    (20, "unknown", "A2", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-HE-5", "T-HE-7", "T-KR-2"}, {"T-HE-2"}),
    # German unknown not excluded by max A2 / max B1; status still excludes T-HE-2/T-HE-7
    (20, "gestattung", "unknown", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, set()),
    # German unknown is not below min_german: T-HE-2 and T-HE-7 fit
    (20, "aufenthaltserlaubnis", "unknown", "helmstedt",
     {"T-HE-2", "T-HE-3", "T-HE-4", "T-HE-5", "T-HE-7", "T-KR-2"}, set()),
    # one below min 16 with status and German unknown: age is the only missing condition
    (15, "unknown", "unknown", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-KR-2"}, {"T-HE-1", "T-HE-2", "T-HE-5", "T-HE-7"}),
    # unknown status with C1: only T-HE-2 (min B1, no max, no max_age) fits
    (30, "unknown", "C1", "koenigslutter",
     {"T-HE-2"}, set()),
    # B2 above min B1 and min A2 fits; above max A2 / max B1 hidden
    (17, "eu_citizen", "B2", "schoeningen",
     {"T-HE-1", "T-HE-2", "T-HE-3", "T-HE-4", "T-HE-7"}, set()),
    # status other only passes `all`; B1 exactly max_german of online T-KR-2, above max A2
    (17, "other", "B1", "helmstedt",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-KR-2"}, set()),
    # duldung allowed by T-HE-7 but not T-HE-2; A1 one level below min A2: almost
    (16, "duldung", "A1", "helmstedt",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, {"T-HE-7"}),
    # duldung, A2 meets T-HE-7 German; one year below min 16 is the only gap
    (15, "duldung", "A2", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-KR-2"}, {"T-HE-1", "T-HE-5", "T-HE-7"}),
    # protection_24, German none below both minimums (single gap each)
    (23, "protection_24", "none", "helmstedt",
     {"T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, {"T-HE-2", "T-HE-7"}),
    # A2 exactly min of T-HE-7 (fit), below min B1 of T-HE-2 (almost); schoeningen
    (22, "aufenthaltserlaubnis", "A2", "schoeningen",
     {"T-HE-3", "T-HE-4", "T-HE-5", "T-HE-7", "T-KR-2"}, {"T-HE-2"}),
    # B2 with no age ceiling: only T-HE-2
    (30, "aufenthaltserlaubnis", "B2", "helmstedt",
     {"T-HE-2"}, set()),
    # unknown age, C1: above every max_german; status gestattung excludes T-HE-2/T-HE-7
    (None, "gestattung", "C1", "helmstedt",
     {"T-HE-1", "T-HE-3", "T-HE-4"}, set()),
    # exactly min 14 of T-HE-4; two below min 16 hides T-HE-1/2/5/7
    (14, "protection_24", "A1", "koenigslutter",
     {"T-HE-3", "T-HE-4", "T-KR-2"}, set()),
    # both age and German missing for T-HE-2/T-HE-7 (hidden); age only for T-HE-1/T-HE-5
    (15, "protection_24", "none", "koenigslutter",
     {"T-HE-3", "T-HE-4", "T-KR-2"}, {"T-HE-1", "T-HE-5"}),
    # C1 is above every max but meets every min
    (21, "eu_citizen", "C1", "helmstedt",
     {"T-HE-2", "T-HE-3", "T-HE-4", "T-HE-7"}, set()),
    # unknown age with German A1 below minimums: almost, not hidden
    (None, "protection_24", "A1", "koenigslutter",
     {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}, {"T-HE-2", "T-HE-7"}),
    # Krefeld: all Helmstedt offers are in person elsewhere; T-KR-3 min 27 far away
    (17, "gestattung", "A1", "krefeld",
     {"T-KR-1", "T-KR-2"}, set()),
    # city part uerdingen belongs to district krefeld; age exactly min 16 of T-KR-1
    (16, "aufenthaltserlaubnis", "B1", "uerdingen",
     {"T-KR-1", "T-KR-2"}, set()),
    # one below min 16 of T-KR-1: almost
    (15, "duldung", "none", "krefeld",
     {"T-KR-2"}, {"T-KR-1"}),
    # two below min 16 of T-KR-1: hidden; from the city part
    (14, "other", "A2", "uerdingen",
     {"T-KR-2"}, set()),
    # exactly max 18 of T-KR-1; B2 above max B1 of T-KR-2
    (18, "eu_citizen", "B2", "krefeld",
     {"T-KR-1"}, set()),
    # above max 18 of T-KR-1; B1 exactly max of T-KR-2
    (19, "protection_24", "B1", "krefeld",
     {"T-KR-2"}, set()),
    # two years below min 27 of T-KR-3: hidden
    (25, "gestattung", "A1", "krefeld",
     {"T-KR-2"}, set()),
    # one year below min 27 of T-KR-3: almost; from the city part
    (26, "duldung", "A2", "uerdingen",
     {"T-KR-2"}, {"T-KR-3"}),
    # exactly min 27 of T-KR-3; C1 above max B1 of T-KR-2
    (27, "other", "C1", "krefeld",
     {"T-KR-3"}, set()),
    # oldest age 35, unknowns: open-ended T-KR-3 and T-KR-2
    (35, "unknown", "unknown", "uerdingen",
     {"T-KR-2", "T-KR-3"}, set()),
    # everything unknown in krefeld: all three Krefeld offers fit
    (None, "unknown", "unknown", "krefeld",
     {"T-KR-1", "T-KR-2", "T-KR-3"}, set()),
    # unknown age, C1: above max of online T-KR-2 only
    (None, "eu_citizen", "C1", "uerdingen",
     {"T-KR-1", "T-KR-3"}, set()),
    # youngest age 12 in the city part: only the online course
    (12, "unknown", "unknown", "uerdingen",
     {"T-KR-2"}, set()),
]  # fmt: skip


@pytest.mark.parametrize(("age", "status", "german", "place", "fit", "almost"), TABLE)
def test_labelled_profile(
    age: int | None,
    status: str,
    german: str,
    place: str,
    fit: set[str],
    almost: set[str],
) -> None:
    profile = Profile(age, status, german, place, ("german_course",))
    district = CATALOGUE.places[place].district
    verdicts = {
        o.id: assess(o, profile, district, TODAY).verdict for o in CATALOGUE.offers.values()
    }
    assert {i for i, v in verdicts.items() if v == "fit"} == fit
    assert {i for i, v in verdicts.items() if v == "almost"} == almost


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 40
