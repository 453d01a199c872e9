"""The outbox and its sender with a controllable clock: on time, at most once, under budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from bot.core.effects import Message
from bot.core.profile import Profile, Session
from bot.outbox import Budget, RetryAfter, Sender
from bot.storage.base import Storage, open_storage
from bot.storage.outbox import OutboxQueue, OutboxRow
from tests.support import outbox_worker as worker
from tests.support.clock import Clock
from tests.support.db import rows_in

FIELDS = {"age": "int", "status": "key", "german_level": "key", "place": "place",
          "interests": "keys"}  # fmt: skip

START = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


class Telegram:
    """Records what was sent, with the clock's time; can answer blocked or 429."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent: list[tuple[str, str, datetime]] = []
        self.blocked: set[str] = set()
        self.too_many: int = 0

    async def send(self, row: OutboxRow) -> str | RetryAfter:
        if row.external_id in self.blocked:
            return "blocked"
        if self.too_many:
            self.too_many -= 1
            return RetryAfter(2)
        self.sent.append((row.external_id, row.key, self.clock()))
        return "sent"


class Store(OutboxQueue):
    """The outbox as these tests drive it: by channel and person, each call committed."""

    async def subscribe(
        self, channel: str, user: str, event: str, planned: list[Message], now: datetime
    ) -> bool:
        async with self.storage.unit() as unit:
            user_id = await unit.people.user_id(channel, user)
            if user_id is None:
                return False
            await unit.outbox.subscribe(user_id, event, planned, now)
        return True

    async def unsubscribe(self, channel: str, user: str, event: str, now: datetime) -> None:
        async with self.storage.unit() as unit:
            user_id = await unit.people.user_id(channel, user)
            assert user_id is not None
            await unit.outbox.unsubscribe(user_id, event, now)

    async def subscribed_events(self, channel: str, user: str) -> set[str]:
        async with self.storage.unit(write=False) as unit:
            user_id = await unit.people.user_id(channel, user)
            return set() if user_id is None else await unit.outbox.subscribed_events(user_id)


async def person(db: Storage, user: str) -> None:
    profile = Profile(None, "duldung", "A2", birth="2008-03")
    session = Session(language="de", consented=True, profile=profile)
    async with db.unit() as unit:
        before = await unit.people.load("telegram", user, FIELDS)
        # Writing again lifts a block, as it does for a person who writes to the bot.
        await unit.people.save("telegram", user, session, FIELDS, START, before and before[1])


def reminder(event: str, due: datetime, offset: str = "2h", user: str = "1") -> Message:
    return Message(
        f"rem:{user}:{event}:{offset}:{due:%Y%m%dT%H%M}", "reminder", {"event": event}, due
    )


async def due_reminders(database: Path | str, people: int, first: int = 0) -> set[str]:
    """One due reminder for each of `people` new people (numbered from `first`); their keys."""
    now = datetime.now(UTC)
    db = await open_storage(database)
    keys = set()
    try:
        for user in range(first, first + people):
            await person(db, str(user))
            plan = [reminder("EV-1", now - timedelta(minutes=1), user=str(user))]
            await Store(db).subscribe("telegram", str(user), "EV-1", plan, now)
            keys.add(plan[0].key)
    finally:
        await db.close()
    return keys


async def outbox_statuses(database: Path | str) -> dict[str, str]:
    return {
        row["key"]: row["status"]
        for row in await rows_in(database, "SELECT key, status FROM outbox")
    }


@pytest.fixture
async def db(database: Path | str) -> AsyncIterator[Storage]:
    storage = await open_storage(database)
    yield storage
    await storage.close()


def sender(db: Storage, clock: Clock, telegram: Telegram) -> Sender:
    return Sender(Store(db), telegram.send, clock, clock.sleep)


