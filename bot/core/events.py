"""Events (information evenings, open days, ...) read from `data/events/`, checked row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.catalogue import Catalogue, CatalogueError, CsvRow, csv_rows
from bot.core.keys import INTERESTS

DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(hours=2))
_DURATION = re.compile(r"^(\d{1,4})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_EVENT_ID = re.compile(r"^[A-Z0-9-]{1,40}$")  # short: it travels in button data

EVENT_COLUMNS = (
    "id", "district", "offer", "title_de", "start", "end", "place", "online_url", "lat", "lon",
    "categories", "min_age", "max_age", "reminders", "cancelled",
)  # fmt: skip


@dataclass(frozen=True)
class Event:
    id: str
    district: str
    offer: str
    title_de: str
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    place: str
    online_url: str
    lat: float | None
    lon: float | None
    categories: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    reminders: tuple[timedelta, ...]  # before the start, largest first
    cancelled: bool
    titles: dict[str, str]
    timezone: str = "Europe/Berlin"  # the district's, for showing local times

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def title(self, language: str) -> str:
        """The title in `language` ("fa_AF" falls back to "fa"), or "" if not translated."""
        return self.titles.get(language) or self.titles.get(language.split("_")[0], "")


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


def load_events(folder: Path, catalogue: Catalogue) -> dict[str, Event]:
    """All events under `folder/events/`; an absent folder means no events."""
    problems: list[str] = []
    events: dict[str, Event] = {}
    for path in sorted((folder / "events").glob("*.csv")):
        for row in csv_rows(path, EVENT_COLUMNS, problems):
            event = _event(row, path, catalogue)
            if event is None:
                continue
            if event.id in events:
                row.problem("id", f"duplicate id {event.id!r} (ids are unique across all files)")
            events[event.id] = event
    if problems:
        raise CatalogueError(problems)
    return events


def _event(row: CsvRow, path: Path, catalogue: Catalogue) -> Event | None:
    before = len(row.problems)
    event_id = row.key("id", _EVENT_ID)
    district_id = row.choice("district", frozenset(catalogue.districts))
    if district_id and district_id != path.stem:
        row.problem("district", f"{district_id!r} does not match the file name {path.stem!r}")
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
    titles = {
        name.removeprefix("title_"): value.strip()
        for name, value in row.values.items()
        if name.startswith("title_") and name != "title_de" and (value or "").strip()
    }
    return Event(
        event_id, district_id, offer, row.text("title_de"), start, end, place, online_url,
        lat, lon, categories, min_age, max_age, reminders, cancelled, titles, zone.key,
    )  # fmt: skip


@dataclass(frozen=True)
class EventChoice:
    """What `/events` shows one person: events that fit, other events near them, and the ones
    they subscribed to (even if they no longer fit or were cancelled), all still ahead."""

    fitting: list[Event]
    other: list[Event]


def upcoming_for(
    events: dict[str, Event],
    district: str,
    age: int | None,
    interests: tuple[str, ...],
    subscribed: list[str],
    now: datetime,
) -> EventChoice:
    fitting, other = [], []
    for event in sorted(events.values(), key=lambda e: (e.start, e.id)):
        if event.end <= now:
            continue
        if event.id in subscribed:
            fitting.append(event)
            continue
        if event.cancelled or event.district != district or not _age_fits(event, age):
            continue
        (fitting if set(event.categories) & set(interests) else other).append(event)
    return EventChoice(fitting, other)


def _age_fits(event: Event, age: int | None) -> bool:
    if age is None:
        return True
    return (event.min_age is None or age >= event.min_age) and (
        event.max_age is None or age <= event.max_age
    )
