"""The needs report of a district: who uses Lotse, which needs no offer meets and why, what
people looked for, how offers and events are used, and the paths offers lead along.

Computed at report time from the stored profiles (aggregates only, never a single person) and
from the counters; every count goes through `suppression` before anyone sees it. People with
the same answers are assessed once (a district has many people and few offers).

One module, over 300 lines: the tables, their sum constraints and the assessment of distinct
answers are built in one pass over the people; split, the constraints would have to be rebuilt
from the outside.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.core.catalogue import Catalogue, Offer
from bot.core.eligibility import assess
from bot.core.keys import GERMAN_LEVELS, INTERESTS, STATUSES
from bot.core.matching import person_for
from bot.core.profile import Profile
from bot.core.quick_rules import FIT_V, compile_rules, facts_of, quick_verdict
from bot.core.suppression import Constraint, suppress

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("14–15", 14, 15), ("16–17", 16, 17), ("18–20", 18, 20), ("21–24", 21, 24),
    ("25–27", 25, 27),
)  # fmt: skip
OTHER_AGE = "other"
CASE_OUTCOMES = ("advised", "referred", "no_contact", "timeout")  # "Talk to a person"
UNKNOWN = "unknown"
# What keeps a person out of an offer, from the rule that failed (the first one that did).
BLOCKS = {
    "min_german": "german", "max_german": "german", "min_age": "age", "max_age": "age",
    "status": "status", "months": "waiting", "reception": "waiting", "school": "school",
    "stop": "stop", "district": "place",
}  # fmt: skip
BLOCK_ORDER = ("german", "age", "status", "waiting", "school", "stop", "place")
GAPS_LISTED = 10
FINE_GAPS_ENOUGH = 3  # with fewer fine gaps than this, the coarse groups are listed too
OPENERS_LISTED = 10


@dataclass(frozen=True)
class PersonFacts:
    """One stored person, as the report needs them (no id, no channel)."""

    profile: Profile
    language: str
    created: date
    active: date  # the last day they used Lotse
    opened: bool = False  # opened an offer's details at least once
    engaged: bool = False  # saved an offer or asked for an event reminder
    synthetic: bool = False  # a made-up person of the demo population


@dataclass(frozen=True)
class Usage:
    """The counters and marks of the period, for the district."""

    searches: dict[tuple[str, str], int] = field(default_factory=dict)  # (concept, language)
    cards: dict[str, int] = field(default_factory=dict)
    outside: dict[str, int] = field(default_factory=dict)  # postcode area (2 digits)
    opened: dict[str, int] = field(default_factory=dict)  # offer id -> openings
    saved: dict[str, int] = field(default_factory=dict)
    dismissed: dict[str, int] = field(default_factory=dict)
    subscribers: dict[str, int] = field(default_factory=dict)  # event id
    went: dict[str, dict[str, int]] = field(default_factory=dict)  # event id -> answer -> n
    started: int = 0  # /start before agreeing
    cases: dict[str, int] = field(default_factory=dict)  # counselling outcome -> cases


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[str]:
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


@dataclass(frozen=True)
class Row:
    keys: tuple[str, ...]
    value: int | None  # None: hidden (see suppression)


@dataclass(frozen=True)
class Table:
    """One table of the report: key columns, then a count; `total` None when hidden, and
    `has_total` False where the rows do not add up (people with several interests)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: int | None = None
    has_total: bool = False


@dataclass(frozen=True)
class Opener:
    """ "If this offer accepted what these people have, they would fit."""

    offer: str
    rule: str  # the gap rule: min_german, min_age, months, school, stop
    have: str
    need: str
    people: int | None


@dataclass(frozen=True)
class PathStep:
    offer: str
    leads_to: tuple[str, ...]
    people: int | None  # for whom this step fits now (they stand before it)


@dataclass(frozen=True)
class Report:
    district: str
    period: Period
    made_on: date
    people: int | None
    tables: dict[str, Table]
    gaps: tuple[tuple[tuple[str, ...], int], ...]  # (interest, status, age band, level), n
    openers: tuple[Opener, ...]
    paths: tuple[PathStep, ...]
    synthetic: bool = False  # made from the demo population: say so on every page

    def table(self, name: str) -> Table:
        return self.tables[name]


def age_band(low: int | None, high: int | None) -> str:
    if low is None or high is None:
        return UNKNOWN
    for name, first, last in AGE_BANDS:
        if first <= low and high <= last:
            return name
    return OTHER_AGE


