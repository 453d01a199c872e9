"""Numbered plain-SQL migrations, applied in order, each in its own transaction, recorded in
`schema_migrations`. Files are never edited once landed: a change is a new file.

SQLite's files live in `migrations/`, PostgreSQL's in `migrations/postgresql/` with the same
numbers and names (a test checks that both give the same tables and columns).
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.sqlite import SqliteStorage

log = logging.getLogger(__name__)

_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migrations(dialect: str = "sqlite") -> list[tuple[int, str, str]]:
    """(number, file name, SQL) in order; numbers must run 1, 2, 3 ... without gaps."""
    folder = resources.files("bot.storage") / "migrations"
    if dialect != "sqlite":
        folder = folder / dialect
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps, found {numbers}")
    return found


async def applied(storage: SqliteStorage) -> set[int]:
    async with storage.transaction() as tx:
        await tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {int(row[0]) for row in await tx.fetchall("SELECT version FROM schema_migrations")}
        if not done and storage.dialect == "sqlite":
            # Databases from before schema_migrations counted in PRAGMA user_version.
            row = await tx.fetchone("PRAGMA user_version")
            legacy = int(row[0]) if row else 0
            for number, name, _sql in migrations()[:legacy]:
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) "
                    "VALUES (?, ?, datetime('now'))",
                    (number, name),
                )
            done = set(range(1, legacy + 1))
    return done


async def apply_migrations(storage: SqliteStorage) -> int:
    """Apply every migration not yet recorded; returns the newest version."""
    done = await applied(storage)
    newest = max(done, default=0)
    for number, name, sql in migrations(storage.dialect):
        if number in done:
            continue
        log.info("applying migration %s", name)
        if storage.dialect != "sqlite":
            await storage.script(
                f"{sql}\nINSERT INTO schema_migrations (version, name, applied_at) "
                f"VALUES ({number}, '{name}', now()::text);"
            )
            newest = number
            continue
        # executescript commits first; the explicit BEGIN makes the file and its record one
        # transaction, so a failing migration leaves the database as it was (SQLite rolls
        # back an unfinished transaction when the failing script stops).
        script = (
            f"BEGIN;\n{sql}\n"
            f"INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({number}, '{name}', datetime('now'));\n"
            f"PRAGMA user_version = {number};\nCOMMIT;"
        )
        await storage.script(script)
        newest = number
    return newest
