"""Events for a person, end to end through the service, with a clock the test moves.

/events, remind me, the calendar file, reminders at the right moments in the person's language
of that moment, restarts, moved and cancelled events, erased people, "Did you go?".
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import ROOT
from bot.content import Content
from bot.core.dialogue_io import Reply
from bot.outbox import Sender
from bot.service import LotseService
from bot.storage.outbox import OutboxRow
from bot.storage.sqlite import SqliteStorage
from tests.conftest import FIXTURE_DATA, NOW
from tests.support.clock import Clock
from tests.support.db import outcomes, subscribed_events
from tests.support.transcript import Transcript, plain

# babel writes English times with a narrow no-break space before AM/PM: "6:00\u202fPM".


class Phone:
    """Receives what the outbox sends, rendered by the service as a channel would."""

    def __init__(self, service: LotseService, clock: Clock) -> None:
        self.service, self.clock = service, clock
        self.received: list[tuple[str, str, Reply, datetime]] = []

    async def send(self, row: OutboxRow) -> str:
        reply = await self.service.render(row)
        if reply is None:
            return "cancelled"
        self.received.append((row.external_id, row.kind, reply, self.clock()))
        return "sent"

    def texts(self) -> list[str]:
        return [plain(reply.html) for _, _, reply, _ in self.received]


async def open_service(db_path: Path, content: Content, clock: Clock) -> LotseService:
    return LotseService(await SqliteStorage.open(db_path), content, clock=clock)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def lotse(content: Content, db_path: Path, clock: Clock) -> AsyncIterator[LotseService]:
    service = await open_service(db_path, content, clock)
    yield service
    await service.close()


async def drain_at(service: LotseService, phone: Phone, clock: Clock, moment: datetime) -> dict:
    clock.now = moment
    sender = Sender(service.queue, phone.send, clock, clock.sleep)
    return await sender.drain()


async def onboarded(service: LotseService, user: str = "amira", **answers: object) -> Transcript:
    chat = Transcript(service, user=user)
    defaults = {"age": "17", "interests": ("German course", "Sport")}
    await chat.onboard(**{**defaults, **answers})  # type: ignore[arg-type]
    return chat


async def subscribe_and_stop(db_path: Path, content: Content, clock: Clock) -> None:
    """A first run: start (remembering the catalogue), amira subscribes to EV-T-1, the process
    ends; only the database remains."""
    first = await open_service(db_path, content, clock)
    try:
        assert await first.sync_events() == 0  # a first start only remembers the events
        chat = await onboarded(first)
        await chat.press("ev:r:EV-T-1")
    finally:
        await first.close()


def event_buttons(chat: Transcript) -> list[str]:
    return [b.data.removeprefix("ev:o:") for b in chat.buttons if b.data.startswith("ev:o:")]


async def test_events_lists_what_fits_place_age_and_interests(lotse: LotseService) -> None:
    chat = await onboarded(lotse)
    await chat.send("/events")
    # Helmstedt, 17, German course and sport, in order of time: the football taster, the
    # integration-course evening, the online counselling hour, the autumn 2027 tournament.
    # The open day (vocational training) is offered below as "more events near you".
    # Not shown: cancelled (T-5), already over (T-6), from 27 (T-7), in Krefeld (T-K1).
    assert event_buttons(chat) == ["EV-T-2", "EV-T-1", "EV-T-4", "EV-T-8", "EV-T-3"]
    text = chat.text
    assert text.index("Events for you") < text.index("More events near you")
    assert "Information evening: integration course (German: Infoabend Integrationskurs)" in text
    # Local time of the district (18:00 CET is 17:00 UTC), in the reader's language.
    assert "Thursday, December 3, 2026, 6:00\u202fPM to 8:00\u202fPM" in text
    assert "Markt 1, 38350 Helmstedt" in text


async def test_events_in_arabic_use_arabic_dates_and_isolate_german_names(
    lotse: LotseService,
) -> None:
    chat = await onboarded(
        lotse, language="العربية", status="إجراءات اللجوء", interests=("دورة لغة ألمانية",)
    )
    await chat.send("/events")
    assert "الخميس، 3 ديسمبر 2026" in chat.text
    assert "\u2068Infoabend Integrationskurs\u2069" in chat.html  # German name isolated
    assert "أمسية معلومات: دورة الاندماج" in chat.text
    await chat.press("ev:o:EV-T-1")  # reminder times joined the Arabic way, not with a comma
    assert "التذكيرات: قبل البداية بـ" in chat.text
    assert "ساعة و" in chat.text and "ساعة," not in chat.text


async def test_events_ask_for_the_profile_first(lotse: LotseService) -> None:
    chat = Transcript(lotse, user="new")
    await chat.begin()
    await chat.send("/events")
    assert "Please answer the questions first." in chat.text
    assert not event_buttons(chat)


async def test_remind_me_plans_two_reminders_and_a_question_the_day_after(
    lotse: LotseService, clock: Clock
) -> None:
    chat = await onboarded(lotse)
    await chat.press("ev:o:EV-T-1")
    assert "ev:r:EV-T-1" in [b.data for b in chat.buttons]
    await chat.tap("Remind me")
    reply = chat.replies[-1]
    assert reply.replace and "24 hours and 2 hours before the start" in reply.notice
    assert "ev:u:EV-T-1" in [b.data for b in chat.buttons]  # now "Cancel reminder"
    assert "You get a reminder." in chat.text
    await chat.send("/events")
    assert "You get a reminder." in chat.text
    # Stored: the subscription survives a new session object.
    assert (await lotse.session("test", "amira")).subscribed == ["EV-T-1"]  # type: ignore[union-attr]

    phone = Phone(lotse, clock)
    start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=24, seconds=1)) == {}
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=24)) == {"sent": 1}
    # The person switches to Arabic before the second reminder: it comes in Arabic.
    await chat.send("/language")
    await chat.tap("العربية")
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=2)) == {"sent": 1}
    first, second = phone.texts()
    assert first.startswith("🔔 Reminder: Information evening: integration course")
    assert "Thursday, December 3, 2026, 6:00\u202fPM to 8:00\u202fPM" in first
    assert "Markt 1, 38350 Helmstedt" in first
    assert "https://www.openstreetmap.org/?mlat=52.22790&mlon=11.00970" in first
    assert "الخميس، 3 ديسمبر 2026" in second and "Reminder" not in second
    assert [when for *_, when in phone.received] == [
        start - timedelta(hours=24),
        start - timedelta(hours=2),
    ]
    # Nothing more until the morning after, then "Did you go?" once.
    assert await drain_at(lotse, phone, clock, start + timedelta(hours=12)) == {}
    morning = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 10:00 in Helmstedt
    assert await drain_at(lotse, phone, clock, morning) == {"sent": 1}
    assert await drain_at(lotse, phone, clock, morning + timedelta(days=3)) == {}
    question = phone.received[-1][2]
    assert [b.data for row in question.buttons for b in row] == [
        "ev:g:EV-T-1:yes",
        "ev:g:EV-T-1:no",
        "ev:g:EV-T-1:cancelled",
    ]


async def test_did_you_go_is_counted_once_per_person_and_without_names(
    lotse: LotseService,
) -> None:
    amira = await onboarded(lotse, "amira")
    omar = await onboarded(lotse, "omar")
    stranger = await onboarded(lotse, "stranger")
    for chat in (amira, omar):
        await chat.press("ev:o:EV-T-1")
        await chat.tap("Remind me")
    await amira.press("ev:g:EV-T-1:yes")
    assert "counted without your name" in amira.text
    await amira.press("ev:g:EV-T-1:no")  # a second tap does not count again
    await omar.press("ev:g:EV-T-1:cancelled")
    await stranger.press("ev:g:EV-T-1:yes")  # not subscribed: not counted
    assert await outcomes(lotse) == {"EV-T-1": {"yes": 1, "cancelled": 1}}


async def test_cancel_reminder_and_subscribe_again(lotse: LotseService, clock: Clock) -> None:
    chat = await onboarded(lotse)
    await chat.press("ev:r:EV-T-1")
    await chat.press("ev:u:EV-T-1")
    assert chat.replies[-1].notice == "Reminder cancelled."
    assert await subscribed_events(lotse, "test", "amira") == set()
    phone = Phone(lotse, clock)
    start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=24)) == {}
    # Subscribing again brings back the reminder that is still ahead, once.
    await chat.press("ev:r:EV-T-1")
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=2)) == {"sent": 1}
    await chat.press("ev:u:EV-T-1")
    await chat.press("ev:r:EV-T-1")
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=1)) == {}
    assert len(phone.received) == 1


async def test_a_subscription_made_late_gets_only_the_reminders_still_ahead(
    lotse: LotseService, clock: Clock
) -> None:
    chat = await onboarded(lotse)
    start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    clock.now = start - timedelta(hours=3)
    await chat.press("ev:r:EV-T-1")
    assert "2 hours before the start" in chat.replies[-1].notice
    phone = Phone(lotse, clock)
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=2)) == {"sent": 1}
    clock.now = start - timedelta(minutes=30)
    await chat.press("ev:r:EV-T-2")  # the football taster was on 28 November: over
    assert "This event is over." in chat.text
    await chat.press("ev:r:EV-T-4")  # starts on 10 December
    clock.now = datetime(2026, 12, 10, 15, 50, tzinfo=UTC)  # 10 minutes before its start
    await chat.press("ev:u:EV-T-4")
    await chat.press("ev:r:EV-T-4")
    assert chat.replies[-1].notice == "The event starts soon, so no reminder is left before it."


async def test_cancelled_and_past_events_cannot_be_subscribed(lotse: LotseService) -> None:
    chat = await onboarded(lotse)
    await chat.press("ev:o:EV-T-5")
    assert "This event is cancelled." in chat.text
    assert "ev:r:EV-T-5" not in [b.data for b in chat.buttons]
    await chat.press("ev:r:EV-T-5")
    assert await subscribed_events(lotse, "test", "amira") == set()
    await chat.press("ev:o:EV-NOPE")
    assert "This event is no longer available." in chat.text
    assert event_buttons(chat)  # and the list again, a way on


async def test_the_calendar_file(lotse: LotseService) -> None:
    chat = await onboarded(lotse)
    await chat.press("ev:c:EV-T-1")
    attachment = chat.replies[-1].attachment
    assert attachment is not None and attachment.filename == "ev-t-1.ics"
    text = attachment.content.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART:20261203T170000Z" in lines and "DTEND:20261203T190000Z" in lines
    assert "LOCATION:Markt 1\\, 38350 Helmstedt" in lines
    assert "STATUS:CONFIRMED" in lines
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert (
        "SUMMARY:Information evening: integration course (German: Infoabend Integrationskurs)"
        in unfolded
    )
    assert "Calendar file for “Information evening: integration course”" in chat.text


async def test_a_restart_between_subscribing_and_the_reminder_loses_nothing(
    content: Content, db_path: Path, clock: Clock
) -> None:
    await subscribe_and_stop(db_path, content, clock)
    second = await open_service(db_path, content, clock)
    try:
        phone = Phone(second, clock)
        due = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
        assert await drain_at(second, phone, clock, due + timedelta(minutes=20)) == {"sent": 1}
        # Down for longer than the grace time: recorded as missed, not sent late.
        assert await drain_at(second, phone, clock, due + timedelta(hours=23)) == {"missed": 1}
        assert await second.queue.counts() == {"sent": 1, "missed": 1, "pending": 1}
    finally:
        await second.close()


async def test_erased_people_get_no_reminder(lotse: LotseService, clock: Clock) -> None:
    chat = await onboarded(lotse)
    await chat.press("ev:r:EV-T-1")
    await chat.press("pr:x:yes")
    phone = Phone(lotse, clock)
    assert await drain_at(lotse, phone, clock, datetime(2026, 12, 5, tzinfo=UTC)) == {}
    assert await lotse.queue.counts() == {}


def with_event(content: Content, event_id: str, **changes: object) -> Content:
    events = dict(content.events)
    events[event_id] = dataclasses.replace(events[event_id], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(content, events=events)


async def test_a_moved_event_tells_subscribers_once_and_moves_the_reminders(
    content: Content, db_path: Path, clock: Clock
) -> None:
    await subscribe_and_stop(db_path, content, clock)

    old_start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    new_start = old_start + timedelta(days=7)
    moved = with_event(content, "EV-T-1", start=new_start, end=new_start + timedelta(hours=2))
    told: list[str] = []
    for _ in range(2):  # a second start after the change says nothing new
        service = await open_service(db_path, moved, clock)
        try:
            await service.sync_events()
            phone = Phone(service, clock)
            await drain_at(service, phone, clock, NOW)
            told += phone.texts()
        finally:
            await service.close()
    assert len(told) == 1
    assert told[0].startswith("⚠️ An event you wanted a reminder for has changed. Now:")
    assert "Thursday, December 10, 2026, 6:00\u202fPM to 8:00\u202fPM" in told[0]

    service = await open_service(db_path, moved, clock)
    try:
        phone = Phone(service, clock)
        # Nothing at the old times; the reminders come before the new start.
        assert await drain_at(service, phone, clock, old_start - timedelta(hours=2)) == {}
        day_before = new_start - timedelta(hours=24)
        assert await drain_at(service, phone, clock, day_before) == {"sent": 1}
        assert "Thursday, December 10, 2026, 6:00\u202fPM" in phone.texts()[0]
    finally:
        await service.close()


async def test_a_cancelled_event_is_told_once_and_its_reminders_are_dropped(
    content: Content, db_path: Path, clock: Clock
) -> None:
    await subscribe_and_stop(db_path, content, clock)
    cancelled = with_event(content, "EV-T-1", cancelled=True)
    service = await open_service(db_path, cancelled, clock)
    try:
        assert await service.sync_events() == 1
        phone = Phone(service, clock)
        assert await drain_at(service, phone, clock, NOW) == {"sent": 1}
        assert phone.texts()[0].startswith("❌ An event you wanted a reminder for is cancelled:")
        assert await drain_at(service, phone, clock, datetime(2026, 12, 6, tzinfo=UTC)) == {}
        counts = await service.queue.counts()
        assert counts == {"sent": 1, "cancelled": 3}  # two reminders and the question
    finally:
        await service.close()


async def test_daylight_saving_end_on_the_last_sunday_of_october(
    lotse: LotseService, clock: Clock
) -> None:
    chat = await onboarded(lotse)
    await chat.press("ev:o:EV-T-8")
    # 2027-10-31 is the last Sunday of October: clocks go back at 03:00; 10:00 is CET.
    assert "Sunday, October 31, 2027, 10:00\u202fAM to 1:00\u202fPM" in chat.text
    await chat.press("ev:r:EV-T-8")
    phone = Phone(lotse, clock)
    start = datetime(2027, 10, 31, 9, 0, tzinfo=UTC)
    # 24 real hours before is 09:00 UTC on Saturday, 11:00 summer time on the wall clock.
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=24, minutes=1)) == {}
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=24)) == {"sent": 1}
    assert await drain_at(lotse, phone, clock, start - timedelta(hours=2)) == {"sent": 1}
    assert "10:00\u202fAM" in phone.texts()[1]


async def test_an_event_that_left_the_catalogue_is_not_sent(
    content: Content, db_path: Path, clock: Clock
) -> None:
    await subscribe_and_stop(db_path, content, clock)
    events = {k: v for k, v in content.events.items() if k != "EV-T-1"}
    service = await open_service(db_path, dataclasses.replace(content, events=events), clock)
    try:
        phone = Phone(service, clock)
        due = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
        assert await drain_at(service, phone, clock, due) == {"cancelled": 1}
        chat = Transcript(service, user="amira")
        await chat.press("ev:u:EV-T-1")
        assert "This event is no longer available." in chat.text
        assert await subscribed_events(service, "test", "amira") == set()
    finally:
        await service.close()


def test_the_event_report_counts_subscribers_and_answers_without_names(
    content: Content, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    async def two_people_answer() -> None:
        service = await open_service(db_path, content, Clock(NOW))
        try:
            for user, answer in (("amira", "yes"), ("omar", "cancelled")):
                chat = await onboarded(service, user)
                await chat.press("ev:r:EV-T-1")
                await chat.press(f"ev:g:EV-T-1:{answer}")
        finally:
            await service.close()

    asyncio.run(two_people_answer())
    monkeypatch.setenv("LOTSE_DATABASE", str(db_path))
    monkeypatch.setenv("LOTSE_DATA", str(FIXTURE_DATA))
    assert main(["event-report"]) == 0
    report = capsys.readouterr().out
    assert "EV-T-1\thelmstedt\t2026-12-03 17:00\t2\t1\t0\t1\tInfoabend Integrationskurs" in report
    assert "EV-T-2\thelmstedt\t2026-11-28 14:00\t0\t0\t0\t0\t" in report
    assert "amira" not in report and "omar" not in report
    # The same through `python -m bot`, as a coordinator may call it.
    env = {**os.environ, "LOTSE_DATABASE": str(db_path), "LOTSE_DATA": str(FIXTURE_DATA)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "event-report"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "EV-T-1\thelmstedt\t2026-12-03 17:00\t2\t1\t0\t1\t" in result.stdout
