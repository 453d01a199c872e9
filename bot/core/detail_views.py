"""One offer in full: what it is, where and when, what it costs, what you need and what to do
next, in the reader's language from structured facts; the German prose below as "Original
(Deutsch)"; and what the rules say for this person."""

from __future__ import annotations

from bot.core import callback, fact_views
from bot.core.catalogue import Offer
from bot.core.dialogue_io import Button, Reply
from bot.core.matching import assessment_of, rank
from bot.core.offer_views import OSM, availability_line, german_courses, offer_title
from bot.core.profile import Session
from bot.core.rule_views import conditions, gap_line
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import category_label, talk_button
from bot.core.world import World


def offer_detail(
    t: Translator, world: World, offer: Offer, session: Session, page: int = 1,
    replace: bool = False, notice: str = "",
) -> Reply:  # fmt: skip
    lines = [bold(offer_title(t, world.profile_flow, offer))]
    summary = offer.summary_in(t.language)
    translated = bool(summary) or t.language == "de"
    if t.language == "de":
        summary = offer.summary_de
    lines.append(
        esc(summary) if summary
        else html_format(
            t.gettext("{category}. The description is in German below."),
            category=category_label(t, world.profile_flow, offer.category),
        )
    )  # fmt: skip
    availability = availability_line(t, offer)
    if availability:
        lines.append(availability)
    facts = _facts(t, world, offer)
    lines.append("\n".join(f"{bold(esc(name))}: {value}" for name, value in facts))
    lines.extend(_steps(t, offer))
    lines.extend(_for_you(t, world, offer, session))
    path = next_steps(t, world, offer)
    if path:
        lines.append(path)
    if offer.contact_is_example:
        lines.append(esc(t.gettext("This contact is an example. The real contact follows soon.")))
    if offer.needs_verification:
        lines.append(
            "⚠️ "
            + esc(
                t.gettext(
                    "The rules for this offer may have changed. Please ask the "
                    "Jugendmigrationsdienst (youth migration service) before you apply."
                )
            )
        )
    if offer.rules_checked:
        lines.append(
            html_format(
                t.gettext("Rules last checked: {date}"),
                date=ltr(t, t.format_date(offer.rules_checked)),
            )
        )
    original = original_block(t, offer, with_summary=not translated)
    if original:
        lines.append(original)
    saved = offer.id in session.saved
    save = Button(
        t.gettext("★ Saved (tap to remove)") if saved else t.gettext("⭐ Save"),
        callback.encode("of", "s", offer.id, str(page)),
    )
    buttons = (
        (save, Button(t.gettext("Not for me"), callback.encode("of", "n", offer.id, str(page)))),
        (talk_button(t, offer.id), Button(t.gettext("↗ Share"), share=offer.id)),
        (Button(t.gettext("‹ Back to the list"), callback.encode("of", "p", str(page))),),
    )
    return Reply("\n\n".join(lines), buttons, replace=replace, notice=notice)


PATH_DEPTH = 3


def next_steps(t: Translator, world: World, offer: Offer) -> str:
    """Where this offer can lead (its `leads_to`, two more steps deep): the district's path
    that the needs report draws, in words."""
    offers = world.catalogue.offers
    lines: list[str] = []

    def walk(current: Offer, depth: int, seen: frozenset[str]) -> None:
        for target in current.leads_to:
            step = offers.get(target)
            if step is None or target in seen:
                continue
            indent = "   " * (depth - 1)
            lines.append(f"{indent}→ {offer_title(t, world.profile_flow, step)}")
            if depth < PATH_DEPTH:
                walk(step, depth + 1, seen | {target})

    walk(offer, 1, frozenset({offer.id}))
    if not lines:
        return ""
    return bold(esc(t.gettext("Where this can lead"))) + "\n" + "\n".join(lines)


def _facts(t: Translator, world: World, offer: Offer) -> list[tuple[str, str]]:
    facts = offer.facts
    start = (
        esc(ltr(t, t.format_date(offer.start)))
        if offer.start and offer.start >= world.today
        else esc(t.gettext("any time"))
    )
    more = fact_views.start_lines(t, facts)
    starts = f"{start} – {' '.join(more)}" if more else start
    rows = [
        (t.gettext("Provider"), esc(ltr(t, offer.provider_in(t.language)))),
        (t.gettext("Where"), _where(t, world, offer)),
    ]
    location = world.catalogue.locations.get(offer.id)
    if location:
        rows.append((t.gettext("Map"), esc(ltr(t, OSM.format(lat=location[0], lon=location[1])))))
    when = "\n".join(fact_views.when_lines(t, facts))
    if when:
        rows.append((t.gettext("When"), when))
    duration = fact_views.duration_line(t, facts)
    if duration:
        rows.append((t.gettext("How long"), duration))
    rows.append((t.gettext("Start"), starts))
    rows.append((t.gettext("Cost"), _cost(t, offer)))
    need = fact_views.need_line(t, facts)
    if need:
        rows.append((t.gettext("You need"), need))
    return rows


def _steps(t: Translator, offer: Offer) -> list[str]:
    """What to do next, what to bring, and whom to contact (below the step that says so)."""
    lines = []
    steps = fact_views.next_lines(t, offer.facts)
    if steps:
        lines.append(bold(esc(t.gettext("Next step"))) + "\n" + " ".join(steps))
    bring = fact_views.bring_line(t, offer.facts)
    if bring:
        lines.append(html_format(t.gettext("Bring: {things}."), things=bring))
    contacts = [
        (t.gettext("Contact"), esc(ltr(t, offer.contact))),
        (t.gettext("More information"), esc(ltr(t, offer.source_url))),
    ]
    lines.append("\n".join(f"{bold(esc(name))}: {value}" for name, value in contacts))
    return lines


def _for_you(t: Translator, world: World, offer: Offer, session: Session) -> list[str]:
    """The rules for this person: what is missing, and the conditions that come with it."""
    assessment = assessment_of(world, session, offer)
    rules = conditions(t, world, assessment, full=True)
    if assessment.gap is not None:
        ranking = rank(world.catalogue, session.profile, world.today)
        courses = german_courses(ranking) if ranking else []
        rules.insert(0, gap_line(t, world, assessment.gap, courses))
    if not rules:
        return []
    return [bold(esc(t.gettext("For you"))) + "\n" + "\n".join(f"• {r}" for r in rules)]


def original_block(t: Translator, offer: Offer, with_summary: bool) -> str:
    """The German prose as written by the provider, folded (an expandable quote)."""
    parts = [offer.summary_de] if with_summary else []
    if offer.provider_in(t.language) != offer.provider:
        parts.append(offer.provider)
    parts += [text for text in (offer.schedule_de, offer.cost_note_de) if text]
    if not parts:
        return ""
    body = "\n".join(esc(ltr(t, part)) for part in parts)
    heading = bold(esc(t.gettext("Original (Deutsch)")))
    return f"{heading}\n<blockquote expandable>{body}</blockquote>"


def _where(t: Translator, world: World, offer: Offer) -> str:
    if offer.online:
        return esc(t.gettext("Online"))
    if offer.address:
        return esc(ltr(t, offer.address))
    place = world.catalogue.places.get(offer.municipality)
    district = world.catalogue.districts.get(offer.district)
    return esc(ltr(t, place.name if place else district.name if district else offer.district))


def _cost(t: Translator, offer: Offer) -> str:
    lines = fact_views.cost_lines(t, offer)
    if lines:
        return " ".join(lines)
    if offer.cost_eur == 0:
        return esc(t.gettext("Free"))
    return esc(ltr(t, t.format_currency(offer.cost_eur, "EUR")))
