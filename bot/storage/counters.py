"""Anonymous counts (searches that found nothing, feedback ratings, ...) and feedback comments:
never linked to a person (the only SQL for them)."""

from __future__ import annotations

from datetime import date, datetime

from bot.storage.sql import Tx


class CounterRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def add(self, name: str, district: str, day: date, key: str = "") -> None:
        await self.tx.execute(
            """
            INSERT INTO counters (name, district, day, key, count) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (name, district, day, key) DO UPDATE SET count = counters.count + 1
            """,
            (name, district, day, key),
        )

    async def totals(self, name: str) -> dict[tuple[str, str], int]:
        """(district, key) -> count, all days together."""
        rows = await self.tx.fetchall(
            "SELECT district, key, SUM(count) AS total FROM counters WHERE name = ? "
            "GROUP BY district, key",
            (name,),
        )
        return {(row["district"], row["key"]): int(row["total"]) for row in rows}

    async def search_misses(self) -> dict[str, int]:
        """Searches that found nothing, per district, all days together."""
        totals: dict[str, int] = {}
        for (district, _key), count in (await self.totals("search_miss")).items():
            totals[district] = totals.get(district, 0) + count
        return totals

    async def keep_comment(self, comment: str, language: str, now: datetime) -> None:
        await self.tx.execute(
            "INSERT INTO feedback_comments (comment, language, created_at) VALUES (?, ?, ?)",
            (comment, language, now),
        )

    async def forget_comments_before(self, moment: datetime) -> int:
        return await self.tx.execute(
            "DELETE FROM feedback_comments WHERE created_at < ?", (moment,)
        )

    async def comments(self) -> list[tuple[str, str]]:
        rows = await self.tx.fetchall(
            "SELECT comment, language FROM feedback_comments ORDER BY created_at, id"
        )
        return [(row["comment"], row["language"]) for row in rows]
