"""Loading events from `data/events/<district>.csv`, checked row by row."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from bot.content.files import Files, as_files
from bot.content.rows import CsvRow, csv_rows
from bot.core.catalogue import Catalogue, CatalogueError
from bot.core.events import DEFAULT_REMINDERS, Event
from bot.core.keys import INTERESTS

_DURATION = re.compile(r"^(\d{1,4})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_EVENT_ID = re.compile(r"^[A-Z0-9-]{1,40}$")  # short: it travels in button data

EVENT_COLUMNS = (
    "id", "district", "offer", "title_de", "start", "end", "place", "online_url", "lat", "lon",
    "categories", "min_age", "max_age", "reminders", "cancelled",
)  # fmt: skip


def parse_duration(text: str) -> timedelta:
    """ "24h", "30m", "2d" -> timedelta; ValueError otherwise."""
    match = _DURATION.match(text.strip())
    if not match or int(match[1]) == 0:
        raise ValueError(text)
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def local_to_utc(text: str, zone: ZoneInfo) -> datetime:
    """A local wall-clock time like 2026-10-25T02:30 in the district's zone, as UTC.

    A time that happens twice when clocks go back is read as the first (summer) one; a time
    that does not exist when clocks go forward is moved on by the gap, as clocks do.
    """
    naive = datetime.fromisoformat(text)
    if naive.tzinfo is not None:
        raise ValueError("give the local time without a zone")
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def load_events(source: Path | Files, catalogue: Catalogue) -> dict[str, Event]:
    """All events under `events/`; an absent folder means no events."""
    files = as_files(source)
    problems: list[str] = []
    events: dict[str, Event] = {}
    for path in files.paths("events", ".csv"):
        for row in csv_rows(files, path, EVENT_COLUMNS, problems):
            event = _event(row, PurePosixPath(path).stem, catalogue)
            if event is None:
                continue
            if event.id in events:
                row.problem("id", f"duplicate id {event.id!r} (ids are unique across all files)")
            events[event.id] = event
    if problems:
        raise CatalogueError(problems)
    return events


def _event(row: CsvRow, stem: str, catalogue: Catalogue) -> Event | None:
    before = len(row.problems)
    event_id = row.key("id", _EVENT_ID)
    district_id = row.choice("district", frozenset(catalogue.districts))
    if district_id and district_id != stem:
        row.problem("district", f"{district_id!r} does not match the file name {stem!r}")
    offer = row.text("offer", required=False)
    if offer and offer not in catalogue.offers:
        row.problem("offer", f"unknown offer {offer!r}")
    district = catalogue.districts.get(district_id)
    zone = ZoneInfo(district.timezone) if district else ZoneInfo("Europe/Berlin")
    start = row.parse(
        "start", lambda v: local_to_utc(v, zone), "a time like 2026-12-03T18:00", True
    )
    end = row.parse("end", lambda v: local_to_utc(v, zone), "a time like 2026-12-03T20:00", True)
    if start and end and end <= start:
        row.problem("end", "must be after start")
    place, online_url = row.text("place", required=False), row.text("online_url", False)
    if bool(place) == bool(online_url):
        row.problem("place", "give either a place or an online_url")
    if online_url and not online_url.startswith("https://"):
        row.problem("online_url", "must start with https://")
    lat, lon = row.coordinates(required=False)
    categories = row.items("categories")
    for category in categories:
        if category not in INTERESTS:
            row.problem("categories", f"{category!r} is not an interest key")
    min_age, max_age = row.whole("min_age"), row.whole("max_age")
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    raw = row.items("reminders", required=False)
    if raw:
        try:
            reminders = tuple(sorted({parse_duration(r) for r in raw}, reverse=True))
        except ValueError as exc:
            row.problem("reminders", f"{exc} is not a duration like 24h, 30m or 2d")
    cancelled = row.yes_no("cancelled")
    if len(row.problems) > before or start is None or end is None:
        return None
    titles = row.translations("title")
    for language, rows in catalogue.event_titles.items():
        if event_id in rows:
            titles[language] = rows[event_id]
    return Event(
        event_id, district_id, offer, row.text("title_de"), start, end, place, online_url,
        lat, lon, categories, min_age, max_age, reminders, cancelled, titles, zone.key,
    )  # fmt: skip
