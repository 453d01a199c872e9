"""Replies about offers found in other ways: free-text search, saved offers, newly fitting."""

from __future__ import annotations

from bot.core import callback
from bot.core.catalogue import Concept, Offer
from bot.core.dialogue_io import Button, Reply
from bot.core.matching import Match, Ranking, rank
from bot.core.offer_views import (
    ALMOST_MARK,
    ALMOST_SHOWN,
    PAGE_SIZE,
    almost_section,
    german_courses,
    offer_button,
    offer_title,
    why_line,
)
from bot.core.profile import Session
from bot.core.text import Translator, bold, esc, html_format
from bot.core.views import number, numbered, short, show_offers_button, talk_button
from bot.core.world import World

SEARCH_SHOWN = 6


def saved_list(t: Translator, world: World, session: Session) -> Reply:
    offers = [world.catalogue.offers[i] for i in session.saved if i in world.catalogue.offers]
    if not offers:
        return Reply(
            esc(t.gettext("You have not saved any offers yet. Tap “⭐ Save” on an offer.")),
            ((show_offers_button(t),),),
        )
    text, rows = numbered(
        t,
        offers,
        lambda o: offer_title(t, world.profile_flow, o),
        lambda o, label: offer_button(t, o, label),
        separator="\n",
    )
    rows.append((Button(t.gettext("📄 My offers as a page (PDF)"), callback.encode("of", "m")),))
    return Reply(f"{bold(esc(t.gettext('Your saved offers')))}\n{text}", tuple(rows))


def offers_changed(t: Translator, world: World, ranking: Ranking) -> Reply:
    """After a move to another district: a new list, said as such."""
    count = len(ranking.fit)
    header = t.ngettext(
        "Your offers changed: {count} offer fits you where you live now.",
        "Your offers changed: {count} offers fit you where you live now.",
        count,
    )
    return Reply(bold(html_format(header, count=number(t, count))), ((show_offers_button(t),),))


def newly_fitting(t: Translator, world: World, offers: list[Offer]) -> Reply:
    """After a changed answer: the offers that fit now and did not before."""
    header = t.ngettext(
        "Good news: {count} more offer fits you now.",
        "Good news: {count} more offers fit you now.",
        len(offers),
    )
    text, rows = numbered(
        t,
        offers[:PAGE_SIZE],
        lambda o: offer_title(t, world.profile_flow, o),
        lambda o, label: offer_button(t, o, label),
        separator="\n",
    )
    return Reply(f"{bold(html_format(header, count=number(t, len(offers))))}\n{text}", tuple(rows))


def new_offers_news(t: Translator, world: World, offers: list[Offer]) -> Reply:
    """ "Tell me about new offers": the catalogue has offers that fit the person now."""
    reply = newly_fitting(t, world, offers)
    note = esc(t.gettext("You asked for this in /profile. You can turn it off there."))
    return Reply(f"{reply.html}\n\n{note}", reply.buttons)


def search_results(
    t: Translator,
    world: World,
    session: Session,
    concepts: list[Concept],
    offers: list[Match],
    related: list[Match],
) -> Reply:
    """What was understood, the fitting hits and the almost ones; if none fit, what fits in
    the same field and where to get help."""
    what = ", ".join(c.label(t.language) for c in concepts)
    parts = [bold(html_format(t.gettext("You searched for: {what}"), what=what))]
    fitting = [m for m in offers if m.assessment.verdict == "fit"][:SEARCH_SHOWN]
    almost = [m for m in offers if m.assessment.verdict == "almost"][:ALMOST_SHOWN]
    if not fitting:
        parts.append(
            html_format(t.gettext("No offer for “{what}” fits your answers right now."), what=what)
        )
    text, rows = numbered(
        t,
        fitting or related[:SEARCH_SHOWN],
        lambda m: f"{bold(offer_title(t, world.profile_flow, m.offer))}\n{why_line(t, world, m)}",
        lambda m, label: offer_button(t, m.offer, label),
    )
    if text:
        parts.append(text)
    if almost:
        ranking = rank(world.catalogue, session.profile, world.today)
        courses = german_courses(ranking) if ranking else []
        parts.append(almost_section(t, world, almost, courses))
        rows.extend((offer_button(t, m.offer, ALMOST_MARK),) for m in almost)
    if not fitting:
        parts.append(esc(counselling_hint(t)))
    rows.append((show_offers_button(t),))
    return Reply("\n\n".join(parts), tuple(rows))


def nothing_understood(t: Translator, query: str) -> Reply:
    text = html_format(
        t.gettext(
            "I did not understand “{query}”. Try other words, for example “German course” "
            "or “Ausbildung Kfz”."
        ),
        query=short(query, 60),
    )
    return Reply(
        f"{text}\n\n{esc(counselling_hint(t))}", ((show_offers_button(t),), (talk_button(t),))
    )


def counselling_hint(t: Translator) -> str:
    return t.gettext(
        "The Jugendmigrationsdienst (youth migration service) can help you find the right way. "
        "It is free."
    )
