"""Replies for staff about the catalogue: the preview of a change (or every problem that stops
it), versions, upkeep, and the small edits. Pure: the service prepared what they show.

One module, just over 300 lines: the screens of the catalogue desk (preview, problems,
versions, upkeep, small edits) share their headings and limits.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.core import callback
from bot.core.catalogue import Catalogue, Offer
from bot.core.changes import ItemChange, StagedChange
from bot.core.desk import VersionEntry
from bot.core.dialogue_io import Button, Reply
from bot.core.events import Event
from bot.core.problem_texts import problem_text
from bot.core.text import Translator, bold, esc, html_format, ltr
from bot.core.views import district_buttons, number, page_buttons, short
from bot.core.world import World

PROBLEMS_SHOWN = 40
ITEMS_SHOWN = 15
EDIT_PAGE = 8
RULES_STALE_DAYS = 183  # "checked more than 6 months ago"
MAX_TEXT = 3900  # a little under Telegram's 4096, for the headings


def _items(t: Translator, heading: str, items: tuple[ItemChange, ...], extra) -> str:  # type: ignore[no-untyped-def]
    lines = [bold(esc(heading))]
    for item in items[:ITEMS_SHOWN]:
        line = f"• {esc(ltr(t, item.title or item.id))} ({esc(item.id)})"
        more = extra(item)
        lines.append(f"{line}{more}")
    if len(items) > ITEMS_SHOWN:
        lines.append(esc(t.gettext("… and {count} more").format(count=len(items) - ITEMS_SHOWN)))
    return "\n".join(lines)


def change_preview(t: Translator, world: World, staged: StagedChange) -> Reply:
    if staged.problems:
        return problems_reply(t, staged)
    summary = staged.summary
    if summary.empty:
        return Reply(esc(t.gettext("This changes nothing: the catalogue already says the same.")))
    parts = [bold(html_format(t.gettext("Preview of the change: {source}"), source=staged.source))]

    def saved(item: ItemChange) -> str:
        count = summary.saved.get(item.id, 0)
        if not count:
            return ""
        text = t.ngettext("{count} person saved it", "{count} people saved it", count)
        return " – " + esc(text.format(count=count))

    def told(item: ItemChange) -> str:
        count = summary.subscribers.get(item.id, 0)
        if not count:
            return ""
        text = t.ngettext("{count} subscriber will be told", "{count} subscribers will be told",
                          count)  # fmt: skip
        return " – " + esc(text.format(count=count))

    def fields(item: ItemChange) -> str:
        return ": " + esc(", ".join(item.fields)) if item.fields else ""

    sections = [
        (t.gettext("Offers added"), summary.offers_added, lambda i: ""),
        (t.gettext("Offers changed"), summary.offers_changed, lambda i: fields(i) + saved(i)),
        (t.gettext("Offers removed"), summary.offers_removed, saved),
        (t.gettext("Events added"), summary.events_added, lambda i: ""),
        (t.gettext("Events changed"), summary.events_changed, lambda i: fields(i) + told(i)),
        (t.gettext("Events removed"), summary.events_removed, told),
    ]
    for heading, items, extra in sections:
        if items:
            parts.append(_items(t, f"{heading} ({len(items)})", items, extra))
    if summary.other_files:
        parts.append(
            html_format(t.gettext("Other files: {files}"), files=", ".join(summary.other_files))
        )
    parts.append(
        esc(
            t.gettext(
                "Confirm applies it at once for everyone; the people concerned are told. Cancel "
                "changes nothing."
            )
        )
    )
    text = "\n\n".join(parts)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT].rsplit("\n", 1)[0] + "\n…"
    rows = (
        (
            Button(t.gettext("✅ Confirm"), callback.encode("ct", "y", str(staged.id))),
            Button(t.gettext("✖ Cancel"), callback.encode("ct", "n", str(staged.id))),
        ),
    )
    return Reply(text, rows)


def problems_reply(t: Translator, staged: StagedChange) -> Reply:
    count = len(staged.problems)
    header = t.ngettext(
        "I checked {source}: {count} problem. Nothing was changed.",
        "I checked {source}: {count} problems. Nothing was changed.",
        count,
    )
    lines = [bold(html_format(header, source=staged.source, count=number(t, count)))]
    lines.extend(f"• {esc(problem_text(t, p))}" for p in staged.problems[:PROBLEMS_SHOWN])
    if count > PROBLEMS_SHOWN:
        lines.append(esc(t.gettext("… and {count} more").format(count=count - PROBLEMS_SHOWN)))
    lines.append(esc(t.gettext("Please correct the file and send it again.")))
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT].rsplit("\n", 1)[0] + "\n…"
    return Reply(text)


def applied(t: Translator, version: int) -> Reply:
    return Reply(
        html_format(
            t.gettext("Done: the catalogue is now version {version}, for everyone."),
            version=number(t, version),
        )
    )


def discarded(t: Translator) -> Reply:
    return Reply(esc(t.gettext("Cancelled. Nothing was changed.")))


def change_gone(t: Translator) -> Reply:
    return Reply(
        esc(
            t.gettext(
                "This change is no longer waiting (it was applied, cancelled or is older than a "
                "day). Please send the file again."
            )
        )
    )


def change_outdated(t: Translator) -> Reply:
    return Reply(
        esc(
            t.gettext(
                "The catalogue changed since this preview. Please send the file again, so that "
                "you see what your change does now."
            )
        )
    )


def versions_list(t: Translator, entries: tuple[VersionEntry, ...], rollback: bool) -> Reply:
    lines = [bold(esc(t.gettext("The last changes of the catalogue")))]
    rows: list[tuple[Button, ...]] = []
    for entry in entries:
        template = t.gettext("Version {version}, {date}: {summary} ({who})")
        when = ltr(t, t.format_date(entry.created_at.date()))
        lines.append(
            html_format(
                template,
                version=number(t, entry.version),
                date=when,
                summary=entry.summary,
                who=entry.actor,
            )
        )
        if rollback and entry is not entries[0]:
            label = t.gettext("Back to version {version}").format(version=entry.version)
            rows.append((Button(label, callback.encode("ct", "r", str(entry.version))),))
    if not entries:
        lines.append(esc(t.gettext("No changes yet.")))
    return Reply("\n".join(lines), tuple(rows))


def template_choice(t: Translator, world: World, districts: list[str]) -> Reply:
    rows = district_buttons(world, districts, "ct", "t")
    return Reply(esc(t.gettext("The spreadsheet of which district?")), tuple(rows))


def template_caption(t: Translator) -> str:
    return esc(template_note(t))


def edit_source(t: Translator, kind: str, item: str) -> str:
    """What a small edit is called in its preview: "Event EV-HE-002 moved"."""
    names = {
        "event_move": t.gettext("event {id} moved"),
        "event_cancel": t.gettext("event {id} cancelled"),
        "offer_availability": t.gettext("admissions of offer {id}"),
        "offer_checked": t.gettext("rules of offer {id} checked today"),
    }
    return names.get(kind, "{id}").format(id=item)


def rollback_source(t: Translator, version: int) -> str:
    return t.gettext("back to version {version}").format(version=version)


def template_note(t: Translator) -> str:
    return t.gettext(
        "Here is the spreadsheet with your current offers and events. Change it in Excel or "
        "LibreOffice and send it back to me as a file: I check every row and show you a "
        "preview before anything changes."
    )


# -- upkeep ---------------------------------------------------------------------------------


def languages_of(world: World) -> list[str]:
    """The languages whose translations the upkeep list counts (all but German)."""
    return sorted({lang.code.split("_")[0] for lang in world.languages} - {"de"})


def upkeep_report(
    t: Translator, world: World, districts: list[str], today: date, languages: list[str]
) -> Reply:
    catalogue = world.catalogue
    parts = [bold(esc(t.gettext("Upkeep of the catalogue")))]
    for district in districts:
        offers = [o for o in catalogue.offers.values() if o.district == district]
        events = [e for e in world.events.values() if e.district == district]
        name = catalogue.districts[district].name if district in catalogue.districts else district
        lines = [bold(esc(ltr(t, name)))]
        stale = [o for o in offers if _stale(o, today)]
        expired = [o for o in offers if o.valid_until is not None and o.valid_until < today]
        examples = [o for o in offers if o.contact_is_example]
        placeless = [e for e in events if e.end > world.now and e.lat is None and not e.online_url]
        for heading, items in (
            (t.gettext("Rules not checked for more than 6 months"), [o.id for o in stale]),
            (t.gettext("Past valid_until"), [o.id for o in expired]),
            (t.gettext("Example contacts"), [o.id for o in examples]),
            (t.gettext("Events without a map position"), [e.id for e in placeless]),
        ):
            shown = ", ".join(items[:20]) + (" …" if len(items) > 20 else "")
            lines.append(
                html_format(
                    t.gettext("{heading}: {count}"), heading=heading, count=number(t, len(items))
                )
                + (f" ({esc(shown)})" if items else "")
            )
        coverage = []
        for language in languages:
            done = sum(1 for o in offers if o.title_in(language) and o.summary_in(language))
            coverage.append(f"{language} {done}/{len(offers)}")
        lines.append(
            html_format(t.gettext("Translated offers: {coverage}"), coverage=", ".join(coverage))
        )
        parts.append("\n".join(lines))
    return Reply("\n\n".join(parts))


def _stale(offer: Offer, today: date) -> bool:
    checked = offer.rules_checked
    return checked is None or today - checked > timedelta(days=RULES_STALE_DAYS)


# -- small edits ----------------------------------------------------------------------------


def edit_menu(t: Translator, world: World, district: str, page: int, provider: str = "") -> Reply:
    """The district's coming events and its offers, to pick one to change."""
    items: list[tuple[str, str]] = []
    for event in sorted(world.events.values(), key=lambda e: e.start):
        if (
            event.district == district
            and event.end > world.now
            and _owned_event(world.catalogue, event, provider)
        ):
            when = ltr(t, t.format_date(event.start.astimezone(event.zone).date()))
            items.append((f"📅 {when} {event.title_de}", callback.encode("ct", "e", event.id)))
    for offer in sorted(world.catalogue.offers.values(), key=lambda o: o.id):
        if offer.district == district and (not provider or offer.provider == provider):
            items.append((f"{offer.id} {offer.title_de}", callback.encode("ct", "o", offer.id)))
    pages = max(1, -(-len(items) // EDIT_PAGE))
    page = min(max(page, 1), pages)
    shown = items[(page - 1) * EDIT_PAGE : page * EDIT_PAGE]
    rows: list[tuple[Button, ...]] = [(Button(short(label), data),) for label, data in shown]
    rows.extend(page_buttons(t, "ct", "l", page, pages, (district,)))
    text = esc(t.gettext("What do you want to change? Tap an event or an offer."))
    if not items:
        text = esc(t.gettext("There is nothing to change in this district."))
    return Reply(text, tuple(rows))


def _owned_event(catalogue: Catalogue, event: Event, provider: str) -> bool:
    if not provider:
        return True
    offer = catalogue.offers.get(event.offer)
    return offer is not None and offer.provider == provider


def event_actions(t: Translator, event: Event) -> Reply:
    start = event.start.astimezone(event.zone)
    text = "\n".join(
        [
            bold(esc(ltr(t, event.title_de))),
            esc(ltr(t, f"{t.format_date(start.date())}, {t.format_time(start)}")),
        ]
    )
    rows = (
        (Button(t.gettext("Move it"), callback.encode("ct", "m", event.id)),),
        (Button(t.gettext("Cancel it"), callback.encode("ct", "c", event.id)),),
    )
    return Reply(text, rows)


def offer_actions(t: Translator, offer: Offer) -> Reply:
    text = bold(esc(ltr(t, offer.title_de)))
    rows = (
        (Button(t.gettext("Open for new people"), callback.encode("ct", "a", offer.id, "open")),),
        (Button(t.gettext("Waiting list"), callback.encode("ct", "a", offer.id, "waiting_list")),),
        (Button(t.gettext("No new places"), callback.encode("ct", "a", offer.id, "stopped")),),
        (Button(t.gettext("Rules checked today"), callback.encode("ct", "k", offer.id)),),
    )
    return Reply(text, rows)
