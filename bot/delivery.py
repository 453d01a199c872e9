"""Reminders and other outbox messages for one channel, while the bot runs.

At start: events that moved or were cancelled are synced, rows interrupted mid-send are
settled, and one scheduler job is set for the next due message. The sender has its own
database connection, so that its commits never cut into a conversation's transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.outbox import Sender, SendFunction
from bot.scheduler import OutboxWaker
from bot.service import LotseService
from bot.storage.base import Storage
from bot.storage.outbox import Audience, OutboxQueue

log = logging.getLogger(__name__)

POLL_SECONDS = 10
ELECT_SECONDS = 5.0  # how often a waiting process tries to become the sender
# Several processes: how often the sender looks for rows the others planned (theirs cannot
# wake it; its own inputs still do at once).
OUTBOX_POLL_SECONDS = 2.0
PROGRESS_SECONDS = 3  # broadcasts: start what is due, edit the progress message


class Delivery:
    def __init__(self, service: LotseService, send: SendFunction, audience: Audience) -> None:
        self.service, self.send, self.audience = service, send, audience
        self.scheduler: AsyncIOScheduler | None = None
        self.waker: OutboxWaker | None = None
        self._storage: Storage | None = None
        self._elector: asyncio.Task | None = None
        self._sender_lock: Any = None  # the connection holding the sender's lock
        self.sending = False  # this process sends the outbox
        # Told how many processes run on the database (PostgreSQL), while this one sends: the
        # channel's rate limiter leaves room for the others' replies.
        self.on_processes: Callable[[int], None] | None = None

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
        service.on_outbox_change = self.waker.reschedule
        elect = getattr(service.storage, "try_sender_lock", None)
        if elect is None:
            await self._become_sender()  # SQLite: this is the one process
        else:
            # PostgreSQL: one process of all sends (one budget for Telegram's limits); the
            # others take over when it goes.
            self.waker.enabled = False
            self._elector = asyncio.create_task(self._elect(elect))
            self.scheduler.add_job(
                self.waker.reschedule, "interval", seconds=OUTBOX_POLL_SECONDS,
                id="outbox-poll", max_instances=1, coalesce=True,
            )  # fmt: skip
            self.scheduler.add_job(
                self._count_processes, "interval", seconds=ELECT_SECONDS,
                id="count-processes", max_instances=1, coalesce=True,
            )  # fmt: skip
        # Catalogue versions and staff grants another process (the CLI, a second bot) made:
        # heard at once on PostgreSQL, and looked for every POLL_SECONDS.
        await service.watch_changes()
        self.scheduler.add_job(
            self._poll_changes, "interval", seconds=POLL_SECONDS, id="poll-changes",
            max_instances=1, coalesce=True,
        )  # fmt: skip
        self.scheduler.add_job(
            self._broadcast_tick, "interval", seconds=PROGRESS_SECONDS,
            id="broadcast-progress", max_instances=1, coalesce=True,
        )  # fmt: skip

    async def _poll_changes(self) -> None:
        # The upkeep chores (retention, closing cases, reports): once, by the sending process.
        await self.service.poll_changes(chores=self.sending)

    async def _count_processes(self) -> None:
        count = getattr(self.service.storage, "processes", None)
        if not (self.sending and self.on_processes is not None and count is not None):
            return
        try:
            self.on_processes(await count())
        except Exception:  # the budget stays as it was; the next count tries again
            log.warning("could not count the processes on the database", exc_info=True)

    async def _broadcast_tick(self) -> None:
        """Start due broadcasts and report progress: only in the process that sends, so that
        two processes never start the same one or both edit its progress message."""
        if self.sending:
            await self.service.broadcaster.tick()

    async def _become_sender(self) -> None:
        assert self.waker is not None
        self.waker.enabled = True
        self.sending = True
        await self._count_processes()
        await self.waker.start()  # rows left 'sending' can only be a gone sender's

    async def _elect(self, elect: Callable[[], Awaitable[Any]]) -> None:
        while True:
            try:
                held = await elect()
            except Exception:
                log.warning("could not ask whether to send the outbox", exc_info=True)
                held = None
            if held is not None:
                self._sender_lock = held
                log.info("this process sends the outbox now")
                await self._become_sender()
                return
            await asyncio.sleep(ELECT_SECONDS)

    async def stop(self) -> None:
        self.service.on_outbox_change = None
        if self._elector is not None:
            self._elector.cancel()
            await asyncio.gather(self._elector, return_exceptions=True)
            self._elector = None
        if self.waker is not None:
            await self.waker.stop()
            self.waker = None
        if self._sender_lock is not None:
            await self._sender_lock.close()  # another process may send now
            self._sender_lock = None
            self.sending = False
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self._storage is not None:
            await self._storage.close()
            self._storage = None
