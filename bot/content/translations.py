"""Offer and event texts in other languages: `data/translations/<lang>.csv`, one file per
language with `id,title,summary` (and optionally `provider`), `#` lines saying who wrote it.
German stays in the offer and event files; what is missing falls back to German."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.content.files import Files
from bot.content.rows import csv_rows

_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


@dataclass(frozen=True)
class Texts:
    title: str
    summary: str
    provider: str
    where: str  # "file:row", for reporting an unknown id


Translations = dict[str, dict[str, Texts]]  # language -> id -> texts


def load_translations(files: Files, folder: str, problems: list[str]) -> Translations:
    found: Translations = {}
    for path in files.paths(folder, ".csv"):
        language = PurePosixPath(path).stem
        if not _LANGUAGE.match(language) or language == "de":
            problems.append(
                f"{files.where(path)}:0: file: the name must be a language code like ar.csv (not "
                "de: German is in the offer and event files)"
            )
            continue
        rows = found.setdefault(language, {})
        for row in csv_rows(files, path, ("id", "title"), problems):
            key = row.text("id")
            if key in rows:
                row.problem("id", f"{key!r} is translated twice")
            rows[key] = Texts(
                row.text("title"),
                row.text("summary", required=False),
                row.text("provider", required=False),
                f"{files.where(path)}:{row.line}",
            )
    return found


def event_ids(files: Files) -> set[str]:
    """The ids in the event files (checked there), so that translations are checked with the
    catalogue, all problems at once."""
    ids: set[str] = set()
    for path in files.paths("events", ".csv"):
        ids.update(row.text("id", False) for row in csv_rows(files, path, ("id",), []))
    return ids


def unknown_ids(translations: Translations, known: Iterable[str]) -> list[str]:
    ids = frozenset(known)
    return [
        f"{texts.where}: id: {key!r} is no offer or event"
        for rows in translations.values()
        for key, texts in rows.items()
        if key not in ids
    ]


def coverage(
    translations: Translations, offers: Iterable[str], events: Iterable[str], limit: int = 8
) -> list[str]:
    """One line per language: how many offers and events are translated, and which not."""
    offer_ids, event_ids = sorted(offers), sorted(events)
    lines = []
    for language in sorted(translations):
        rows = translations[language]
        titles = [i for i in offer_ids if i in rows]
        summaries = [i for i in offer_ids if i in rows and rows[i].summary]
        events_done = [i for i in event_ids if i in rows]
        missing = [i for i in (*offer_ids, *event_ids) if i not in rows]
        missing += [f"{i} (summary)" for i in titles if i not in summaries]
        line = (
            f"{language}: offers {len(titles)}/{len(offer_ids)} (summaries {len(summaries)}), "
            f"events {len(events_done)}/{len(event_ids)}"
        )
        if missing:
            shown = ", ".join(missing[:limit])
            more = f" and {len(missing) - limit} more" if len(missing) > limit else ""
            line += f"; missing: {shown}{more}"
        lines.append(line)
    return lines
