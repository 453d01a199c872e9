"""What people type instead of tapping, per language (locales/<lang>/answers.toml): "yes",
"ok", "idk", "a little", "refugee", "نعم", "بله", "так", "evet". A word means an answer
value of a question (a paper, a German level, an interest) or one of a few meanings (yes, no,
don't know, back, done, skip); a word that can mean several papers narrows the choice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.normalise import fold

MEANINGS = ("yes", "no", "dont_know", "back", "done", "skip")
# The questions whose answers have typed words, by the profile field they fill.
TABLES = ("status", "german_level", "interests")
_SPACE = re.compile(r"\s+")
_EDGE = " .!,;:"


def normal(text: str) -> str:
    """One spelling for a whole short answer: folded, single spaces, no closing dot."""
    return _SPACE.sub(" ", fold(text)).strip(_EDGE) or fold(text).strip()


@dataclass(frozen=True)
class Words:
    """One language's words: normalised answer -> meaning or value."""

    meanings: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> word -> value
    several: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word -> statuses


@dataclass(frozen=True)
class Answers:
    by_language: dict[str, Words] = field(default_factory=dict)

    def _languages(self, language: str) -> list[Words]:
        # The reader's language first, then English and German words, which people type in
        # every language.
        codes = dict.fromkeys((language, language.split("_")[0], "en", "de"))
        return [self.by_language[c] for c in codes if c in self.by_language]

    def meaning(self, language: str, text: str) -> str | None:
        key = normal(text)
        found = (w.meanings[key] for w in self._languages(language) if key in w.meanings)
        return next(found, None)

    def value(self, language: str, table: str, text: str) -> str | None:
        key = normal(text)
        for words in self._languages(language):
            found = words.values.get(table, {}).get(key)
            if found:
                return found
        return None

    def several(self, language: str, text: str) -> tuple[str, ...]:
        """The papers a word may mean ("refugee"), or () if it names none or one."""
        key = normal(text)
        return next((w.several[key] for w in self._languages(language) if key in w.several), ())
