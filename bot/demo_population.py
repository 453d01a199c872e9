"""`lotse demo-population`: synthetic young people for one district, in a separate database.

So that a coordinator can look at the needs report before real people use the bot, and so that
tests and benchmarks have data. Every person is clearly synthetic: channel "demo", external id
"demo-<n>"; the command refuses a database that holds anyone else. `draw_people` draws them (pure,
the same seed gives the same people), `fill` stores them through the people repository.

The one exception to "all SQL lives in bot/storage": the few statements below that read the
channels present, remove an earlier demo population and date each person's activity back
(`PeopleRepository.save` dates everything "now"). They are fine for a demo tool only.

One module, over 300 lines: the distributions are data at the top, with their sources; the
drawing and the storing below them are short.
"""

from __future__ import annotations

import random
import sys
import time
from bisect import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

from bot.core.catalogue import Place
from bot.core.profile import Profile, Session
from bot.storage.base import Storage, open_storage
from bot.storage.unit import Unit

DEMO_CHANNEL = "demo"
DEFAULT_DATABASE = Path("lotse-demo.sqlite3")
BATCH = 500  # people per transaction
HISTORY_MONTHS = 12  # people joined over the last 12 calendar months (this one too)

# ---------------------------------------------------------------------------------------------
# The distributions. Sources: ../shared/research/domain.md (§ 3.1 countries of origin, § 3.2
# languages by origin); the status shares, ages, German levels and interests are the shares the
# project brief set for a rural district (an assumption, not a statistic).
# ---------------------------------------------------------------------------------------------

# Age in years on the day drawn: the focus group 14-27 (keys.FOCUS_AGE_*), most 16-24 (84 %).
AGE_WEIGHTS = {14: 2, 15: 4, 16: 8, 17: 10, 18: 11, 19: 11, 20: 10, 21: 9, 22: 8, 23: 7, 24: 6,
               25: 4, 26: 3, 27: 2}  # fmt: skip

# Residence papers (keys.STATUSES or "unknown"), in per cent ("other" is not drawn).
STATUS_WEIGHTS = {
    "gestattung": 30,
    "duldung": 15,
    "aufenthaltserlaubnis": 25,
    "protection_24": 15,  # everyone from Ukraine, and only they
    "ae_other": 5,
    "eu_citizen": 5,
    "unknown": 5,
}

# Countries of origin of everyone not from Ukraine or the EU: the BAMF asylum first
# applications January-August 2025 (domain.md § 3.1 [S110]; Venezuela left out: Spanish is not
# a shipped language).
ASYLUM_ORIGINS = {
    "syria": 17650,
    "afghanistan": 14865,
    "turkey": 8266,
    "iraq": 2841,
    "somalia": 2826,
    "russia": 2162,
    "eritrea": 1732,
    "iran": 1558,
    "guinea": 1448,
}
ORIGIN_OF_STATUS = {"protection_24": "ukraine", "eu_citizen": "eu"}

# The language each origin chooses (shipped codes, locales/), domain.md § 3.2.
LANGUAGES_BY_ORIGIN: dict[str, dict[str, float]] = {
    "syria": {"ar": 70, "ku": 30},  # ~30 % of Syrian applicants are Kurdish (Kurmanji)
    "afghanistan": {"fa_AF": 70, "ps": 30},  # Dari and Pashto (split: assumption)
    "turkey": {"ku": 60, "tr": 40},  # 84 % declared Kurdish; many read Turkish best (assumption)
    "iraq": {"ar": 59.2, "ku": 25.0, "ckb": 10.4},  # BAMF 2016 analysis
    "somalia": {"so": 1},
    "russia": {"ru": 1},  # Russian 75.9 %, Chechen 20.8 % (not shipped: Russian)
    "eritrea": {"ti": 1},
    "iran": {"fa": 1},
    "guinea": {"fr": 1},  # French as school language (assumption in § 3.2)
    "ukraine": {"uk": 75, "ru": 25},  # split: assumption
    "eu": {"en": 50, "de": 50},  # Romanian, Bulgarian, Polish are not shipped (assumption)
}
# Anyone may rather use English or German (assumption): the chance, and which.
OTHER_LANGUAGE_SHARE = 0.07
OTHER_LANGUAGES = {"en": 4, "de": 3}

