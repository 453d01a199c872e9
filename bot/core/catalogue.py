"""The offer catalogue and the places it serves: the values the matching reads (loaded and
checked by `bot.content`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from bot.core.offer_facts import NO_FACTS, OfferFacts

if TYPE_CHECKING:
    from bot.core.cards import Card


class CatalogueError(ValueError):
    """All problems found in `data/`, one `file:row: field: problem` line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# People outside the served districts: their postcode area (the first two digits, nothing
# finer) is a place of this built-in district, which holds the nationwide offers
# (data/offers/bundesweit.csv); they see those and every online offer.
NATIONWIDE = "bundesweit"
AREA_PREFIX = "area:"


def area_id(postcode: str) -> str:
    return f"{AREA_PREFIX}{postcode[:2]}"


def nationwide_district() -> District:
    return District(NATIONWIDE, "Deutschland (bundesweit)", "", "Europe/Berlin")


def postcode_areas() -> dict[str, Place]:
    """The 99 postcode areas (01-99), at the middle of Germany (no one is nearer to an
    offer than another: their offers are online)."""
    areas = (area_id(f"{n:02d}") for n in range(1, 100))
    return {key: Place(key, key[-2:], "area", NATIONWIDE, "", (), 51.16, 10.45) for key in areas}


def in_language(texts: dict[str, str], language: str) -> str:
    """A text in `language`, or in its base language ("fa_AF" -> "fa"), or ""."""
    return texts.get(language) or texts.get(language.split("_")[0], "")


@dataclass(frozen=True)
class District:
    id: str
    name: str
    state: str
    timezone: str


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    district: str
    part_of: str
    postcodes: tuple[str, ...]
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()

    @property
    def municipality(self) -> str:
        """The municipality id: a city part counts as its city."""
        return self.part_of or self.id


@dataclass(frozen=True)
class Condition:
    """What one status needs for one offer (data/conditions.csv)."""

    offer: str
    status: str
    min_months: int | None = None  # months in Germany
    min_months_reception: int | None = None  # instead, while living in a reception centre
    reception_excluded: bool = False  # not while obliged to live in a reception centre
    safe_country_excluded: bool = False  # not for nationals of safe countries (shown only)
    permission: str = ""  # e.g. "auslaenderbehoerde": needs its permission (shown)
    referral: str = ""  # instead of the offer's referral, for this status
    legal_basis: str = ""
    source: str = ""

    def months_needed(self, in_reception: bool) -> int | None:
        if in_reception and self.min_months_reception is not None:
            return self.min_months_reception
        return self.min_months


@dataclass(frozen=True)
class DatedRule:
    """A rule that holds from a date (until a date): the 2026 Integrationskurs stop."""

    id: str
    kind: str  # "admission_stop"
    statuses: frozenset[str]
    starts: date
    until: date | None
    routes: tuple[str, ...]  # what remains: "entitlement", "obligation", "self_payer"
    legal_basis: str
    source: str

    def applies(self, status: str | None, day: date) -> bool:
        return (
            status in self.statuses
            and self.starts <= day
            and (self.until is None or day <= self.until)
        )


@dataclass(frozen=True)
class SchoolRule:
    """How long school is compulsory in a state (data/school_obligation.csv)."""

    state: str
    ends: str  # "before_school_year_of_18", "end_of_school_year_of_18", "half_year_of_18"
    reception_exempt: bool
    source: str


@dataclass(frozen=True)
class SafeCountry:
    code: str  # ISO 3166 alpha-2 (XK for Kosovo)
    since: date
    source: str


