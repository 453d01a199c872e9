"""Where the catalogue's files come from: a folder (`data/`, the seed), or texts held in memory
(the live catalogue from the database, an upload merged into it). The loaders read through
this, so one set of checks serves the command line, the start and an upload."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

# The catalogue's files, relative to its root: what import, export and versions carry.
PATTERNS = ("districts.csv", "places.csv", "search_terms.csv", "conditions.csv", "rules.csv",
            "school_obligation.csv", "safe_countries.csv", "offers/*.csv", "events/*.csv",
            "translations/*.csv", "cards/*.toml")  # fmt: skip


class Files(Protocol):
    def paths(self, folder: str, suffix: str) -> list[str]:
        """The files directly in `folder` ("offers") ending with `suffix`, sorted, as relative
        paths ("offers/helmstedt.csv")."""
        ...

    def read(self, path: str) -> str | None:
        """The text of a file, None when there is none."""
        ...

    def where(self, path: str) -> str:
        """How a problem names the file (a path on disk, or an upload's name)."""
        ...


class FolderFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def paths(self, folder: str, suffix: str) -> list[str]:
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return []
        found = sorted(p for p in base.iterdir() if p.is_file() and p.name.endswith(suffix))
        return [str(p.relative_to(self.root)) for p in found]

    def read(self, path: str) -> str | None:
        file = self.root / path
        if not file.is_file():
            return None
        # utf-8-sig: a spreadsheet program may have put a byte order mark in front.
        return file.read_text(encoding="utf-8-sig")

    def where(self, path: str) -> str:
        return str(self.root / path)


class MemoryFiles:
    def __init__(
        self, texts: Mapping[str, str], label: str = "", names: Mapping[str, str] | None = None
    ) -> None:
        self.texts = dict(texts)
        self.label = label
        self.names = dict(names or {})  # path -> how a problem names it (an upload's sheet)

    def paths(self, folder: str, suffix: str) -> list[str]:
        prefix = f"{folder}/" if folder else ""
        return sorted(
            p for p in self.texts
            if p.startswith(prefix) and "/" not in p[len(prefix):] and p.endswith(suffix)
        )  # fmt: skip

    def read(self, path: str) -> str | None:
        return self.texts.get(path)

    def where(self, path: str) -> str:
        return self.names.get(path) or f"{self.label}{path}"


def as_files(source: Path | Files) -> Files:
    return FolderFiles(source) if isinstance(source, Path) else source


def all_texts(files: Files) -> dict[str, str]:
    """Every catalogue file of a source, as {relative path: text}."""
    texts = {}
    for pattern in PATTERNS:
        folder, _, name = pattern.rpartition("/")
        paths = files.paths(folder, name[1:]) if name.startswith("*") else [pattern]
        for path in paths:
            text = files.read(path)
            if text is not None:
                texts[path] = text
    return texts
