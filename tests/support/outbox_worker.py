"""A sender process for the kill -9 test: drains the outbox like the bot does at start, and
writes each message it hands over to "Telegram" to a log file, flushed to disk at once."""

from __future__ import annotations

import asyncio
import os
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


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), "--by-person" in sys.argv[3:]))
