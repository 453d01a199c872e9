"""Which offers fit a profile, in what order, and why. Pure: the day is passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.catalogue import Catalogue, Offer
from bot.core.keys import LEVEL_UNKNOWN, STATUS_UNKNOWN, level_rank
from bot.core.profile import Profile


@dataclass(frozen=True)
class Match:
    offer: Offer
    interest: bool  # the offer's category is one of the person's interests
    nearby: bool  # in the person's own municipality


def is_eligible(offer: Offer, profile: Profile, district: str, today: date) -> bool:
    """Hard rules. "I don't know" for status or German level never excludes."""
    if not offer.is_valid_on(today):
        return False
    if offer.district != district and not offer.online:
        return False
    age = profile.age
    if age is not None:
        if offer.min_age is not None and age < offer.min_age:
            return False
        if offer.max_age is not None and age > offer.max_age:
            return False
    status = profile.status
    if offer.statuses is not None and status not in (None, STATUS_UNKNOWN, *offer.statuses):
        return False
    level = profile.german_level
    if level not in (None, LEVEL_UNKNOWN):
        if offer.min_german and level_rank(level) < level_rank(offer.min_german):
            return False
        if offer.max_german and level_rank(level) > level_rank(offer.max_german):
            return False
    return True


def match_offers(catalogue: Catalogue, profile: Profile, today: date) -> list[Match]:
    """Eligible offers, best first: interests, then the person's own town, then by id."""
    place = catalogue.places.get(profile.place or "")
    if place is None:
        return []
    matches = [
        Match(
            offer,
            interest=offer.category in profile.interests,
            nearby=bool(offer.municipality) and offer.municipality == place.municipality,
        )
        for offer in catalogue.offers.values()
        if is_eligible(offer, profile, place.district, today)
    ]
    matches.sort(key=lambda m: (not m.interest, not m.nearby, m.offer.online, m.offer.id))
    return matches
