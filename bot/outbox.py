"""The one sender for everything that is not a direct reply: drains the outbox under a budget.

Telegram allows about 30 messages per second overall and about one per second per chat; the
budget stays below both, leaving room for interactive replies. Each row is claimed before it
is sent (at most once), a row past its grace time is recorded as missed, a person who blocked
the bot is marked and skipped, and a 429 puts the row back for later.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.core.reminders import DEFAULT_GRACE, decide
from bot.storage.outbox import Audience, OutboxQueue, OutboxRow

log = logging.getLogger(__name__)

# "cancelled": nothing to say any more (the event left the catalogue); "unknown": Telegram did
# not answer in time, so it may or may not have arrived (never sent again).
Outcome = Literal["sent", "blocked", "failed", "cancelled", "unknown"]


@dataclass(frozen=True)
class RetryAfter:
    seconds: float


@dataclass(frozen=True)
class Sent:
    """Sent, with Telegram's message id (kept for broadcasts, to withdraw them)."""

    message_id: str


SendFunction = Callable[[OutboxRow], Awaitable["Outcome | RetryAfter | Sent"]]


@dataclass
class Budget:
    """A sliding one-second window overall, and a minimum gap per chat."""

    per_second: int = 25
    per_chat_gap: timedelta = timedelta(seconds=1.1)
    _recent: list[datetime] = field(default_factory=list)
    _last_by_chat: dict[str, datetime] = field(default_factory=dict)

    def wait_before(self, chat: str, now: datetime) -> timedelta:
        """How long to wait until one more message to `chat` is within budget."""
        window_start = now - timedelta(seconds=1)
        self._recent = [t for t in self._recent if t > window_start]
        waits = [timedelta(0)]
        if len(self._recent) >= self.per_second:
            waits.append(self._recent[-self.per_second] + timedelta(seconds=1) - now)
        last = self._last_by_chat.get(chat)
        if last is not None:
            waits.append(last + self.per_chat_gap - now)
        return max(waits)

    def spend(self, chat: str, now: datetime) -> None:
        self._recent.append(now)
        self._last_by_chat[chat] = now
        if len(self._last_by_chat) > 1024:
            # Only chats within the gap matter: the rest is forgotten (bounded by the rate).
            cutoff = now - self.per_chat_gap
            self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if t > cutoff}


@dataclass
class Sender:
    repo: OutboxQueue
    send: SendFunction
    clock: Callable[[], datetime]
    sleep: Callable[[float], Awaitable[None]]
    budget: Budget = field(default_factory=Budget)
    grace: timedelta = DEFAULT_GRACE
    batch: int = 100
    audience: Audience = None  # whose messages this sender handles; None: everyone's
    stopping: bool = False  # set on shutdown: finish the row in hand, leave the rest pending
    # Told when a person turned out to have blocked the bot (the service forgets what it
    # keeps in memory about them).
    on_blocked: Callable[[str, str], None] | None = None

    async def drain(self) -> dict[str, int]:
        """Send everything due now; returns how many rows ended how."""
        done: dict[str, int] = {}
        while not self.stopping:
            rows = await self.repo.due(self.clock(), self.batch, self.audience)
            if not rows:
                return done
            for row in rows:
                if self.stopping:
                    break
                status = await self._one(row)
                if status:
                    done[status] = done.get(status, 0) + 1
        return done

    async def _one(self, row: OutboxRow) -> str | None:
        """Send one row; None if it stopped being pending while the batch was under way."""
        now = self.clock()
        if row.expires_at is not None and now > row.expires_at:
            if not await self.repo.claim(row.id, now):
                return None
            await self.repo.finish(row.id, "expired", now)
            return "expired"
        if row.kind == "reminder" and decide(row.due_at, now, self.grace) == "missed":
            if not await self.repo.claim(row.id, now):
                return None
            await self.repo.finish(row.id, "missed", now)
            return "missed"
        wait = self.budget.wait_before(row.external_id, now)
        if wait > timedelta(0):
            await self.sleep(wait.total_seconds())
        now = self.clock()
        # Claimed only now, after the wait: a crash while waiting leaves the row pending.
        if self.stopping or not await self.repo.claim(row.id, now):
            return None
        self.budget.spend(row.external_id, now)
        try:
            outcome = await self.send(row)
        except Exception:
            # Not knowing whether it arrived, do not send it again.
            log.exception("sending outbox row %s failed", row.id)
            outcome = "failed"
        now = self.clock()
        if isinstance(outcome, RetryAfter):
            await self.repo.retry_later(row.id, now + timedelta(seconds=outcome.seconds), now)
            return "retry"
        if outcome == "blocked":
            await self.repo.mark_blocked(row.user_id, now)
            if self.on_blocked is not None:
                self.on_blocked(row.channel, row.external_id)
            return "blocked"
        if isinstance(outcome, Sent):
            await self.repo.finish(row.id, "sent", now, outcome.message_id)
            return "sent"
        if outcome == "unknown":
            log.warning("outbox row %s is in doubt: Telegram did not answer in time", row.id)
        await self.repo.finish(row.id, outcome, now)
        return outcome
