"""When to remind whom of an event: pure functions of the event, the subscription and the time.

The database holds the plan; a scheduler only wakes the sender at the due times. All times
are aware UTC datetimes; offsets are real durations (24h before a 10:00 event on the day
clocks go back is 11:00 local time the day before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.core.events import Event

DEFAULT_GRACE = timedelta(minutes=30)
Decision = Literal["wait", "send", "missed"]


@dataclass(frozen=True)
class PlannedReminder:
    event_id: str
    offset: timedelta
    due: datetime
    # Unique per person, event, offset and start time: a moved event gets new keys, and a
    # key is never sent twice.
    key: str


def reminder_key(user: str, event: Event, offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"rem:{user}:{event.id}:{minutes}m:{event.start:%Y%m%dT%H%MZ}"


def plan(user: str, event: Event, subscribed_at: datetime) -> list[PlannedReminder]:
    """The reminders a subscription made at `subscribed_at` gets: none for a cancelled event,
    none whose moment had already passed when the person subscribed."""
    if event.cancelled:
        return []
    planned = []
    for offset in event.reminders:
        due = event.start - offset
        if due > subscribed_at:
            planned.append(
                PlannedReminder(event.id, offset, due, reminder_key(user, event, offset))
            )
    return planned


def decide(due: datetime, now: datetime, grace: timedelta = DEFAULT_GRACE) -> Decision:
    """Wait before the due time; send until the grace time is over; after that it is missed
    (the bot was down too long, and a late reminder would mislead)."""
    if now < due:
        return "wait"
    if now <= due + grace:
        return "send"
    return "missed"
