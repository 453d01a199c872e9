"""The two-lane rate limiter on a clock the test moves: bulk messages evenly spread at the bulk
rate, at most one per chat per second, never before a waiting reply; the overall budget for
everything; a 429 pauses bulk and reaches the sender; the per-chat state stays small."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
from telegram.error import RetryAfter

from bot.channels.rate_limit import BULK, TwoLaneLimiter
from bot.outbox import Budget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


async def limiter(clock: Clock, overall: float = 30, bulk: float = 25) -> TwoLaneLimiter:
    made = TwoLaneLimiter(overall, bulk, clock=clock, sleep=clock.sleep)
    await made.initialize()
    return made


def request(clock: Clock, log: list[tuple[float, str]], name: str):  # type: ignore[no-untyped-def]
    async def callback() -> bool:
        log.append((clock.now, name))
        return True

    return callback


async def test_bulk_messages_are_spread_evenly_at_the_bulk_rate() -> None:
    clock = Clock()
    lanes = await limiter(clock)
    log: list[tuple[float, str]] = []
    for chat in range(50):
        await lanes.process_request(request(clock, log, f"b{chat}"), (), {}, "sendMessage",
                                    {"chat_id": chat}, BULK)  # fmt: skip
    times = [t for t, _ in log]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(1 / 25)
    # In no one-second window more than 25 (the budget holds from the first message on).
    assert max(sum(1 for t in times if start <= t < start + 1 - 1e-9) for start in times) <= 25


async def test_one_bulk_message_per_chat_per_second() -> None:
    clock = Clock()
    lanes = await limiter(clock)
    log: list[tuple[float, str]] = []
    for n in range(3):
        await lanes.process_request(request(clock, log, f"same{n}"), (), {}, "sendMessage",
                                    {"chat_id": 7}, BULK)  # fmt: skip
    times = [t for t, _ in log]
    assert times[1] - times[0] >= 1.0 and times[2] - times[1] >= 1.0


async def test_a_waiting_reply_goes_before_bulk_and_everything_within_the_overall_budget() -> None:
    clock = Clock()
    lanes = await limiter(clock, overall=10, bulk=8)
    log: list[tuple[float, str]] = []
    bulk = [
        lanes.process_request(request(clock, log, f"bulk{c}"), (), {}, "sendMessage",
                              {"chat_id": 100 + c}, BULK)
        for c in range(20)
    ]  # fmt: skip
    replies = [
        lanes.process_request(request(clock, log, f"reply{c}"), (), {}, "sendMessage",
                              {"chat_id": c}, None)
        for c in range(5)
    ]  # fmt: skip
    await asyncio.gather(*bulk, *replies)
    order = [name for _, name in log]
    # Every reply went out before the bulk messages that were still waiting.
    assert max(order.index(f"reply{c}") for c in range(5)) < 6
    times = [t for t, _ in log]
    assert max(sum(1 for t in times if start <= t < start + 1 - 1e-9) for start in times) <= 10


async def test_a_429_pauses_bulk_and_is_raised_to_the_sender() -> None:
    clock = Clock()
    lanes = await limiter(clock)

    async def refused() -> bool:
        raise RetryAfter(timedelta(seconds=5))  # type: ignore[arg-type]

    with pytest.raises(RetryAfter):
        await lanes.process_request(refused, (), {}, "sendMessage", {"chat_id": 1}, BULK)
    log: list[tuple[float, str]] = []
    before = clock.now
    await lanes.process_request(request(clock, log, "next"), (), {}, "sendMessage",
                                {"chat_id": 2}, BULK)  # fmt: skip
    assert log[0][0] - before >= 5.0


async def test_a_reply_is_retried_after_a_429() -> None:
    clock = Clock()
    lanes = await limiter(clock)
    tries: list[float] = []

    async def once_refused() -> bool:
        tries.append(clock.now)
        if len(tries) == 1:
            raise RetryAfter(timedelta(seconds=2))  # type: ignore[arg-type]
        return True

    assert await lanes.process_request(once_refused, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert tries[1] - tries[0] >= 2.0


async def test_the_per_chat_state_keeps_only_the_last_second() -> None:
    clock = Clock()
    lanes = await limiter(clock, overall=1000, bulk=1000)
    log: list[tuple[float, str]] = []
    for chat in range(5000):
        await lanes.process_request(request(clock, log, "x"), (), {}, "sendMessage",
                                    {"chat_id": chat}, BULK)  # fmt: skip
    assert lanes.chats_tracked <= 1001
    budget = Budget()
    from datetime import UTC, datetime

    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(5000):
        budget.spend(str(n), start + timedelta(seconds=n / 25))
    assert len(budget._last_by_chat) <= 1025


async def test_with_more_processes_bulk_leaves_each_its_room_for_replies() -> None:
    clock = Clock()
    lanes = await limiter(clock)  # 30 overall, 25 bulk: 5 a second for replies
    lanes.share(1)
    assert lanes.bulk == 25
    lanes.share(2)
    assert lanes.bulk == 20  # the other process's replies get their 5 too
    log: list[tuple[float, str]] = []
    for chat in range(60):
        await lanes.process_request(request(clock, log, f"b{chat}"), (), {}, "sendMessage",
                                    {"chat_id": chat}, BULK)  # fmt: skip
    times = [t for t, _ in log]
    assert max(sum(1 for t in times if start <= t < start + 1 - 1e-9) for start in times) <= 20
    lanes.share(3)
    assert lanes.bulk == 15
    lanes.share(9)
    assert lanes.bulk == 1  # never nothing
    lanes.share(1)
    assert lanes.bulk == 25  # back when the others are gone