async def test_a_reminder_is_sent_on_time_and_once(db: Storage) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    await person(db, "1")
    outbox = Store(db)
    due = START + timedelta(hours=1)
    assert await outbox.subscribe("telegram", "1", "EV-1", [reminder("EV-1", due)], START)
    assert await outbox.subscribe("telegram", "1", "EV-1", [reminder("EV-1", due)], START)
    assert await outbox.subscribed_events("telegram", "1") == {"EV-1"}
    assert await outbox.next_due() == due
    assert await sender(db, clock, telegram).drain() == {}
    clock.now = due
    assert await sender(db, clock, telegram).drain() == {"sent": 1}
    assert await sender(db, clock, telegram).drain() == {}
    assert [s[0] for s in telegram.sent] == ["1"]


async def test_nothing_is_stored_for_a_person_without_consent(db: Storage) -> None:
    outbox = Store(db)
    assert not await outbox.subscribe("telegram", "9", "EV-1", [reminder("EV-1", START)], START)
    assert await outbox.counts() == {}


async def test_a_restart_between_planning_and_sending_loses_nothing(database: Path | str) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    first = await open_storage(database)
    await person(first, "1")
    await Store(first).subscribe(
        "telegram", "1", "EV-1", [reminder("EV-1", START + timedelta(minutes=5))], START
    )
    await first.close()  # the bot stops before the reminder is due
    second = await open_storage(database)
    try:
        clock.now = START + timedelta(minutes=6)
        assert await Store(second).recover(clock()) == 0
        assert await sender(second, clock, telegram).drain() == {"sent": 1}
    finally:
        await second.close()


async def test_a_crash_right_after_sending_sends_no_duplicate(database: Path | str) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    first = await open_storage(database)
    await person(first, "1")
    outbox = Store(first)
    await outbox.subscribe("telegram", "1", "EV-1", [reminder("EV-1", START)], START)
    # The sender claims and sends, then the process dies before it can record "sent".
    (row,) = await outbox.due(START, 10)
    assert await outbox.claim(row.id, START)
    await telegram.send(row)
    await first.close()
    second = await open_storage(database)
    try:
        outbox = Store(second)
        assert await outbox.recover(clock()) == 1
        assert await sender(second, clock, telegram).drain() == {}
        assert len(telegram.sent) == 1
        assert (await outbox.counts()) == {"unknown": 1}
    finally:
        await second.close()


async def test_grace_time_after_downtime(db: Storage) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    await person(db, "1")
    outbox = Store(db)
    plan = [reminder("EV-1", START, "24h"), reminder("EV-2", START + timedelta(minutes=40))]
    await outbox.subscribe("telegram", "1", "EV-1", plan, START - timedelta(days=2))
    # The bot was down; it comes back 70 minutes after the first and 30 after the second.
    clock.now = START + timedelta(minutes=70)
    assert await sender(db, clock, telegram).drain() == {"missed": 1, "sent": 1}
    assert [s[1] for s in telegram.sent] == [plan[1].key]


async def test_a_blocked_person_is_marked_and_skipped_without_retries(
    db: Storage,
) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    telegram.blocked.add("1")
    await person(db, "1")
    outbox = Store(db)
    plan = [reminder("EV-1", START), reminder("EV-1", START + timedelta(hours=1), "1h")]
    await outbox.subscribe("telegram", "1", "EV-1", plan, START - timedelta(days=1))
    assert await sender(db, clock, telegram).drain() == {"blocked": 1}
    clock.now += timedelta(hours=2)
    assert await sender(db, clock, telegram).drain() == {}
    assert await outbox.counts() == {"blocked": 2}
    # Writing to the bot again lifts the block for what is planned from then on.
    await person(db, "1")
    telegram.blocked.clear()
    await outbox.subscribe(
        "telegram", "1", "EV-2", [reminder("EV-2", clock.now)], clock.now - timedelta(hours=1)
    )
    assert await sender(db, clock, telegram).drain() == {"sent": 1}


async def test_a_row_that_stops_being_pending_during_a_batch_is_not_sent(
    db: Storage,
) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    telegram.blocked.add("1")
    attempts: list[str] = []

    async def send(row: OutboxRow) -> str | RetryAfter:
        attempts.append(row.external_id)
        return await telegram.send(row)

    for user, event in (("1", "EV-1"), ("1", "EV-2"), ("2", "EV-1")):
        await person(db, user)
        plan = [reminder(event, START, user=user)]
        await Store(db).subscribe("telegram", user, event, plan, START)
    # All three rows are in one batch; the first answer marks person 1 as blocked, so their
    # second row is not even tried.
    result = await Sender(Store(db), send, clock, clock.sleep).drain()
    assert result == {"blocked": 1, "sent": 1}
    assert attempts == ["1", "2"]
    assert await Store(db).counts() == {"blocked": 2, "sent": 1}


