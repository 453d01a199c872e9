"""Event replies: the list, one event, its calendar file, reminders and "Did you go?"."""

from __future__ import annotations

from datetime import datetime

from bot.core import callback
from bot.core.dialogue_io import Attachment, Button, Reply
from bot.core.events import Event, EventChoice
from bot.core.ics import calendar_file
from bot.core.matching import assessment_of
from bot.core.offer_views import ALMOST_MARK, OSM
from bot.core.profile import Session
from bot.core.rule_views import gap_line
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import number, short, show_offers_button
from bot.core.world import World

FITTING_SHOWN = 8
OTHER_SHOWN = 3
ANSWERS = ("yes", "no", "cancelled")


def _translated_title(t: Translator, event: Event) -> str:
    """The title in the reader's language; "" for German readers or when not translated."""
    return "" if t.language == "de" else event.title(t.language)


def event_title(t: Translator, event: Event) -> str:
    """The title in the reader's language with the German name beside it (HTML)."""
    german = ltr(t, event.title_de)
    translated = _translated_title(t, event)
    if not translated:
        return esc(german)
    return html_format(t.gettext("{title} (German: {german})"), title=translated, german=german)


def event_title_plain(t: Translator, event: Event) -> str:
    translated = _translated_title(t, event)
    if not translated:
        return event.title_de
    return t.gettext("{title} (German: {german})").format(title=translated, german=event.title_de)


def _short_title(t: Translator, event: Event) -> str:
    """One name for buttons and captions: the translation, else the German title."""
    return ltr(t, _translated_title(t, event) or event.title_de)


def when(t: Translator, event: Event) -> str:
    """Weekday, date and local time from start to end, in the district's time zone (HTML)."""
    start, end = event.start.astimezone(event.zone), event.end.astimezone(event.zone)
    return html_format(
        t.gettext("{day}, {start} to {end}"),
        day=ltr(t, t.format_day(start.date())),
        start=ltr(t, t.format_time(start)),
        end=ltr(t, t.format_time(end)),
    )


def where(t: Translator, event: Event) -> str:
    return esc(ltr(t, event.place)) if event.place else esc(t.gettext("Online"))


def _status_line(t: Translator, event: Event, session: Session) -> str:
    if event.cancelled:
        return "❌ " + esc(t.gettext("This event is cancelled."))
    if event.id in session.subscribed:
        return "🔔 " + esc(t.gettext("You get a reminder."))
    return ""


def event_list(t: Translator, world: World, session: Session, choice: EventChoice) -> Reply:
    fitting = choice.fitting[:FITTING_SHOWN]
    other = choice.other[:OTHER_SHOWN]
    if not fitting and not other:
        return Reply(
            esc(
                t.gettext(
                    "There are no upcoming events near you right now. Look again in a few days."
                )
            ),
            ((show_offers_button(t),),),
        )
    lines: list[str] = []
    rows: list[tuple[Button, ...]] = []
    position = 0
    for heading, events in (
        (t.gettext("Events for you"), fitting),
        (t.gettext("More events near you"), other),
    ):
        if not events:
            continue
        lines.append(bold(esc(heading)))
        for event in events:
            position += 1
            label = number(t, position)
            entry = [
                f"{esc(label)}. {event_title(t, event)}",
                f"📅 {when(t, event)}",
                f"📍 {where(t, event)}",
            ]
            status = _status_line(t, event, session)
            if status:
                entry.append(status)
            lines.append("\n".join(entry))
            title = _short_title(t, event)
            rows.append(
                (Button(short(f"{label}. {title}"), callback.encode("ev", "o", event.id)),)
            )
    if not fitting:
        lines.insert(0, esc(t.gettext("No event matches your interests right now.")))
    lines.append(esc(t.gettext("Tap an event to get a reminder or a calendar file.")))
    return Reply("\n\n".join(lines), tuple(rows))


def reminder_times(t: Translator, event: Event) -> str:
    return t.format_list([ltr(t, t.format_duration(offset)) for offset in event.reminders])


def _facts(t: Translator, event: Event) -> list[str]:
    facts = [(t.gettext("When"), when(t, event)), (t.gettext("Where"), where(t, event))]
    if event.lat is not None and event.lon is not None:
        facts.append((t.gettext("Map"), esc(ltr(t, OSM.format(lat=event.lat, lon=event.lon)))))
    if event.online_url:
        facts.append((t.gettext("Link"), esc(ltr(t, event.online_url))))
    return [f"{bold(esc(name))}: {value}" for name, value in facts]


