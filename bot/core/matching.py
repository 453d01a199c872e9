"""Which offers fit a profile, which almost fit, in what order, and why. Pure: the day is
passed in."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from bot.core.catalogue import Catalogue, Offer, Place
from bot.core.eligibility import Assessment, assess
from bot.core.keys import SCHOOL_PLACEMENT, level_rank
from bot.core.person import Person, person_of
from bot.core.profile import Profile
from bot.core.quick_rules import (
    FIT_V,
    HIDDEN_V,
    OfferRules,
    compile_rules,
    facts_of,
    quick_verdict,
)

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
    # The parts of the rank key that do not depend on the person (see rank).
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
    positions: dict[int, int]  # id position (the end of a rank key) -> index in these lists
    # Flat columns of the entries, so that ranking reads no attributes in its loop.
    rules: list[OfferRules]
    categories: list[str]
    start_ranks: list[int]


# Rank key layout, most significant first: school placement for the school-obliged (0), else
# interest (1 or 9) + German distance (0-7) |
# place part (0-2) | distance step (0-999) | days to start (0-99,999) | paid (0-1) | id position.
_TAIL_UNIT = 3 * 1000 * 100_000 * 2 * INDEX_RANGE
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
    positions = {tail % INDEX_RANGE: at for at, tail in enumerate(tails)}
    table = _PlaceTable(
        offers,
        entries,
        distances,
        tails,
        positions,
        [entry.rules for entry in entries],
        [offer.category for offer in offers],
        [entry.start_rank for entry in entries],
    )
    _TABLES[cache_key] = (catalogue, table)
    while len(_TABLES) > TABLES_KEPT:
        _TABLES.popitem(last=False)
    return table


class Ranking:
    """The offers that fit and almost fit one person, as sorted rank keys.

    Ranking thousands of offers needs a verdict and a key for each; the match values with
    their reasons are made only for the few a reply shows (`matches`).
    """

    def __init__(
        self,
        profile: Profile,
        person: Person,
        place: Place,
        today: date,
        table: _PlaceTable,
        fit: list[int],
        almost: list[int],
    ) -> None:
        self.profile, self.person, self.place, self.today = profile, person, place, today
        self.table, self.fit, self.almost = table, fit, almost

    def offer(self, key: int) -> Offer:
        return self.table.offers[self.table.positions[key % INDEX_RANGE]]

    def without(self, offer_ids: Iterable[str]) -> Ranking:
        """The same ranking without some offers (those a person marked "not for me")."""
        hidden = set(offer_ids)
        if not hidden:
            return self
        fit = [k for k in self.fit if self.offer(k).id not in hidden]
        almost = [k for k in self.almost if self.offer(k).id not in hidden]
        return Ranking(
            self.profile, self.person, self.place, self.today, self.table, fit, almost
        )

    def matches(self, keys: Iterable[int]) -> list[Match]:
        """Match values with their reasons, for the keys a reply shows."""
        result = []
        for key in keys:
            at = self.table.positions[key % INDEX_RANGE]
            offer = self.table.offers[at]
            assessment = assess(offer, self.person, self.place.district, self.today)
            interest = offer.category in self.profile.interests
            result.append(Match(key, offer, assessment, interest, self.table.distances[at]))
        return result

    def fit_ids(self) -> frozenset[str]:
        return frozenset(self.offer(key).id for key in self.fit)

    def reachable_ids(self) -> frozenset[str]:
        """The offers that fit or almost fit."""
        return frozenset(self.offer(key).id for key in (*self.fit, *self.almost))


def rank(catalogue: Catalogue, profile: Profile, today: date) -> Ranking | None:
    """Rank every offer in reach; None when the person's town is not known.

    The order: the school placement first for someone who must still go to school; the
    person's interests; then how close the offer's German start level is
    to theirs; located in person, then district-wide, then online; distance in 5-km steps; an
    early start; free before paid; the id. It is packed into one integer per offer, because
    thousands are sorted per list and integers compare fastest.
    """
    place: Place | None = catalogue.places.get(profile.place or "")
    if place is None:
        return None
    interests = profile.interests
    day = today.toordinal()
    person = person_for(catalogue, profile, today)
    facts = facts_of(person)
    level_at = person.level
    table = _place_table(catalogue, place, day)
    fit: list[int] = []
    almost: list[int] = []
    columns = zip(
        table.rules, table.categories, table.start_ranks, table.tails, table.offers, strict=True
    )
    # Someone who must still go to school sees the school placement first (head 0).
    pin = person.school.obliged is True
    for rules, category, start_rank, tail, offer in columns:
        verdict = quick_verdict(rules, day, facts)
        if verdict == HIDDEN_V:
            continue
        if pin and offer.offer_type == SCHOOL_PLACEMENT:
            head = 0
        else:
            head = 1 if category in interests else 9
            if level_at is not None:
                head += min(abs(level_at - start_rank), 7)
        (fit if verdict == FIT_V else almost).append(head * _TAIL_UNIT + tail)
    fit.sort()
    almost.sort()
    return Ranking(profile, person, place, today, table, fit, almost)


def assess_all(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """Every offer that fits or almost fits, best first, with reasons (see `rank`)."""
    ranking = rank(catalogue, profile, today)
    if ranking is None:
        return []
    return ranking.matches(sorted(ranking.fit + ranking.almost))


def match_offers(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """The fitting offers, best first."""
    return [m for m in assess_all(catalogue, profile, today) if m.assessment.verdict == "fit"]


def almost_offers(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """Offers with exactly one missing condition that a step would unlock, best first."""
    return [m for m in assess_all(catalogue, profile, today) if m.assessment.verdict == "almost"]


def fitting_ids(catalogue: Catalogue, profile: Profile, today: date) -> frozenset[str]:
    ranking = rank(catalogue, profile, today)
    return ranking.fit_ids() if ranking else frozenset()


def person_for(catalogue: Catalogue, profile: Profile, today: date) -> Person:
    """The person as the rules see them, with their state's school obligation."""
    district = catalogue.district_of(profile.place or "")
    rule = catalogue.school_rules.get(district.state) if district else None
    return person_of(profile, today, rule)


def assessment_of(world, session, offer: Offer) -> Assessment:  # type: ignore[no-untyped-def]
    """One offer's verdict for the person of a session, with reasons and notes."""
    profile = session.profile
    place = world.catalogue.places.get(profile.place or "")
    person = person_for(world.catalogue, profile, world.today)
    return assess(offer, person, place.district if place else "", world.today)
