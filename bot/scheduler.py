"""Wakes the outbox sender when the next message is due. Derived, never trusted alone: the
one job is rebuilt from the database at start and after every drain."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.outbox import Sender
from bot.storage.outbox import OutboxQueue

log = logging.getLogger(__name__)

JOB_ID = "outbox-drain"  # one deterministic job: rescheduling replaces it


class OutboxWaker:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        repo: OutboxQueue,
        sender: Sender,
        clock: Callable[[], datetime],
    ) -> None:
        self.scheduler, self.repo, self.sender, self.clock = scheduler, repo, sender, clock
        self._idle = asyncio.Event()
        self._idle.set()
        # False while another process is the sender (PostgreSQL, several processes).
        self.enabled = True

    async def start(self) -> None:
        """After a restart: settle rows interrupted mid-send, then wake for the next due one.
        Rows that fell due while the bot was down run at once (and the sender applies the
        grace time)."""
        interrupted = await self.repo.recover(self.clock(), self.sender.audience)
        if interrupted:
            log.warning(
                "%d outbox rows were interrupted mid-send; not sending them again", interrupted
            )
        await self.reschedule()

    async def stop(self, timeout: float = 10.0) -> None:
        """Let a running drain finish the message in hand (a message cut off mid-send would
        count as 'unknown' and never be sent); the rest stays pending for the next start."""
        self.sender.stopping = True
        if self.scheduler.get_job(JOB_ID):
            self.scheduler.remove_job(JOB_ID)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("the outbox sender did not stop within %.0f s", timeout)

    async def reschedule(self) -> None:
        if self.sender.stopping or not self.enabled:
            return
        if not self._idle.is_set():
            return  # a drain is running: it takes what falls due and reschedules at its end
        due = await self.repo.next_due(self.sender.audience)
        if due is None:
            if self.scheduler.get_job(JOB_ID):
                self.scheduler.remove_job(JOB_ID)
            return
        # The wait is measured on our clock (a test may move it); the scheduler runs on
        # the machine's. In production both are the same.
        wait = max(due - self.clock(), timedelta(0))
        self.scheduler.add_job(
            self.run,
            "date",
            run_date=datetime.now(UTC) + wait,
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,  # late is better than never; the sender decides
        )

    async def run(self) -> None:
        self._idle.clear()
        try:
            done = await self.sender.drain()
            if done:
                log.info("outbox drained: %s", done)
        finally:
            self._idle.set()
            await self.reschedule()
