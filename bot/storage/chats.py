"""Queries for group chats (the only SQL for them)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


class ChatRepository:
    """Group chats that were already told Lotse works in private chats only."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def first_notice(self, chat_id: str, now: datetime) -> bool:
        """True the first time a group chat is seen, False after that."""
        cursor = await self.db.execute(
            "INSERT OR IGNORE INTO group_notices (chat_id, noticed_at) VALUES (?, ?)",
            (chat_id, now.isoformat()),
        )
        await self.db.commit()
        return cursor.rowcount > 0
