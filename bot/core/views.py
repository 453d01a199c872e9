"""Reply builders: turn state and offers into translated, escaped, bidi-safe messages."""

from __future__ import annotations

import math

from bot.core import callback
from bot.core.catalogue import Offer
from bot.core.dialogue_io import Button, Reply
from bot.core.flow import Flow, Step
from bot.core.keys import FOCUS_AGE_MAX, FOCUS_AGE_MIN, STATUS_UNKNOWN
from bot.core.matching import Match, match_offers
from bot.core.profile import Profile, Session
from bot.core.text import Translator, bold, esc, ltr
from bot.core.world import World

PAGE_SIZE = 5
BUTTON_LABEL_MAX = 40


def short(label: str, limit: int = BUTTON_LABEL_MAX) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def option_label(t: Translator, flow: Flow, save: str, value: str) -> str:
    """The translated button label of an answer, e.g. the status "duldung" -> "Tolerated stay"."""
    step = flow.step_saving(save)
    option = step.option(value) if step else None
    return t.pgettext(flow.context(step), option.label) if step and option else value


def back_button(t: Translator) -> Button:
    return Button(t.gettext("‹ Back"), callback.encode("b"))


def category_label(t: Translator, flow: Flow, category: str) -> str:
    return option_label(t, flow, "interests", category)


def offer_title(t: Translator, flow: Flow, offer: Offer) -> str:
    """The title in the reader's language with the German official name beside it (escaped)."""
    german = esc(ltr(t, offer.title_de))
    translated = offer.titles.get(t.language)
    if t.language == "de":
        return german
    if translated:
        return t.gettext("{title} (German: {german})").format(title=esc(translated), german=german)
    return t.gettext("{category}: {german}").format(
        category=esc(category_label(t, flow, offer.category)), german=german
    )


def why_line(t: Translator, flow: Flow, match: Match) -> str:
    if match.interest:
        line = t.gettext("Fits your interest “{interest}”, your age, papers and German.").format(
            interest=esc(category_label(t, flow, match.offer.category))
        )
    else:
        line = t.gettext("Also open to you: fits your age, papers and German.")
    if match.offer.online:
        line += " " + t.gettext("Online: you can join from home.")
    elif match.nearby:
        line += " " + t.gettext("In your town.")
    return line


def profile_notes(t: Translator, profile: Profile) -> list[str]:
    notes = []
    if profile.status == STATUS_UNKNOWN:
        notes.append(
            t.gettext(
                "You are not sure about your papers. That is fine: I show you all offers. "
                "The Jugendmigrationsdienst (youth migration service) can check with you "
                "which offers you may join."
            )
        )
    if profile.age is not None and not FOCUS_AGE_MIN <= profile.age <= FOCUS_AGE_MAX:
        notes.append(age_note(t))
    return notes


def age_note(t: Translator) -> str:
    return t.gettext(
        "Lotse is made for young people from {min} to {max}. I still show you what fits you."
    ).format(
        min=ltr(t, t.format_number(FOCUS_AGE_MIN)), max=ltr(t, t.format_number(FOCUS_AGE_MAX))
    )


def offer_list(t: Translator, world: World, session: Session, page: int, intro: str = "") -> Reply:
    matches = match_offers(world.catalogue, session.profile, world.today)
    pages = max(1, math.ceil(len(matches) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    session.pending["page"] = page
    parts = [intro] if intro else []
    if not matches:
        parts.append(
            t.gettext(
                "I did not find an offer that fits all your answers. The "
                "Jugendmigrationsdienst (youth migration service) can help you personally. "
                "With /profile you can change your answers."
            )
        )
        return Reply("\n\n".join(parts), _list_menu(t))
    header = t.ngettext("{count} offer fits you.", "{count} offers fit you.", len(matches))
    parts.append(bold(header.format(count=ltr(t, t.format_number(len(matches))))))
    parts.extend(profile_notes(t, session.profile))
    if pages > 1:
        parts.append(
            t.gettext("Page {page} of {pages}").format(
                page=ltr(t, t.format_number(page)), pages=ltr(t, t.format_number(pages))
            )
        )
    first = (page - 1) * PAGE_SIZE
    rows: list[tuple[Button, ...]] = []
    lines = []
    for number, match in enumerate(matches[first : first + PAGE_SIZE], start=first + 1):
        label = ltr(t, t.format_number(number))
        title = bold(offer_title(t, world.flow, match.offer))
        lines.append(f"{label}. {title}\n{why_line(t, world.flow, match)}")
        plain_title = match.offer.titles.get(t.language) or match.offer.title_de
        rows.append(
            (
                Button(
                    short(f"{label}. {ltr(t, plain_title)}"), callback.encode("o", match.offer.id)
                ),
            )
        )
    parts.append("\n\n".join(lines))
    nav = []
    if page > 1:
        nav.append(Button(t.gettext("‹ Previous"), callback.encode("p", str(page - 1))))
    if page < pages:
        nav.append(Button(t.gettext("More ›"), callback.encode("p", str(page + 1))))
    if nav:
        rows.append(tuple(nav))
    rows.extend(_list_menu(t))
    return Reply("\n\n".join(parts), tuple(rows))


def _list_menu(t: Translator) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t.gettext("My answers"), callback.encode("e", "profile")),),)


