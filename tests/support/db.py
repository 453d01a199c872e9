"""Looking into the database from a test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.service import LotseService
from bot.storage.base import open_storage


async def count(service: LotseService, table: str) -> int:
    async with service.storage.transaction(write=False) as tx:
        row = await tx.fetchone(f"SELECT count(*) FROM {table}")
    return int(row[0])


async def rows(service: LotseService, sql: str, params: tuple = ()) -> list[Any]:
    async with service.storage.transaction(write=False) as tx:
        return list(await tx.fetchall(sql, params))


async def rows_in(database: Path | str, sql: str, params: tuple = ()) -> list[Any]:
    """Rows of a database no service of this test has open (another process writes it)."""
    storage = await open_storage(database)
    try:
        async with storage.transaction(write=False) as tx:
            return list(await tx.fetchall(sql, params))
    finally:
        await storage.close()


async def dump(service: LotseService) -> str:
    return "\n".join(await service.storage.dump())  # type: ignore[attr-defined]


async def stored(service: LotseService, channel: str, external_id: str):
    """The session as stored in the database (None when nothing is stored)."""
    async with service.storage.unit(write=False) as unit:
        loaded = await unit.people.load(channel, external_id, service.fields)
    return loaded[0] if loaded else None


async def search_misses(service: LotseService) -> dict[str, int]:
    async with service.storage.unit(write=False) as unit:
        return await unit.counters.search_misses()


async def outcomes(service: LotseService) -> dict[str, dict[str, int]]:
    async with service.storage.unit(write=False) as unit:
        return await unit.events.outcomes()


async def subscribed_events(service: LotseService, channel: str, external_id: str) -> set[str]:
    async with service.storage.unit(write=False) as unit:
        user_id = await unit.people.user_id(channel, external_id)
        return set() if user_id is None else await unit.outbox.subscribed_events(user_id)