# German level (keys.GERMAN_LEVELS or "unknown"), skewed low: most arrived 1-4 years ago.
GERMAN_WEIGHTS = {"none": 24, "A1": 30, "A2": 22, "B1": 12, "B2": 5, "C1": 2, "unknown": 5}

# Interests (keys.INTERESTS), each person 1-3 of them, drawn by these weights.
INTEREST_WEIGHTS = {
    "german_course": 30,
    "vocational_training": 18,
    "job": 15,
    "school_certificate": 12,
    "counselling": 8,
    "sport": 6,
    "internship": 4,
    "university": 3,
    "mentoring": 2,
    "culture_music": 1.5,
    "recognition": 1.5,
}
INTEREST_COUNT_WEIGHTS = {1: 45, 2: 35, 3: 20}

# Months since arrival in Germany, by papers (1-48 months ago; assumption: asylum procedures
# are recent, a Duldung or a residence permit after a decision comes later).
ARRIVAL_MONTHS = {
    "gestattung": (1, 24),
    "duldung": (6, 48),
    "aufenthaltserlaubnis": (6, 48),
    "protection_24": (1, 48),
    "ae_other": (1, 48),
    "eu_citizen": (1, 48),
    "unknown": (1, 48),
}
ARRIVAL_UNKNOWN_SHARE = 0.06
# Still in a reception centre (Erstaufnahme): only in the asylum procedure and in the first
# year; "no" for most.
RECEPTION_YES_SHARE = {"gestattung": 0.35}
RECEPTION_YES_MONTHS = 12
RECEPTION_UNKNOWN_SHARE = 0.05

# Where in the district: a town (stadt) more often than a village (assumption: no population
# figures in data/places.csv).
PLACE_KIND_WEIGHTS = {"stadt": 4, "gemeinde": 2, "ortsteil": 1}

# Activity: a share only answered the questions on the day they came; the others came back at
# a moment between then and now. A share opened an offer's details.
ONE_DAY_SHARE = 0.35
OPENED_OFFER_SHARE = 0.5

K = TypeVar("K")


@dataclass(frozen=True)
class DemoPerson:
    """One synthetic person: the answers of the profile flow, their language and dates."""

    number: int
    language: str
    origin: str  # not stored: only the language shows it
    values: Mapping[str, Any]  # profile field -> value, as the profile flow stores it
    created_at: datetime
    active_at: datetime
    opened_offer: bool

    @property
    def external_id(self) -> str:
        return f"demo-{self.number}"

    def session(self) -> Session:
        profile = Profile()
        for name, value in self.values.items():
            profile.set(name, value)
        return Session(
            language=self.language, consented=True, stack=[], profile=profile,
            opened_offer=self.opened_offer,
        )  # fmt: skip


Table = tuple[tuple[K, ...], tuple[float, ...]]


def _table(weights: Mapping[K, float]) -> Table[K]:
    """The keys and their cumulative weights, for drawing fast."""
    return tuple(weights), tuple(accumulate(weights.values()))


def _pick(rng: random.Random, table: Table[K]) -> K:
    keys, cumulative = table
    return keys[bisect(cumulative, rng.random() * cumulative[-1])]


def _month(end: date, months_ago: int) -> tuple[int, int]:
    index = end.year * 12 + end.month - 1 - months_ago
    return index // 12, index % 12 + 1


def _text(year_month: tuple[int, int]) -> str:
    return f"{year_month[0]:04d}-{year_month[1]:02d}"


def _interests(rng: random.Random, how_many: int) -> tuple[str, ...]:
    """`how_many` different interests, each drawn by its weight among those left."""
    left = dict(INTEREST_WEIGHTS)
    chosen = []
    for _ in range(how_many):
        interest = _pick(rng, _table(left))
        chosen.append(interest)
        del left[interest]
    return tuple(chosen)


def district_places(district: str, places: Iterable[Place]) -> list[Place]:
    """The towns and villages of a district (no postcode areas), in a fixed order."""
    return sorted(
        (p for p in places if p.kind != "area" and p.district == district), key=lambda p: p.id
    )