def offer_detail(t: Translator, world: World, offer: Offer, page: int) -> Reply:
    flow = world.flow
    lines = [bold(offer_title(t, flow, offer))]
    summary = offer.summaries.get(t.language)
    lines.append(esc(summary) if summary else esc(ltr(t, offer.summary_de)))
    facts = [
        (t.gettext("Provider"), esc(ltr(t, offer.provider))),
        (t.gettext("Where"), _where(t, world, offer)),
        (t.gettext("When"), esc(ltr(t, offer.schedule_de))),
        (t.gettext("Cost"), _cost(t, offer)),
        (t.gettext("Contact"), esc(ltr(t, offer.contact))),
        (t.gettext("More information"), esc(ltr(t, offer.source_url))),
    ]
    lines.append("\n".join(f"{bold(esc(name))}: {value}" for name, value in facts))
    if offer.contact_is_example:
        lines.append(t.gettext("This contact is an example. The real contact follows soon."))
    if offer.needs_verification:
        lines.append(
            "⚠️ "
            + t.gettext(
                "The rules for this offer may have changed. Please ask the "
                "Jugendmigrationsdienst (youth migration service) before you apply."
            )
        )
    buttons = ((Button(t.gettext("‹ Back to the list"), callback.encode("p", str(page))),),)
    return Reply("\n\n".join(lines), buttons)


def _where(t: Translator, world: World, offer: Offer) -> str:
    if offer.online:
        return esc(t.gettext("Online"))
    if offer.address:
        return esc(ltr(t, offer.address))
    place = world.catalogue.places.get(offer.municipality)
    district = world.catalogue.districts.get(offer.district)
    return esc(ltr(t, place.name if place else district.name if district else offer.district))


def _cost(t: Translator, offer: Offer) -> str:
    if offer.cost_eur == 0:
        text = esc(t.gettext("Free"))
    else:
        text = esc(ltr(t, t.format_currency(offer.cost_eur, "EUR")))
    if offer.cost_note_de:
        text += f" ({esc(ltr(t, offer.cost_note_de))})"
    return text


def answers_text(t: Translator, world: World, session: Session) -> str:
    """The stored answers, one per line, as /profile and /privacy show them."""
    flow, profile = world.flow, session.profile
    language = world.language(session.language)
    place = world.catalogue.places.get(profile.place or "")
    unanswered = t.gettext("not answered")
    values = [
        (t.gettext("Language"), language.name if language else unanswered),
        (
            t.gettext("Age"),
            ltr(t, t.format_number(profile.age)) if profile.age is not None else unanswered,
        ),
        (
            t.gettext("Papers"),
            option_label(t, flow, "status", profile.status) if profile.status else unanswered,
        ),
        (
            t.gettext("German"),
            option_label(t, flow, "german_level", profile.german_level)
            if profile.german_level
            else unanswered,
        ),
        (t.gettext("Town"), ltr(t, place.name) if place else unanswered),
        (
            t.gettext("Interests"),
            ", ".join(option_label(t, flow, "interests", i) for i in profile.interests)
            or unanswered,
        ),
    ]
    return "\n".join(f"{bold(esc(name))}: {esc(value)}" for name, value in values)


def profile_view(t: Translator, world: World, session: Session, intro: str = "") -> Reply:
    parts = [intro] if intro else []
    parts.append(bold(esc(t.gettext("Your answers"))))
    parts.append(answers_text(t, world, session))
    parts.append(esc(t.gettext("Tap a button to change an answer.")))
    edits = [
        (t.gettext("Change age"), "age"),
        (t.gettext("Change papers"), "residence_status"),
        (t.gettext("Change German"), "german_level"),
        (t.gettext("Change town"), "place"),
        (t.gettext("Change interests"), "interests"),
    ]
    rows = [
        (Button(label, callback.encode("e", step)),)
        for label, step in edits
        if step in world.flow.steps
    ]
    if session.profile.is_complete():
        rows.append((Button(t.gettext("Show my offers"), callback.encode("p", "1")),))
    return Reply("\n\n".join(parts), tuple(rows))


