"""Broadcasts in words: the composer with its live count of recipients per language, the
segment screens, the message exactly as a recipient sees it, the confirmation, the progress
message with Pause, Resume and Cancel, the delivery report and the list of past broadcasts.

One module, over 300 lines: every screen of one wizard, sharing its option lists and names; the
logic is elsewhere (bot/core/broadcasts.py).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import callback
from bot.core.broadcasts import ACTIVE_CHOICES, Draft, Progress
from bot.core.dialogue_io import Button, Reply
from bot.core.keys import GERMAN_LEVELS, INTERESTS, STATUSES
from bot.core.report import AGE_BANDS
from bot.core.report_views import names
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import number, page_buttons, short
from bot.core.world import World

PAGE = 8
TEXT_SHOWN = 120


def _district(world: World, draft: Draft) -> str:
    found = world.catalogue.districts.get(draft.district)
    return found.name if found else draft.district


def options(world: World, draft: Draft, dimension: str) -> list[str]:
    """The values one can choose for a dimension of the segment."""
    if dimension == "places":
        return sorted(
            (p.id for p in world.catalogue.places.values()
             if p.district == draft.district and p.kind != "area"),
            key=lambda p: world.catalogue.places[p].name,
        )  # fmt: skip
    if dimension == "ages":
        return [name for name, _, _ in AGE_BANDS]
    if dimension == "statuses":
        return [*STATUSES, "unknown"]
    if dimension == "levels":
        return [*GERMAN_LEVELS, "unknown"]
    if dimension == "interests":
        return list(INTERESTS)
    return sorted({lang.code.split("_")[0] for lang in world.languages})


def wire(value: str) -> str:
    """A value as callback data carries it (age bands have a dash callback data refuses)."""
    return value.replace("–", "-")


def unwire(value: str) -> str:
    return value.replace("-", "–") if value[:1].isdigit() else value


def value_name(t: Translator, world: World, dimension: str, value: str) -> str:
    n = names(t, world)
    if dimension == "places":
        place = world.catalogue.places.get(value)
        return place.name if place else value
    if dimension == "statuses":
        return n.status(value)
    if dimension == "levels":
        return n.level(value)
    if dimension == "interests":
        return n.interest(value)
    if dimension == "languages":
        return n.language(value)
    return value


def dimension_label(t: Translator, dimension: str) -> str:
    labels = {
        "places": t.gettext("Places"),
        "ages": t.gettext("Age"),
        "statuses": t.gettext("Papers"),
        "levels": t.gettext("German"),
        "interests": t.gettext("Interests"),
        "languages": t.gettext("Languages"),
    }
    return labels[dimension]


def segment_lines(t: Translator, world: World, draft: Draft) -> list[str]:
    lines = []
    for dimension in ("places", "ages", "statuses", "levels", "interests", "languages"):
        chosen = getattr(draft.segment, dimension)
        shown = ", ".join(value_name(t, world, dimension, v) for v in chosen) or t.gettext("all")
        lines.append(f"{esc(dimension_label(t, dimension))}: {esc(ltr(t, shown))}")
    days = draft.segment.active_days
    lines.append(esc(
        t.ngettext("Active in the last {days} day", "Active in the last {days} days", days)
        .format(days=days) if days else t.gettext("Active: any time")
    ))  # fmt: skip
    return lines


def composer(t: Translator, world: World, draft: Draft, zone: ZoneInfo) -> Reply:
    n = names(t, world)
    heading = t.gettext("News for {district} (draft)").format(district=_district(world, draft))
    lines = [bold(esc(heading)), *segment_lines(t, world, draft)]
    count = t.ngettext("{count} person gets it:", "{count} people get it:", draft.total)
    lines.append(bold(esc(count.format(count=number(t, draft.total)))))
    for language, people in sorted(draft.recipients.items(), key=lambda item: -item[1]):
        own = language in draft.texts
        note = t.gettext("own text") if own else t.gettext("base text with a translated line")
        lines.append(f"• {esc(n.language(language))}: {number(t, people)} ({esc(note)})")
    for language, text in sorted(draft.texts.items()):
        cut = text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"
        lines.append(f"{bold(esc(n.language(language)))}: {esc(cut)}")
    if not draft.texts:
        lines.append(esc(t.gettext("No text yet: tap “Text”.")))
    if draft.link:
        item = link_name(t, world, draft)
        lines.append(html_format(t.gettext("Button to: {item}"), item=item))
    lines.append(esc(t.ngettext(
        "Not sent after {hours} hour: dropped.", "Not sent after {hours} hours: dropped.",
        draft.expires_hours,
    ).format(hours=draft.expires_hours)))  # fmt: skip
    if draft.send_at and draft.status == "scheduled":
        moment = when(t, draft.send_at, zone)
        lines.append(html_format(t.gettext("Scheduled: {when}"), when=moment))
    i = str(draft.id)
    rows: list[tuple[Button, ...]] = [
        tuple(Button(dimension_label(t, d), callback.encode("bc", "d", i, d, "1"))
              for d in ("places", "ages", "statuses")),
        tuple(Button(dimension_label(t, d), callback.encode("bc", "d", i, d, "1"))
              for d in ("levels", "interests", "languages")),
        (Button(t.gettext("⏱ Active: change"), callback.encode("bc", "a", i)),
         Button(t.gettext("⌛ Expiry: change"), callback.encode("bc", "v", i))),
        (Button(t.gettext("✏️ Text ({language})").format(language=draft.base_language),
                callback.encode("bc", "x", i, draft.base_language)),
         Button(t.gettext("➕ Another language"), callback.encode("bc", "l", i))),
        (Button(t.gettext("🔗 Link an offer or event"), callback.encode("bc", "k", i, "1")),),
        (Button(t.gettext("👁 Preview"), callback.encode("bc", "p", i)),),
        (Button(t.gettext("📤 Send now"), callback.encode("bc", "s", i)),
         Button(t.gettext("🕒 Schedule"), callback.encode("bc", "w", i))),
        (Button(t.gettext("🗑 Delete draft"), callback.encode("bc", "n", i)),),
    ]  # fmt: skip
    return Reply("\n".join(lines), tuple(rows), replace=True)


def dimension_screen(
    t: Translator, world: World, draft: Draft, dimension: str, page: int
) -> Reply:
    values = options(world, draft, dimension)
    pages = max(1, -(-len(values) // PAGE))
    page = min(max(page, 1), pages)
    shown = values[(page - 1) * PAGE : page * PAGE]
    chosen = set(getattr(draft.segment, dimension))
    i = str(draft.id)
    rows: list[tuple[Button, ...]] = [
        (Button(short(("✓ " if v in chosen else "") + value_name(t, world, dimension, v)),
                callback.encode("bc", "t", i, dimension, wire(v), str(page))),)
        for v in shown
    ]  # fmt: skip
    rows.extend(page_buttons(t, "bc", "d", page, pages, (i, dimension)))
    rows.append((Button(t.gettext("✔ Done"), callback.encode("bc", "o", i)),))
    count = t.ngettext("{count} person with this choice.", "{count} people with this choice.",
                       draft.total).format(count=number(t, draft.total))  # fmt: skip
    text = "\n".join([
        bold(esc(dimension_label(t, dimension))),
        esc(t.gettext("Tap to choose; nothing chosen means everyone.")),
        esc(count),
    ])  # fmt: skip
    return Reply(text, tuple(rows), replace=True)


def active_screen(t: Translator, draft: Draft) -> Reply:
    i = str(draft.id)
    rows = tuple(
        (Button(("✓ " if draft.segment.active_days == days else "")
                + (t.gettext("any time") if not days else t.ngettext(
                    "in the last {days} day", "in the last {days} days", days).format(days=days)),
                callback.encode("bc", "e", i, str(days))),)
        for days in ACTIVE_CHOICES
    )  # fmt: skip
    text = esc(t.gettext("Only people who used Lotse recently?"))
    return Reply(text, (*rows, (Button(t.gettext("✔ Done"), callback.encode("bc", "o", i)),)),
                 replace=True)  # fmt: skip


def language_screen(t: Translator, world: World, draft: Draft) -> Reply:
    n = names(t, world)
    i = str(draft.id)
    codes = [c for c in options(world, draft, "languages") if c != draft.base_language]
    rows = [
        (Button(("✓ " if c in draft.texts else "") + n.language(c),
                callback.encode("bc", "x", i, c)),)
        for c in codes
    ]  # fmt: skip
    rows.append((Button(t.gettext("‹ Back"), callback.encode("bc", "o", i)),))
    text = esc(t.gettext(
        "A version in which language? People whose language has no version get the base text "
        "with one translated line on top."
    ))  # fmt: skip
    return Reply(text, tuple(rows))


def link_screen(t: Translator, world: World, draft: Draft, page: int) -> Reply:
    items = [f"o.{o.id}" for o in sorted(world.catalogue.offers.values(), key=lambda o: o.id)
             if o.district == draft.district]  # fmt: skip
    items += [f"e.{e.id}" for e in sorted(world.events.values(), key=lambda e: e.start)
              if e.district == draft.district and e.end > world.now]  # fmt: skip
    pages = max(1, -(-len(items) // PAGE))
    page = min(max(page, 1), pages)
    i = str(draft.id)
    rows: list[tuple[Button, ...]] = []
    for item in items[(page - 1) * PAGE : page * PAGE]:
        kind, key = item.split(".", 1)
        title = (world.catalogue.offers[key].title_de if kind == "o"
                 else world.events[key].title_de)  # fmt: skip
        rows.append((Button(short(f"{key}: {title}"), callback.encode("bc", "q", i, item)),))
    rows.extend(page_buttons(t, "bc", "k", page, pages, (i,)))
    rows.append((Button(t.gettext("No button"), callback.encode("bc", "q", i, "none")),))
    rows.append((Button(t.gettext("‹ Back"), callback.encode("bc", "o", i)),))
    text = esc(t.gettext("A button under the message, to an offer or an event (its details come "
                         "translated):"))  # fmt: skip
    return Reply(text, tuple(rows), replace=True)


def link_name(t: Translator, world: World, draft: Draft) -> str:
    kind, _, key = draft.link.partition(":")
    if kind == "offer" and key in world.catalogue.offers:
        return f"{world.catalogue.offers[key].title_de} ({key})"
    if kind == "event" and key in world.events:
        return f"{world.events[key].title_de} ({key})"
    return draft.link


def recipient_message(
    t: Translator, world: World, district: str, texts: dict[str, str], base: str, link: str
) -> Reply:
    """The news exactly as a recipient reads it, in their language `t.language`."""
    name = world.catalogue.districts[district].name if district in world.catalogue.districts \
        else district  # fmt: skip
    language = t.language.split("_")[0]
    if language in texts:
        head = html_format(t.gettext("News from {district}:"), district=name)
        body = texts[language]
    else:
        head = html_format(t.gettext("News from {district}, in German:"), district=name) \
            if base == "de" else html_format(t.gettext("News from {district}:"), district=name)
        body = texts.get(base, "")
    foot = esc(t.gettext("You get news from your district. /profile turns it off."))
    rows: tuple[tuple[Button, ...], ...] = ()
    kind, _, key = link.partition(":")
    if kind == "offer" and key in world.catalogue.offers:
        rows = ((Button(t.gettext("Open the offer"), callback.encode("of", "o", key, "1")),),)
    elif kind == "event" and key in world.events:
        rows = ((Button(t.gettext("Open the event"), callback.encode("ev", "o", key)),),)
    return Reply(f"{bold(head)}\n\n{esc(body)}\n\n{foot}", rows)


def preview_heading(t: Translator, world: World, language: str, people: int) -> str:
    n = names(t, world)
    return html_format(
        t.ngettext("Preview for {language} ({count} person):",
                   "Preview for {language} ({count} people):", people),
        language=n.language(language), count=number(t, people),
    )  # fmt: skip


def when(t: Translator, moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return t.gettext("{date} at {time}").format(
        date=ltr(t, t.format_date(local.date())), time=ltr(t, t.format_clock(local.time()))
    )


def confirm_send(t: Translator, world: World, draft: Draft, second: bool) -> Reply:
    i = str(draft.id)
    if not draft.texts:
        return Reply(esc(t.gettext("Please write the text first.")),
                     ((Button(t.gettext("‹ Back"), callback.encode("bc", "o", i)),),))  # fmt: skip
    lines = [esc(t.ngettext("Send this to {count} person now?", "Send this to {count} people now?",
                            draft.total).format(count=number(t, draft.total)))]  # fmt: skip
    step = "1"
    if draft.duplicate_of and not second:
        lines.insert(0, "⚠️ " + esc(t.gettext(
            "The same text went to an overlapping group in the last 48 hours (broadcast {id}). "
            "Send it again anyway?").format(id=draft.duplicate_of)))  # fmt: skip
        step = "0"
    rows = (
        (Button(t.gettext("📤 Yes, send"), callback.encode("bc", "y", i, step)),),
        (Button(t.gettext("‹ Back"), callback.encode("bc", "o", i)),),
    )
    return Reply("\n\n".join(lines), rows)


def progress_reply(t: Translator, world: World, draft: Draft, progress: Progress) -> Reply:
    s = progress.by_status
    i = str(draft.id)
    heading = t.gettext("Broadcast {id} to {district}").format(
        id=draft.id, district=_district(world, draft)
    )
    lines = [bold(esc(heading))]
    counts = t.gettext(
        "Sent {sent}, left {left}, blocked {blocked}, failed {failed}, in doubt {unknown}."
    )
    lines.append(esc(counts.format(
        sent=s.get("sent", 0), left=progress.left, blocked=s.get("blocked", 0),
        failed=s.get("failed", 0) + s.get("expired", 0), unknown=s.get("unknown", 0),
    )))  # fmt: skip
    rows: list[tuple[Button, ...]] = []
    if draft.status == "sending":
        minutes = max(1, round(progress.seconds_left() / 60))
        left = t.ngettext("About {minutes} minute left.", "About {minutes} minutes left.", minutes)
        lines.append(esc(left.format(minutes=minutes)))
        rows.append((Button(t.gettext("⏸ Pause"), callback.encode("bc", "h", i)),
                     Button(t.gettext("✖ Cancel"), callback.encode("bc", "c", i))))  # fmt: skip
    elif draft.status == "paused":
        lines.append(esc(t.gettext("Paused.")))
        rows.append((Button(t.gettext("▶ Resume"), callback.encode("bc", "r", i)),
                     Button(t.gettext("✖ Cancel"), callback.encode("bc", "c", i))))  # fmt: skip
    else:
        lines.append(esc(status_text(t, draft.status)))
        lines.extend(delivery_lines(t, world, progress))
    return Reply("\n".join(lines), tuple(rows))


def status_text(t: Translator, status: str) -> str:
    texts = {
        "done": t.gettext("Finished."),
        "cancelled": t.gettext("Cancelled: nothing more goes out."),
        "withdrawn": t.gettext("Withdrawn: the messages were deleted where Telegram allows it."),
        "scheduled": t.gettext("Scheduled."),
        "sending": t.gettext("Sending."),
        "paused": t.gettext("Paused."),
        "draft": t.gettext("Draft."),
    }
    return texts.get(status, status)


def delivery_lines(t: Translator, world: World, progress: Progress) -> list[str]:
    n = names(t, world)
    lines = []
    for language, statuses in sorted(progress.by_language.items()):
        lines.append(esc(t.gettext("{language}: sent {sent} of {total}").format(
            language=n.language(language or "unknown"), sent=statuses.get("sent", 0),
            total=sum(statuses.values()))))  # fmt: skip
    return lines


def broadcast_list(
    t: Translator, world: World, drafts: tuple[Draft, ...], zone: ZoneInfo
) -> Reply:
    lines = [bold(esc(t.gettext("Broadcasts")))]
    rows: list[tuple[Button, ...]] = []
    for draft in drafts:
        moment = draft.send_at or draft.created_at
        stamp = when(t, moment, zone) if moment else ""
        text = next(iter(draft.texts.values()), "")[:60]
        sent = draft.progress.by_status.get("sent", 0) if draft.progress else 0
        lines.append(html_format(
            t.gettext("{id}. {when}, {status}, sent {sent}: {text}"), id=str(draft.id),
            when=stamp, status=status_text(t, draft.status).rstrip(".።"), sent=str(sent),
            text=text,
        ))  # fmt: skip
        i = str(draft.id)
        if draft.status in ("sending", "paused", "scheduled"):
            rows.append((Button(t.gettext("✖ Cancel {id}").format(id=draft.id),
                                callback.encode("bc", "c", i)),))  # fmt: skip
        elif draft.status == "done":
            rows.append((Button(t.gettext("↩ Withdraw {id}").format(id=draft.id),
                                callback.encode("bc", "u", i)),))  # fmt: skip
    if not drafts:
        lines.append(esc(t.gettext("No broadcasts yet. /broadcast writes one.")))
    return Reply("\n".join(lines), tuple(rows))