def draw_people(
    district: str, places: Iterable[Place], count: int, today: date, seed: int
) -> list[DemoPerson]:
    """`count` synthetic people living in `district` (places: the catalogue's), the same for the
    same arguments. `today`: a date (everyone came before it) or an aware datetime (up to it)."""
    mine = district_places(district, places)
    if not mine:
        raise ValueError(f"the district {district!r} has no places")
    if count < 0:
        raise ValueError("count must not be negative")
    if isinstance(today, datetime):
        end = today.astimezone(UTC).replace(microsecond=0)
    else:
        end = datetime(today.year, today.month, today.day, tzinfo=UTC)
    day = end.date()
    # The first day of the month 11 months back: 12 calendar months with this one.
    history = datetime(*_month(day, HISTORY_MONTHS - 1), 1, tzinfo=UTC)
    place_table = _table({p.id: PLACE_KIND_WEIGHTS.get(p.kind, 1) for p in mine})
    statuses, origins, ages = _table(STATUS_WEIGHTS), _table(ASYLUM_ORIGINS), _table(AGE_WEIGHTS)
    languages = {origin: _table(shares) for origin, shares in LANGUAGES_BY_ORIGIN.items()}
    others, levels = _table(OTHER_LANGUAGES), _table(GERMAN_WEIGHTS)
    interest_counts = _table(INTEREST_COUNT_WEIGHTS)
    rng = random.Random(seed)
    people = []
    for number in range(1, count + 1):
        status = _pick(rng, statuses)
        origin = ORIGIN_OF_STATUS.get(status) or _pick(rng, origins)
        if rng.random() < OTHER_LANGUAGE_SHARE:
            language = _pick(rng, others)
        else:
            language = _pick(rng, languages[origin])
        age = _pick(rng, ages)
        # Born 12 * age + 0..11 months ago: `age` full years old today.
        birth = _text(_month(day, 12 * age + rng.randrange(12)))
        first, last = ARRIVAL_MONTHS[status]
        arrived_ago = rng.randint(first, last)
        arrival = (
            "unknown" if rng.random() < ARRIVAL_UNKNOWN_SHARE else _text(_month(day, arrived_ago))
        )
        if rng.random() < RECEPTION_UNKNOWN_SHARE:
            reception = "unknown"
        elif arrived_ago <= RECEPTION_YES_MONTHS and rng.random() < RECEPTION_YES_SHARE.get(
            status, 0.0
        ):
            reception = "yes"
        else:
            reception = "no"
        # Came to the bot after arriving, within the last 12 months.
        arrived = datetime(*_month(day, arrived_ago), 1, tzinfo=UTC)
        start = max(history, arrived)
        span = max(int((end - start).total_seconds()), 1)
        created = start + timedelta(seconds=rng.randrange(span))
        if rng.random() < ONE_DAY_SHARE:
            active = min(created + timedelta(minutes=rng.randint(2, 30)), end)
        else:
            rest = max(int((end - created).total_seconds()), 1)
            active = created + timedelta(seconds=rng.randrange(rest))
        values = {
            "birth": birth,
            "status": status,
            "german_level": _pick(rng, levels),
            "place": _pick(rng, place_table),
            "arrival": arrival,
            "reception": reception,
            "interests": _interests(rng, _pick(rng, interest_counts)),
        }
        opened = rng.random() < OPENED_OFFER_SHARE
        people.append(DemoPerson(number, language, origin, values, created, active, opened))
    return people


class NotADemoDatabase(Exception):
    """The database holds people who are not synthetic."""


async def _others(unit: Unit) -> int:
    row = await unit.tx.fetchone("SELECT COUNT(*) FROM users WHERE channel <> ?", (DEMO_CHANNEL,))
    return int(row[0]) if row else 0


async def _clear(unit: Unit) -> int:
    """Remove an earlier demo population (the cascade takes their rows), refuse real people."""
    others = await _others(unit)
    if others:
        raise NotADemoDatabase(others)
    return await unit.tx.execute("DELETE FROM users WHERE channel = ?", (DEMO_CHANNEL,))


async def _store(unit: Unit, people: Sequence[DemoPerson], fields: Mapping[str, str]) -> None:
    dated = []
    for person in people:
        user_id = await unit.people.save(
            DEMO_CHANNEL, person.external_id, person.session(), fields, person.created_at
        )
        dated.append((person.active_at, user_id))
    # The last answer and the last input: when the person was last active.
    await unit.tx.executemany("UPDATE profiles SET updated_at = ? WHERE user_id = ?", dated)
    await unit.tx.executemany(
        "UPDATE conversation_state SET updated_at = ? WHERE user_id = ?", dated
    )


