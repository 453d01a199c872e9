"""The counsellor's table: profiles x the bundled catalogue, with the verdicts written by hand
from the law (../shared/research/domain.md) and the offers' data, not from the code.

tests/data/counsellor_table.csv holds one profile per row: birth ("2009-03", or "age:17" for
an age typed on the assessment day), papers, German, town, arrival month ("unknown" allowed),
reception centre (yes/no/unknown), the offers that fit, those almost within reach, and why.
Every other offer is hidden. The table was written for 1 December 2026.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import pytest

from bot.content import Content
from bot.core.eligibility import assess
from bot.core.matching import person_for
from bot.core.person import birth_of_age
from bot.core.profile import Profile
from tests.conftest import COUNSELLOR_DAY, ROOT

TABLE = ROOT / "tests" / "data" / "counsellor_table.csv"


@dataclass(frozen=True)
class Row:
    name: str
    profile: Profile
    fit: frozenset[str]
    almost: frozenset[str]
    why: str


def _ids(cell: str) -> frozenset[str]:
    return frozenset(part for part in cell.split(";") if part)


def _row(raw: dict[str, str]) -> Row:
    birth = raw["birth"]
    if birth.startswith("age:"):
        birth = birth_of_age(int(birth[4:]), COUNSELLOR_DAY).text()
    unknown = {"", "unknown"}
    profile = Profile(
        None, raw["status"], raw["german"], raw["place"], ("job",),
        birth=birth,
        arrival=None if raw["arrival"] in unknown else raw["arrival"],
        reception=None if raw["reception"] == "" else raw["reception"],
    )  # fmt: skip
    return Row(raw["profile"], profile, _ids(raw["fit"]), _ids(raw["almost"]), raw["why"])


with TABLE.open(encoding="utf-8", newline="") as table_file:
    ROWS = [_row(raw) for raw in csv.DictReader(table_file)]


def test_the_table_is_large_and_covers_every_kind_of_paper() -> None:
    assert len(ROWS) >= 40
    statuses = {row.profile.status for row in ROWS}
    assert {"gestattung", "duldung", "aufenthaltserlaubnis", "ae_other", "protection_24",
            "eu_citizen", "other", "unknown"} <= statuses  # fmt: skip
    assert {row.profile.place for row in ROWS} & {"krefeld", "uerdingen"}
    assert any(row.profile.get("reception") == "yes" for row in ROWS)
    assert any(row.profile.get("arrival") is None for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row.name.split()[0] for row in ROWS])
def test_the_bot_agrees_with_the_counsellor(bundled: Content, row: Row) -> None:
    catalogue = bundled.catalogue
    place = catalogue.places[row.profile.place or ""]
    person = person_for(catalogue, row.profile, COUNSELLOR_DAY)
    verdicts = {
        offer.id: assess(offer, person, place.district, COUNSELLOR_DAY).verdict
        for offer in catalogue.offers.values()
    }
    unknown = (row.fit | row.almost) - verdicts.keys()
    assert not unknown, f"the table names offers the catalogue does not have: {unknown}"
    fit = {key for key, verdict in verdicts.items() if verdict == "fit"}
    almost = {key for key, verdict in verdicts.items() if verdict == "almost"}
    problems = {
        "fit for the bot, not for the counsellor": sorted(fit - row.fit),
        "fit for the counsellor, not for the bot": sorted(row.fit - fit),
        "almost for the bot, not for the counsellor": sorted(almost - row.almost),
        "almost for the counsellor, not for the bot": sorted(row.almost - almost),
    }
    assert not any(problems.values()), f"{row.name} ({row.why}): {problems}"
