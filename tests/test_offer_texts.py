"""Offers and events read in every language: in a non-German conversation no bundled offer or
event detail shows German prose except the official names and the "Original (Deutsch)" block;
what matters (schedule, cost, requirements, next step) comes from structured facts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.config import ROOT
from bot.content import Content
from bot.core import detail_views, event_views, fact_views
from bot.core.offer_facts import OfferFacts, Span, Window
from bot.core.profile import Profile, Session
from tests.support.transcript import plain

CONTENT = Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")
WORLD = CONTENT.world(date(2026, 12, 1), datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
FOREIGN = [lang.code for lang in WORLD.languages if lang.code != "de"]
PERSON = Profile(None, "duldung", "A2", "helmstedt", ("job",), birth="2006-03")


def outside_original(t, html: str) -> str:  # type: ignore[no-untyped-def]
    """The reply without its "Original (Deutsch)" block (the last part, if any)."""
    text = plain(html)
    heading = t.gettext("Original (Deutsch)")
    return text.split(heading)[0] if heading in text else text


@pytest.mark.parametrize("language", FOREIGN)
def test_no_offer_detail_shows_german_prose_outside_the_original(language: str) -> None:
    t = WORLD.translator(language)
    session = Session(language=language, consented=True, profile=PERSON)
    for offer in WORLD.catalogue.offers.values():
        assert offer.title_in(language), (offer.id, "title")
        assert offer.summary_in(language), (offer.id, "summary")
        html = detail_views.offer_detail(t, WORLD, offer, session).html
        body = outside_original(t, html)
        for name, german in (("summary", offer.summary_de), ("schedule", offer.schedule_de),
                             ("cost note", offer.cost_note_de)):  # fmt: skip
            assert not german or german not in body, (offer.id, name)
        # A described provider is translated; a name stays (inside its translation).
        allowed = offer.provider_in(language).count(offer.provider)
        named = body.replace(offer.title_de, "")  # the official title beside the translation
        assert named.count(offer.provider) <= allowed, (offer.id, "provider")
        # The German texts are all kept, below, as written.
        for german in (offer.schedule_de, offer.cost_note_de):
            assert not german or german in plain(html), offer.id


@pytest.mark.parametrize("language", FOREIGN)
def test_every_event_detail_has_a_translated_title(language: str) -> None:
    t = WORLD.translator(language)
    session = Session(language=language, consented=True, profile=PERSON)
    for event in WORLD.events.values():
        assert event.title(language), event.id
        text = plain(event_views.event_detail(t, WORLD, event, session).html)
        # The German title appears once, beside the translation, never alone.
        assert event.title(language) in text and text.count(event.title_de) == 1, event.id


def test_structured_facts_read_in_the_readers_language() -> None:
    offer = WORLD.catalogue.offers["KR-006"]  # an Integrationskurs, mornings or evenings
    german = detail_views.offer_detail(WORLD.translator("de"), WORLD, offer, Session("de"))
    arabic = detail_views.offer_detail(WORLD.translator("ar"), WORLD, offer, Session("ar"))
    assert "Mo.–Fr." in plain(german.html) or "Mo–Fr" in plain(german.html)
    assert "700 Unterrichtsstunden" in plain(german.html)  # the facts, said in German
    text = plain(arabic.html)
    assert "الاثنين" in text and "الجمعة" in text  # Monday to Friday, in Arabic
    assert "<blockquote expandable>" in arabic.html  # the German original, folded


def test_fact_sentences() -> None:
    t = WORLD.translator("en")
    facts = OfferFacts(
        formats=("part_time",),
        windows=(Window((0, 1, 2, 4), None, None),),
        duration=Span(2, 3, "y"),
        hours_per_week=Span(None, 8, ""),
        start_months=(2, 9),
    )
    assert fact_views.days_text(t, (0, 1, 2, 3, 4)) == "Mon–Fri"
    assert fact_views.days_text(t, (0, 1, 2, 4)) == "Mon–Wed, Fri"
    assert fact_views.when_lines(t, facts) == ["Part time.", "Mon–Wed, Fri"]
    assert fact_views.duration_line(t, facts) == "2 to 3 years and up to 8 hours a week"
    assert fact_views.start_lines(t, facts) == ["It starts in: February and September."]
    assert fact_views.span_text(t, Span(3.5, 3.5, "y")) == "3.5 years"
    assert fact_views.span_text(t, Span(6, None, "m")) == "at least 6 months"
