"""Every reply fits Telegram's limits on the bundled catalogue, in every language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.config import ROOT
from bot.content import Content
from bot.core import almost_views, card_views, detail_views, event_views, offer_views
from bot.core.dialogue_io import Reply
from bot.core.events import upcoming_for
from bot.core.profile import Profile, Session
from tests.support.transcript import plain

TODAY = date(2026, 11, 22)
CONTENT = Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")
WORLD = CONTENT.world(TODAY, datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
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
        assert button.url or button.share is not None or 0 < len(button.data.encode()) <= 64
        assert 0 < len(button.label) <= 64


@pytest.mark.parametrize("language", [lang.code for lang in WORLD.languages])
def test_every_list_page_and_detail_fits(language: str) -> None:
    t = WORLD.translator(language)
    for profile in PROFILES:
        session = Session(language=language, consented=True, profile=profile)
        first = offer_views.offer_list(t, WORLD, session, 1)
        check(first)
        page = 2
        while any(b.data == f"of:p:{page}" for row in first.buttons for b in row):
            first = offer_views.offer_list(t, WORLD, session, page)
            check(first)
            page += 1
    for offer in WORLD.catalogue.offers.values():
        check(detail_views.offer_detail(t, WORLD, offer, Session(language=language)))


@pytest.mark.parametrize("language", [lang.code for lang in WORLD.languages])
def test_every_event_reply_fits(language: str) -> None:
    t = WORLD.translator(language)
    for profile in PROFILES:
        district = WORLD.catalogue.places[profile.place or ""].district
        session = Session(language=language, consented=True, profile=profile)
        choice = upcoming_for(
            WORLD.events, district, (profile.age, profile.age), profile.interests, [],
            WORLD.now, lambda offer_id: True,
        )  # fmt: skip
        check(event_views.event_list(t, WORLD, session, choice))
    subscribed = Session(language=language, consented=True, subscribed=list(WORLD.events))
    for event in WORLD.events.values():
        for session in (Session(language=language), subscribed):
            check(event_views.event_detail(t, WORLD, event, session))
        check(event_views.reminder(t, event))
        check(event_views.change(t, event))
        check(event_views.follow_up(t, event))
        calendar = event_views.calendar(t, event, WORLD.now)
        assert calendar.attachment is not None
        assert len(plain(calendar.html)) <= 1024  # a document caption


@pytest.mark.parametrize("language", [lang.code for lang in WORLD.languages])
def test_every_almost_page_and_answer_card_fits(language: str) -> None:
    t = WORLD.translator(language)
    for profile in PROFILES:
        session = Session(language=language, consented=True, profile=profile)
        page, reply = 1, almost_views.almost_list(t, WORLD, session, 1)
        check(reply)
        while any(b.data == f"of:a:{page + 1}" for row in reply.buttons for b in row):
            page += 1
            reply = almost_views.almost_list(t, WORLD, session, page)
            check(reply)
    counsel = WORLD.catalogue.offers["HE-012"]
    for card in WORLD.cards.cards.values():
        # The longest combination: a status paragraph and a state paragraph together.
        texts = card.text_in(language)
        assert texts is not None
        status = max(texts.by_status, key=lambda k: len(texts.by_status[k]), default="")
        state = max(texts.by_state, key=lambda k: len(texts.by_state[k]), default="")
        check(card_views.card_reply(t, WORLD, card, status, state, counsel))
