"""Loading the typed-answer words, `locales/<lang>/answers.toml`, checked: known tables and
keys only, and no word in two keys of one table (after folding)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.core.answers import MEANINGS, TABLES, Answers, Words, normal
from bot.core.keys import GERMAN_LEVELS, INTERESTS, LEVEL_UNKNOWN, STATUS_UNKNOWN, STATUSES

KEYS = {
    "meanings": MEANINGS,
    "status": (*STATUSES, STATUS_UNKNOWN),
    "german_level": (*GERMAN_LEVELS, LEVEL_UNKNOWN),
    "interests": INTERESTS,
}


def _table(raw: object, name: str, where: str, problems: list[str]) -> dict[str, str]:
    words: dict[str, str] = {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: [{name}] must be a table")
        return words
    for key, entries in raw.items():
        if name == "status" and key == "several":
            continue
        if key not in KEYS[name]:
            allowed = ", ".join(KEYS[name])
            problems.append(f"{where}: {name}.{key}: {key!r} is not one of {allowed}")
            continue
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            problems.append(f"{where}: {name}.{key}: must be a list of texts")
            continue
        for entry in entries:
            word = normal(entry)
            if word in words and words[word] != key:
                problems.append(
                    f"{where}: {name}.{key}: {entry!r} is already in {name}.{words[word]}"
                )
            words.setdefault(word, key)
    return words


def load_answers(locales: Path, problems: list[str]) -> Answers:
    found: dict[str, Words] = {}
    for path in sorted(locales.glob("*/answers.toml")):
        where = str(path)
        try:
            with path.open("rb") as handle:
                raw = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{where}: file: cannot be read ({exc})")
            continue
        for name in raw:
            if name not in KEYS:
                problems.append(f"{where}: [{name}]: unknown table ({', '.join(KEYS)})")
        meanings = _table(raw.get("meanings", {}), "meanings", where, problems)
        values = {t: _table(raw.get(t, {}), t, where, problems) for t in TABLES}
        several: dict[str, tuple[str, ...]] = {}
        for word, statuses in (raw.get("status", {}).get("several", {}) or {}).items():
            if not isinstance(statuses, list) or len(statuses) < 2 or not all(
                s in STATUSES for s in statuses
            ):
                problems.append(f"{where}: status.several.{word}: must list two or more papers")
                continue
            several[normal(word)] = tuple(statuses)
        found[path.parent.name] = Words(meanings, values, several)
    return Answers(found)
