"""SQLite behind the storage seam: one connection per process, one writer at a time.

aiosqlite runs the connection in its own thread; transactions are explicit (BEGIN IMMEDIATE for
a unit of work that writes), so that everything one input changes is committed together. An
asyncio lock keeps two units of work of this process from sharing one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.storage.migrate import apply_migrations
from bot.storage.sql import Params, Row, sqlite_value
from bot.storage.unit import Unit

BUSY_TIMEOUT_MS = 5000


class SqliteTx:
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self.conn.execute(sql, [sqlite_value(v) for v in params])
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self.conn.executemany(sql, [[sqlite_value(v) for v in row] for row in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.conn.execute(sql, [sqlite_value(v) for v in params]) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.conn.execute(sql, [sqlite_value(v) for v in params]) as cursor:
            return list(await cursor.fetchall())


class SqliteStorage:
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path | str) -> None:
        self.conn, self.path = conn, path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStorage:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; every unit of work says BEGIN itself.
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
            storage = cls(conn, path)
            await apply_migrations(storage)
        except BaseException:
            await conn.close()
            raise
        return storage

    async def sibling(self) -> SqliteStorage:
        """A second connection to the same file, for a background sender: its commits never
        wait for this connection's lock."""
        return await SqliteStorage.open(self.path)

    @asynccontextmanager
    async def transaction(self, write: bool = True) -> AsyncIterator[SqliteTx]:
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield SqliteTx(self.conn)
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def unit(self, write: bool = True) -> AsyncIterator[Unit]:
        """One unit of work: every repository on one transaction, committed together."""
        async with self.transaction(write) as tx:
            yield Unit(tx)

    async def close(self) -> None:
        await self.conn.close()

    async def dump(self) -> list[str]:
        """Every row as SQL text, for tests that check nothing about a person is left."""
        async with self._lock:
            return [line async for line in self.conn.iterdump()]
