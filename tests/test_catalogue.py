from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.content.catalogue import load_catalogue
from bot.content.events import load_events
from bot.core.catalogue import CatalogueError
from bot.core.keys import INTERESTS
from tests.conftest import FIXTURE_DATA, TODAY


def test_fixture_catalogue_loads_with_translations() -> None:
    catalogue = load_catalogue(FIXTURE_DATA)
    offer = catalogue.offers["T-HE-1"]
    assert offer.titles["ar"] == "صف اللغة والاندماج"
    assert offer.statuses is None and offer.min_age == 16 and offer.max_age == 18
    assert catalogue.offers["T-HE-2"].statuses == {
        "aufenthaltserlaubnis",
        "protection_24",
        "eu_citizen",
    }
    assert catalogue.places["uerdingen"].municipality == "krefeld"
    assert not catalogue.offers["T-HE-6"].is_valid_on(TODAY)


def test_the_bundled_sample_catalogue_is_valid_and_rich_enough() -> None:
    catalogue = load_catalogue(ROOT / "data")
    assert {d.id for d in catalogue.served_districts} == {"helmstedt", "krefeld"}
    # The nationwide offers (for people outside these districts) are online.
    assert all(o.online for o in catalogue.offers_by_district["bundesweit"])
    current = [o for o in catalogue.offers.values() if o.is_valid_on(TODAY)]
    assert len(current) >= 25
    for district in ("helmstedt", "krefeld"):
        categories = {o.category for o in current if o.district == district}
        assert len(categories) >= 8, (district, sorted(set(INTERESTS) - categories))
    # Invented contacts are marked; no real-looking address is passed off as real.
    for offer in catalogue.offers.values():
        if "example.org" in offer.contact:
            assert offer.contact_is_example, offer.id


def test_the_bundled_events_are_valid_and_cover_both_districts() -> None:
    catalogue = load_catalogue(ROOT / "data")
    events = load_events(ROOT / "data", catalogue)
    for district in ("helmstedt", "krefeld"):
        mine = [e for e in events.values() if e.district == district]
        assert len(mine) >= 8, district
        assert sum(e.cancelled for e in mine) == 1, district  # to show how cancelling looks
        assert any(e.online_url for e in events.values())
    for event in events.values():
        assert event.title("en"), event.id  # every event has at least an English title
        if event.offer:
            assert catalogue.offers[event.offer].district == event.district, event.id


def broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_problem_is_reported_with_file_row_and_field(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path)
    offers = folder / "offers" / "helmstedt.csv"
    edit(offers, "german_course,no,16,18", "german_courses,no,sixteen,18")
    edit(offers, "2026-01-01,2027-06-30", "2026-01-01,2025-06-30")
    edit(folder / "places.csv", "38154", "3815")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(folder)
    problems = error.value.problems
    assert f"{offers}:2: category: 'german_courses' is not one of" in "\n".join(problems)
    assert f"{offers}:2: min_age: 'sixteen' is not a whole number" in problems
    assert f"{offers}:6: valid_until: is before valid_from" in problems
    assert f"{folder / 'places.csv'}:3: postcodes: '3815' is not a five-digit postcode" in problems
    assert len(problems) == 4


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (",all,", ",all;visa,", "statuses: 'all' is not one of"),
        (",T-HE-3,helmstedt,", ",T-HE-1,helmstedt,", "id: duplicate id 'T-HE-1'"),
        (",T-HE-3,helmstedt,", ",T-HE-3,krefeld,", "does not match the file name"),
        (",koenigslutter,Fuß", ",atlantis,Fuß", "municipality: unknown place 'atlantis'"),
        ("https://www.bamf.de/", "www.bamf.de", "source_url: must start with https://"),
        (",yes,https", ",maybe,https", "contact_is_example: 'maybe' is not one of"),
    ],
)
def test_single_broken_fields(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = broken_copy(tmp_path)
    offers = folder / "offers" / "helmstedt.csv"
    text = offers.read_text(encoding="utf-8")
    if old.startswith(",T-HE-3"):
        old, new = old.lstrip(","), new.lstrip(",")
    assert old in text
    offers.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(folder)
    assert any(expected in p and p.startswith(str(offers)) for p in error.value.problems), (
        error.value.problems
    )


def test_missing_columns_and_files_are_named(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path)
    (folder / "districts.csv").write_text("id,name\nx,X\n", encoding="utf-8")
    (folder / "offers" / "krefeld.csv").unlink()
    (folder / "offers" / "helmstedt.csv").unlink()
    with pytest.raises(CatalogueError) as error:
        load_catalogue(folder)
    text = str(error.value)
    assert "districts.csv:1: header: missing column(s) state, timezone" in text
    assert "no offer files" in text


def test_validity_window() -> None:
    offer = load_catalogue(FIXTURE_DATA).offers["T-HE-5"]
    assert offer.is_valid_on(date(2026, 1, 1)) and offer.is_valid_on(date(2027, 6, 30))
    assert not offer.is_valid_on(date(2027, 7, 1))
