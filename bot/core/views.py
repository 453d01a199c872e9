"""Reply builders: turn state and offers into translated, escaped, bidi-safe messages."""

from __future__ import annotations

from bot.core import callback
from bot.core.dialogue_io import Button, Reply
from bot.core.flow import Step
from bot.core.offer_views import option_label
from bot.core.profile import Session
from bot.core.text import Translator, bold, esc, ltr
from bot.core.world import World


def back_button(t: Translator) -> Button:
    return Button(t.gettext("‹ Back"), callback.encode("b"))


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
        (t.gettext("Your saved offers"), ltr(t, t.format_number(len(session.saved)))),
        (t.gettext("Not for me"), ltr(t, t.format_number(len(session.dismissed)))),
        (t.gettext("Event reminders"), ltr(t, t.format_number(len(session.subscribed)))),
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
        "/saved – " + esc(t.gettext("your saved offers")),
        "/events – " + esc(t.gettext("events near you, with reminders")),
        "/privacy – " + esc(t.gettext("see what I save, delete everything")),
        "/help – " + esc(t.gettext("this help")),
        esc(
            t.gettext(
                "Or just type what you are looking for, for example “Ausbildung Kfz” or "
                "“German course”."
            )
        ),
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
