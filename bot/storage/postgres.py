"""PostgreSQL behind the storage seam (LOTSE_DATABASE=postgresql://...): an asyncpg pool, one
connection per unit of work, each unit one transaction. Repositories write `?` placeholders;
this module numbers them (`$1`, `$2`, ...) once per statement text. Timestamps are
`timestamptz`, dates `date`, files `bytea` (see migrations/postgresql/).

Several processes may share one database: nothing here keeps state between units, so the
service reads sessions from the database at every input (`single_writer` is False).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, TypeVar

import asyncpg

from bot.storage.sql import Params, Row
from bot.storage.unit import Unit

log = logging.getLogger(__name__)
T = TypeVar("T")
POOL_MAX = 10
LOCK_POOL_MAX = 20  # connections that hold a person's lock while their input runs
SENDER_LOCK = 7_416_001  # the advisory lock of the one process that sends the outbox
CHANGES_CHANNEL = "lotse_changes"  # NOTIFY: staff grants or the catalogue changed
ALIVE_LOCK = 7_416_003  # held shared by every running process: how many there are
STARTUP_LOCK = 7_416_002  # migrations and the first catalogue version: one process at a time
_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1`, `$2`, ... (the repositories' SQL has no `?` in
    string literals)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", sql)


def _values(params: Params) -> list[Any]:
    # Booleans go into INTEGER columns, as in SQLite.
    return [int(v) if isinstance(v, bool) else v for v in params]


def _rowcount(status: str) -> int:
    """asyncpg's command tag ("UPDATE 3", "INSERT 0 1") as a row count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresTx:
    dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rowcount(await self.conn.execute(numbered(sql), *_values(params)))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        batch = [_values(row) for row in rows]
        if batch:
            await self.conn.executemany(numbered(sql), batch)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await self.conn.fetchrow(numbered(sql), *_values(params))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.conn.fetch(numbered(sql), *_values(params)))

    async def notify(self, topic: str) -> None:
        await self.conn.execute("SELECT pg_notify($1, $2)", CHANGES_CHANNEL, topic)


@asynccontextmanager
async def _advisory(conn: asyncpg.Connection, key_sql: str, key: object) -> AsyncIterator[None]:
    """A session-level advisory lock on `conn` while the block runs (waits for it)."""
    await conn.execute(f"SELECT pg_advisory_lock({key_sql})", key)
    try:
        yield
    finally:
        await conn.execute(f"SELECT pg_advisory_unlock({key_sql})", key)


class PostgresStorage:
    dialect = "postgresql"
    single_writer = False

    def __init__(self, pool: asyncpg.Pool, dsn: str) -> None:
        self.pool, self.dsn = pool, dsn
        self._lock_pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None

    @classmethod
    async def open(cls, dsn: str) -> PostgresStorage:
        from bot.storage.migrate import apply_migrations

        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=POOL_MAX)
        storage = cls(pool, dsn)
        try:
            async with storage.startup_lock():  # two processes starting at once migrate once
                await apply_migrations(storage)  # type: ignore[arg-type]
        except BaseException:
            await storage.close()
            raise
        return storage

    async def sibling(self) -> PostgresStorage:
        """The outbox sender shares the pool."""
        return _Shared(self)

    async def run(self, body: Callable[[Unit], Awaitable[T]], write: bool = True) -> T:
        async with self.pool.acquire() as conn, conn.transaction(readonly=not write):
            return await body(Unit(PostgresTx(conn)))

    @asynccontextmanager
    async def transaction(self, write: bool = True) -> AsyncIterator[PostgresTx]:
        async with self.pool.acquire() as conn, conn.transaction(readonly=not write):
            yield PostgresTx(conn)

    @asynccontextmanager
    async def unit(self, write: bool = True) -> AsyncIterator[Unit]:
        async with self.transaction(write) as tx:
            yield Unit(tx)

    @asynccontextmanager
    async def startup_lock(self) -> AsyncIterator[None]:
        async with self.pool.acquire() as conn, _advisory(conn, "$1", STARTUP_LOCK):
            yield

    @asynccontextmanager
    async def person_lock(self, key: str) -> AsyncIterator[None]:
        """One person's inputs one at a time across every process on this database: a
        session-level advisory lock, held on a connection of its own (from a pool of its own,
        so that holders never wait for the connections their units need)."""
        if self._lock_pool is None:
            self._lock_pool = await asyncpg.create_pool(
                self.dsn, min_size=0, max_size=LOCK_POOL_MAX
            )
        pool = self._lock_pool
        async with pool.acquire() as conn, _advisory(conn, "hashtextextended($1, 0)", key):
            yield

    async def try_sender_lock(self) -> asyncpg.Connection | None:
        """Become the one process that sends the outbox (so Telegram's limits hold for all):
        a connection that holds the lock while it is open (it goes with the process), or None
        when another process holds it."""
        conn = await asyncpg.connect(self.dsn)
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", SENDER_LOCK):
            return conn
        await conn.close()
        return None

    async def script(self, sql: str) -> None:
        """A whole SQL file (a migration) in one transaction."""
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(sql)

    async def listen(self, changed: Callable[[str], None]) -> None:
        """Call `changed(topic)` whenever any process commits a change of staff grants or of
        the catalogue (LISTEN on a connection of its own; notifications come after commit)."""
        self._listener = await asyncpg.connect(self.dsn)
        await self._listener.add_listener(
            CHANGES_CHANNEL, lambda _conn, _pid, _channel, topic: changed(topic)
        )
        # The same connection counts this process among the running ones (`processes`).
        await self._listener.execute("SELECT pg_advisory_lock_shared($1)", ALIVE_LOCK)

    async def processes(self) -> int:
        """How many processes run on this database (each holds ALIVE_LOCK while it listens)."""
        async with self.pool.acquire() as conn:
            return int(await conn.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = 0 AND objid = $1 AND objsubid = 1 AND mode = 'ShareLock'",
                ALIVE_LOCK,
            ))  # fmt: skip

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
        if self._lock_pool is not None:
            await self._lock_pool.close()
        await self.pool.close()

    async def dump(self) -> list[str]:
        """Every row as text, one line per row (as SQLite's dump), for tests that check that
        nothing about a person is left."""
        lines: list[str] = []
        async with self.pool.acquire() as conn:
            tables = await conn.fetch(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() ORDER BY table_name"
            )
            for table in tables:
                name = table["table_name"]
                for row in await conn.fetch(f'SELECT * FROM "{name}"'):
                    values = ", ".join(repr(v) for v in row.values())
                    lines.append(f'INSERT INTO "{name}" VALUES({values});')
        return lines


class _Shared(PostgresStorage):
    """The same pool under another name: closing it leaves the pool to its owner."""

    def __init__(self, owner: PostgresStorage) -> None:
        super().__init__(owner.pool, owner.dsn)
        self._lock_pool = None

    async def close(self) -> None:
        return None
