"""Which offers fit a profile, which almost fit, in what order, and why. Pure: the day is
passed in."""

from __future__ import annotations

import math
from collections import OrderedDict
from datetime import date
from typing import NamedTuple

from bot.core.catalogue import Catalogue, Offer, Place
from bot.core.eligibility import (
    ALMOST,
    FIT,
    FIT_V,
    HIDDEN_V,
    Assessment,
    OfferRules,
    assess,
    compile_rules,
    quick_verdict,
)
from bot.core.keys import LEVEL_UNKNOWN, STATUS_UNKNOWN, level_rank
from bot.core.profile import Profile

# Distances are compared in steps of this size: within a few kilometres, an earlier start
# or a free offer matters more than the exact distance.
DISTANCE_STEP_KM = 5.0
NEARBY_KM = 3.0
KM_PER_DEGREE = 111.195
INDEX_RANGE = 10_000_000  # more offers than any catalogue will hold


class Match(NamedTuple):
    # A named tuple, not a dataclass: thousands are made per ranking, and tuples are cheap.
    # The rank key comes first, so that matches sort by it (keys are unique).
    key: int
    offer: Offer
    assessment: Assessment
    interest: bool  # the offer's category is one of the person's interests
    distance_km: float | None  # None: online, or no location known

    @property
    def nearby(self) -> bool:
        return self.distance_km is not None and self.distance_km <= NEARBY_KM


class _Entry(NamedTuple):
    """What ranking needs of one offer, computed once per catalogue."""

    rules: OfferRules
    start_rank: int  # German level rank the offer starts at ("none" = 0)
    start: int  # date ordinal of the next start; 0 = rolling
    location: tuple[float, float] | None
    # The parts of the rank key that do not depend on the person (see assess_all).
    place_part: int  # online, then district-wide: 0 located, 1 district-wide, 2 online
    tail_part: int  # paid, then the position by id


_COMPILED: dict[int, tuple[Catalogue, dict[str, _Entry]]] = {}


def _entries(catalogue: Catalogue) -> dict[str, _Entry]:
    cached = _COMPILED.get(id(catalogue))
    if cached is None or cached[0] is not catalogue:
        entries = {
            offer.id: _Entry(
                compile_rules(offer),
                level_rank(offer.min_german) if offer.min_german else 0,
                offer.start.toordinal() if offer.start else 0,
                catalogue.locations[offer.id],
                2 if offer.online else int(catalogue.locations[offer.id] is None),
                (offer.cost_eur > 0) * INDEX_RANGE + index,
            )
            for index, offer in enumerate(sorted(catalogue.offers.values(), key=lambda o: o.id))
        }
        cached = _COMPILED[id(catalogue)] = (catalogue, entries)
    return cached[1]


class _PlaceTable(NamedTuple):
    """For one town and day: the offers in reach, with what the rank key needs of them that
    does not depend on the person (distance, start, cost, id). Everyone in the same town
    shares it, so each ranking only adds the person's interests and German level."""

    offers: list[Offer]
    entries: list[_Entry]
    distances: list[float | None]
    tails: list[int]


# Rank key layout, most significant first: interest (0 or 8) + German distance (0-7) |
# place part (0-2) | distance step (0-999) | days to start (0-99,999) | paid (0-1) | id position.
_TAIL_UNIT = 3 * 1000 * 100_000 * 2 * INDEX_RANGE
# Match(...) goes through a Python-level __new__; thousands per ranking make that visible.
_new_match = tuple.__new__
_TABLES: OrderedDict[tuple[int, str, int], tuple[Catalogue, _PlaceTable]] = OrderedDict()
TABLES_KEPT = 256  # towns x days; a district has a few dozen towns


def _place_table(catalogue: Catalogue, place: Place, day: int) -> _PlaceTable:
    cache_key = (id(catalogue), place.id, day)
    cached = _TABLES.get(cache_key)
    if cached is not None and cached[0] is catalogue:
        _TABLES.move_to_end(cache_key)
        return cached[1]
    entries_by_id = _entries(catalogue)
    offers = catalogue.offers_near(place.district)
    entries = [entries_by_id[offer.id] for offer in offers]
    # Equirectangular distance: within a district as good as great-circle, and much cheaper.
    scale = math.cos(math.radians(place.lat))
    distances: list[float | None] = []
    tails = []
    for entry in entries:
        distance = None
        if entry.location is not None:
            dx = (entry.location[1] - place.lon) * scale
            distance = KM_PER_DEGREE * math.hypot(dx, entry.location[0] - place.lat)
        distances.append(distance)
        tail = entry.place_part * 1000
        tail += min(int(distance // DISTANCE_STEP_KM), 999) if distance else 0
        tail = tail * 100_000 + (min(max(0, entry.start - day), 99_999) if entry.start else 0)
        tails.append(tail * 2 * INDEX_RANGE + entry.tail_part)
    table = _PlaceTable(offers, entries, distances, tails)
    _TABLES[cache_key] = (catalogue, table)
    while len(_TABLES) > TABLES_KEPT:
        _TABLES.popitem(last=False)
    return table


def assess_all(
    catalogue: Catalogue, profile: Profile, today: date, explain: bool = True
) -> list[Match]:
    """Every offer that fits or almost fits, best first. Without `explain`, each Match carries
    only its verdict; `explained` fills in the reasons for the few that are shown.

    The order: the person's interests first; then how close the offer's German start level is
    to theirs; located in person, then district-wide, then online; distance in 5-km steps; an
    early start; free before paid; the id. It is packed into one integer per offer, because
    thousands are sorted per list and integers compare fastest.
    """
    place: Place | None = catalogue.places.get(profile.place or "")
    if place is None:
        return []
    interests = profile.interests
    day = today.toordinal()
    age = profile.age
    status = None if profile.status in (None, STATUS_UNKNOWN) else profile.status
    level = profile.german_level
    rank = None if level in (None, LEVEL_UNKNOWN) else level_rank(level)
    table = _place_table(catalogue, place, day)
    matches: list[Match] = []
    for offer, entry, distance, tail in zip(
        table.offers, table.entries, table.distances, table.tails, strict=True
    ):
        verdict = quick_verdict(entry.rules, day, age, status, rank)
        if verdict == HIDDEN_V:
            continue
        if explain:
            assessment = assess(offer, profile, place.district, today)
        else:
            assessment = FIT if verdict == FIT_V else ALMOST
        interest = offer.category in interests
        head = 0 if interest else 8
        if rank is not None:
            head += min(abs(rank - entry.start_rank), 7)
        values = (head * _TAIL_UNIT + tail, offer, assessment, interest, distance)
        matches.append(_new_match(Match, values))
    matches.sort()
    return matches


def explained(catalogue: Catalogue, profile: Profile, today: date, match: Match) -> Match:
    place = catalogue.places[profile.place or ""]
    return match._replace(assessment=assess(match.offer, profile, place.district, today))


def match_offers(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """The fitting offers, best first."""
    return [m for m in assess_all(catalogue, profile, today) if m.assessment.verdict == "fit"]


def almost_offers(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """Offers with exactly one missing condition that a step would unlock, best first."""
    return [m for m in assess_all(catalogue, profile, today) if m.assessment.verdict == "almost"]


def fitting_ids(catalogue: Catalogue, profile: Profile, today: date) -> frozenset[str]:
    ranked = assess_all(catalogue, profile, today, explain=False)
    return frozenset(m.offer.id for m in ranked if m.assessment.verdict == "fit")
