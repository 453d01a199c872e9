"""Fold text so that what people type and what the catalogue says meet: case, diacritics,
Arabic and Persian letter variants, Cyrillic ё, German ß."""

from __future__ import annotations

import re
import unicodedata

_LETTERS = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        "ى": "ي", "ی": "ي", "ئ": "ي", "ې": "ي", "ێ": "ي",
        "ة": "ه", "ۀ": "ه", "ە": "ه",
        "ؤ": "و", "ۆ": "و",
        "ک": "ك", "ڪ": "ك",
        "ـ": None,  # tatweel, a stretching stroke
        "ё": "е",
        "ß": "ss",
    }
)  # fmt: skip
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case, without diacritics and harakat, one form per Arabic-script letter."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", stripped)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))
