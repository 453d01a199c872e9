"""Reminders and other outbox messages for one channel, while the bot runs.

At start: events that moved or were cancelled are synced, rows interrupted mid-send are
settled, and one scheduler job is set for the next due message. The sender has its own
database connection, so that its commits never cut into a conversation's transaction.
"""

from __future__ import annotations

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.outbox import Sender, SendFunction
from bot.scheduler import OutboxWaker
from bot.service import LotseService
from bot.storage.base import Storage
from bot.storage.outbox import Audience, OutboxQueue

log = logging.getLogger(__name__)

POLL_SECONDS = 10
PROGRESS_SECONDS = 3  # broadcasts: start what is due, edit the progress message


class Delivery:
    def __init__(self, service: LotseService, send: SendFunction, audience: Audience) -> None:
        self.service, self.send, self.audience = service, send, audience
        self.scheduler: AsyncIOScheduler | None = None
        self.waker: OutboxWaker | None = None
        self._storage: Storage | None = None

    async def start(self) -> None:
        service = self.service
        changed = await service.sync_events()
        if changed:
            log.info("%d events changed since the last start", changed)
        await service.forget_old()
        await service.broadcaster.warm()
        self._storage = await service.storage.sibling()
        repo = OutboxQueue(self._storage)
        sender = Sender(
            repo, self.send, service.clock, asyncio.sleep, audience=self.audience,
            on_blocked=service.forget_cached,
        )  # fmt: skip
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.scheduler.start()
        self.waker = OutboxWaker(self.scheduler, repo, sender, service.clock)
        await self.waker.start()
        service.on_outbox_change = self.waker.reschedule
        # Catalogue versions and staff grants another process (the CLI, a second bot) made.
        self.scheduler.add_job(
            service.poll_changes, "interval", seconds=POLL_SECONDS, id="poll-changes",
            max_instances=1, coalesce=True,
        )  # fmt: skip
        self.scheduler.add_job(
            service.broadcaster.tick, "interval", seconds=PROGRESS_SECONDS,
            id="broadcast-progress", max_instances=1, coalesce=True,
        )  # fmt: skip

    async def stop(self) -> None:
        self.service.on_outbox_change = None
        if self.waker is not None:
            await self.waker.stop()
            self.waker = None
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self._storage is not None:
            await self._storage.close()
            self._storage = None
