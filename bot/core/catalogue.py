"""The offer catalogue and the places it serves, read from `data/` and checked row by row."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.keys import GERMAN_LEVELS, INTERESTS, STATUSES

T = TypeVar("T")


class CatalogueError(ValueError):
    """All problems found in `data/`, one `file:row: field: problem` line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


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
    school_certificate_required: bool = False
    start: date | None = None  # None: rolling, join any time
    rules_checked: date | None = None
    keywords: tuple[str, ...] = ()

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
        """The offers someone in `district` could reach: there, or online from elsewhere."""
        local = self.offers_by_district.get(district, ())
        return [*local, *(o for o in self.online_offers if o.district != district)]

    def district_of(self, place_id: str) -> District | None:
        place = self.places.get(place_id)
        return self.districts.get(place.district) if place else None


_KEY = re.compile(r"^[a-z0-9_]+$")
_OFFER_ID = re.compile(r"^[A-Z0-9-]+$")
_POSTCODE = re.compile(r"^\d{5}$")
PLACE_KINDS = frozenset({"stadt", "gemeinde", "ortsteil"})


class CsvRow:
    """One CSV row; each getter records a problem instead of raising, so all are reported."""

    def __init__(self, source: str, line: int, values: dict[str, str], problems: list[str]):
        self.source, self.line, self.values, self.problems = source, line, values, problems

    def problem(self, name: str, text: str) -> None:
        self.problems.append(f"{self.source}:{self.line}: {name}: {text}")

    def text(self, name: str, required: bool = True) -> str:
        value = (self.values.get(name) or "").strip()
        if required and not value:
            self.problem(name, "is required")
        return value

    def parse(self, name: str, convert: Callable[[str], T], hint: str, required: bool) -> T | None:
        raw = self.text(name, required)
        if not raw:
            return None
        try:
            return convert(raw)
        except ValueError:
            self.problem(name, f"{raw!r} is not {hint}")
            return None

    def key(self, name: str, pattern: re.Pattern[str] = _KEY) -> str:
        value = self.text(name)
        if value and not pattern.match(value):
            self.problem(name, f"{value!r} must match {pattern.pattern}")
        return value

    def choice(self, name: str, allowed: tuple[str, ...] | frozenset[str], required=True) -> str:
        value = self.text(name, required)
        if value and value not in allowed:
            self.problem(name, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    def yes_no(self, name: str) -> bool:
        return self.choice(name, ("yes", "no")) == "yes"

    def number(self, name: str, required: bool = False) -> float | None:
        return self.parse(name, float, "a number", required)

    def whole(self, name: str) -> int | None:
        value = self.parse(name, int, "a whole number", False)
        if value is not None and not 0 <= value <= 120:
            self.problem(name, f"{value} is not an age")
        return value

    def day(self, name: str) -> date | None:
        return self.parse(name, date.fromisoformat, "a date like 2026-08-01", False)

    def items(self, name: str, required: bool = True) -> tuple[str, ...]:
        return tuple(i.strip() for i in self.text(name, required).split(";") if i.strip())

    def coordinates(self, required: bool) -> tuple[float | None, float | None]:
        lat, lon = self.number("lat", required), self.number("lon", required)
        if (lat is None) != (lon is None):
            self.problem("lat", "give both lat and lon, or none")
        if lat is not None and not (47.0 <= lat <= 55.5 and 5.5 <= (lon or 0) <= 15.5):
            self.problem("lat", f"{lat}, {lon} is not in Germany")
        return lat, lon


def csv_rows(path: Path, required: tuple[str, ...], problems: list[str]) -> Iterator[CsvRow]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                problems.append(f"{path}:1: header: missing column(s) {', '.join(missing)}")
                return
            for row in reader:
                if None in row:
                    problems.append(f"{path}:{reader.line_num}: row: more fields than the header")
                    continue
                yield CsvRow(str(path), reader.line_num, row, problems)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{path}:0: file: cannot be read ({exc})")


def load_catalogue(folder: Path) -> Catalogue:
    problems: list[str] = []
    districts = _load_districts(folder / "districts.csv", problems)
    places = _load_places(folder / "places.csv", districts, problems)
    offers: dict[str, Offer] = {}
    offer_files = sorted((folder / "offers").glob("*.csv"))
    if not offer_files:
        problems.append(f"{folder / 'offers'}:0: file: no offer files (*.csv) found")
    for path in offer_files:
        _load_offers(path, districts, places, offers, problems)
    concepts: dict[str, Concept] = {}
    if (folder / "search_terms.csv").exists():
        concepts = _load_concepts(folder / "search_terms.csv", problems)
    if problems:
        raise CatalogueError(problems)
    return Catalogue(districts, places, offers, concepts)


def _load_concepts(path: Path, problems: list[str]) -> dict[str, Concept]:
    concepts: dict[str, Concept] = {}
    for row in csv_rows(
        path, ("concept", "category", "keywords_de", "terms", "label_en"), problems
    ):
        concept = Concept(
            id=row.key("concept"),
            category=row.choice("category", INTERESTS),
            keywords_de=row.items("keywords_de", required=False),
            terms=row.items("terms"),
            labels={
                name.removeprefix("label_"): value.strip()
                for name, value in row.values.items()
                if name.startswith("label_") and (value or "").strip()
            },
        )
        if "en" not in concept.labels:
            row.problem("label_en", "is required")
        if concept.id in concepts:
            row.problem("concept", f"duplicate concept {concept.id!r}")
        concepts[concept.id] = concept
    return concepts


def _load_districts(path: Path, problems: list[str]) -> dict[str, District]:
    districts: dict[str, District] = {}
    for row in csv_rows(path, ("id", "name", "state", "timezone"), problems):
        district = District(
            row.key("id"), row.text("name"), row.text("state"), row.text("timezone")
        )
        try:
            ZoneInfo(district.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            row.problem("timezone", f"{district.timezone!r} is not a known time zone")
        if district.id in districts:
            row.problem("id", f"duplicate id {district.id!r}")
        districts[district.id] = district
    return districts


def _load_places(path: Path, districts: dict[str, District], problems: list[str]):
    places: dict[str, Place] = {}
    part_refs: list[tuple[CsvRow, str]] = []
    columns = ("id", "name", "kind", "district", "part_of", "postcodes", "lat", "lon", "aliases")
    for row in csv_rows(path, columns, problems):
        place_id = row.key("id")
        kind = row.choice("kind", PLACE_KINDS)
        district = row.choice("district", frozenset(districts))
        part_of = row.text("part_of", required=kind == "ortsteil")
        postcodes = row.items("postcodes")
        for code in postcodes:
            if not _POSTCODE.match(code):
                row.problem("postcodes", f"{code!r} is not a five-digit postcode")
        lat, lon = row.coordinates(required=True)
        if place_id in places:
            row.problem("id", f"duplicate id {place_id!r}")
        if part_of:
            part_refs.append((row, part_of))
        places[place_id] = Place(
            place_id, row.text("name"), kind, district, part_of, postcodes,
            lat or 0.0, lon or 0.0, row.items("aliases", required=False),
        )  # fmt: skip
    for row, part_of in part_refs:
        if part_of not in places:
            row.problem("part_of", f"unknown place {part_of!r}")
    return places


OFFER_COLUMNS = (
    "id", "district", "municipality", "title_de", "summary_de", "provider", "category",
    "online", "min_age", "max_age", "statuses", "min_german", "max_german", "cost_eur",
    "cost_note_de", "schedule_de", "address", "lat", "lon", "contact", "contact_is_example",
    "source_url", "needs_verification", "valid_from", "valid_until",
)  # fmt: skip


def _load_offers(path, districts, places, offers: dict[str, Offer], problems: list[str]) -> None:
    for row in csv_rows(path, OFFER_COLUMNS, problems):
        offer_id = row.key("id", _OFFER_ID)
        district = row.choice("district", frozenset(districts))
        if district and district != path.stem:
            row.problem("district", f"{district!r} does not match the file name {path.stem!r}")
        municipality = row.text("municipality", required=False)
        if municipality and municipality not in places:
            row.problem("municipality", f"unknown place {municipality!r}")
        statuses_raw = row.items("statuses")
        statuses = None if statuses_raw == ("all",) else frozenset(statuses_raw)
        for status in statuses or ():
            if status not in STATUSES:
                row.problem("statuses", f"{status!r} is not one of all, {', '.join(STATUSES)}")
        min_age, max_age = row.whole("min_age"), row.whole("max_age")
        if min_age is not None and max_age is not None and min_age > max_age:
            row.problem("max_age", f"{max_age} is below min_age {min_age}")
        min_german = row.choice("min_german", GERMAN_LEVELS, required=False) or None
        max_german = row.choice("max_german", GERMAN_LEVELS, required=False) or None
        if (
            min_german in GERMAN_LEVELS
            and max_german in GERMAN_LEVELS
            and GERMAN_LEVELS.index(min_german) > GERMAN_LEVELS.index(max_german)
        ):
            row.problem("max_german", f"{max_german} is below min_german {min_german}")
        cost = row.number("cost_eur", required=True)
        if cost is not None and cost < 0:
            row.problem("cost_eur", "must not be negative")
        source_url = row.text("source_url")
        if source_url and not source_url.startswith("https://"):
            row.problem("source_url", "must start with https://")
        valid_from, valid_until = row.day("valid_from"), row.day("valid_until")
        if valid_from and valid_until and valid_from > valid_until:
            row.problem("valid_until", "is before valid_from")
        lat, lon = row.coordinates(required=False)
        translations = {
            kind: {
                name.removeprefix(f"{kind}_"): value.strip()
                for name, value in row.values.items()
                if name.startswith(f"{kind}_") and name != f"{kind}_de" and (value or "").strip()
            }
            for kind in ("title", "summary")
        }
        offer = Offer(
            id=offer_id,
            district=district,
            municipality=municipality,
            title_de=row.text("title_de"),
            summary_de=row.text("summary_de"),
            provider=row.text("provider"),
            category=row.choice("category", INTERESTS),
            online=row.yes_no("online"),
            min_age=min_age,
            max_age=max_age,
            statuses=statuses,
            min_german=min_german,
            max_german=max_german,
            cost_eur=cost or 0.0,
            cost_note_de=row.text("cost_note_de", required=False),
            schedule_de=row.text("schedule_de"),
            address=row.text("address", required=False),
            lat=lat,
            lon=lon,
            contact=row.text("contact"),
            contact_is_example=row.yes_no("contact_is_example"),
            source_url=source_url,
            needs_verification=row.yes_no("needs_verification"),
            valid_from=valid_from,
            valid_until=valid_until,
            titles=translations["title"],
            summaries=translations["summary"],
        )
        start_raw = row.text("start", required=False)
        start = None if start_raw in ("", "rolling") else row.day("start")
        offer = replace(
            offer,
            school_certificate_required=row.text("school_certificate_required", False) == "yes",
            start=start,
            rules_checked=row.day("rules_checked"),
            keywords=row.items("keywords", required=False),
        )
        if row.text("school_certificate_required", False) not in ("", "yes", "no"):
            row.problem("school_certificate_required", "must be yes or no")
        if offer_id in offers:
            row.problem("id", f"duplicate id {offer_id!r} (ids are unique across all files)")
        offers[offer_id] = offer
