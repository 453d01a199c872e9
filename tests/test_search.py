"""Free-text search on the bundled catalogue, in many languages and with typos."""

from __future__ import annotations

import pytest

from bot.config import ROOT
from bot.content.catalogue import load_catalogue
from bot.core.normalise import fold
from bot.core.search import SearchIndex

CATALOGUE = load_catalogue(ROOT / "data")
INDEX = SearchIndex(CATALOGUE)


def understood(text: str) -> list[str]:
    return [hit.concept.id for hit in INDEX.concepts(text)]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("I want to become a nurse", "nursing"),
        ("أريد أن أصبح ممرضة", "nursing"),
        ("хочу стать медсестрой", "nursing"),
        ("Ich möchte Pflegefachfrau werden", "nursing"),
        ("hemşire olmak istiyorum", "nursing"),
        ("Ausbildung Kfz", "car_mechanic"),
        ("I want to learn German", "german_course"),
        ("Almanca kursu", "german_course"),
        ("хочу вивчати німецьку мову", "german_course"),
        ("cours d'allemand", "german_course"),
        ("football", "football"),
        ("كرة القدم", "football"),
    ],
)
def test_search_understands_many_languages(text: str, concept: str) -> None:
    assert understood(text)[:1] == [concept]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("I want to becom a nurce", "nursing"),
        ("Ausbildng KFZ", "car_mechanic"),
        ("медсесра", "nursing"),
        ("Deutschkurz", "german_course"),
        ("futbol", "football"),
        ("ممرضه", "nursing"),  # ة written as ه
        ("أُرِيدُ أَنْ أُصْبِحَ مُمَرِّضَةً", "nursing"),  # with vowel marks
    ],
)
def test_search_forgives_typos_and_spelling_variants(text: str, concept: str) -> None:
    assert understood(text)[:1] == [concept]


@pytest.mark.parametrize("text", ["", "hello", "I want", "123", "😀😀", "asdfgh qwerty"])
def test_nonsense_finds_nothing(text: str) -> None:
    assert understood(text) == []


def test_a_concept_finds_the_offers_that_name_it() -> None:
    nursing = CATALOGUE.concepts["nursing"]
    offers = INDEX.offers_for(nursing)
    assert offers
    assert all("pflege" in fold(o.title_de + o.summary_de + " ".join(o.keywords)) for o in offers)
    mechanic = INDEX.offers_for(CATALOGUE.concepts["car_mechanic"])
    assert any("kfz" in fold(o.title_de) for o in mechanic)


def test_an_occupation_hides_its_general_category() -> None:
    # "Ausbildung Kfz" names both vocational training and car mechanic: the specific wins.
    assert understood("Ausbildung Kfz") == ["car_mechanic"]


def test_every_concept_has_an_english_label_and_terms() -> None:
    assert len(CATALOGUE.concepts) >= 20
    for concept in CATALOGUE.concepts.values():
        assert concept.labels["en"] and concept.terms
        assert concept.label("ar")  # falls back to English where a label is missing


@pytest.mark.parametrize("text", ["Ich wohne in Deutschland", "Krankenkasse", "praktisch"])
def test_everyday_words_that_start_like_a_term_are_not_that_term(text: str) -> None:
    assert understood(text) == []