async def test_kill_9_at_any_moment_sends_nothing_twice_and_loses_only_the_row_in_flight(
    database: Path | str, tmp_path: Path
) -> None:
    """Real processes, really killed: each start recovers and drains like the bot."""
    keys = await due_reminders(database, 80)
    log = tmp_path / "handed-to-telegram.log"
    log.touch()
    kills = await worker.kill_after(database, log, (5, 25, 45, 65))  # sends so far, in total
    handed = worker.handed(log)
    assert len(handed) == len(set(handed))  # nothing sent twice
    status = await outbox_statuses(database)
    assert set(status) == keys and set(status.values()) <= {"sent", "unknown"}
    in_doubt = {key for key, s in status.items() if s == "unknown"}
    assert {key for key, s in status.items() if s == "sent"} <= set(handed)
    # At most the one row in flight per kill is in doubt; everything else went out.
    assert len(in_doubt) <= kills
    assert set(handed) | in_doubt == keys


async def test_the_budget_holds_under_a_burst(db: Storage) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    for user in range(100):  # 100 people, one reminder each, all due at once
        await person(db, str(user))
        plan = [reminder("EV-1", START, "2h", str(user))]
        await Store(db).subscribe("telegram", str(user), "EV-1", plan, START)
    budget = Budget(per_second=25)
    result = await Sender(Store(db), telegram.send, clock, clock.sleep, budget).drain()
    assert result == {"sent": 100}
    times = [t for _user, _key, t in telegram.sent]
    for at in times:
        assert len([t for t in times if at <= t < at + timedelta(seconds=1)]) <= 25
    # 100 messages at 25 per second take about 4 s: all well within the grace time.
    assert timedelta(seconds=3) <= times[-1] - times[0] <= timedelta(seconds=5)


async def test_one_chat_gets_at_most_one_message_a_second(db: Storage) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    await person(db, "1")
    plan = [reminder(f"EV-{n}", START, "2h") for n in range(4)]
    await Store(db).subscribe("telegram", "1", "EV-x", plan, START)
    assert await sender(db, clock, telegram).drain() == {"sent": 4}
    times = [t for _user, _key, t in telegram.sent]
    assert all(b - a >= timedelta(seconds=1) for a, b in pairwise(times))


async def test_too_many_requests_puts_the_row_back(db: Storage) -> None:
    clock = Clock(START)
    telegram = Telegram(clock)
    telegram.too_many = 1
    await person(db, "1")
    await Store(db).subscribe("telegram", "1", "EV-1", [reminder("EV-1", START)], START)
    assert await sender(db, clock, telegram).drain() == {"retry": 1}
    clock.now += timedelta(seconds=2)
    assert await sender(db, clock, telegram).drain() == {"sent": 1}


async def test_unsubscribe_cancels_and_erasure_removes_everything(
    db: Storage,
) -> None:
    await person(db, "1")
    outbox = Store(db)
    due = START + timedelta(hours=3)
    await outbox.subscribe("telegram", "1", "EV-1", [reminder("EV-1", due)], START)
    await outbox.unsubscribe("telegram", "1", "EV-1", START)
    assert await outbox.subscribed_events("telegram", "1") == set()
    assert await outbox.counts() == {"cancelled": 1}
    await outbox.subscribe("telegram", "1", "EV-2", [reminder("EV-2", due)], START)
    async with db.unit() as unit:
        await unit.people.erase("telegram", "1")
    assert await outbox.counts() == {}
    async with db.transaction(write=False) as tx:
        assert (await tx.fetchone("SELECT COUNT(*) FROM subscriptions"))[0] == 0


