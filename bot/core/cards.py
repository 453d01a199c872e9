"""Answer cards: short, checked answers to what young people ask ("Can I do an Ausbildung
with a Duldung?"), found before the offer search. Each has its legal basis, sources and the
day it was checked; the texts exist per language (data/cards/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.terms import TermIndex


@dataclass(frozen=True)
class CardText:
    title: str
    text: str
    terms: tuple[str, ...]
    examples: tuple[str, ...]
    by_status: dict[str, str] = field(default_factory=dict)  # one more paragraph per status
    by_state: dict[str, str] = field(default_factory=dict)  # per state (NI, NW)


@dataclass(frozen=True)
class Card:
    id: str
    legal_basis: str
    sources: tuple[str, ...]
    checked_on: date
    needs_verification: bool
    category: str  # the interest key whose fitting offers follow the card; "" for none
    texts: dict[str, CardText]  # by language

    def text_in(self, language: str) -> CardText | None:
        """The card in `language` ("fa_AF" reads "fa"), else in English."""
        texts = self.texts
        return texts.get(language) or texts.get(language.split("_")[0]) or texts.get("en")


# A card needs this score: every word of a term found, allowing a typo or an ending.
CARD_SCORE = 90.0


class CardIndex:
    """Cards by their terms in every language: a question in one language may use another
    language's words (the German official ones above all)."""

    def __init__(self, cards: dict[str, Card]) -> None:
        self.cards = cards
        self._terms: TermIndex[str] = TermIndex()
        for card in cards.values():
            for texts in card.texts.values():
                for term in texts.terms:
                    self._terms.add(card.id, term)

    def find(self, text: str) -> Card | None:
        """The card the text asks about, or None."""
        scores = self._terms.scores(text)
        ranked = sorted(
            ((score, key) for key, score in scores.items() if score >= CARD_SCORE),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return self.cards[ranked[0][1]] if ranked else None
