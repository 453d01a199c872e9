"""Events (information evenings, open days, ...): the model, and which ones to show a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.catalogue import in_language

DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(hours=2))


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
        return in_language(self.titles, language)


@dataclass(frozen=True)
class EventChoice:
    """What `/events` shows one person: events that fit, other events near them, and the ones
    they subscribed to (even if they no longer fit or were cancelled), all still ahead."""

    fitting: list[Event]
    other: list[Event]


def upcoming_for(
    events: dict[str, Event],
    district: str,
    ages: tuple[int | None, int | None],
    interests: tuple[str, ...],
    subscribed: list[str],
    now: datetime,
    may_join: Callable[[str], bool],
) -> EventChoice:
    """`ages`: the person's age lies between these (None: not known). `may_join(offer_id)`:
    whether the offer an event belongs to fits or almost fits the person; an event about an
    offer they may not join is not shown (an event without an offer is)."""
    fitting, other = [], []
    for event in sorted(events.values(), key=lambda e: (e.start, e.id)):
        if event.end <= now:
            continue
        if event.id in subscribed:
            fitting.append(event)
            continue
        if event.cancelled or event.district != district or not _age_fits(event, *ages):
            continue
        if event.offer and not may_join(event.offer):
            continue
        (fitting if set(event.categories) & set(interests) else other).append(event)
    return EventChoice(fitting, other)


def _age_fits(event: Event, low: int | None, high: int | None) -> bool:
    """Not surely too young or too old (a typed age leaves the birth month open)."""
    if low is None or high is None:
        return True
    return (event.min_age is None or high >= event.min_age) and (
        event.max_age is None or low <= event.max_age
    )