async def test_the_scheduler_is_rebuilt_from_the_database_and_wakes_the_sender(
    db: Storage,
) -> None:
    import asyncio

    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.scheduler import JOB_ID, OutboxWaker

    clock = Clock(datetime.now(UTC))
    telegram = Telegram(clock)
    await person(db, "1")
    outbox = Store(db)
    # Due a moment ago (fell due while the bot was down) and in an hour.
    plan = [
        reminder("EV-1", clock.now - timedelta(seconds=1)),
        reminder("EV-1", clock.now + timedelta(hours=1), "1h"),
    ]
    await outbox.subscribe("telegram", "1", "EV-1", plan, clock.now - timedelta(days=1))
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    try:
        waker = OutboxWaker(scheduler, outbox, sender(db, clock, telegram), clock)
        await waker.start()
        for _ in range(200):
            if telegram.sent:
                break
            await asyncio.sleep(0.01)
        assert len(telegram.sent) == 1
        await asyncio.sleep(0.05)
        job = scheduler.get_job(JOB_ID)
        assert job is not None
        assert abs(job.next_run_time - plan[1].due) < timedelta(seconds=2)
    finally:
        scheduler.shutdown(wait=False)


async def test_a_stop_lets_the_message_in_hand_finish_and_leaves_the_rest_pending(
    db: Storage,
) -> None:
    import asyncio

    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.scheduler import OutboxWaker

    now = datetime.now(UTC)
    clock = lambda: datetime.now(UTC)  # noqa: E731 - real time: the budget really waits
    sent: list[str] = []

    async def send(row: OutboxRow) -> str:
        await asyncio.sleep(0.01)  # a stop arriving now must not cut this message off
        sent.append(row.key)
        return "sent"

    outbox = Store(db)
    for user in range(30):
        await person(db, str(user))
        plan = [reminder("EV-1", now, user=str(user))]
        await outbox.subscribe("telegram", str(user), "EV-1", plan, now)
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    try:
        budget = Budget(per_second=10)  # 30 messages take 3 s: the stop comes in the middle
        waker = OutboxWaker(
            scheduler, outbox, Sender(outbox, send, clock, asyncio.sleep, budget), clock
        )
        await waker.start()
        for _ in range(500):
            if len(sent) >= 3:
                break
            await asyncio.sleep(0.01)
        await waker.stop()
        stopped_at = len(sent)
        await asyncio.sleep(0.3)
        assert len(sent) == stopped_at < 30  # nothing more after the stop
        counts = await outbox.counts()
        assert counts == {"sent": stopped_at, "pending": 30 - stopped_at}  # none 'sending'
    finally:
        scheduler.shutdown(wait=False)
    # The next start sends the rest, none twice.
    fast = Sender(outbox, send, clock, asyncio.sleep, Budget(per_second=1000))
    assert await fast.drain() == {"sent": 30 - stopped_at}
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 30


async def test_two_processes_drain_1000_reminders_and_a_kill_9_sends_nothing_twice(
    pg_dsn: str, tmp_path: Path
) -> None:
    """Two senders on one PostgreSQL database at once, one killed in the middle: every
    reminder goes out once, at most the killed one's row in flight is in doubt."""
    import asyncio
    import signal

    keys = await due_reminders(pg_dsn, 1000)
    log = tmp_path / "handed-to-telegram.log"
    log.touch()

    def lines() -> list[str]:
        return worker.handed(log)

    async def start() -> asyncio.subprocess.Process:
        return await worker.start(pg_dsn, log)

    first, second = await start(), await start()
    while len(lines()) < 300 and first.returncode is None:
        await asyncio.sleep(0.001)
    assert first.returncode is None, "the first sender ended before it could be killed"
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert await asyncio.wait_for(second.wait(), 120) == 0  # it drains the rest
    third = await start()  # a restart recovers the killed sender's row in flight
    assert await asyncio.wait_for(third.wait(), 60) == 0
    handed = lines()
    assert len(handed) == len(set(handed))  # nothing handed to Telegram twice
    status = await outbox_statuses(pg_dsn)
    assert set(status) == keys and set(status.values()) <= {"sent", "unknown"}
    assert {key for key, s in status.items() if s == "sent"} <= set(handed)
    assert len([s for s in status.values() if s == "unknown"]) <= 1  # one kill
    assert len(handed) >= 999
