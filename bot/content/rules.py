"""Loading the eligibility rules that are data: conditions per offer and status, dated rules
(an admission stop), compulsory school per state, safe countries of origin. Each row needs a
source; every problem is reported at once as `file:row: field: problem`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.content.files import Files
from bot.content.rows import CsvRow, csv_rows
from bot.core.catalogue import Condition, DatedRule, Offer, SafeCountry, SchoolRule
from bot.core.keys import REFERRALS, STATUSES

SCHOOL_ENDS = ("before_school_year_of_18", "end_of_school_year_of_18", "half_year_of_18")
RULE_KINDS = ("admission_stop",)
ROUTES = ("entitlement", "obligation", "self_payer")
PERMISSIONS = ("auslaenderbehoerde",)
STATES = ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST",
          "SH", "TH")  # fmt: skip


def _source(row: CsvRow) -> str:
    source = row.text("source")
    if source and not source.startswith("https://"):
        row.problem("source", "must start with https://")
    return source


def _months(row: CsvRow, name: str) -> int | None:
    value = row.parse(name, int, "a whole number of months", False)
    if value is not None and not 0 < value <= 120:
        row.problem(name, f"{value} is not a number of months from 1 to 120")
    return value


def load_conditions(
    files: Files, path: str, offers: dict[str, Offer], problems: list[str]
) -> dict:
    """{offer id: {status: Condition}}; an absent file means no conditions."""
    found: dict[str, dict[str, Condition]] = {}
    if files.read(path) is None:
        return found
    columns = ("offer", "status", "min_months", "min_months_reception", "reception",
               "safe_country", "permission", "source")  # fmt: skip
    # Optional columns: legal_basis, referral.
    for row in csv_rows(files, path, columns, problems):
        offer = row.text("offer")
        if offer and offer not in offers:
            row.problem("offer", f"unknown offer {offer!r}")
        status = row.choice("status", STATUSES)
        condition = Condition(
            offer=offer,
            status=status,
            min_months=_months(row, "min_months"),
            min_months_reception=_months(row, "min_months_reception"),
            reception_excluded=row.choice("reception", ("excluded",), required=False)
            == "excluded",
            safe_country_excluded=row.choice("safe_country", ("excluded",), required=False)
            == "excluded",
            permission=row.choice("permission", PERMISSIONS, required=False),
            referral=row.choice("referral", REFERRALS, required=False),
            legal_basis=row.text("legal_basis", required=False),
            source=_source(row),
        )
        if status in found.get(offer, {}):
            row.problem("status", f"a second condition for {offer} and {status}")
        found.setdefault(offer, {})[status] = condition
    return found


def load_dated_rules(files: Files, path: str, problems: list[str]) -> dict[str, DatedRule]:
    rules: dict[str, DatedRule] = {}
    if files.read(path) is None:
        return rules
    columns = ("id", "kind", "statuses", "from", "until", "routes", "legal_basis", "source")
    for row in csv_rows(files, path, columns, problems):
        rule_id = row.text("id")
        statuses = row.items("statuses")
        for status in statuses:
            if status not in STATUSES:
                row.problem("statuses", f"{status!r} is not one of {', '.join(STATUSES)}")
        routes = row.items("routes", required=False)
        for route in routes:
            if route not in ROUTES:
                row.problem("routes", f"{route!r} is not one of {', '.join(ROUTES)}")
        starts = row.day("from", required=True)
        until = row.day("until")
        if starts and until and until < starts:
            row.problem("until", "is before from")
        if rule_id in rules:
            row.problem("id", f"duplicate rule {rule_id!r}")
        # Kept even when broken (the problem is reported above), so that offers naming it
        # are not reported a second time as naming an unknown rule.
        rules[rule_id] = DatedRule(
            id=rule_id,
            kind=row.choice("kind", RULE_KINDS),
            statuses=frozenset(statuses),
            starts=starts or date.min,
            until=until,
            routes=routes,
            legal_basis=row.text("legal_basis"),
            source=_source(row),
        )
    return rules


def load_school_rules(files: Files, path: str, problems: list[str]) -> dict[str, SchoolRule]:
    rules: dict[str, SchoolRule] = {}
    if files.read(path) is None:
        return rules
    for row in csv_rows(files, path, ("state", "ends", "reception_exempt", "source"), problems):
        state = row.choice("state", STATES)
        if state in rules:
            row.problem("state", f"a second rule for {state}")
        rules[state] = SchoolRule(
            state, row.choice("ends", SCHOOL_ENDS), row.yes_no("reception_exempt"), _source(row)
        )
    return rules


def load_safe_countries(
    files: Files, path: str, problems: list[str]
) -> tuple[SafeCountry, ...]:
    if files.read(path) is None:
        return ()
    countries = []
    for row in csv_rows(files, path, ("country", "since", "source"), problems):
        code = row.text("country")
        if code and not (len(code) == 2 and code.isalpha() and code.isupper()):
            row.problem("country", f"{code!r} is not a two-letter country code like GE")
        since = row.day("since", required=True)
        countries.append(SafeCountry(code, since or date.min, _source(row)))
    return tuple(countries)


def attach(
    offers: dict[str, Offer],
    conditions: dict[str, dict[str, Condition]],
    rules: dict[str, DatedRule],
    rule_ids: dict[str, tuple[CsvRow, tuple[str, ...]]],
) -> dict[str, Offer]:
    """Each offer with its conditions and its dated rules (an unknown rule id is reported on
    the offer's row)."""
    result = {}
    for offer_id, offer in offers.items():
        row, ids = rule_ids.get(offer_id, (None, ()))
        dated = []
        for rule_id in ids:
            if rule_id in rules:
                dated.append(rules[rule_id])
            elif row is not None:
                row.problem("rules", f"unknown rule {rule_id!r} (see rules.csv)")
        result[offer_id] = replace(
            offer, conditions=conditions.get(offer_id, {}), rules=tuple(dated)
        )
    return result
