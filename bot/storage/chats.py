"""Queries for group chats (the only SQL for them)."""

from __future__ import annotations

from datetime import datetime

from bot.storage.sql import Tx


class ChatRepository:
    """Group chats that were already told Lotse works in private chats only."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def first_notice(self, chat_id: str, now: datetime) -> bool:
        """True the first time a group chat is seen, False after that."""
        changed = await self.tx.execute(
            "INSERT INTO group_notices (chat_id, noticed_at) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO NOTHING",
            (chat_id, now),
        )
        return changed > 0
