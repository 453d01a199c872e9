"""Retention: a person who has not used Lotse for LOTSE_RETENTION_DAYS is erased; 14 days
before, they are asked once (through the outbox) whether to keep their data. Run once a day."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.effects import Message
from bot.storage.unit import Unit

if TYPE_CHECKING:
    from bot.service import LotseService

log = logging.getLogger(__name__)

ASK_DAYS = 14


async def keep_or_forget(service: LotseService, days: int) -> tuple[int, int]:
    """(asked, erased) this run."""
    now = service.clock()
    ask_before = now - timedelta(days=days - ASK_DAYS)
    forget_before = now - timedelta(days=days)

    async def run(unit: Unit) -> tuple[int, int, list[tuple[str, str]]]:
        gone = await unit.people.to_forget(forget_before, now - timedelta(days=ASK_DAYS))
        for _user_id, channel, external_id in gone:
            await unit.people.erase(channel, external_id)
        asked = await unit.people.to_ask(ask_before)
        for user_id, _channel, _external_id in asked:
            message = Message(f"retention:{now:%Y-%m-%d}", "retention", {"days": ASK_DAYS}, now)
            await unit.outbox.plan(user_id, "retention", (message,), now)
            await unit.people.mark_asked(user_id, now)
        return len(asked), len(gone), [(c, e) for _, c, e in gone]

    asked, erased, keys = await service.storage.run(run)
    for channel, external_id in keys:
        service.forget_cached(channel, external_id)
    if asked or erased:
        log.info("retention: %d people asked, %d inactive people erased", asked, erased)
        if asked and service.on_outbox_change is not None:
            await service.on_outbox_change()
    return asked, erased
