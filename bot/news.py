"""After a new catalogue version: tell the people who asked ("Tell me about new offers") which
offers newly fit them, once per offer, best first, at most one message per person per day."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.core.matching import rank
from bot.storage.unit import Unit

if TYPE_CHECKING:
    from bot.service import LotseService

log = logging.getLogger(__name__)

NEXT_DAY_AT = time(10, 0)  # local time of a message that waits for the next day


async def announce_new_offers(service: LotseService) -> int:
    """Plans the messages through the outbox; returns how many people get one."""
    world, fields = service.world, service.fields
    keys = await service.storage.run(lambda unit: unit.people.with_new_offers(), write=False)
    local_now = world.now.astimezone(service.zone)
    today, tomorrow = local_now.date(), local_now.date() + timedelta(days=1)
    tomorrow_at = datetime.combine(tomorrow, NEXT_DAY_AT, service.zone)
    told = 0
    for key in keys:
        async with service.locks.hold(key):
            loaded = await service.storage.run(
                lambda unit, key=key: unit.people.load(*key, fields), write=False
            )
            if loaded is None:
                continue
            session, snapshot = loaded
            ranking = rank(world.catalogue, session.profile, world.today)
            if ranking is None or not session.profile.is_complete(
                world.profile_flow.required_fields()
            ):
                continue
            known = set(session.announced) | set(session.dismissed) | set(session.saved)
            new = [ranking.offer(k).id for k in ranking.fit if ranking.offer(k).id not in known]
            if not new:
                continue
            session.announced = [*session.announced, *new]

            async def write(unit: Unit, key=key, session=session, snapshot=snapshot, new=new):  # type: ignore[no-untyped-def]
                user_id = await unit.people.save(*key, session, fields, world.now, snapshot)
                for day, due in ((today, world.now), (tomorrow, tomorrow_at)):
                    name = f"news:{day.isoformat()}"
                    found = await unit.outbox.news_row(user_id, name)
                    if found is None or found[0] == "pending":
                        earlier = found[1] if found else []
                        offers = [*earlier, *(o for o in new if o not in earlier)]
                        await unit.outbox.plan_news(user_id, name, offers, due, world.now)
                        return

            await service.storage.run(write)
            service.forget_cached(*key)
            told += 1
    if told:
        log.info("new offers announced to %d people", told)
        if service.on_outbox_change is not None:
            await service.on_outbox_change()
    return told
