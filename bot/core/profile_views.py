"""Replies about the person: their answers (/profile), what is stored (/privacy), /help."""

from __future__ import annotations

from collections.abc import Sequence, Set

from bot.core import callback, kinds
from bot.core.dialogue_io import Button, Reply
from bot.core.profile import Session
from bot.core.text import Translator, bold, esc, html_format
from bot.core.views import number, show_offers_button
from bot.core.world import World


def answers_text(t: Translator, world: World, session: Session, shown: Set[str]) -> str:
    """The stored answers, one per line, as /profile and /privacy show them: every labelled
    field of the profile flow among the `shown` steps, so a new question shows up here by
    itself."""
    flow, profile = world.profile_flow, session.profile
    language = world.language(session.language)
    unanswered = t.gettext("not answered")
    values = [(t.gettext("Language"), language.name if language else unanswered)]
    for step in flow.steps.values():
        if not step.field or not step.label or step.id not in shown:
            continue
        value = profile.get(step.field)
        text = (
            kinds.REGISTRY[step.kind].show(t, world, flow, step, value)
            if profile.has(step.field)
            else unanswered
        )
        values.append((t.pgettext(flow.context(step), step.label), text))
    values += [
        (t.gettext("Your saved offers"), number(t, len(session.saved))),
        (t.gettext("Not for me"), number(t, len(session.dismissed))),
        (t.gettext("Event reminders"), number(t, len(session.subscribed))),
    ]
    return "\n".join(f"{bold(esc(name))}: {esc(value)}" for name, value in values)


def profile_view(
    t: Translator, world: World, session: Session, shown: Set[str], complete: bool,
    intro: str = "",
) -> Reply:  # fmt: skip
    flow = world.profile_flow
    parts = [intro] if intro else []
    parts.append(bold(esc(t.gettext("Your answers"))))
    parts.append(answers_text(t, world, session, shown))
    parts.append(esc(t.gettext("Tap a button to change an answer.")))
    rows = [
        (
            Button(
                t.pgettext(flow.context(step), step.edit), callback.encode("pf", "e", step.field)
            ),
        )
        for step in flow.steps.values()
        if step.field and step.edit and step.id in shown
    ]
    rows.append((new_offers_button(t, session.new_offers),))
    rows.append((news_button(t, session.news),))
    if complete:
        rows.append((show_offers_button(t),))
    return Reply("\n\n".join(parts), tuple(rows))


def new_offers_button(t: Translator, on: bool) -> Button:
    label = (
        t.gettext("🔔 Tell me about new offers: on") if on
        else t.gettext("🔕 Tell me about new offers: off")
    )  # fmt: skip
    return Button(label, callback.encode("pf", "n", "off" if on else "on"))


def news_button(t: Translator, on: bool) -> Button:
    label = (
        t.gettext("📣 News from your district: on") if on
        else t.gettext("🔇 News from your district: off")
    )  # fmt: skip
    return Button(label, callback.encode("pf", "w", "off" if on else "on"))


def news_switched(t: Translator, on: bool) -> str:
    if on:
        return t.gettext("Okay. You get news from your district again (at most two a day).")
    return t.gettext("Okay. No more news from your district.")


def new_offers_switched(t: Translator, on: bool) -> str:
    if on:
        return t.gettext(
            "Okay. When a new offer fits you, I tell you (at most one message a day)."
        )
    return t.gettext("Okay. I do not tell you about new offers any more.")


def privacy_view(t: Translator, world: World, session: Session, shown: Set[str]) -> Reply:
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
            answers_text(t, world, session, shown),
            esc(
                t.gettext(
                    "I save these answers only to find offers for you. I do not give them to "
                    "offices. I do not save your name or your messages. You can delete "
                    "everything now."
                )
            ),
        ]
    )
    text = "\n\n".join([text, *privacy_facts(t, world)])
    button = Button(t.gettext("Delete all my data"), callback.encode("pr", "x", "ask"))
    return Reply(text, ((button,),))


def unsaved_view(t: Translator, world: World, session: Session, shown: Set[str]) -> Reply:
    """/privacy for someone who uses Lotse without saving: what is kept for the conversation,
    and the way to save it or forget it now."""
    text = "\n\n".join([
        bold(esc(t.gettext("What I keep for this conversation (not saved)"))),
        answers_text(t, world, session, shown),
        esc(t.gettext(
            "You use Lotse without saving. I keep these answers only for this conversation "
            "and delete them 24 hours after your last message. They are not part of a "
            "profile."
        )),
        *privacy_facts(t, world),
    ])  # fmt: skip
    return Reply(text, (
        (Button(t.gettext("Save my answers"), callback.encode("pr", "s")),),
        (Button(t.gettext("Forget everything now"), callback.encode("pr", "x", "yes")),),
    ))  # fmt: skip


def unsaved_needs_saving(t: Translator) -> Reply:
    text = esc(t.gettext(
        "For this I need to save your answers (you use Lotse without saving). Do you want me "
        "to save them? /privacy deletes them at any time."
    ))  # fmt: skip
    return Reply(text, ((Button(t.gettext("Save my answers"), callback.encode("pr", "s")),),))


def privacy_facts(t: Translator, world: World) -> list[str]:
    """Who is responsible, how long answers are kept without use, and Telegram's part."""
    operator = world.operator
    facts = []
    if operator.name:
        facts.append(html_format(
            t.gettext("Responsible for your data: {name}. Contact: {contact}"),
            name=operator.name, contact=operator.contact or "–",
        ))  # fmt: skip
    days = operator.retention_days
    facts.append(esc(t.ngettext(
        "If you do not use Lotse for {days} day, I delete your answers (I ask you before).",
        "If you do not use Lotse for {days} days, I delete your answers (I ask you before).",
        days,
    ).format(days=days)))  # fmt: skip
    facts.append(esc(t.gettext("Telegram itself also sees your messages.")))
    return facts


def retention_question(t: Translator, days: int) -> Reply:
    """Asked once, 14 days before inactive data is deleted."""
    text = t.ngettext(
        "You have not used Lotse for a long time. In {days} day I will delete your answers. "
        "Do you want to keep them?",
        "You have not used Lotse for a long time. In {days} days I will delete your answers. "
        "Do you want to keep them?",
        days,
    ).format(days=days)
    rows = (
        (Button(t.gettext("Keep my data"), callback.encode("pr", "k", "yes")),),
        (Button(t.gettext("Delete now"), callback.encode("pr", "x", "ask")),),
    )
    return Reply(esc(text), rows)


def erase_question(t: Translator) -> Reply:
    return Reply(
        esc(t.gettext("Do you really want to delete all your data? This cannot be undone.")),
        (
            (Button(t.gettext("Yes, delete everything"), callback.encode("pr", "x", "yes")),),
            (Button(t.gettext("No, keep my data"), callback.encode("pr", "x", "no")),),
        ),
    )


def help_view(t: Translator, commands: Sequence[tuple[str, str]]) -> Reply:
    """`commands`: (name, translated help line) of what this person may use."""
    lines = [esc(t.gettext("I help you find courses, schools, training and advice near you."))]
    lines += [f"/{name} – {esc(text)}" for name, text in commands]
    lines.append(
        esc(
            t.gettext(
                "Or just type what you are looking for, for example “Ausbildung Kfz” or "
                "“German course”."
            )
        )
    )
    lines.append(
        esc(
            t.gettext(
                "This is general information, not legal advice. In an emergency call 112 "
                "(ambulance, fire) or 110 (police)."
            )
        )
    )
    return Reply("\n".join(lines))
