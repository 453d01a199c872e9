"""Queries for anonymous need data: searches that found nothing (the only SQL for them)."""

from __future__ import annotations

from datetime import date

import aiosqlite


class NeedsRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def count_search_miss(self, district: str, day: date) -> None:
        await self.db.execute(
            """
            INSERT INTO search_misses (district, day, count) VALUES (?, ?, 1)
            ON CONFLICT (district, day) DO UPDATE SET count = count + 1
            """,
            (district, day.isoformat()),
        )
        await self.db.commit()

    async def search_misses(self) -> dict[str, int]:
        """Misses per district, all days together."""
        async with self.db.execute(
            "SELECT district, SUM(count) AS total FROM search_misses GROUP BY district"
        ) as cursor:
            return {row["district"]: int(row["total"]) async for row in cursor}
