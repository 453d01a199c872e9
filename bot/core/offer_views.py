"""Offer replies: the ranked list with reasons, "almost" offers, and one offer in detail."""

from __future__ import annotations

import math

from bot.core import callback
from bot.core.catalogue import Offer
from bot.core.dialogue_io import Button, Reply
from bot.core.flow import Flow
from bot.core.keys import FOCUS_AGE_MAX, FOCUS_AGE_MIN, STATUS_UNKNOWN
from bot.core.matching import Match, Ranking, rank
from bot.core.person import Person
from bot.core.profile import Profile, Session
from bot.core.rule_views import conditions, gap_line, reasons, school_line
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import category_label, number, numbered, page_buttons, short
from bot.core.world import World

PAGE_SIZE = 5
ALMOST_MARK = "→"
ALMOST_SHOWN = 3
OSM = "https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"


def offer_title(t: Translator, flow: Flow, offer: Offer) -> str:
    """The title in the reader's language with the German official name beside it (HTML)."""
    german = ltr(t, offer.title_de)
    translated = offer.title_in(t.language)
    if t.language == "de":
        return esc(german)
    if translated:
        return html_format(
            t.gettext("{title} (German: {german})"), title=translated, german=german
        )
    return html_format(
        t.gettext("{category}: {german}"),
        category=category_label(t, flow, offer.category),
        german=german,
    )


def offer_button(t: Translator, offer: Offer, label: str, page: int = 1) -> Button:
    """A button to an offer's details; `label` is its number in the list, or an arrow."""
    title = ltr(t, offer.title_in(t.language) or offer.title_de)
    text = f"{label} {title}" if label == ALMOST_MARK else f"{label}. {title}"
    return Button(short(text), callback.encode("of", "o", offer.id, str(page)))


def why_line(t: Translator, world: World, match: Match) -> str:
    """Why this offer is listed: the matched interest, the rules the person meets and the
    conditions that come with it."""
    flow, offer = world.profile_flow, match.offer
    sentences = []
    if match.interest:
        sentences.append(
            html_format(
                t.gettext("Fits your interest “{interest}”."),
                interest=category_label(t, flow, offer.category),
            )
        )
    sentences.extend(reasons(t, world, match.assessment))
    sentences.extend(conditions(t, world, match.assessment))
    availability = availability_line(t, offer)
    if availability:
        sentences.append(availability)
    if offer.online:
        sentences.append(esc(t.gettext("Online: you can join from home.")))
    elif match.nearby:
        sentences.append(esc(t.gettext("In your town.")))
    elif match.distance_km is not None:
        sentences.append(
            html_format(
                t.gettext("About {km} km from you."), km=number(t, round(match.distance_km))
            )
        )
    if not sentences:
        sentences.append(esc(t.gettext("Open to everyone.")))
    return " ".join(sentences)


def profile_notes(t: Translator, person: Person, profile: Profile) -> list[str]:
    notes = []
    if profile.status == STATUS_UNKNOWN:
        notes.append(
            esc(
                t.gettext(
                    "You are not sure about your papers. That is fine: I show you all offers. "
                    "The Jugendmigrationsdienst (youth migration service) can check with you "
                    "which offers you may join."
                )
            )
        )
    if person.outside_focus:
        notes.append(esc(age_note(t)))
    return notes


def availability_line(t: Translator, offer: Offer) -> str:
    """A paused offer says so (HTML); "" when it is open."""
    if offer.availability == "waiting_list":
        return "⏳ " + esc(t.gettext("Waiting list: you can sign up and wait for a place."))
    if offer.availability == "stopped":
        return "⏸ " + esc(t.gettext("No new places right now. Ask the provider when there are."))
    return ""


def outside_note(t: Translator) -> str:
    return t.gettext(
        "Lotse does not know your town yet. I show you what you can use from anywhere: online "
        "offers and counselling services for all of Germany."
    )


