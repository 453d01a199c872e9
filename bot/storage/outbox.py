"""Queries for subscriptions and the outbox (the only SQL for them).

Sending is at most once: a row is claimed ('sending') in a committed transaction before it is
sent and marked 'sent' after. A row still 'sending' at start-up was interrupted mid-send: it is
marked 'unknown' and never sent again, since Telegram cannot tell whether it arrived.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.effects import Message
from bot.storage.sql import Tx, to_datetime

if TYPE_CHECKING:
    from bot.storage.base import Storage
    from bot.storage.unit import Unit

# Whose messages a sender handles: everyone (None), one channel ("telegram",) or one person
# of a channel ("console", "me"). The conditions are fixed text; only the values are bound.
Audience = tuple[str] | tuple[str, str] | None


def _audience(audience: Audience) -> tuple[str, tuple[str, ...]]:
    if audience is None:
        return "1 = 1", ()
    if len(audience) == 1:
        return "u.channel = ?", audience
    return "u.channel = ? AND u.external_id = ?", audience


@dataclass(frozen=True)
class OutboxRow:
    id: int
    user_id: int
    channel: str
    external_id: str
    language: str | None
    key: str
    kind: str
    payload: dict
    due_at: datetime
    attempts: int
    expires_at: datetime | None = None  # a broadcast's: not sent after this


class OutboxRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def plan(
        self, user_id: int, topic: str, messages: Sequence[Message], now: datetime
    ) -> None:
        """Store planned messages. A key is sent at most once: a key seen before stays as it
        is, unless it was only cancelled (subscribed again, an event moved back); then it is
        due again."""
        await self.tx.executemany(
            """
            INSERT INTO outbox (user_id, key, topic, kind, payload, due_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, key) DO UPDATE SET
                status = 'pending', due_at = excluded.due_at, updated_at = excluded.updated_at
            WHERE outbox.status = 'cancelled'
            """,
            [(user_id, m.key, topic, m.kind, json.dumps(m.payload), m.due, now) for m in messages],
        )

    async def news_row(self, user_id: int, key: str) -> tuple[str, list[str]] | None:
        """The status and offers of one "new offers" message (None: not planned)."""
        row = await self.tx.fetchone(
            "SELECT status, payload FROM outbox WHERE user_id = ? AND key = ?", (user_id, key)
        )
        if row is None:
            return None
        return row["status"], list(json.loads(row["payload"]).get("offers", []))

    async def plan_news(
        self, user_id: int, key: str, offers: list[str], due: datetime, now: datetime
    ) -> None:
        """Plan a "new offers" message, or give a pending one these offers."""
        payload = json.dumps({"offers": offers})
        await self.tx.execute(
            """
            INSERT INTO outbox (user_id, key, topic, kind, payload, due_at, updated_at)
            VALUES (?, ?, 'news', 'new_offers', ?, ?, ?)
            ON CONFLICT (user_id, key) DO UPDATE SET
                payload = excluded.payload, updated_at = excluded.updated_at
            WHERE outbox.status = 'pending'
            """,
            (user_id, key, payload, due, now),
        )

    async def cancel(self, user_id: int, topic: str, now: datetime) -> None:
        """Pending messages of one topic are cancelled (kept, for the record)."""
        await self.tx.execute(
            """
            UPDATE outbox SET status = 'cancelled', updated_at = ?
            WHERE user_id = ? AND topic = ? AND status = 'pending'
            """,
            (now, user_id, topic),
        )

    async def subscribe(
        self, user_id: int, event_id: str, messages: Sequence[Message], now: datetime
    ) -> None:
        await self.tx.execute(
            "INSERT INTO subscriptions (user_id, event_id, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, event_id) DO NOTHING",
            (user_id, event_id, now),
        )
        await self.plan(user_id, event_topic(event_id), messages, now)

    async def unsubscribe(self, user_id: int, event_id: str, now: datetime) -> None:
        await self.tx.execute(
            "DELETE FROM subscriptions WHERE user_id = ? AND event_id = ?", (user_id, event_id)
        )
        await self.cancel(user_id, event_topic(event_id), now)

    async def replan(
        self, event_id: str, planned_by_user: dict[int, list[Message]], now: datetime
    ) -> None:
        """An event moved or was cancelled: its pending messages are cancelled and each
        subscriber's new ones (the notice first among them) stored."""
        topic = event_topic(event_id)
        for user_id, planned in planned_by_user.items():
            await self.cancel(user_id, topic, now)
            await self.plan(user_id, topic, planned, now)

    async def subscribed_events(self, user_id: int) -> set[str]:
        rows = await self.tx.fetchall(
            "SELECT event_id FROM subscriptions WHERE user_id = ?", (user_id,)
        )
        return {row[0] for row in rows}

    async def recover(self, now: datetime, audience: Audience = None) -> int:
        """At start: rows interrupted mid-send become 'unknown' (never resent)."""
        where, values = _audience(audience)
        return await self.tx.execute(
            f"""
            UPDATE outbox SET status = 'unknown', updated_at = ?
            WHERE status = 'sending' AND user_id IN (SELECT u.id FROM users u WHERE {where})
            """,
            (now, *values),
        )

    async def next_due(self, audience: Audience = None) -> datetime | None:
        """When the earliest pending message is due: what the scheduler wakes up for."""
        where, values = _audience(audience)
        row = await self.tx.fetchone(
            f"""
            SELECT MIN(o.due_at) AS due FROM outbox o JOIN users u ON u.id = o.user_id
            WHERE o.status = 'pending' AND u.blocked_at IS NULL AND {where}
            """,
            values,
        )
        return to_datetime(row["due"]) if row else None

    async def due(self, now: datetime, limit: int, audience: Audience = None) -> list[OutboxRow]:
        """Up to `limit` pending rows due by `now`, oldest first; `claim` each before sending."""
        where, values = _audience(audience)
        rows = await self.tx.fetchall(
            f"""
            SELECT o.id, o.user_id, u.channel, u.external_id, u.language, o.key, o.kind,
                   o.payload, o.due_at, o.attempts, o.expires_at
            FROM outbox o JOIN users u ON u.id = o.user_id
            WHERE o.status = 'pending' AND o.due_at <= ? AND u.blocked_at IS NULL AND {where}
            ORDER BY o.due_at, o.id LIMIT ?
            """,
            (now, *values, limit),
        )
        return [
            OutboxRow(
                r["id"],
                r["user_id"],
                r["channel"],
                r["external_id"],
                r["language"],
                r["key"],
                r["kind"],
                json.loads(r["payload"]),
                to_datetime(r["due_at"]),
                r["attempts"],
                to_datetime(r["expires_at"]),
            )
            for r in rows
        ]

    async def claim(self, row_id: int, now: datetime) -> bool:
        """Mark one row 'sending', committed before it is sent, so a crash can leave at most
        this one row in doubt. False if it is no longer pending (cancelled, person blocked)."""
        changed = await self.tx.execute(
            "UPDATE outbox SET status = 'sending', updated_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (now, row_id),
        )
        return changed == 1

    async def finish(
        self, row_id: int, status: str, now: datetime, message_id: str | None = None
    ) -> None:
        """'sent', 'missed', 'failed', 'expired' or 'unknown' for a claimed row; a sent
        broadcast keeps its Telegram message id (to withdraw it)."""
        await self.tx.execute(
            "UPDATE outbox SET status = ?, attempts = attempts + 1, updated_at = ?, "
            "message_id = ? WHERE id = ?",
            (status, now, message_id, row_id),
        )

    async def retry_later(self, row_id: int, due: datetime, now: datetime) -> None:
        """Telegram asked to wait (429): back to pending, due again later."""
        await self.tx.execute(
            "UPDATE outbox SET status = 'pending', due_at = ?, attempts = attempts + 1, "
            "updated_at = ? WHERE id = ?",
            (due, now, row_id),
        )

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        """The person blocked the bot: nothing more is sent to them, and nothing is retried."""
        await self.tx.execute("UPDATE users SET blocked_at = ? WHERE id = ?", (now, user_id))
        await self.tx.execute(
            "UPDATE outbox SET status = 'blocked', updated_at = ? "
            "WHERE user_id = ? AND status IN ('pending', 'sending')",
            (now, user_id),
        )

    async def mark_unblocked(self, user_id: int) -> None:
        """The person let the bot write again (Telegram said so): blocked rows stay as they
        were (they are not sent late), new ones go out."""
        await self.tx.execute("UPDATE users SET blocked_at = NULL WHERE id = ?", (user_id,))

    async def counts(self) -> dict[str, int]:
        rows = await self.tx.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        return {row["status"]: int(row["n"]) for row in rows}


