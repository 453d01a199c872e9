"""Find a place from what someone typed (typos welcome) or from a shared location."""

from __future__ import annotations

import math
import re
import unicodedata

from rapidfuzz import fuzz, process, utils

from bot.core.catalogue import Place

_POSTCODE = re.compile(r"\d{5}")
_GERMAN_POSTCODE = re.compile(r"^\s*(0[1-9]\d{3}|[1-9]\d{4})\s*$")


def german_postcode(text: str) -> str:
    """The text if it is only a German postcode (01001 to 99999), else ""."""
    found = _GERMAN_POSTCODE.match(text)
    return found[1] if found else ""
NEAREST_WITHIN_KM = 40.0


def _fold(text: str) -> str:
    """Lower case without diacritics, with German umlauts spelled out (ö -> oe) too."""
    text = text.casefold().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _umlaut_spelled(text: str) -> str:
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.casefold().replace(umlaut, spelled)
    return _fold(text)


class PlaceIndex:
    def __init__(self, places: tuple[Place, ...] | list[Place]) -> None:
        self.places = tuple(places)
        self._by_id = {p.id: p for p in self.places}
        # Every searchable spelling, paired with its place id.
        names: dict[str, str] = {}
        self._named: dict[str, set[str]] = {}  # spelling -> every place with it
        for place in self.places:
            for name in (place.name, *place.aliases):
                for spelling in (_fold(name), _umlaut_spelled(name)):
                    key = utils.default_process(spelling)
                    names.setdefault(key, place.id)
                    self._named.setdefault(key, set()).add(place.id)
        self._spellings = list(names)
        self._spelling_ids = list(names.values())

    def search(self, text: str, limit: int = 4) -> list[Place]:
        """Best matches first; a five-digit postcode is matched exactly."""
        codes = _POSTCODE.findall(text)
        if codes:
            found = [p for p in self.places if any(c in p.postcodes for c in codes)]
            # A postcode shared by a city and its parts: the city comes first.
            return sorted(found, key=lambda p: (p.kind == "ortsteil", p.name))[:limit]
        query = utils.default_process(_fold(text))
        if len(query) < 2:
            return []
        matches = process.extract(
            query, self._spellings, scorer=fuzz.WRatio, score_cutoff=80, limit=limit * 3
        )
        result: list[Place] = []
        for _name, _score, index in sorted(matches, key=lambda m: (-m[1], m[0])):
            place = self._by_id[self._spelling_ids[index]]
            if place not in result:
                result.append(place)
        return result[:limit]

    def exact(self, text: str) -> Place | None:
        """The one place this names exactly: its name or an alias (case, accents and
        umlaut spellings aside), or a postcode only it has. None if unsure."""
        codes = _POSTCODE.findall(text)
        if codes:
            found = [p for p in self.places if any(c in p.postcodes for c in codes)]
            return found[0] if len(found) == 1 else None
        hits = self._named.get(utils.default_process(_fold(text)), set())
        return self._by_id[next(iter(hits))] if len(hits) == 1 else None

    def nearest(self, lat: float, lon: float, limit: int = 3) -> list[tuple[Place, float]]:
        ranked = sorted(
            ((p, distance_km(lat, lon, p.lat, p.lon)) for p in self.places),
            key=lambda pair: (pair[1], pair[0].id),
        )
        return [pair for pair in ranked if pair[1] <= NEAREST_WITHIN_KM][:limit]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
