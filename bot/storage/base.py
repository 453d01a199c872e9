"""The storage seam the service depends on; `open_storage` picks the backend from config."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol, TypeVar

from bot.config import ConfigError, shown_database
from bot.storage.sql import Tx
from bot.storage.unit import Unit

T = TypeVar("T")


class Storage(Protocol):
    dialect: str

    async def run(self, body: Callable[[Unit], Awaitable[T]], write: bool = True) -> T:
        """One unit of work: `body` gets the repositories on one transaction (committed when
        it returns, rolled back when it raises). The fast way: the hot path uses this."""
        ...

    def unit(self, write: bool = True) -> AbstractAsyncContextManager[Unit]:
        """One unit of work: repositories on one transaction, committed together."""
        ...

    def transaction(self, write: bool = True) -> AbstractAsyncContextManager[Tx]: ...

    async def sibling(self) -> Storage:
        """Another connection (or pool user) for a background sender."""
        ...

    def startup_lock(self) -> AbstractAsyncContextManager[None]:
        """Held while a process seeds an empty database, so that two processes starting at
        once make one first catalogue version (SQLite: one process, nothing to hold)."""
        ...

    async def close(self) -> None: ...


POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(database: Path | str) -> bool:
    return str(database).startswith(POSTGRES_PREFIXES)


class StorageUnavailable(ConfigError):
    """The database cannot be opened: one sentence for the operator, naming LOTSE_DATABASE."""


async def open_storage(database: Path | str) -> Storage:
    """PostgreSQL for a postgresql:// URL, else the SQLite file."""
    failures: tuple[type[Exception], ...]
    if is_postgres(database):
        import asyncpg

        from bot.storage.postgres import PostgresStorage

        opening = PostgresStorage.open(str(database))
        failures = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)
    else:
        from bot.storage.sqlite import SqliteStorage

        opening = SqliteStorage.open(database)
        failures = (OSError, sqlite3.OperationalError)
    try:
        return await opening
    except failures as exc:
        raise StorageUnavailable(_unavailable(database, exc)) from exc


def _unavailable(database: Path | str, exc: Exception) -> str:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"the database {shown_database(database)} cannot be opened ({reason}); "
        "check LOTSE_DATABASE, and that the server runs and the user may connect."
    )
