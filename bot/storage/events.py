"""Queries for the known state of events and the "Did you go?" counts (the only SQL for them)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


class EventRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def known(self) -> dict[str, tuple[datetime, bool]]:
        """Start and cancellation of every event as the bot last saw them."""
        async with self.db.execute(
            "SELECT event_id, start_at, cancelled FROM event_state"
        ) as cursor:
            return {
                row["event_id"]: (datetime.fromisoformat(row["start_at"]), bool(row["cancelled"]))
                async for row in cursor
            }

    async def remember(self, states: list[tuple[str, datetime, bool]]) -> None:
        await self.db.executemany(
            """
            INSERT INTO event_state (event_id, start_at, cancelled) VALUES (?, ?, ?)
            ON CONFLICT (event_id) DO UPDATE SET
                start_at = excluded.start_at, cancelled = excluded.cancelled
            """,
            [
                (event_id, start.isoformat(), int(cancelled))
                for event_id, start, cancelled in states
            ],
        )
        await self.db.commit()

    async def subscribers(self, event_id: str) -> list[int]:
        async with self.db.execute(
            """
            SELECT s.user_id FROM subscriptions s JOIN users u ON u.id = s.user_id
            WHERE s.event_id = ? AND u.blocked_at IS NULL ORDER BY s.user_id
            """,
            (event_id,),
        ) as cursor:
            return [int(row["user_id"]) async for row in cursor]

    async def record_went(
        self, channel: str, external_id: str, event_id: str, answer: str
    ) -> bool:
        """Count a subscriber's answer once; later answers of the same person are ignored."""
        try:
            cursor = await self.db.execute(
                """
                INSERT OR IGNORE INTO event_answered (user_id, event_id)
                SELECT s.user_id, s.event_id FROM subscriptions s JOIN users u ON u.id = s.user_id
                WHERE u.channel = ? AND u.external_id = ? AND s.event_id = ?
                """,
                (channel, external_id, event_id),
            )
            counted = cursor.rowcount == 1
            if counted:
                await self.db.execute(
                    """
                    INSERT INTO event_outcomes (event_id, answer, count) VALUES (?, ?, 1)
                    ON CONFLICT (event_id, answer) DO UPDATE SET count = count + 1
                    """,
                    (event_id, answer),
                )
            await self.db.commit()
        except BaseException:
            await self.db.rollback()
            raise
        return counted

    async def outcomes(self) -> dict[str, dict[str, int]]:
        """Per event: how many said they went, did not, or found it cancelled."""
        counts: dict[str, dict[str, int]] = {}
        async with self.db.execute(
            "SELECT event_id, answer, count FROM event_outcomes ORDER BY event_id, answer"
        ) as cursor:
            async for row in cursor:
                counts.setdefault(row["event_id"], {})[row["answer"]] = int(row["count"])
        return counts

    async def subscriber_counts(self) -> dict[str, int]:
        async with self.db.execute(
            "SELECT event_id, COUNT(*) AS n FROM subscriptions GROUP BY event_id"
        ) as cursor:
            return {row["event_id"]: int(row["n"]) async for row in cursor}
