"""Free-text search in any shipped language: find the concepts a text names, then the offers.

"I want to become a nurse", "أريد أن أصبح ممرضة", "хочу стать медсестрой" and "Ausbildung Kfz"
all work through `data/search_terms.csv`: terms in many languages per concept, matched after
folding (case, diacritics, Arabic letter variants) and with rapidfuzz for typos.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.catalogue import Catalogue, Concept, Offer
from bot.core.normalise import fold
from bot.core.terms import TermIndex


@dataclass(frozen=True)
class Hit:
    concept: Concept
    score: float


class SearchIndex:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._terms: TermIndex[str] = TermIndex()
        for concept in catalogue.concepts.values():
            for term in concept.terms:
                self._terms.add(concept.id, term)
        self._offer_text = {
            offer.id: fold(" ".join((offer.title_de, offer.summary_de, *offer.keywords)))
            for offer in catalogue.offers.values()
        }

    def concepts(self, text: str) -> list[Hit]:
        """The concepts the text names, best first (several, e.g. "Ausbildung Kfz")."""
        concepts = self.catalogue.concepts
        best = {key: Hit(concepts[key], score) for key, score in self._terms.scores(text).items()}
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
