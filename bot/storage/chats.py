"""Queries for group chats and for the update ids a webhook saw (the only SQL for them)."""

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

    async def first_update(self, update_id: int, now: datetime) -> bool:
        """True the first time an update id is seen (a webhook may post it again)."""
        changed = await self.tx.execute(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO NOTHING",
            (update_id, now),
        )
        return changed > 0

    async def forget_updates_before(self, moment: datetime) -> int:
        return await self.tx.execute(
            "DELETE FROM handled_updates WHERE handled_at < ?", (moment,)
        )
