"""Queries for subscriptions and the outbox (the only SQL for them).

Sending is at most once: a row is claimed ('sending') in a committed transaction before it is
sent and marked 'sent' after. A row still 'sending' at start-up was interrupted mid-send: it is
marked 'unknown' and never sent again, since Telegram cannot tell whether it arrived.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

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


class OutboxRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def user_id(self, channel: str, external_id: str) -> int | None:
        async with self.db.execute(
            "SELECT id FROM users WHERE channel = ? AND external_id = ?", (channel, external_id)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row["id"]) if row else None

    async def subscribe(
        self, channel: str, external_id: str, event_id: str, planned: list[tuple], now: datetime
    ) -> bool:
        """Store the subscription and its planned messages (key, kind, payload, due) at once.
        False if the person is not stored (no consent)."""
        user_id = await self.user_id(channel, external_id)
        if user_id is None:
            return False
        stamp = now.isoformat()
        try:
            await self.db.execute(
                "INSERT OR IGNORE INTO subscriptions (user_id, event_id, created_at) "
                "VALUES (?, ?, ?)",
                (user_id, event_id, stamp),
            )
            await self._insert(user_id, planned, stamp)
            await self.db.commit()
        except BaseException:
            await self.db.rollback()
            raise
        return True

    async def _insert(self, user_id: int, planned: list[tuple], stamp: str) -> None:
        # A key is sent at most once: a key seen before stays as it is, unless it was only
        # cancelled (subscribed again, or an event moved back), then it is due again.
        await self.db.executemany(
            """
            INSERT INTO outbox (user_id, key, kind, payload, due_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET
                status = 'pending', due_at = excluded.due_at, updated_at = excluded.updated_at
            WHERE outbox.status = 'cancelled'
            """,
            [
                (user_id, key, kind, json.dumps(payload), due.isoformat(), stamp)
                for key, kind, payload, due in planned
            ],
        )

    async def replan(
        self, event_id: str, planned_by_user: dict[int, list[tuple]], now: datetime
    ) -> None:
        """An event moved or was cancelled: its pending messages are cancelled and each
        subscriber's new ones (the notice first among them) stored, in one transaction."""
        stamp = now.isoformat()
        try:
            for user_id, planned in planned_by_user.items():
                await self.db.execute(
                    """
                    UPDATE outbox SET status = 'cancelled', updated_at = ?
                    WHERE user_id = ? AND status = 'pending'
                      AND json_extract(payload, '$.event') = ?
                    """,
                    (stamp, user_id, event_id),
                )
                await self._insert(user_id, planned, stamp)
            await self.db.commit()
        except BaseException:
            await self.db.rollback()
            raise

    async def unsubscribe(
        self, channel: str, external_id: str, event_id: str, now: datetime
    ) -> None:
        """Remove the subscription; its pending messages are cancelled (kept, for the record)."""
        user_id = await self.user_id(channel, external_id)
        if user_id is None:
            return
        await self.db.execute(
            "DELETE FROM subscriptions WHERE user_id = ? AND event_id = ?", (user_id, event_id)
        )
        await self.db.execute(
            """
            UPDATE outbox SET status = 'cancelled', updated_at = ?
            WHERE user_id = ? AND status = 'pending' AND json_extract(payload, '$.event') = ?
            """,
            (now.isoformat(), user_id, event_id),
        )
        await self.db.commit()

    async def subscribed_events(self, channel: str, external_id: str) -> set[str]:
        async with self.db.execute(
            """
            SELECT s.event_id FROM subscriptions s JOIN users u ON u.id = s.user_id
            WHERE u.channel = ? AND u.external_id = ?
            """,
            (channel, external_id),
        ) as cursor:
            return {row["event_id"] async for row in cursor}

    async def recover(self, now: datetime, audience: Audience = None) -> int:
        """At start: rows interrupted mid-send become 'unknown' (never resent)."""
        where, values = _audience(audience)
        cursor = await self.db.execute(
            f"""
            UPDATE outbox SET status = 'unknown', updated_at = ?
            WHERE status = 'sending' AND user_id IN (SELECT u.id FROM users u WHERE {where})
            """,
            (now.isoformat(), *values),
        )
        await self.db.commit()
        return cursor.rowcount

    async def next_due(self, audience: Audience = None) -> datetime | None:
        """When the earliest pending message is due: what the scheduler wakes up for."""
        where, values = _audience(audience)
        async with self.db.execute(
            f"""
            SELECT MIN(o.due_at) AS due FROM outbox o JOIN users u ON u.id = o.user_id
            WHERE o.status = 'pending' AND u.blocked_at IS NULL AND {where}
            """,
            values,
        ) as cursor:
            row = await cursor.fetchone()
        return datetime.fromisoformat(row["due"]) if row and row["due"] else None

    async def due(self, now: datetime, limit: int, audience: Audience = None) -> list[OutboxRow]:
        """Up to `limit` pending rows due by `now`, oldest first; `claim` each before sending."""
        where, values = _audience(audience)
        async with self.db.execute(
            f"""
            SELECT o.id, o.user_id, u.channel, u.external_id, u.language, o.key, o.kind,
                   o.payload, o.due_at, o.attempts
            FROM outbox o JOIN users u ON u.id = o.user_id
            WHERE o.status = 'pending' AND o.due_at <= ? AND u.blocked_at IS NULL AND {where}
            ORDER BY o.due_at, o.id LIMIT ?
            """,
            (now.isoformat(), *values, limit),
        ) as cursor:
            rows = await cursor.fetchall()
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
                datetime.fromisoformat(r["due_at"]),
                r["attempts"],
            )
            for r in rows
        ]

    async def claim(self, row_id: int, now: datetime) -> bool:
        """Mark one row 'sending', committed before it is sent, so a crash can leave at most
        this one row in doubt. False if it is no longer pending (cancelled, person blocked)."""
        cursor = await self.db.execute(
            """
            UPDATE outbox SET status = 'sending', updated_at = ?
            WHERE id = ? AND status = 'pending'
            """,
            (now.isoformat(), row_id),
        )
        await self.db.commit()
        return cursor.rowcount == 1

    async def finish(self, row_id: int, status: str, now: datetime) -> None:
        """'sent', 'missed' or 'failed' for a claimed row."""
        await self.db.execute(
            "UPDATE outbox SET status = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
            (status, now.isoformat(), row_id),
        )
        await self.db.commit()

    async def retry_later(self, row_id: int, due: datetime, now: datetime) -> None:
        """Telegram asked to wait (429): back to pending, due again later."""
        await self.db.execute(
            """
            UPDATE outbox SET status = 'pending', due_at = ?, attempts = attempts + 1,
                              updated_at = ?
            WHERE id = ?
            """,
            (due.isoformat(), now.isoformat(), row_id),
        )
        await self.db.commit()

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        """The person blocked the bot: nothing more is sent to them, and nothing is retried."""
        stamp = now.isoformat()
        await self.db.execute("UPDATE users SET blocked_at = ? WHERE id = ?", (stamp, user_id))
        await self.db.execute(
            """
            UPDATE outbox SET status = 'blocked', updated_at = ?
            WHERE user_id = ? AND status IN ('pending', 'sending')
            """,
            (stamp, user_id),
        )
        await self.db.commit()

    async def counts(self) -> dict[str, int]:
        async with self.db.execute(
            "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"
        ) as cursor:
            return {row["status"]: int(row["n"]) async for row in cursor}
