"""Which offers fit a profile, which almost fit, in what order, and why. Pure: the day is
passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.catalogue import Catalogue, Offer, Place
from bot.core.eligibility import Assessment, assess
from bot.core.keys import LEVEL_UNKNOWN, level_rank
from bot.core.places import distance_km
from bot.core.profile import Profile

# Distances are compared in steps of this size: within a few kilometres, an earlier start
# or a free offer matters more than the exact distance.
DISTANCE_STEP_KM = 5.0
NEARBY_KM = 3.0


@dataclass(frozen=True)
class Match:
    offer: Offer
    assessment: Assessment
    interest: bool  # the offer's category is one of the person's interests
    distance_km: float | None  # None: online, or no location known

    @property
    def nearby(self) -> bool:
        return self.distance_km is not None and self.distance_km <= NEARBY_KM


def offer_location(catalogue: Catalogue, offer: Offer) -> tuple[float, float] | None:
    if offer.online:
        return None
    if offer.lat is not None and offer.lon is not None:
        return offer.lat, offer.lon
    place = catalogue.places.get(offer.municipality)
    return (place.lat, place.lon) if place else None


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
    distance_step = int(distance // DISTANCE_STEP_KM) if distance is not None else 0
    days_to_start = max(0, (offer.start - today).days) if offer.start else 0
    return (
        not match.interest,
        german_distance(offer, profile),
        offer.online,
        distance is None,  # in person, place not known (district-wide): after located ones
        distance_step,
        days_to_start,
        offer.cost_eur > 0,
        offer.id,
    )


def assess_all(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    place: Place | None = catalogue.places.get(profile.place or "")
    if place is None:
        return []
    matches = []
    for offer in catalogue.offers.values():
        assessment = assess(offer, profile, place.district, today)
        if assessment.verdict == "hidden":
            continue
        location = offer_location(catalogue, offer)
        distance = distance_km(place.lat, place.lon, *location) if location else None
        matches.append(Match(offer, assessment, offer.category in profile.interests, distance))
    matches.sort(key=lambda m: rank_key(m, profile, today))
    return matches


def match_offers(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """The fitting offers, best first."""
    return [m for m in assess_all(catalogue, profile, today) if m.assessment.verdict == "fit"]


def almost_offers(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """Offers with exactly one missing condition that a step would unlock, best first."""
    return [m for m in assess_all(catalogue, profile, today) if m.assessment.verdict == "almost"]


def fitting_ids(catalogue: Catalogue, profile: Profile, today: date) -> frozenset[str]:
    return frozenset(m.offer.id for m in match_offers(catalogue, profile, today))
