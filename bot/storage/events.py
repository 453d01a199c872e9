"""Queries for the known state of events and the "Did you go?" counts (the only SQL for them)."""

from __future__ import annotations

from datetime import datetime

from bot.storage.sql import Tx, to_datetime


class EventRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def known(self) -> dict[str, tuple[datetime, bool]]:
        """Start and cancellation of every event as the bot last saw them."""
        rows = await self.tx.fetchall("SELECT event_id, start_at, cancelled FROM event_state")
        return {
            row["event_id"]: (to_datetime(row["start_at"]), bool(row["cancelled"])) for row in rows
        }

    async def remember(self, states: list[tuple[str, datetime, bool]]) -> None:
        await self.tx.executemany(
            """
            INSERT INTO event_state (event_id, start_at, cancelled) VALUES (?, ?, ?)
            ON CONFLICT (event_id) DO UPDATE SET
                start_at = excluded.start_at, cancelled = excluded.cancelled
            """,
            [(event_id, start, int(cancelled)) for event_id, start, cancelled in states],
        )

    async def subscribers(self, event_id: str) -> list[int]:
        rows = await self.tx.fetchall(
            """
            SELECT s.user_id FROM subscriptions s JOIN users u ON u.id = s.user_id
            WHERE s.event_id = ? AND u.blocked_at IS NULL ORDER BY s.user_id
            """,
            (event_id,),
        )
        return [int(row[0]) for row in rows]

    async def record_went(self, user_id: int, event_id: str, answer: str) -> bool:
        """Count a subscriber's answer once; later answers of the same person are ignored."""
        counted = await self.tx.execute(
            """
            INSERT INTO event_answered (user_id, event_id)
            SELECT user_id, event_id FROM subscriptions WHERE user_id = ? AND event_id = ?
            ON CONFLICT (user_id, event_id) DO NOTHING
            """,
            (user_id, event_id),
        )
        if counted == 1:
            await self.tx.execute(
                """
                INSERT INTO event_outcomes (event_id, answer, count) VALUES (?, ?, 1)
                ON CONFLICT (event_id, answer) DO UPDATE SET count = event_outcomes.count + 1
                """,
                (event_id, answer),
            )
        return counted == 1

    async def outcomes(self) -> dict[str, dict[str, int]]:
        """Per event: how many said they went, did not, or found it cancelled."""
        counts: dict[str, dict[str, int]] = {}
        for row in await self.tx.fetchall(
            "SELECT event_id, answer, count FROM event_outcomes ORDER BY event_id, answer"
        ):
            counts.setdefault(row["event_id"], {})[row["answer"]] = int(row["count"])
        return counts

    async def subscriber_counts(self) -> dict[str, int]:
        rows = await self.tx.fetchall(
            "SELECT event_id, COUNT(*) AS n FROM subscriptions GROUP BY event_id"
        )
        return {row["event_id"]: int(row["n"]) for row in rows}
