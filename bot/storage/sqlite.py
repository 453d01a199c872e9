"""SQLite behind the storage seam: one connection per storage, used from the event loop.

A unit of work runs whole inside one transaction (BEGIN IMMEDIATE when it writes, so it never
fails half-way on a busy database). Its statements run right where they are called, without
handing them to a thread: a unit is a few statements on an indexed local file, tens of
microseconds, while each hand-over to a thread and back cost more CPU than that under load
(aiosqlite's way; the figures are in bench/RESULTS.md). What could keep the event loop
waiting is kept off it: the WAL is checkpointed (written back, with fsync) in a thread, and
nothing in this process ever waits for another connection of this process (they take turns on
the one event loop); only another process writing (`lotse import`) can make a statement wait,
for the length of its transaction.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from bot.storage.migrate import apply_migrations
from bot.storage.sql import Params, Row, sqlite_value
from bot.storage.unit import Unit

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 2000
CHECKPOINT_EVERY = 500  # commits between two checkpoints (about 1,000 to 3,000 pages of WAL)
T = TypeVar("T")


def _values(params: Params) -> list[Any]:
    return [sqlite_value(v) for v in params]


class SqliteTx:
    """Statements of one unit of work; each finishes before it returns."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        return self.conn.execute(sql, _values(params)).rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self.conn.executemany(sql, [_values(row) for row in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return self.conn.execute(sql, _values(params)).fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return self.conn.execute(sql, _values(params)).fetchall()

    async def notify(self, topic: str) -> None:
        return None  # one process per file


def _complete(coroutine: Awaitable[T]) -> T:
    """Run a unit's coroutine to its end at once: its statements never wait, so it never
    suspends (one that does is a mistake, and is refused rather than run half)."""
    try:
        coroutine.send(None)  # type: ignore[attr-defined]
    except StopIteration as done:
        return done.value
    coroutine.close()  # type: ignore[attr-defined]
    raise RuntimeError("a storage unit may wait for nothing but its statements")


def connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in (
        "PRAGMA journal_mode = WAL",
        "PRAGMA foreign_keys = ON",
        f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
        "PRAGMA synchronous = NORMAL",  # WAL: durable at checkpoints, no fsync per commit
        "PRAGMA wal_autocheckpoint = 0",  # checkpoints run in a thread (see `_committed`)
        # Erased rows are overwritten, not left in free pages (some builds default to off).
        "PRAGMA secure_delete = ON",
    ):
        conn.execute(pragma)
    return conn


class SqliteStorage:
    dialect = "sqlite"
    # One process writes people's sessions (the sender writes only the outbox and blocks):
    # the service may keep sessions in memory between inputs.
    single_writer = True

    def __init__(self, conn: sqlite3.Connection, path: Path | str) -> None:
        self.conn, self.path = conn, path
        self._lock = asyncio.Lock()
        self._commits = 0
        self._checkpoint: asyncio.Task | None = None

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStorage:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        storage = cls(connect(path), path)
        try:
            await apply_migrations(storage)
        except BaseException:
            await storage.close()
            raise
        return storage

    async def sibling(self) -> SqliteStorage:
        """A second connection to the same file, for the outbox sender."""
        return await SqliteStorage.open(self.path)

    async def run(self, body: Callable[[Unit], Awaitable[T]], write: bool = True) -> T:
        """One unit of work: `body` gets the repositories on one transaction."""
        async with self._lock:
            conn = self.conn
            if not write:
                return _complete(body(Unit(SqliteTx(conn))))
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = _complete(body(Unit(SqliteTx(conn))))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            self._committed()
            return result

    @asynccontextmanager
    async def transaction(self, write: bool = True) -> AsyncIterator[SqliteTx]:
        """The same as a context manager (a unit that only reads needs no transaction: each
        statement sees a committed state)."""
        async with self._lock:
            tx = SqliteTx(self.conn)
            if not write:
                yield tx
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield tx
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            self._committed()

    @asynccontextmanager
    async def unit(self, write: bool = True) -> AsyncIterator[Unit]:
        async with self.transaction(write) as tx:
            yield Unit(tx)

    def _committed(self) -> None:
        self._commits += 1
        due = self._commits % CHECKPOINT_EVERY == 0 and str(self.path) != ":memory:"
        if due and (self._checkpoint is None or self._checkpoint.done()):
            self._checkpoint = asyncio.ensure_future(asyncio.to_thread(self.checkpoint))

    def checkpoint(self) -> None:
        """Write the WAL back into the database file (with fsync), on a connection of its own
        so that it can run in a thread; PASSIVE: it never holds up a writer."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed: %s", exc)
        finally:
            conn.close()

    async def script(self, sql: str) -> None:
        """A whole SQL file (a migration) that commits itself; a failure rolls it all back."""
        async with self._lock:
            try:
                self.conn.executescript(sql)
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def startup_lock(self) -> AsyncIterator[None]:
        yield  # one process per file: nobody to wait for

    async def close(self) -> None:
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)
        if str(self.path) != ":memory:":
            await asyncio.to_thread(self.checkpoint)
        self.conn.close()

    async def dump(self) -> list[str]:
        """Every row as SQL text, for tests that check nothing about a person is left."""
        async with self._lock:
            return list(self.conn.iterdump())
