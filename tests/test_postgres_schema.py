"""The PostgreSQL migrations give the same tables and columns as the SQLite ones (types may
differ: timestamptz for timestamps, bytea for files, identity columns for ids)."""

from __future__ import annotations

from pathlib import Path

from bot.storage.migrate import migrations
from bot.storage.postgres import PostgresStorage, numbered
from bot.storage.sqlite import SqliteStorage


async def sqlite_schema(path: Path) -> dict[str, set[str]]:
    storage = await SqliteStorage.open(path)
    try:
        async with storage.transaction(write=False) as tx:
            tables = [r[0] for r in await tx.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            )]  # fmt: skip
            return {
                t: {r[1] for r in await tx.fetchall(f"PRAGMA table_info('{t}')")} for t in tables
            }
    finally:
        await storage.close()


async def postgres_schema(dsn: str) -> dict[str, set[str]]:
    storage = await PostgresStorage.open(dsn)
    try:
        async with storage.transaction(write=False) as tx:
            rows = await tx.fetchall(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            )
    finally:
        await storage.close()
    schema: dict[str, set[str]] = {}
    for row in rows:
        schema.setdefault(row["table_name"], set()).add(row["column_name"])
    return schema


def test_both_dialects_have_the_same_migration_files() -> None:
    assert [name for _, name, _ in migrations("sqlite")] == [
        name for _, name, _ in migrations("postgresql")
    ]


async def test_both_dialects_give_the_same_tables_and_columns(
    pg_dsn: str, tmp_path: Path
) -> None:
    sqlite = await sqlite_schema(tmp_path / "schema.sqlite3")
    postgres = await postgres_schema(pg_dsn)
    assert set(postgres) == set(sqlite)
    for table, columns in sqlite.items():
        assert postgres[table] == columns, table


def test_placeholders_are_numbered_in_order() -> None:
    assert numbered("SELECT ? WHERE a = ? AND b IN (?, ?)") == (
        "SELECT $1 WHERE a = $2 AND b IN ($3, $4)"
    )
