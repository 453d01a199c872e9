"""The storage seam the service depends on; `open_storage` picks the backend from config."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from bot.storage.sql import Tx
from bot.storage.unit import Unit


class Storage(Protocol):
    dialect: str

    def unit(self, write: bool = True) -> AbstractAsyncContextManager[Unit]:
        """One unit of work: repositories on one transaction, committed together."""
        ...

    def transaction(self, write: bool = True) -> AbstractAsyncContextManager[Tx]: ...

    async def sibling(self) -> Storage:
        """Another connection (or pool user) for a background sender."""
        ...

    async def close(self) -> None: ...


async def open_storage(database: Path | str) -> Storage:
    from bot.storage.sqlite import SqliteStorage

    return await SqliteStorage.open(database)