@dataclass
class _Counts:
    """Raw counts by id, and the sums that tie them (for secondary suppression)."""

    values: dict[str, int] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)
    tables: list[tuple[str, tuple[str, ...], list[tuple[tuple[str, ...], str]], str, bool]] = (
        field(default_factory=list)
    )

    def table(
        self, name: str, columns: tuple[str, ...], counts: dict[tuple[str, ...], int],
        total: int | None = None, order: Iterable[tuple[str, ...]] | None = None,
        total_id: str | None = None,
    ) -> None:  # fmt: skip
        keys = list(order) if order is not None else sorted(counts)
        rows = []
        for key in keys:
            cell = f"{name}|{'|'.join(key)}"
            self.values[cell] = counts.get(key, 0)
            rows.append((key, cell))
        total_cell = total_id or f"{name}|total"
        if total is not None:
            self.values.setdefault(total_cell, total)
            self.constraints.append(Constraint(total_cell, tuple(c for _, c in rows)))
        self.tables.append((name, columns, rows, total_cell, total is not None))


@dataclass(frozen=True)
class _Category:
    """What the offers of one category say to people with the same answers."""

    fit: bool
    almost: bool
    blocks: frozenset[str]  # the blocking conditions of its offers
    openers: tuple[tuple[str, str, str, str], ...]  # (offer, gap rule, have, need)


@dataclass
class _Answers:
    """People with the same answers: their age band, the offers that fit, and per category
    (computed when someone of them wants it) what keeps them out."""

    band: str
    fitting: tuple[int, ...]  # indexes of the fitting offers
    person: object
    categories: dict[str, _Category] = field(default_factory=dict)


_KEY = ("birth", "age", "status", "german_level", "arrival", "reception")


class _Assessor:
    """Assesses each distinct set of answers once: quick verdicts for every offer (what the
    lists use), the full reasons only for a category in which nothing fits."""

    def __init__(self, catalogue: Catalogue, offers: list[Offer], district: str, today: date):
        self.catalogue, self.offers, self.district, self.today = catalogue, offers, district, today
        self.rules = [compile_rules(o) for o in offers]
        self.day = today.toordinal()
        self.by_category: dict[str, list[int]] = defaultdict(list)
        for i, offer in enumerate(offers):
            self.by_category[offer.category].append(i)
        self.cache: dict[tuple, _Answers] = {}

    def answers(self, profile: Profile) -> _Answers:
        values = profile.values
        # The town does not change a verdict inside the district: it is not part of the key.
        key = tuple(values.get(name) for name in _KEY)
        found = self.cache.get(key)
        if found is None:
            person = person_for(self.catalogue, profile, self.today)
            facts = facts_of(person)
            fitting = tuple(
                i for i, rules in enumerate(self.rules)
                if quick_verdict(rules, self.day, facts) == FIT_V
            )  # fmt: skip
            found = _Answers(age_band(person.age_low, person.age_high), fitting, person)
            self.cache[key] = found
        return found

    def category(self, answers: _Answers, category: str) -> _Category:
        found = answers.categories.get(category)
        if found is None:
            indexes = self.by_category.get(category, [])
            fit = any(i in answers.fitting for i in indexes)
            almost, blocks, openers = False, set(), []
            if not fit:
                for i in indexes:
                    offer = self.offers[i]
                    verdict = assess(offer, answers.person, self.district, self.today)  # type: ignore[arg-type]
                    rule = verdict.gap.rule if verdict.verdict == "almost" and verdict.gap else (
                        verdict.hidden_by)  # fmt: skip
                    if rule in BLOCKS:
                        blocks.add(BLOCKS[rule])
                    if verdict.verdict == "almost" and verdict.gap is not None:
                        almost = True
                        gap = verdict.gap
                        openers.append((offer.id, gap.rule, gap.have, gap.need))
            found = _Category(fit, almost, frozenset(blocks), tuple(openers))
            answers.categories[category] = found
        return found


