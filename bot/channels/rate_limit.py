"""Telegram's flood limits with two lanes: a reply to a person who just wrote goes first, bulk
messages (broadcasts, reminders) use what replies leave.

An overall budget (`LOTSE_OVERALL_RATE`, default 30 per second in any one-second window) holds
for everything; bulk messages have their own budget inside it (`LOTSE_BULK_RATE`, default 25 per
second), spread evenly (one every 1/rate seconds, so nothing bursts, also right after a
restart), at most one per chat per second, and only while no reply is waiting. A 429 for a bulk
message pauses the bulk lane for `retry_after` and is raised to the sender, which puts the row
back (no retry hidden in here while a row is "sending"); a reply is retried after the wait.
The per-chat pacing state only keeps chats of the last second.

Several processes on one database: one of them sends all bulk messages, but each answers its
own people, and this budget sees only its own replies. So the sending process lowers its bulk
rate by REPLY_RESERVE a second for each other process (`share`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
# Opt in to what python-telegram-bot 23 does anyway: retry_after as a timedelta (without it,
# every 429 warns that the type will change).
os.environ.setdefault("PTB_TIMEDELTA", "true")

BULK = "bulk"  # the rate_limit_args of a bulk message
# A little over a second: Telegram counts when a request arrives, we count before it leaves;
# the way in between jitters, and without the margin two windows can overlap by one message.
WINDOW = 1.05
CHAT_GAP = 1.05
BULK_WINDOW = 1.0  # our own budget, not Telegram's: no margin needed
REPLY_RESERVE = 5.0  # a second, for the replies of each other process


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait (PTB keeps it as a timedelta; the public attribute
    warns while it changes type)."""
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if value is not None else 1.0


class TwoLaneLimiter(BaseRateLimiter[str]):
    def __init__(
        self,
        overall: float = 30,
        bulk: float = 25,
        retries: int = 2,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not 0 < bulk <= overall:
            raise ValueError("the bulk rate must be above 0 and at most the overall rate")
        self.overall, self.bulk, self.retries = overall, bulk, retries
        self.configured_bulk = bulk
        self.clock, self.sleep = clock, sleep
        self._sent: deque[float] = deque()  # everything, the last second
        self._bulk_sent: deque[float] = deque()  # bulk only, the last second
        self._chats: OrderedDict[Any, float] = OrderedDict()  # bulk: chat -> last send
        self._bulk_next = 0.0
        self._bulk_paused_until = 0.0
        self._waiting_replies = 0
        self._bulk_lock = asyncio.Lock()

    async def initialize(self) -> None:
        # A fresh process does not know what the last one sent: the first bulk message waits
        # one slot, so that a restart never bursts.
        self._bulk_next = self.clock() + 1 / self.bulk

    async def shutdown(self) -> None:
        return None

    def share(self, processes: int) -> None:
        """`processes` run on the database: leave room for the others' replies."""
        bulk = max(1.0, self.configured_bulk - REPLY_RESERVE * max(0, processes - 1))
        if bulk != self.bulk:
            log.info("%d processes: bulk messages at %.0f a second", processes, bulk)
            self.bulk = bulk

    # -- the budget -----------------------------------------------------------------------

    def _overall_wait(self, now: float) -> float:
        while self._sent and self._sent[0] <= now - WINDOW:
            self._sent.popleft()
        if len(self._sent) < self.overall:
            return 0.0
        return self._sent[0] + WINDOW - now

    def _bulk_wait(self, now: float) -> float:
        """Never more than the bulk rate in any one second (the slots may catch up by one)."""
        while self._bulk_sent and self._bulk_sent[0] <= now - BULK_WINDOW:
            self._bulk_sent.popleft()
        if len(self._bulk_sent) < self.bulk:
            return 0.0
        return self._bulk_sent[0] + BULK_WINDOW - now

    def _chat_wait(self, chat: Any, now: float) -> float:
        while self._chats:
            first, moment = next(iter(self._chats.items()))
            if moment > now - CHAT_GAP:
                break
            self._chats.pop(first)
        last = self._chats.get(chat)
        return 0.0 if last is None else last + CHAT_GAP - now

    def _spend(self, now: float, chat: Any = None) -> None:
        self._sent.append(now)
        if chat is not None:
            self._chats.pop(chat, None)
            self._chats[chat] = now

    async def _reply_turn(self) -> None:
        while True:
            now = self.clock()
            wait = self._overall_wait(now)
            if wait <= 0:
                self._spend(now)
                return
            await self.sleep(wait)

    async def _bulk_turn(self, chat: Any) -> None:
        async with self._bulk_lock:  # bulk messages leave one after another, in order
            while True:
                now = self.clock()
                wait = max(
                    self._bulk_next - now, self._bulk_paused_until - now,
                    self._overall_wait(now), self._chat_wait(chat, now), self._bulk_wait(now),
                )  # fmt: skip
                if wait <= 0 and self._waiting_replies:
                    wait = 0.01  # a reply is waiting: it goes first
                if wait <= 0:
                    # The next slot: one interval on, from the slot this one was due in (a send
                    # that waited for a reply may catch up once), never from further back.
                    slot = 1 / self.bulk
                    self._bulk_next = max(self._bulk_next, now - slot) + slot
                    self._bulk_sent.append(now)
                    self._spend(now, chat)
                    return
                await self.sleep(wait)

    # -- PTB's seam -----------------------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        if rate_limit_args == BULK:
            await self._bulk_turn(chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._bulk_paused_until = self.clock() + retry_seconds(exc)
                log.info("Telegram asked to wait %.1f s; bulk messages pause", self._pause_left())
                raise
        if chat is None:  # getUpdates, getMe, answerCallbackQuery, ...: no flood limit
            return await callback(*args, **kwargs)
        self._waiting_replies += 1
        try:
            for attempt in range(self.retries + 1):
                await self._reply_turn()
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    wait = retry_seconds(exc)
                    self._bulk_paused_until = max(self._bulk_paused_until, self.clock() + wait)
                    if attempt == self.retries:
                        raise
                    log.info("Telegram asked to wait %.1f s before a reply", wait)
                    await self.sleep(wait)
        finally:
            self._waiting_replies -= 1
        raise AssertionError("unreachable")

    def _pause_left(self) -> float:
        return max(self._bulk_paused_until - self.clock(), 0.0)

    @property
    def chats_tracked(self) -> int:
        return len(self._chats)
