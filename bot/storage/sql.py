"""The one seam every repository talks through: a transaction that runs parameterised SQL.

Repositories write portable SQL with `?` placeholders; each backend's transaction translates
placeholders and values (SQLite keeps timestamps as fixed-format UTC text, which sorts and
compares like the timestamps they are; PostgreSQL gets real `timestamptz` values).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

# sqlite3.Row and asyncpg.Record: by column name and by position.
Row = Any
Params = Sequence[Any]


class Tx(Protocol):
    """One open transaction. Committed when the unit of work ends, rolled back on an error."""

    dialect: str  # "sqlite" or "postgresql"

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def notify(self, topic: str) -> None:
        """Tell the other processes on this database, when this transaction commits, that
        `topic` ("staff", "catalogue") changed. SQLite has no other process: nothing."""
        ...


def utc_text(moment: datetime) -> str:
    """The stored form of a timestamp in SQLite: ISO 8601 in UTC, always the same length."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be aware (UTC)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_datetime(value: Any) -> datetime | None:
    """A stored timestamp back as an aware UTC datetime (text in SQLite, native in PostgreSQL)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def to_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


async def fetchval(tx: Tx, sql: str, params: Params = ()) -> Any:
    """The first column of the first row, or None."""
    row = await tx.fetchone(sql, params)
    return None if row is None else row[0]