def age_note(t: Translator) -> str:
    return t.gettext(
        "Lotse is made for young people from {min} to {max}. I still show you what fits you."
    ).format(min=number(t, FOCUS_AGE_MIN), max=number(t, FOCUS_AGE_MAX))


def page_count(ranking: Ranking | None) -> int:
    return max(1, math.ceil(len(ranking.fit) / PAGE_SIZE)) if ranking else 1


def offer_list(t: Translator, world: World, session: Session, page: int, intro: str = "") -> Reply:
    ranking = rank(world.catalogue, session.profile, world.today)
    ranking = ranking.without(session.dismissed) if ranking else None
    fit_keys = ranking.fit if ranking else []
    pages = page_count(ranking)
    page = min(max(page, 1), pages)
    parts = [intro] if intro else []
    rows: list[tuple[Button, ...]] = []
    if ranking is None or not fit_keys:
        parts.append(
            esc(
                t.gettext(
                    "I did not find an offer that fits all your answers. The "
                    "Jugendmigrationsdienst (youth migration service) can help you personally. "
                    "With /profile you can change your answers."
                )
            )
        )
    else:
        header = t.ngettext("{count} offer fits you.", "{count} offers fit you.", len(fit_keys))
        parts.append(bold(html_format(header, count=number(t, len(fit_keys)))))
        if ranking.place.kind == "area":
            parts.append(esc(outside_note(t)))
        parts.extend(profile_notes(t, ranking.person, session.profile))
        district = world.catalogue.districts.get(ranking.place.district)
        school = school_line(t, ranking.person, district.state) if district else ""
        if school and page == 1:
            parts.append(school)
        if pages > 1:
            parts.append(
                html_format(
                    t.gettext("Page {page} of {pages}"),
                    page=number(t, page),
                    pages=number(t, pages),
                )
            )
        first = (page - 1) * PAGE_SIZE
        shown = ranking.matches(fit_keys[first : first + PAGE_SIZE])
        text, buttons = numbered(
            t,
            shown,
            lambda m: (
                f"{bold(offer_title(t, world.profile_flow, m.offer))}\n{why_line(t, world, m)}"
            ),
            lambda m, label: offer_button(t, m.offer, label, page),
            first=first + 1,
        )
        parts.append(text)
        rows.extend(buttons)
    if ranking is not None and ranking.almost and page == pages:
        almost = ranking.matches(ranking.almost[:ALMOST_SHOWN])
        parts.append(almost_section(t, world, almost, german_courses(ranking)))
        rows.extend((offer_button(t, m.offer, ALMOST_MARK, page),) for m in almost)
    if ranking is not None and ranking.almost:
        rows.append((almost_button(t, len(ranking.almost)),))
    rows.extend(page_buttons(t, "of", "p", page, pages))
    rows.append((Button(t.gettext("My answers"), callback.encode("pf", "v")),))
    return Reply("\n\n".join(parts), tuple(rows))


def almost_button(t: Translator, count: int) -> Button:
    """One tap to every offer almost within reach, grouped by what unlocks them."""
    label = t.ngettext(
        "→ Almost within reach: {count} offer", "→ Almost within reach: {count} offers", count
    )
    return Button(label.format(count=number(t, count)), callback.encode("of", "a", "1"))


def german_courses(ranking: Ranking, limit: int = 2) -> list[Offer]:
    """The best fitting German courses: the way to an offer that needs more German."""
    courses = []
    for key in ranking.fit:
        offer = ranking.offer(key)
        if offer.category == "german_course":
            courses.append(offer)
            if len(courses) == limit:
                break
    return courses


def almost_section(t: Translator, world: World, almost: list[Match], courses: list[Offer]) -> str:
    lines = [bold(esc(t.gettext("Almost within reach")))]
    for match in almost:
        gap = match.assessment.gap
        assert gap is not None
        title = bold(offer_title(t, world.profile_flow, match.offer))
        lines.append(f"{ALMOST_MARK} {title}\n{gap_line(t, world, gap, courses)}")
    return "\n\n".join(lines)
