"""Files uploaded in a conversation, kept until their flow is done and at most a day (the only
SQL for them)."""

from __future__ import annotations

from datetime import datetime

from bot.storage.sql import Tx


class UploadRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def keep(
        self, key: str, name: str, mime_type: str, content: bytes, now: datetime
    ) -> None:
        await self.tx.execute(
            "INSERT INTO uploads (key, name, mime_type, content, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (key, name, mime_type, content, now),
        )

    async def get(self, key: str) -> tuple[str, str, bytes] | None:
        row = await self.tx.fetchone(
            "SELECT name, mime_type, content FROM uploads WHERE key = ?", (key,)
        )
        return (row["name"], row["mime_type"], bytes(row["content"])) if row else None

    async def forget_before(self, moment: datetime) -> int:
        return await self.tx.execute("DELETE FROM uploads WHERE created_at < ?", (moment,))
