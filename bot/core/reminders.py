"""When to remind whom of an event: pure functions of the event, the subscription and the time.

The database holds the plan; a scheduler only wakes the sender at the due times. All times
are aware UTC datetimes; offsets are real durations (24h before a 10:00 event on the day
clocks go back is 11:00 local time the day before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from bot.core.effects import Message
from bot.core.events import Event

DEFAULT_GRACE = timedelta(minutes=30)
FOLLOW_UP_AT = time(10, 0)  # local time, the day after the event
Decision = Literal["wait", "send", "missed"]


@dataclass(frozen=True)
class PlannedReminder:
    event_id: str
    offset: timedelta
    due: datetime
    # Unique per event, offset and start time (the outbox keeps keys per person): a moved
    # event gets new keys, and a key is never sent twice.
    key: str


def _stamp(event: Event) -> str:
    return f"{event.start:%Y%m%dT%H%MZ}"


def reminder_key(event: Event, offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"rem:{event.id}:{minutes}m:{_stamp(event)}"


def plan(event: Event, subscribed_at: datetime) -> list[PlannedReminder]:
    """The reminders a subscription made at `subscribed_at` gets: none for a cancelled event,
    none whose moment had already passed when the person subscribed."""
    if event.cancelled:
        return []
    planned = []
    for offset in event.reminders:
        due = event.start - offset
        if due > subscribed_at:
            planned.append(PlannedReminder(event.id, offset, due, reminder_key(event, offset)))
    return planned


def follow_up_due(event: Event) -> datetime:
    """The day after the event ends, in the morning of the district's time zone."""
    local_day = event.end.astimezone(event.zone).date() + timedelta(days=1)
    return datetime.combine(local_day, FOLLOW_UP_AT, tzinfo=event.zone).astimezone(UTC)


def messages(event: Event, now: datetime) -> list[Message]:
    """Everything a subscription to `event` plans from `now`: each reminder still ahead, and the
    "Did you go?" question the day after (none for a cancelled event)."""
    planned = [
        Message(
            r.key, "reminder", {"event": event.id, "offset": int(r.offset.total_seconds())}, r.due
        )
        for r in plan(event, now)
    ]
    if not event.cancelled and event.end > now:
        planned.append(
            Message(
                f"ask:{event.id}:{_stamp(event)}",
                "followup",
                {"event": event.id},
                follow_up_due(event),
            )
        )
    return planned


def change_message(event: Event, now: datetime) -> Message:
    """Tell a subscriber once that the event moved (to this start) or was cancelled."""
    what = "cancelled" if event.cancelled else _stamp(event)
    return Message(f"chg:{event.id}:{what}", "change", {"event": event.id}, now)


def decide(due: datetime, now: datetime, grace: timedelta = DEFAULT_GRACE) -> Decision:
    """Wait before the due time; send until the grace time is over; after that it is missed
    (the bot was down too long, and a late reminder would mislead)."""
    if now < due:
        return "wait"
    if now <= due + grace:
        return "send"
    return "missed"


def changed_events(
    known: dict[str, tuple[datetime, bool]], events: dict[str, Event]
) -> list[Event]:
    """Events whose start or cancellation differs from what was known at the last start."""
    return [
        event
        for event in events.values()
        if event.id in known and known[event.id] != (event.start, event.cancelled)
    ]
