from __future__ import annotations

import pytest

from bot.config import ROOT
from bot.content.catalogue import load_catalogue
from bot.core.places import PlaceIndex, distance_km
from tests.conftest import FIXTURE_DATA


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    return PlaceIndex(tuple(load_catalogue(FIXTURE_DATA).places.values()))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Helmstedt", "helmstedt"),
        ("helmstet", "helmstedt"),
        ("HELMSTEDT ", "helmstedt"),
        ("Königslutter", "koenigslutter"),
        ("Koenigslutter", "koenigslutter"),
        ("konigslutter", "koenigslutter"),
        ("Schoningen", "schoeningen"),
        ("38350", "helmstedt"),
        ("I live in 38154", "koenigslutter"),
        ("krefelt", "krefeld"),
        ("Uerdingen", "uerdingen"),
    ],
)
def test_search_understands_typos_umlauts_and_postcodes(
    index: PlaceIndex, typed: str, expected: str
) -> None:
    found = index.search(typed)
    assert found and found[0].id == expected


def test_a_shared_postcode_lists_the_city_before_its_part(index: PlaceIndex) -> None:
    assert [p.id for p in index.search("47829")] == ["krefeld", "uerdingen"]


@pytest.mark.parametrize("typed", ["Berlin", "x", "", "12345", "🙂🙂"])
def test_unknown_places_find_nothing(index: PlaceIndex, typed: str) -> None:
    assert index.search(typed) == []


def test_nearest_place_to_a_location(index: PlaceIndex) -> None:
    nearest = index.nearest(52.23, 11.00)
    assert nearest[0][0].id == "helmstedt" and nearest[0][1] < 2
    assert index.nearest(52.52, 13.40) == []  # Berlin is far from both districts


def test_distance() -> None:
    assert distance_km(52.2279, 11.0099, 51.3388, 6.5853) == pytest.approx(320, abs=15)


def test_every_bundled_municipality_is_found_by_name_and_postcode() -> None:
    places = [p for p in load_catalogue(ROOT / "data").places.values() if p.kind != "area"]
    index = PlaceIndex(tuple(places))
    for place in places:
        assert place in index.search(place.name), place.name
        assert place in index.search(place.postcodes[0], limit=20), place.id
        # Typed exactly, a name is taken without asking; a postcode only if no other has it.
        assert index.exact(place.name) == place, place.name
        shared = [p for p in places if place.postcodes[0] in p.postcodes]
        assert index.exact(place.postcodes[0]) == (place if len(shared) == 1 else None)
