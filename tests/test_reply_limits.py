"""Every reply fits Telegram's limits on the bundled catalogue, in every language."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import ROOT
from bot.core import offer_views
from bot.core.catalogue import load_catalogue
from bot.core.dialogue_io import Reply
from bot.core.places import PlaceIndex
from bot.core.profile import Profile, Session
from bot.core.search import SearchIndex
from bot.core.world import World
from bot.i18n import Catalogues
from bot.service import Content
from tests.support.transcript import plain

TODAY = date(2026, 11, 22)
CATALOGUES = Catalogues(ROOT / "locales")
CATALOGUE = load_catalogue(ROOT / "data")
CONTENT = Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")
WORLD = World(
    flow=CONTENT.flow,
    catalogue=CATALOGUE,
    places=PlaceIndex(tuple(CATALOGUE.places.values())),
    languages=CATALOGUES.languages(),
    translator=CATALOGUES.translator,
    today=TODAY,
    search=SearchIndex(CATALOGUE),
)
PROFILES = [
    Profile(17, "gestattung", "A1", "helmstedt", ("german_course", "sport")),
    Profile(22, "unknown", "unknown", "krefeld", tuple(sorted(
        ("german_course", "school_certificate", "vocational_training", "job", "university",
         "internship", "counselling", "sport", "culture_music", "mentoring", "recognition")))),
    Profile(15, "duldung", "none", "uerdingen", ("vocational_training",)),
]  # fmt: skip


def check(reply: Reply) -> None:
    text = plain(reply.html)
    assert 0 < len(text.encode("utf-16-le")) // 2 <= 4096
    buttons = [b for row in reply.buttons for b in row]
    assert len(buttons) <= 100
    for button in buttons:
        assert 0 < len(button.data.encode()) <= 64
        assert 0 < len(button.label) <= 64


@pytest.mark.parametrize("language", [lang.code for lang in WORLD.languages])
def test_every_list_page_and_detail_fits(language: str) -> None:
    t = WORLD.translator(language)
    for profile in PROFILES:
        session = Session(language=language, consented=True, profile=profile)
        first = offer_views.offer_list(t, WORLD, session, 1)
        check(first)
        page = 2
        while any(b.data == f"p:{page}" for row in first.buttons for b in row):
            first = offer_views.offer_list(t, WORLD, session, page)
            check(first)
            page += 1
    for offer in CATALOGUE.offers.values():
        check(offer_views.offer_detail(t, WORLD, offer, Session(language=language)))
