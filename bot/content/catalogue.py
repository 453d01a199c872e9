"""Loading the catalogue (districts, places, offers, search terms) from `data/` and checking it
row by row: every problem is reported at once as `file:row: field: problem`."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import rules as rule_files
from bot.content.cards import load_cards
from bot.content.facts import read_facts
from bot.content.files import Files, as_files
from bot.content.rows import CsvRow, csv_rows
from bot.content.translations import Translations, event_ids, load_translations, unknown_ids
from bot.core.catalogue import (
    NATIONWIDE,
    Catalogue,
    CatalogueError,
    Concept,
    District,
    Offer,
    Place,
    nationwide_district,
    postcode_areas,
)
from bot.core.keys import GERMAN_LEVELS, INTERESTS, REFERRALS, STATUSES

OFFER_TYPES = (
    "integrationskurs", "jugendintegrationskurs", "berufssprachkurs",
    "bes_sprache_integration", "bes_klasse2", "ifk", "fit_fuer_mehr", "bvb", "eq", "asa_flex",
    "ausbildung", "berufsfachschule", "jmd", "mbe", "school_placement",
    "garantiefonds_beratung", "anerkennungsberatung", "zeugnisbewertung",
    "kim_case_management", "berufsberatung", "jobcenter", "school_certificate_course",
    "german_online", "internship", "job", "leisure", "mentoring", "university_prep", "other",
)  # fmt: skip
SCHOOL_OBLIGATION = ("any", "required", "excluded")
AVAILABILITY = ("open", "waiting_list", "stopped")

_OFFER_ID = re.compile(r"^[A-Z0-9-]+$")
_POSTCODE = re.compile(r"^\d{5}$")
PLACE_KINDS = frozenset({"stadt", "gemeinde", "ortsteil"})


def _unknown_next_steps(
    offers: dict[str, Offer], rows: dict[str, tuple[CsvRow, tuple[str, ...]]]
) -> list[str]:
    """`leads_to` names offers of the same district (a path inside it)."""
    problems: list[str] = []
    for offer in offers.values():
        for target in offer.leads_to:
            found = offers.get(target)
            if found is None or found.district != offer.district or target == offer.id:
                row = rows[offer.id][0]
                problems.append(
                    f"{row.source}:{row.line}: leads_to: {target!r} is not another offer of "
                    f"{offer.district}"
                )
    return problems


def load_catalogue(source: Path | Files) -> Catalogue:
    """The catalogue from a folder or from texts in memory; CatalogueError lists every
    problem of every file at once."""
    files = as_files(source)
    problems: list[str] = []
    districts = _load_districts(files, "districts.csv", problems)
    places = _load_places(files, "places.csv", districts, problems)
    districts[NATIONWIDE] = nationwide_district()
    places.update(postcode_areas())
    offers: dict[str, Offer] = {}
    offer_files = files.paths("offers", ".csv")
    if not offer_files:
        problems.append(f"{files.where('offers')}:0: file: no offer files (*.csv) found")
    rule_ids: dict[str, tuple[CsvRow, tuple[str, ...]]] = {}
    for path in offer_files:
        _load_offers(files, path, districts, places, offers, rule_ids, problems)
    concepts: dict[str, Concept] = {}
    if files.read("search_terms.csv") is not None:
        concepts = _load_concepts(files, "search_terms.csv", problems)
    conditions = rule_files.load_conditions(files, "conditions.csv", offers, problems)
    dated = rule_files.load_dated_rules(files, "rules.csv", problems)
    school = rule_files.load_school_rules(files, "school_obligation.csv", problems)
    safe = rule_files.load_safe_countries(files, "safe_countries.csv", problems)
    offers = rule_files.attach(offers, conditions, dated, rule_ids)
    problems += _unknown_next_steps(offers, rule_ids)
    cards = load_cards(files, "cards", problems)
    translations = load_translations(files, "translations", problems)
    problems += unknown_ids(translations, (*offers, *event_ids(files)))
    offers = {key: _translated(offer, translations) for key, offer in offers.items()}
    event_titles = {
        language: {key: texts.title for key, texts in rows.items() if key not in offers}
        for language, rows in translations.items()
    }
    if problems:
        raise CatalogueError(problems)
    return Catalogue(districts, places, offers, concepts, dated, school, safe, event_titles, cards)


def _translated(offer: Offer, translations: Translations) -> Offer:
    """The offer with its texts from data/translations (they win over title_<lang> columns)."""
    titles, summaries, providers = dict(offer.titles), dict(offer.summaries), {}
    for language, rows in translations.items():
        texts = rows.get(offer.id)
        if texts is None:
            continue
        titles[language] = texts.title
        if texts.summary:
            summaries[language] = texts.summary
        if texts.provider:
            providers[language] = texts.provider
    return replace(offer, titles=titles, summaries=summaries, providers=providers)


def _load_concepts(files: Files, path: str, problems: list[str]) -> dict[str, Concept]:
    concepts: dict[str, Concept] = {}
    for row in csv_rows(
        files, path, ("concept", "category", "keywords_de", "terms", "label_en"), problems
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


def _load_districts(files: Files, path: str, problems: list[str]) -> dict[str, District]:
    districts: dict[str, District] = {}
    for row in csv_rows(files, path, ("id", "name", "state", "timezone"), problems):
        district = District(
            row.key("id"), row.text("name"), row.text("state"), row.text("timezone")
        )
        try:
            ZoneInfo(district.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            row.problem("timezone", f"{district.timezone!r} is not a known time zone")
        if district.id in districts:
            row.problem("id", f"duplicate id {district.id!r}")
        if district.id == NATIONWIDE:
            row.problem("id", f"{NATIONWIDE!r} is built in (its offers: offers/{NATIONWIDE}.csv)")
        districts[district.id] = district
    return districts


def _load_places(files: Files, path: str, districts: dict[str, District], problems: list[str]):
    places: dict[str, Place] = {}
    part_refs: list[tuple[CsvRow, str]] = []
    columns = ("id", "name", "kind", "district", "part_of", "postcodes", "lat", "lon", "aliases")
    for row in csv_rows(files, path, columns, problems):
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


def _load_offers(
    files: Files,
    path: str,
    districts: dict[str, District],
    places: dict[str, Place],
    offers: dict[str, Offer],
    rule_ids: dict[str, tuple[CsvRow, tuple[str, ...]]],
    problems: list[str],
) -> None:
    stem = PurePosixPath(path).stem
    for row in csv_rows(files, path, OFFER_COLUMNS, problems):
        offer_id = row.key("id", _OFFER_ID)
        district = row.choice("district", frozenset(districts))
        if district and district != stem:
            row.problem("district", f"{district!r} does not match the file name {stem!r}")
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
        translations = {kind: row.translations(kind) for kind in ("title", "summary")}
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
            facts=read_facts(row),
            start=start,
            rules_checked=row.day("rules_checked"),
            keywords=row.items("keywords", required=False),
            offer_type=row.choice("offer_type", OFFER_TYPES, required=False),
            school_obligation=row.choice("school_obligation", SCHOOL_OBLIGATION, required=False)
            or "any",
            referral=row.choice("referral", REFERRALS, required=False),
            availability=row.choice("availability", AVAILABILITY, required=False) or "open",
            leads_to=row.items("leads_to", required=False),
        )
        rule_ids[offer_id] = (row, row.items("rules", required=False))
        if offer_id in offers:
            row.problem("id", f"duplicate id {offer_id!r} (ids are unique across all files)")
        offers[offer_id] = offer