def event_topic(event_id: str) -> str:
    return f"event:{event_id}"


class OutboxQueue:
    """The outbox as the sender uses it: every call its own short, committed transaction."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def _run(self, name: str, *args: object) -> object:
        return await self.storage.run(lambda unit: getattr(unit.outbox, name)(*args))

    async def recover(self, now: datetime, audience: Audience = None) -> int:
        return await self._run("recover", now, audience)  # type: ignore[return-value]

    async def next_due(self, audience: Audience = None) -> datetime | None:
        return await self._run("next_due", audience)  # type: ignore[return-value]

    async def due(self, now: datetime, limit: int, audience: Audience = None) -> list[OutboxRow]:
        return await self._run("due", now, limit, audience)  # type: ignore[return-value]

    async def claim(self, row_id: int, now: datetime) -> bool:
        return await self._run("claim", row_id, now)  # type: ignore[return-value]

    async def finish(
        self, row_id: int, status: str, now: datetime, message_id: str | None = None
    ) -> None:
        await self._run("finish", row_id, status, now, message_id)

    async def retry_later(self, row_id: int, due: datetime, now: datetime) -> None:
        await self._run("retry_later", row_id, due, now)

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        await self._run("mark_blocked", user_id, now)

    async def counts(self) -> dict[str, int]:
        return await self._run("counts")  # type: ignore[return-value]

    async def plan_many(
        self, rows: Iterable[tuple[int, str, Sequence[Message]]], now: datetime
    ) -> None:
        async def plan(unit: Unit) -> None:
            for user_id, topic, messages in rows:
                await unit.outbox.plan(user_id, topic, messages, now)

        await self.storage.run(plan)
