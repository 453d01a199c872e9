"""Benchmark: 10,000 subscriptions with two reminders each; rebuild at start; 1,000 due at once.

Run by hand, never in CI:  .venv/bin/python bench/bench_outbox.py
It sends to a stand-in for Telegram that answers at once, in real time, so the lateness shown
is what the budget (25 messages/s overall, 1.1 s per chat) and the database cost, nothing else.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.effects import Message
from bot.outbox import Budget, Sender
from bot.storage.outbox import OutboxQueue, OutboxRow
from bot.storage.sqlite import SqliteStorage

SUBSCRIPTIONS = 10_000
BURST = 1_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await SqliteStorage.open(path)
        now = datetime.now(UTC)
        started = time.perf_counter()
        async with db.unit() as unit:
            await unit.tx.executemany(
                "INSERT INTO users (channel, external_id, language, consented_at, created_at) "
                "VALUES ('telegram', ?, 'ar', ?, ?)",
                [(str(n), now, now) for n in range(SUBSCRIPTIONS)],
            )
        for n in range(SUBSCRIPTIONS):
            # The first BURST people have their 2-hour reminder due now; the rest later.
            soon = now if n < BURST else now + timedelta(days=1 + n % 30)
            plan = [
                Message("rem:EV:1440m", "reminder", {"event": "EV"}, soon + timedelta(hours=22)),
                Message("rem:EV:120m", "reminder", {"event": "EV"}, soon),
            ]
            await db.run(lambda unit, n=n, plan=plan: unit.outbox.subscribe(
                n + 1, f"EV-{n % 50}", plan, now))  # fmt: skip
        fill_s = time.perf_counter() - started
        await db.close()

        # A restart: open the database, settle interrupted rows, find the next due time.
        started = time.perf_counter()
        db = await SqliteStorage.open(path)
        outbox = OutboxQueue(db)
        await outbox.recover(datetime.now(UTC))
        next_due = await outbox.next_due()
        rebuild_ms = (time.perf_counter() - started) * 1000
        assert next_due is not None

        lateness: list[float] = []
        # Filling took seconds; measure from the moment the sender wakes, as after a restart.
        woke = datetime.now(UTC)

        async def send(row: OutboxRow) -> str:
            lateness.append((datetime.now(UTC) - max(row.due_at, woke)).total_seconds())
            return "sent"

        sender = Sender(
            outbox, send, lambda: datetime.now(UTC), asyncio.sleep, Budget(per_second=25),
            grace=timedelta(minutes=30),
        )  # fmt: skip
        started = time.perf_counter()
        result = await sender.drain()
        drain_s = time.perf_counter() - started
        await db.close()

    ordered = sorted(lateness)
    print(f"subscriptions: {SUBSCRIPTIONS} (2 reminders each), due at once: {BURST}")
    print(f"filling the database: {fill_s:.1f} s; sent: {result}")
    print(f"rebuild at start (open, migrate check, recover, next due): {rebuild_ms:.1f} ms")
    print(f"peak memory (max RSS of this process): {rss_mb():.0f} MB")
    print(f"draining {BURST} due reminders took {drain_s:.1f} s")
    print("| lateness | p50 s | p95 s | max s |")
    print("| --- | ---: | ---: | ---: |")
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    median, worst = statistics.median(ordered), ordered[-1]
    print(f"| {BURST} due at once | {median:.1f} | {p95:.1f} | {worst:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
