"""A sender process for the kill -9 test: drains the outbox like the bot does at start, and
writes each message it hands over to "Telegram" to a log file, flushed to disk at once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.outbox import Budget, Sender
from bot.storage.base import open_storage
from bot.storage.outbox import OutboxQueue, OutboxRow


def now() -> datetime:
    return datetime.now(UTC)


async def main(database: Path | str, log_path: Path, by_person: bool = False) -> None:
    db = await open_storage(database)
    repo = OutboxQueue(db)
    await repo.recover(now())
    with log_path.open("a", encoding="utf-8") as log:

        async def send(row: OutboxRow) -> str:
            # A broadcast's rows share one key (one per person): log who, too.
            log.write((f"{row.user_id}:{row.key}" if by_person else row.key) + "\n")
            log.flush()
            os.fsync(log.fileno())
            await asyncio.sleep(0.003)  # the round trip to the Bot API
            return "sent"

        budget = Budget(per_second=10_000, per_chat_gap=timedelta(0))
        await Sender(repo, send, now, asyncio.sleep, budget).drain()
    await db.close()


async def start(
    database: Path | str, log: Path, by_person: bool = False
) -> asyncio.subprocess.Process:
    """This sender in a process of its own, logging each key it hands to "Telegram" to `log`."""
    from bot.config import ROOT

    extra = ["--by-person"] if by_person else []
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.outbox_worker", str(database), str(log), *extra,
        cwd=ROOT,
    )  # fmt: skip


def handed(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


async def kill_after(
    database: Path | str, log: Path, totals: tuple[int, ...], by_person: bool = False
) -> int:
    """Start a sender and kill it with SIGKILL once `log` holds each of `totals` lines, one
    sender per total; then one more drains the rest. Returns how many were killed."""
    for total in totals:
        worker = await start(database, log, by_person)
        while len(handed(log)) < total and worker.returncode is None:
            await asyncio.sleep(0.001)
        assert worker.returncode is None, "the worker ended before it could be killed"
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
    last = await start(database, log, by_person)
    assert await asyncio.wait_for(last.wait(), 60) == 0
    return len(totals)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), "--by-person" in sys.argv[3:]))
