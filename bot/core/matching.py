"""Which offers fit a profile, which almost fit, in what order, and why. Pure: the day is
passed in."""

from __future__ import annotations

import math
from datetime import date
from typing import NamedTuple

from bot.core.catalogue import Catalogue, Offer, Place
from bot.core.eligibility import Assessment, assess
from bot.core.keys import LEVEL_UNKNOWN, level_rank
from bot.core.profile import Profile

# Distances are compared in steps of this size: within a few kilometres, an earlier start
# or a free offer matters more than the exact distance.
DISTANCE_STEP_KM = 5.0
NEARBY_KM = 3.0
KM_PER_DEGREE = 111.195


class Match(NamedTuple):
    # A named tuple, not a dataclass: thousands are made per ranking, and tuples are cheap.
    offer: Offer
    assessment: Assessment
    interest: bool  # the offer's category is one of the person's interests
    distance_km: float | None  # None: online, or no location known

    @property
    def nearby(self) -> bool:
        return self.distance_km is not None and self.distance_km <= NEARBY_KM


def german_distance(offer: Offer, profile: Profile) -> int:
    """0 when the offer starts at the person's level; larger when it starts further below."""
    level = profile.german_level
    if level in (None, LEVEL_UNKNOWN):
        return 0
    return abs(level_rank(level) - level_rank(offer.min_german or "none"))


def rank_key(match: Match, profile: Profile, today: date) -> tuple:
    """Interest first, then German level fit, distance, an early start, free; then the id."""
    offer = match.offer
    distance = match.distance_km
    return (
        not match.interest,
        german_distance(offer, profile),
        offer.online,
        distance is None,  # in person, place not known (district-wide): after located ones
        int(distance // DISTANCE_STEP_KM) if distance is not None else 0,
        max(0, (offer.start - today).days) if offer.start else 0,
        offer.cost_eur > 0,
        offer.id,
    )


def assess_all(
    catalogue: Catalogue, profile: Profile, today: date, explain: bool = True
) -> list[Match]:
    """Every offer that fits or almost fits, ranked by `rank_key`. Without `explain`, each Match
    carries only its verdict; `explained` fills in the reasons for the few that are shown."""
    place: Place | None = catalogue.places.get(profile.place or "")
    if place is None:
        return []
    district, interests = place.district, profile.interests
    # Equirectangular distance: within a district as good as great-circle, and much cheaper.
    scale = math.cos(math.radians(place.lat))
    keyed = []
    for offer in catalogue.offers_near(district):
        assessment = assess(offer, profile, district, today, explain)
        if assessment.verdict == "hidden":
            continue
        location = catalogue.locations[offer.id]
        distance = None
        if location is not None:
            dx, dy = (location[1] - place.lon) * scale, location[0] - place.lat
            distance = KM_PER_DEGREE * math.hypot(dx, dy)
        match = Match(offer, assessment, offer.category in interests, distance)
        keyed.append((rank_key(match, profile, today), match))
    keyed.sort(key=lambda pair: pair[0])
    return [match for _key, match in keyed]


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