async def fill(
    storage: Storage, content: Any, district: str, count: int, now: datetime, seed: int
) -> tuple[list[DemoPerson], int]:
    """Replace the demo population of `storage` by `count` people of `district` drawn with
    `seed` (content: a bot.content.Content). Returns them and how many earlier demo people were
    removed; NotADemoDatabase when the database holds anyone else (nothing is written then)."""
    if district not in content.catalogue.districts:
        raise ValueError(f"unknown district {district!r}")
    people = draw_people(district, content.catalogue.places.values(), count, now, seed)
    shipped = set(content.catalogues.codes)
    missing = sorted({p.language for p in people} - shipped)
    if missing:
        raise ValueError(f"languages not shipped: {', '.join(missing)}")
    fields = content.profile_fields
    removed = await storage.run(_clear)
    for start in range(0, len(people), BATCH):
        batch = people[start : start + BATCH]
        await storage.run(lambda unit, batch=batch: _store(unit, batch, fields))
    return people, removed


def _shares(counter: Counter[str], total: int) -> str:
    return ", ".join(f"{key} {100 * n / total:.0f} %" for key, n in counter.most_common())


def summary(people: Sequence[DemoPerson]) -> list[str]:
    """A few lines on what was drawn (for the command's output)."""
    total = len(people)
    if not total:
        return []
    by: dict[str, Counter[str]] = {name: Counter() for name in ("status", "german_level")}
    languages: Counter[str] = Counter()
    interests: Counter[str] = Counter()
    places: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for person in people:
        for name, counter in by.items():
            counter[person.values[name]] += 1
        languages[person.language] += 1
        interests.update(person.values["interests"])
        places[person.values["place"]] += 1
        months[person.created_at.strftime("%Y-%m")] += 1
    return [
        f"  papers: {_shares(by['status'], total)}",
        f"  languages: {_shares(languages, total)}",
        f"  German: {_shares(by['german_level'], total)}",
        f"  interests (share of people): {_shares(interests, total)}",
        f"  places: {len(places)} of the district's, most: "
        + ", ".join(f"{p} {n}" for p, n in places.most_common(3)),
        "  new per month: " + ", ".join(f"{m} {months[m]}" for m in sorted(months)),
    ]


async def command(
    config: Any, district: str, count: int, database: Path | None, seed: int,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """`lotse demo-population` (config: a bot.config.Config). 0: written; 2: refused."""
    from bot.content import Content

    target = database or DEFAULT_DATABASE
    if database is None and target.resolve() == Path(config.database).resolve():
        print(f"lotse: {target} is the bot's database (LOTSE_DATABASE); name it with "
              "--database to fill it anyway.", file=sys.stderr)  # fmt: skip
        return 2
    if count < 1:
        print("lotse: --people must be at least 1.", file=sys.stderr)
        return 2
    content = Content.load(config.conversations, config.data, config.locales)
    if district not in content.catalogue.districts:
        known = ", ".join(sorted(content.catalogue.districts))
        print(f"lotse: unknown district {district!r} (known: {known}).", file=sys.stderr)
        return 2
    moment = now or datetime.now(UTC)
    began = time.perf_counter()
    storage = await open_storage(target)
    try:
        people, removed = await fill(storage, content, district, count, moment, seed)
    except NotADemoDatabase as exc:
        print(
            f"lotse: {target} holds {exc.args[0]} "
            f"{'person' if exc.args[0] == 1 else 'people'} outside the demo population "
            f"(channel other than {DEMO_CHANNEL!r}); the demo population goes only into a "
            "database of its own. Choose another --database.",
            file=sys.stderr,
        )
        return 2
    finally:
        await storage.close()
    took = time.perf_counter() - began
    name = content.catalogue.districts[district].name
    print(
        f"{len(people)} synthetic people (channel {DEMO_CHANNEL!r}, ids demo-1 to "
        f"demo-{len(people)}, seed {seed}) for {name} written to {target} in {took:.1f} s"
        + (f"; replaced {removed} earlier demo people" if removed else "")
    )
    for line in summary(people):
        print(line)
    return 0