@dataclass(frozen=True)
class Offer:
    id: str
    district: str
    municipality: str
    title_de: str
    summary_de: str
    provider: str
    category: str
    online: bool
    min_age: int | None
    max_age: int | None
    statuses: frozenset[str] | None  # None: open to every status
    min_german: str | None
    max_german: str | None
    cost_eur: float
    cost_note_de: str
    schedule_de: str
    address: str
    lat: float | None
    lon: float | None
    contact: str
    contact_is_example: bool
    source_url: str
    needs_verification: bool
    valid_from: date | None
    valid_until: date | None
    titles: dict[str, str] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)
    providers: dict[str, str] = field(default_factory=dict)  # descriptive ones, translated
    start: date | None = None  # None: rolling, join any time
    rules_checked: date | None = None
    keywords: tuple[str, ...] = ()
    offer_type: str = ""
    school_obligation: str = "any"  # "any", "required" (only pupils), "excluded" (no pupils)
    rules: tuple[DatedRule, ...] = ()  # dated rules that apply (an admission stop)
    referral: str = ""  # who must refer or admit: "agentur_fuer_arbeit", "jobcenter", ...
    conditions: dict[str, Condition] = field(default_factory=dict)  # by status
    facts: OfferFacts = NO_FACTS  # schedule, cost, requirements, next step (structured)
    availability: str = "open"  # "open", "waiting_list", "stopped" (no new places now)
    leads_to: tuple[str, ...] = ()  # offers of the district this one is a step towards

    def title_in(self, language: str) -> str:
        """The translated title ("fa_AF" falls back to "fa"), or "" if there is none."""
        return in_language(self.titles, language)

    def summary_in(self, language: str) -> str:
        return in_language(self.summaries, language)

    def provider_in(self, language: str) -> str:
        """The provider in `language`, else as written (a name, or German)."""
        return in_language(self.providers, language) or self.provider

    @property
    def school_certificate_required(self) -> bool:
        return "school_certificate" in self.facts.requires

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class Concept:
    """Something people search for ("nursing"), with the words they use for it."""

    id: str
    category: str
    keywords_de: tuple[str, ...]
    terms: tuple[str, ...]
    labels: dict[str, str]  # language -> name; "en" is always there

    def label(self, language: str) -> str:
        return (
            self.labels.get(language)
            or self.labels.get(language.split("_")[0])
            or self.labels["en"]
        )


@dataclass(frozen=True)
class Catalogue:
    districts: dict[str, District]
    places: dict[str, Place]
    offers: dict[str, Offer]
    concepts: dict[str, Concept] = field(default_factory=dict)
    rules: dict[str, DatedRule] = field(default_factory=dict)
    school_rules: dict[str, SchoolRule] = field(default_factory=dict)  # by state
    safe_countries: tuple[SafeCountry, ...] = ()
    # Event titles by language and event id, from data/translations (applied by the event
    # loader, which comes after the catalogue).
    event_titles: dict[str, dict[str, str]] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)  # answer cards, by id

    @cached_property
    def offers_by_district(self) -> dict[str, tuple[Offer, ...]]:
        """Offers by the district that holds them."""
        grouped: dict[str, list[Offer]] = {}
        for offer in self.offers.values():
            grouped.setdefault(offer.district, []).append(offer)
        return {key: tuple(offers) for key, offers in grouped.items()}

    @cached_property
    def locations(self) -> dict[str, tuple[float, float] | None]:
        """Where each offer takes place: its address, else its municipality; None online."""
        result: dict[str, tuple[float, float] | None] = {}
        for offer in self.offers.values():
            place = self.places.get(offer.municipality)
            if offer.online:
                result[offer.id] = None
            elif offer.lat is not None and offer.lon is not None:
                result[offer.id] = (offer.lat, offer.lon)
            else:
                result[offer.id] = (place.lat, place.lon) if place else None
        return result

    @cached_property
    def online_offers(self) -> tuple[Offer, ...]:
        return tuple(o for o in self.offers.values() if o.online)

    def offers_near(self, district: str) -> list[Offer]:
        """The offers someone in `district` could reach: there, or online from elsewhere.
        The nationwide ones are for people outside the served districts."""
        local = self.offers_by_district.get(district, ())
        online = (o for o in self.online_offers if o.district not in (district, NATIONWIDE))
        return [*local, *online]

    @cached_property
    def served_districts(self) -> tuple[District, ...]:
        """The districts Lotse knows towns in (not the nationwide one)."""
        return tuple(d for d in self.districts.values() if d.id != NATIONWIDE)

    def district_of(self, place_id: str) -> District | None:
        place = self.places.get(place_id)
        return self.districts.get(place.district) if place else None
