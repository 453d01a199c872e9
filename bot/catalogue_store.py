"""The live catalogue in the database: seeded from `data/` at the first start, changed by
versions (uploads, small edits, imports, rollbacks), exported back as the same CSV files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.content.files import FolderFiles, all_texts
from bot.storage.base import Storage
from bot.storage.unit import Unit


def changed_files(old: dict[str, str], new: dict[str, str]) -> dict[str, str | None]:
    """What turns `old` into `new`: changed or added texts, and None for removed files."""
    changes: dict[str, str | None] = {p: t for p, t in new.items() if old.get(p) != t}
    changes.update({p: None for p in old.keys() - new.keys()})
    return changes


async def live(storage: Storage) -> tuple[int, dict[str, str]]:
    """The newest version and its files (0 and {} before the first import)."""

    async def read(unit: Unit) -> tuple[int, dict[str, str]]:
        version = await unit.catalogue.latest()
        return version, (await unit.catalogue.files_at(version) if version else {})

    return await storage.run(read, write=False)


async def files_at(storage: Storage, version: int) -> dict[str, str]:
    return await storage.run(lambda unit: unit.catalogue.files_at(version), write=False)


async def commit(
    storage: Storage, changes: dict[str, str | None], actor: str, summary: str, now: datetime
) -> int:
    return await storage.run(lambda unit: unit.catalogue.commit(changes, actor, summary, now))


async def import_folder(
    storage: Storage,
    folder: Path,
    actor: str,
    summary: str,
    now: datetime,
    only_empty: bool = False,
) -> int | None:
    """The folder's files as a new version; None when nothing differs (no empty version) or,
    with `only_empty`, when the database holds a catalogue already."""
    version, current = await live(storage)
    if only_empty and version:
        return None
    changes = changed_files(current, all_texts(FolderFiles(folder)))
    if not changes:
        return None
    return await commit(storage, changes, actor, summary, now)


def export(texts: dict[str, str], target: Path, district: str | None = None) -> list[Path]:
    """Write the files (only a district's offer and event files with `district`)."""
    written = []
    for path, text in sorted(texts.items()):
        if district is not None and path not in (
            f"offers/{district}.csv", f"events/{district}.csv",
        ):  # fmt: skip
            continue
        file = target / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        written.append(file)
    return written