def event_detail(
    t: Translator, world: World, event: Event, session: Session, replace: bool = False,
    notice: str = "",
) -> Reply:  # fmt: skip
    lines = [bold(event_title(t, event)), "\n".join(_facts(t, event))]
    status = _status_line(t, event, session)
    if status:
        lines.append(status)
    offer = world.catalogue.offers.get(event.offer)
    gap = assessment_of(world, session, offer).gap if offer is not None else None
    if gap is not None:  # the offer is almost within reach: say what is still missing
        lines.append(f"{ALMOST_MARK} {gap_line(t, world, gap, [])}")
    if not event.cancelled:
        lines.append(
            html_format(
                t.gettext("Reminders: {times} before the start."),
                times=reminder_times(t, event),
            )
        )
    rows: list[tuple[Button, ...]] = []
    if event.id in session.subscribed:
        rows.append(
            (Button(t.gettext("🔕 Cancel reminder"), callback.encode("ev", "u", event.id)),)
        )
    elif not event.cancelled:
        rows.append((Button(t.gettext("🔔 Remind me"), callback.encode("ev", "r", event.id)),))
    rows.append((Button(t.gettext("📅 Calendar file"), callback.encode("ev", "c", event.id)),))
    if offer is not None:
        rows.append(
            (Button(t.gettext("About the offer"), callback.encode("of", "o", offer.id, "1")),)
        )
    rows.append((Button(t.gettext("‹ All events"), callback.encode("ev", "l", "1")),))
    return Reply("\n\n".join(lines), tuple(rows), replace=replace, notice=notice)


def calendar(t: Translator, event: Event, now: datetime) -> Reply:
    title = event_title_plain(t, event)
    description = "\n".join(filter(None, (event.title_de, event.place, event.online_url)))
    content = calendar_file(event, title, description, now)
    caption = html_format(
        t.gettext("Calendar file for “{title}”. Open it to add the event to your calendar."),
        title=_short_title(t, event),
    )
    return Reply(caption, attachment=Attachment(f"{event.id.lower()}.ics", content))


def reminder(t: Translator, event: Event) -> Reply:
    """Sent before the start, in the subscriber's language at that moment."""
    lines = [
        # The title is HTML already: fill it into the escaped template as it is.
        "🔔 " + bold(esc(t.gettext("Reminder: {title}")).format(title=event_title(t, event))),
        "\n".join(_facts(t, event)),
    ]
    return Reply(
        "\n\n".join(lines),
        (
            (Button(t.gettext("Details"), callback.encode("ev", "o", event.id)),),
            (Button(t.gettext("🔕 Cancel reminder"), callback.encode("ev", "u", event.id)),),
        ),
    )


def change(t: Translator, event: Event) -> Reply:
    """An event someone subscribed to was cancelled or moved."""
    if event.cancelled:
        head = "❌ " + esc(t.gettext("An event you wanted a reminder for is cancelled:"))
        return Reply("\n\n".join([head, bold(event_title(t, event))]))
    head = "⚠️ " + esc(t.gettext("An event you wanted a reminder for has changed. Now:"))
    lines = [head, bold(event_title(t, event)), "\n".join(_facts(t, event))]
    return Reply(
        "\n\n".join(lines),
        ((Button(t.gettext("Details"), callback.encode("ev", "o", event.id)),),),
    )


def follow_up(t: Translator, event: Event) -> Reply:
    """The day after: did the person go? Counted per event, without names."""
    text = "\n\n".join([esc(t.gettext("Did you go to this event?")), bold(event_title(t, event))])
    labels = (t.gettext("Yes, I went"), t.gettext("No"), t.gettext("It was cancelled"))
    return Reply(
        text,
        tuple(
            (Button(label, callback.encode("ev", "g", event.id, answer)),)
            for label, answer in zip(labels, ANSWERS, strict=True)
        ),
    )


def thanks_for_answer(t: Translator) -> Reply:
    return Reply(
        esc(
            t.gettext(
                "Thank you! Your answer is counted without your name. It helps to make the "
                "offers better."
            )
        ),
        replace=True,
    )
