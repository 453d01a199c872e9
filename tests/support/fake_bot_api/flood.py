"""Flood control: Telegram's limits on how fast a bot may send, as a sliding window.

Telegram's Bots FAQ: about 30 messages a second overall, one a second to the same chat, and 20
a minute to the same group; beyond that it answers 429 with ``retry_after``. The fake counts
accepted sends (send*, copy*, forward*; not sendChatAction, edits, getUpdates or answers) always,
and refuses only when the server was made with a `FloodLimit`.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field

from tests.support.fake_bot_api.common import APIError

COUNTED = re.compile(r"^(send(?!ChatAction)|copy|forward)", re.IGNORECASE)


@dataclass(frozen=True)
class FloodLimit:
    """How many sends the fake accepts; Telegram's defaults."""

    per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int | None = 20
    retry_after: int = 1  # seconds, in the 429 answer


@dataclass
class FloodStats:
    """Sends accepted and refused so far, for benchmarks ("zero 429s at this budget")."""

    accepted: int = 0
    rejected: int = 0
    per_second: Counter[int] = field(default_factory=Counter)  # Unix second -> accepted
    max_in_one_second: int = 0  # most accepted in any sliding one-second window
    max_to_one_chat_in_one_second: int = 0


class FloodControl:
    """Sliding windows of accepted sends: overall, per chat, per group (a minute)."""

    def __init__(self, limit: FloodLimit | None) -> None:
        self.limit = limit
        self.stats = FloodStats()
        self._all: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}
        self._groups: dict[int, deque[float]] = {}

    def check(self, chat_id: int | None, group: bool, now: float) -> None:
        """Raise 429 if one more send now would go over the limit."""
        limit = self.limit
        if limit is None:
            return
        over = len(_window(self._all, now, 1.0)) >= limit.per_second
        if chat_id is not None:
            to_chat = _window(self._chats.setdefault(chat_id, deque()), now, 1.0)
            over = over or len(to_chat) >= limit.per_chat_per_second
            if group and limit.per_group_per_minute is not None:
                to_group = _window(self._groups.setdefault(chat_id, deque()), now, 60.0)
                over = over or len(to_group) >= limit.per_group_per_minute
        if over:
            self.stats.rejected += 1
            raise APIError(
                429,
                f"Too Many Requests: retry after {limit.retry_after}",
                {"retry_after": limit.retry_after},
            )

    def accept(self, chat_id: int | None, group: bool, now: float) -> None:
        """Count a send that went through."""
        self.stats.accepted += 1
        self.stats.per_second[int(now)] += 1
        self._all.append(now)
        in_window = len(_window(self._all, now, 1.0))
        self.stats.max_in_one_second = max(self.stats.max_in_one_second, in_window)
        if chat_id is not None:
            to_chat = self._chats.setdefault(chat_id, deque())
            to_chat.append(now)
            in_window = len(_window(to_chat, now, 1.0))
            best = max(self.stats.max_to_one_chat_in_one_second, in_window)
            self.stats.max_to_one_chat_in_one_second = best
            if group:
                self._groups.setdefault(chat_id, deque()).append(now)


def _window(times: deque[float], now: float, seconds: float) -> deque[float]:
    # Keep only what happened in the last `seconds` (the window is (now - seconds, now]).
    while times and times[0] <= now - seconds:
        times.popleft()
    return times