def build_report(
    catalogue: Catalogue,
    events: dict,
    district: str,
    people: Iterable[PersonFacts],
    usage: Usage,
    period: Period,
    today: date,
    trend: dict[str, tuple[int, int]] | None = None,
) -> Report:
    """The report of `district` for the people active in `period`. `trend`: new and active
    people per month from earlier snapshots (kept, already suppressed), used for months it
    has."""
    offers = sorted(
        (o for o in catalogue.offers.values() if o.district == district), key=lambda o: o.id
    )
    index = {o.id: i for i, o in enumerate(offers)}
    counts = _Counts()
    assessor = _Assessor(catalogue, offers, district, today)
    by: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    new_by_month: Counter[tuple[str, ...]] = Counter()
    active_by_month: Counter[tuple[str, ...]] = Counter()
    with_interest: Counter[tuple[str, ...]] = Counter()
    no_fit: Counter[tuple[str, ...]] = Counter()
    almost_only: Counter[tuple[str, ...]] = Counter()
    breakdown: Counter[tuple[str, ...]] = Counter()
    blocked: Counter[tuple[str, ...]] = Counter()
    openers: Counter[tuple[str, str, str, str]] = Counter()
    in_list: Counter[str] = Counter()
    funnel: Counter[str] = Counter()
    total = 0
    synthetic = False
    for facts in people:
        profile = facts.profile
        place = catalogue.places.get(profile.place or "")
        if place is None or place.district != district:
            continue
        synthetic |= facts.synthetic
        month_created = facts.created.strftime("%Y-%m")
        if period.holds(facts.created):
            new_by_month[(month_created,)] += 1
            funnel["agreed"] += 1
            if profile.interests:
                funnel["finished"] += 1
            funnel["opened"] += facts.opened
            funnel["engaged"] += facts.engaged
        if not period.holds(facts.active):
            continue
        active_by_month[(facts.active.strftime("%Y-%m"),)] += 1
        total += 1
        answers = assessor.answers(profile)
        band = answers.band
        status = profile.status or UNKNOWN
        level = profile.german_level or UNKNOWN
        by["age"][(band,)] += 1
        by["status"][(status,)] += 1
        by["german"][(level,)] += 1
        by["language"][(facts.language or UNKNOWN,)] += 1
        for interest in profile.interests:
            by["interest"][(interest,)] += 1
        for i in answers.fitting:
            in_list[offers[i].id] += 1
        kept_out: set[str] = set()
        for interest in profile.interests:
            with_interest[(interest,)] += 1
            category = assessor.category(answers, interest)
            if category.fit:
                continue
            no_fit[(interest,)] += 1
            breakdown[(interest, status, band, level)] += 1
            if category.almost:
                almost_only[(interest,)] += 1
            kept_out |= category.blocks
            for opener in category.openers:
                openers[opener] += 1
        for block in kept_out:
            blocked[(block,)] += 1

    interests = [(i,) for i in INTERESTS]
    counts.table("age", ("age band",), by["age"], total, order=[
        *((n,) for n, _, _ in AGE_BANDS), (OTHER_AGE,), (UNKNOWN,)], total_id="people")
    counts.table("status", ("status",), by["status"], total,
                 order=[*((s,) for s in STATUSES), (UNKNOWN,)], total_id="people")
    counts.table("german", ("German level",), by["german"], total,
                 order=[*((g,) for g in GERMAN_LEVELS), (UNKNOWN,)], total_id="people")
    counts.table("language", ("language",), by["language"], total, total_id="people")
    counts.table("interest", ("interest",), by["interest"], order=interests)
    months = [(m,) for m in period.months()]
    earlier = trend or {}
    new_counts = {k: earlier[k[0]][0] if k[0] in earlier else v for k, v in new_by_month.items()}
    active_counts = {k: v for k, v in active_by_month.items()}
    for month in earlier:
        new_counts.setdefault((month,), earlier[month][0])
        active_counts.setdefault((month,), earlier[month][1])
    counts.table("new_by_month", ("month",), new_counts, order=months)
    counts.table("active_by_month", ("month",), active_counts, order=months)
    counts.table("with_interest", ("interest",), with_interest, order=interests)
    for interest in INTERESTS:
        counts.values[f"no_fit|{interest}"] = no_fit.get((interest,), 0)
    counts.table("no_fit", ("interest",), no_fit, order=interests)
    counts.table("almost_only", ("interest",), almost_only, order=interests)
    # The breakdown of each interest's "no offer fits" adds up to it.
    cells = sorted(breakdown)
    counts.table("no_fit_by_group", ("interest", "status", "age band", "German level"),
                 breakdown, order=cells)  # fmt: skip
    for interest in INTERESTS:
        mine = tuple(f"no_fit_by_group|{'|'.join(k)}" for k in cells if k[0] == interest)
        if mine:
            counts.constraints.append(Constraint(f"no_fit|{interest}", mine))
    # Coarser groups (by one of the three only), for districts where the fine ones are small.
    # Each adds up to the interest's total and is itself the sum of its fine cells: both
    # are constraints, so that no hidden cell can be worked out across the tables.
    for position, name in ((1, "status"), (2, "age"), (3, "level")):
        coarse: Counter[tuple[str, ...]] = Counter()
        for key, n in breakdown.items():
            coarse[(key[0], key[position])] += n
        table = f"no_fit_by_{name}"
        keys = sorted(coarse)
        counts.table(table, ("interest", name), coarse, order=keys)
        for interest in INTERESTS:
            mine = tuple(f"{table}|{'|'.join(k)}" for k in keys if k[0] == interest)
            if mine:
                counts.constraints.append(Constraint(f"no_fit|{interest}", mine))
        for key in keys:
            inside = tuple(f"no_fit_by_group|{'|'.join(k)}" for k in cells
                           if k[0] == key[0] and k[position] == key[1])  # fmt: skip
            counts.constraints.append(Constraint(f"{table}|{'|'.join(key)}", inside))
    counts.table("blocked", ("condition",), blocked, order=[(b,) for b in BLOCK_ORDER])
    counts.table("searches", ("concept", "language"), dict(
        ((c, lang), n) for (c, lang), n in usage.searches.items()))  # fmt: skip
    counts.table("cards", ("card",), {(k,): v for k, v in usage.cards.items()})
    counts.table("cases", ("outcome",), {(k,): v for k, v in usage.cases.items()},
                 order=[(o,) for o in CASE_OUTCOMES])  # fmt: skip
    counts.table("outside", ("postcode area",), {(k,): v for k, v in usage.outside.items()})
    offer_ids = [(o.id,) for o in offers]
    for name, source in (("in_list", in_list), ("opened", usage.opened),
                         ("saved", usage.saved), ("dismissed", usage.dismissed)):  # fmt: skip
        counts.table(f"offer_{name}", ("offer",), {(k,): v for k, v in source.items()},
                     order=offer_ids)  # fmt: skip
    district_events = sorted(e.id for e in events.values() if e.district == district)
    counts.table("event_subscribers", ("event",),
                 {(k,): v for k, v in usage.subscribers.items()},
                 order=[(e,) for e in district_events])  # fmt: skip
    went = {(e, a): n for e, answers in usage.went.items() for a, n in answers.items()
            if e in district_events}  # fmt: skip
    counts.table("event_went", ("event", "answer"), went)
    counts.table("funnel", ("stage",), {("started",): usage.started, **{
        (k,): v for k, v in funnel.items()}},
        order=[("started",), ("agreed",), ("finished",), ("opened",), ("engaged",)])  # fmt: skip
    opener_rows = openers.most_common()
    for key, n in opener_rows:
        counts.values[f"opener|{'|'.join(key)}"] = n
    steps = [o for o in offers if o.leads_to or any(o.id in p.leads_to for p in offers)]
    for offer in steps:
        counts.values[f"path|{offer.id}"] = in_list.get(offer.id, 0)

    hidden = suppress(counts.values, counts.constraints)

    def value(cell: str) -> int | None:
        return None if cell in hidden else counts.values.get(cell, 0)

    tables = {
        name: Table(name, columns, tuple(Row(key, value(cell)) for key, cell in rows),
                    value(total_cell) if has_total else None, has_total)
        for name, columns, rows, total_cell, has_total in counts.tables
    }  # fmt: skip
    gaps = sorted(
        ((row.keys, row.value) for row in tables["no_fit_by_group"].rows
         if row.value is not None and row.value > 0),
        key=lambda item: (-item[1], item[0]),
    )  # fmt: skip
    if len(gaps) < FINE_GAPS_ENOUGH:
        # Too few fine groups of 5 or more (a small district, a short period): the coarse ones
        # say where the gaps are, with the other parts of the key left empty ("" means any).
        coarse_gaps = []
        for position, name in ((1, "status"), (2, "age"), (3, "level")):
            for row in tables[f"no_fit_by_{name}"].rows:
                if row.value is None or row.value <= 0:
                    continue
                key = ["", "", "", ""]
                key[0], key[position] = row.keys
                listed = sum(n for fine, n in gaps
                             if fine[0] == key[0] and fine[position] == key[position])  # fmt: skip
                if row.value > listed:  # it says more than the fine groups already listed
                    coarse_gaps.append((tuple(key), row.value))
        gaps += sorted(coarse_gaps, key=lambda item: (-item[1], item[0]))
    shown_openers = tuple(
        Opener(offer, rule, have, need, value(f"opener|{offer}|{rule}|{have}|{need}"))
        for (offer, rule, have, need), _n in opener_rows
    )
    shown_openers = tuple(o for o in shown_openers if o.people is not None)[:OPENERS_LISTED]
    paths = tuple(
        PathStep(o.id, tuple(t for t in o.leads_to if t in index), value(f"path|{o.id}"))
        for o in steps
    )
    return Report(
        district, period, today, value("people"), tables,
        tuple((k, n) for k, n in gaps[:GAPS_LISTED] if n is not None), shown_openers, paths,
        synthetic,
    )  # fmt: skip
