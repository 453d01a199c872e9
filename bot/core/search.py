"""Free-text search in any shipped language: find the concepts a text names, then the offers.

"I want to become a nurse", "أريد أن أصبح ممرضة", "хочу стать медсестрой" and "Ausbildung Kfz"
all work through `data/search_terms.csv`: terms in many languages per concept, matched after
folding (case, diacritics, Arabic letter variants) and with rapidfuzz for typos.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from bot.core.catalogue import Catalogue, Concept, Offer
from bot.core.normalise import fold, words

# Words this long may have two typos, shorter ones one.
LONG_WORD = 8
# A typed word also matches when both share a beginning this long (case endings).
STEM_LENGTH = 6
STEM_SLACK = 2
MIN_WORD = 3


@dataclass(frozen=True)
class Hit:
    concept: Concept
    score: float


def _word_score(typed: str, term_word: str) -> float:
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


class SearchIndex:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # Each term as its folded words; a term matches when all its words are found.
        self._terms: list[tuple[Concept, tuple[str, ...]]] = []
        for concept in catalogue.concepts.values():
            for term in concept.terms:
                term_words = tuple(words(term))
                if term_words:
                    self._terms.append((concept, term_words))
        # Every term word once, by length: a typed word is compared only with words at most
        # two letters longer or shorter (more differences could never match).
        self._by_length: dict[int, set[str]] = {}
        for _concept, term_words in self._terms:
            for word in term_words:
                self._by_length.setdefault(len(word), set()).add(word)
        self._offer_text = {
            offer.id: fold(" ".join((offer.title_de, offer.summary_de, *offer.keywords)))
            for offer in catalogue.offers.values()
        }

    def concepts(self, text: str) -> list[Hit]:
        """The concepts the text names, best first (several, e.g. "Ausbildung Kfz")."""
        typed = [w for w in words(text) if len(w) >= 2]
        # The best score of each term word against the typed words; words not here score 0.
        found: dict[str, float] = {}
        for word in typed:
            for length in range(len(word) - 2, len(word) + 3):
                for term_word in self._by_length.get(length, ()):
                    score = _word_score(word, term_word)
                    if score > found.get(term_word, 0.0):
                        found[term_word] = score
        best: dict[str, Hit] = {}
        for concept, term_words in self._terms:
            scores = [found.get(w, 0.0) for w in term_words]
            if min(scores) == 0.0:
                continue
            # Longer terms that match say more: "car mechanic" beats "car".
            score = sum(scores) / len(scores) + 2 * (len(term_words) - 1)
            if concept.id not in best or score > best[concept.id].score:
                best[concept.id] = Hit(concept, score)
        hits = sorted(best.values(), key=lambda h: (-h.score, h.concept.id))
        # A specific concept (an occupation) makes its general category redundant.
        specific = {h.concept.category for h in hits if h.concept.keywords_de}
        return [h for h in hits if h.concept.keywords_de or h.concept.category not in specific]

    def offers_for(self, concept: Concept) -> list[Offer]:
        """Offers a concept names directly: by German keywords, or its whole category."""
        offers = self.catalogue.offers.values()
        if not concept.keywords_de:
            return [o for o in offers if o.category == concept.category]
        keys = [fold(k) for k in concept.keywords_de]
        return [o for o in offers if any(k in self._offer_text[o.id] for k in keys)]
