"""Which items a typed text names, through short terms in any language: a term matches when
each of its words is in the text, folded (case, diacritics, Arabic-script variants) and with
room for typos and word endings. Used by the offer search and the answer cards."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from rapidfuzz.distance import Levenshtein

from bot.core.normalise import words

K = TypeVar("K", bound=Hashable)

# Words this long may have two typos, shorter ones one.
LONG_WORD = 8
# A typed word also matches when both share a beginning this long (case endings).
STEM_LENGTH = 6
STEM_SLACK = 2
MIN_WORD = 3


def word_score(typed: str, term_word: str) -> float:
    if typed == term_word:
        return 100.0
    if min(len(typed), len(term_word)) < MIN_WORD + 1:
        return 0.0
    # Same word with another ending: a case ending differs in the last letters only
    # ("медсестрой" is "медсестра"), while "Deutschland" is not "Deutschkurs".
    stem = len(term_word) - STEM_SLACK
    if (
        stem >= STEM_LENGTH
        and len(term_word) - 1 <= len(typed) <= len(term_word) + STEM_SLACK
        and typed[:stem] == term_word[:stem]
    ):
        return 90.0
    # Typos: one wrong letter in a short word, two in a long one.
    allowed = 1 if len(term_word) < LONG_WORD else 2
    edits = Levenshtein.distance(typed, term_word, score_cutoff=allowed)
    return 100.0 - 5 * edits if edits <= allowed else 0.0


class TermIndex(Generic[K]):
    def __init__(self) -> None:
        self._terms: list[tuple[K, tuple[str, ...]]] = []
        # Every term word once, by length: a typed word is compared only with words at most
        # two letters longer or shorter (more differences could never match).
        self._by_length: dict[int, set[str]] = {}

    def add(self, key: K, term: str) -> None:
        term_words = tuple(words(term))
        if not term_words:
            return
        self._terms.append((key, term_words))
        for word in term_words:
            self._by_length.setdefault(len(word), set()).add(word)

    def scores(self, text: str) -> dict[K, float]:
        """The best score of each key whose term the text names; longer terms that match say
        more ("car mechanic" beats "car")."""
        typed = [w for w in words(text) if len(w) >= 2]
        found: dict[str, float] = {}
        for word in typed:
            for length in range(len(word) - 2, len(word) + 3):
                for term_word in self._by_length.get(length, ()):
                    score = word_score(word, term_word)
                    if score > found.get(term_word, 0.0):
                        found[term_word] = score
        best: dict[K, float] = {}
        for key, term_words in self._terms:
            scores = [found.get(w, 0.0) for w in term_words]
            if min(scores) == 0.0:
                continue
            score = sum(scores) / len(scores) + 2 * (len(term_words) - 1)
            if score > best.get(key, 0.0):
                best[key] = score
        return best