def privacy_view(t: Translator, world: World, session: Session) -> Reply:
    if not session.consented:
        return Reply(
            esc(
                t.gettext(
                    "I have not saved anything about you. I only save your answers after "
                    "you agree. Send /start to begin."
                )
            )
        )
    text = "\n\n".join(
        [
            bold(esc(t.gettext("What I save about you"))),
            answers_text(t, world, session),
            esc(
                t.gettext(
                    "I save these answers only to find offers for you. I do not give them to "
                    "offices. I do not save your name or your messages. You can delete "
                    "everything now."
                )
            ),
        ]
    )
    return Reply(text, ((Button(t.gettext("Delete all my data"), callback.encode("x", "ask")),),))


def erase_question(t: Translator) -> Reply:
    return Reply(
        esc(t.gettext("Do you really want to delete all your data? This cannot be undone.")),
        (
            (Button(t.gettext("Yes, delete everything"), callback.encode("x", "yes")),),
            (Button(t.gettext("No, keep my data"), callback.encode("x", "no")),),
        ),
    )


def help_view(t: Translator) -> Reply:
    lines = [
        esc(t.gettext("I help you find courses, schools, training and advice near you.")),
        "/start – " + esc(t.gettext("start again from the beginning")),
        "/offers – " + esc(t.gettext("show the offers that fit you")),
        "/profile – " + esc(t.gettext("see and change your answers")),
        "/language – " + esc(t.gettext("change the language")),
        "/privacy – " + esc(t.gettext("see what I save, delete everything")),
        "/help – " + esc(t.gettext("this help")),
        esc(
            t.gettext(
                "This is general information, not legal advice. In an emergency call 112 "
                "(ambulance, fire) or 110 (police)."
            )
        ),
    ]
    return Reply("\n".join(lines))


def step_buttons(
    t: Translator, world: World, step: Step, session: Session
) -> list[tuple[Button, ...]]:
    """Buttons of one question; `pending` holds place candidates and ticked interests."""
    flow = world.flow
    context = flow.context(step)
    rows: list[tuple[Button, ...]] = []
    if step.kind == "language":
        hint = session.pending.get("suggested")
        ordered = sorted(world.languages, key=lambda lang: lang.code != hint)
        buttons = [Button(lang.name, callback.encode("s", step.id, lang.code)) for lang in ordered]
        rows.extend(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    elif step.kind in {"choice", "consent"}:
        rows.extend(
            (Button(t.pgettext(context, o.label), callback.encode("s", step.id, o.value)),)
            for o in step.options
        )
    elif step.kind == "multi":
        ticked = set(session.pending.get("ticked", []))  # type: ignore[arg-type]
        for option in step.options:
            mark = "✅ " if option.value in ticked else ""
            label = mark + t.pgettext(context, option.label)
            rows.append((Button(label, callback.encode("t", step.id, option.value)),))
        rows.append((Button(t.gettext("Done ✔"), callback.encode("d", step.id)),))
    elif step.kind == "place":
        for place_id in session.pending.get("candidates", []):  # type: ignore[union-attr]
            place = world.catalogue.places.get(str(place_id))
            if place:
                label = t.gettext("{place} ({postcode})").format(
                    place=place.name, postcode=place.postcodes[0]
                )
                rows.append((Button(ltr(t, label), callback.encode("s", step.id, place.id)),))
    if session.history or session.return_to:
        rows.append((back_button(t),))
    return rows


def _explanation(t: Translator, context: str, label: str, explain: str) -> str:
    return f"• {bold(esc(t.pgettext(context, label)))}: {esc(t.pgettext(context, explain))}"


def question(t: Translator, world: World, step: Step, session: Session, intro: str = "") -> Reply:
    context = world.flow.context(step)
    parts = [intro] if intro else []
    parts.append(esc(t.pgettext(context, step.prompt)))
    if step.kind == "choice" and any(o.explain for o in step.options):
        explained = [o for o in step.options if o.explain]
        parts.append("\n".join(_explanation(t, context, o.label, o.explain) for o in explained))
    if step.kind == "place" and session.pending.get("candidates"):
        parts = [intro] if intro else []
        parts.append(esc(t.gettext("Is it one of these? Tap it, or type your town again.")))
    return Reply("\n\n".join(parts), tuple(step_buttons(t, world, step, session)))
