"""The live catalogue as versions of its files (the only SQL for them): each version stores
the files it changed; the live catalogue is the latest text of every path. Staged changes
wait here for their Confirm."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.storage.sql import Tx, to_datetime


@dataclass(frozen=True)
class Version:
    version: int
    created_at: datetime
    actor: str
    summary: str
    paths: tuple[str, ...]  # the files it changed


@dataclass(frozen=True)
class Staged:
    id: int
    actor: str
    base_version: int
    files: dict[str, str | None]
    summary: str
    created_at: datetime


class CatalogueRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def latest(self) -> int:
        """The newest version, 0 when the database holds no catalogue yet."""
        row = await self.tx.fetchone("SELECT MAX(version) AS v FROM catalogue_versions")
        return int(row["v"]) if row and row["v"] is not None else 0

    async def files_at(self, version: int) -> dict[str, str]:
        """Every file as it was in `version`."""
        rows = await self.tx.fetchall(
            """
            SELECT f.path, f.content FROM catalogue_files f
            JOIN (SELECT path, MAX(version) AS v FROM catalogue_files WHERE version <= ?
                  GROUP BY path) latest ON latest.path = f.path AND latest.v = f.version
            """,
            (version,),
        )
        return {row["path"]: row["content"] for row in rows if row["content"] is not None}

    async def commit(
        self, changes: dict[str, str | None], actor: str, summary: str, now: datetime
    ) -> int:
        """A new version with these files changed (None: removed). Returns its number."""
        version = await self.latest() + 1
        await self.tx.execute(
            "INSERT INTO catalogue_versions (version, created_at, actor, summary) "
            "VALUES (?, ?, ?, ?)",
            (version, now, actor, summary),
        )
        await self.tx.executemany(
            "INSERT INTO catalogue_files (version, path, content) VALUES (?, ?, ?)",
            [(version, path, text) for path, text in sorted(changes.items())],
        )
        await self.tx.notify("catalogue")
        return version

    async def versions(self, limit: int = 10) -> list[Version]:
        rows = await self.tx.fetchall(
            "SELECT version, created_at, actor, summary FROM catalogue_versions "
            "ORDER BY version DESC LIMIT ?",
            (limit,),
        )
        result = []
        for row in rows:
            paths = await self.tx.fetchall(
                "SELECT path FROM catalogue_files WHERE version = ? ORDER BY path",
                (row["version"],),
            )
            created = to_datetime(row["created_at"])
            assert created is not None
            changed = tuple(p["path"] for p in paths)
            result.append(
                Version(int(row["version"]), created, row["actor"], row["summary"], changed)
            )
        return result

    async def stage(
        self, actor: str, base_version: int, files: dict[str, str | None], summary: str,
        now: datetime,
    ) -> int:  # fmt: skip
        await self.tx.execute(
            "INSERT INTO staged_changes (actor, base_version, files, summary, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (actor, base_version, json.dumps(files, ensure_ascii=False), summary, now),
        )
        row = await self.tx.fetchone("SELECT MAX(id) AS id FROM staged_changes")
        assert row is not None
        return int(row["id"])

    async def staged(self, staged_id: int) -> Staged | None:
        row = await self.tx.fetchone("SELECT * FROM staged_changes WHERE id = ?", (staged_id,))
        if row is None:
            return None
        return Staged(
            int(row["id"]), row["actor"], int(row["base_version"]), json.loads(row["files"]),
            row["summary"], to_datetime(row["created_at"]),  # type: ignore[arg-type]
        )  # fmt: skip

    async def drop_staged(self, staged_id: int) -> bool:
        return await self.tx.execute("DELETE FROM staged_changes WHERE id = ?", (staged_id,)) > 0

    async def forget_staged_before(self, moment: datetime) -> int:
        return await self.tx.execute("DELETE FROM staged_changes WHERE created_at < ?", (moment,))
