"""Benchmark: match one profile against 10,000 generated offers, and search free text.

Run by hand, never in CI:  .venv/bin/python bench/bench_matching.py
Writes nothing; copy the printed table into bench/RESULTS.md with the date and machine.
Wall time includes waiting for the CPU on a shared machine; CPU time (this thread's) does not,
so it is the steadier figure to compare runs with.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.content.catalogue import load_catalogue
from bot.core.catalogue import Catalogue
from bot.core.keys import GERMAN_LEVELS, INTERESTS, STATUSES
from bot.core.matching import rank
from bot.core.profile import Profile
from bot.core.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
OFFERS = 10_000
RUNS = 500
TODAY = date(2026, 12, 1)
QUERIES = [
    "I want to become a nurse",
    "أريد أن أصبح ممرضة",
    "хочу стать медсестрой",
    "Ausbildung Kfz",
    "Almanca kursu",
    "football in Helmstedt",
    "something nobody offers",
]


def generated_catalogue(seed: int = 1) -> Catalogue:
    """The sample catalogue's offers, varied at random until there are 10,000."""
    rng = random.Random(seed)
    sample = load_catalogue(ROOT / "data")
    templates = list(sample.offers.values())
    # Each district gets an equal share; within it, any municipality.
    districts = sorted(sample.districts)
    places = {
        d: [p for p in sample.places.values() if p.district == d and p.kind != "ortsteil"]
        for d in districts
    }
    offers = {}
    for number in range(OFFERS):
        base = rng.choice(templates)
        place = rng.choice(places[rng.choice(districts)])
        low = rng.choice([None, *GERMAN_LEVELS[:4]])
        offers[f"G-{number}"] = replace(
            base,
            id=f"G-{number}",
            district=place.district,
            municipality=place.id,
            category=rng.choice(INTERESTS),
            min_age=rng.choice([None, 14, 16, 18]),
            max_age=rng.choice([None, 21, 25, 27]),
            statuses=rng.choice([None, frozenset(rng.sample(STATUSES, 3))]),
            min_german=low,
            lat=place.lat + rng.uniform(-0.05, 0.05),
            lon=place.lon + rng.uniform(-0.05, 0.05),
            online=rng.random() < 0.05,
        )
    return replace(sample, offers=offers)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return statistics.median(ordered), p95, ordered[-1]


def without_rules(catalogue: Catalogue) -> Catalogue:
    """The baseline: the same offers with only age, papers and German deciding (no conditions
    per status, no dated rules, no school obligation), as before issue 11."""
    offers = {
        key: replace(offer, conditions={}, rules=(), school_obligation="any")
        for key, offer in catalogue.offers.items()
    }
    return replace(catalogue, offers=offers)


def main() -> None:
    catalogue = generated_catalogue()
    baseline = without_rules(catalogue)
    gc.collect()
    gc.freeze()  # as LotseService.open does after loading the catalogue
    profiles = {
        # open to most offers: the worst case for ranking; arrived 5 months ago
        "lenient: 19, Duldung, A2": Profile(
            None, "duldung", "A2", "helmstedt", ("vocational_training", "german_course"),
            birth="2007-05", arrival="2026-06", reception="no",
        ),
        # a typical newcomer, still school-obliged: fewer offers fit
        "typical: 17, Gestattung, A1": Profile(
            None, "gestattung", "A1", "krefeld", ("german_course", "sport"),
            birth="2009-08", arrival="2025-10", reception="no",
        ),
    }  # fmt: skip
    match_times: dict[str, list[float]] = {}
    # Interleaved, so that both see the same machine: with the rules, and the baseline.
    for name, profile in profiles.items():
        for label in ("with the rules", "baseline"):
            match_times[f"match one profile ({name}), {label}, CPU"] = []
        for _ in range(RUNS):
            for label, offers in (("with the rules", catalogue), ("baseline", baseline)):
                start_cpu = time.thread_time()
                # What /offers does: rank every offer in reach, explain the five shown.
                ranking = rank(offers, profile, TODAY)
                assert ranking is not None
                ranking.matches(ranking.fit[:5])
                elapsed = (time.thread_time() - start_cpu) * 1000
                match_times[f"match one profile ({name}), {label}, CPU"].append(elapsed)
    built = time.perf_counter()
    index = SearchIndex(catalogue)
    build_ms = (time.perf_counter() - built) * 1000
    search_cpu: list[float] = []
    for run in range(RUNS):
        query = QUERIES[run % len(QUERIES)]
        start_cpu = time.thread_time()
        for hit in index.concepts(query)[:2]:
            index.offers_for(hit.concept)
        search_cpu.append((time.thread_time() - start_cpu) * 1000)
    full = sum(1 for o in catalogue.offers.values() if o.conditions or o.rules)
    print(f"offers: {len(catalogue.offers)} ({full} with conditions or dated rules), "
          f"concepts: {len(catalogue.concepts)}, runs: {RUNS}")  # fmt: skip
    print("| what | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, samples in (*match_times.items(), ("search free text, CPU", search_cpu)):
        p50, p95, worst = percentiles(samples)
        print(f"| {name} | {p50:.2f} | {p95:.2f} | {worst:.2f} |")
    print(f"search index build: {build_ms:.0f} ms (once at start)")


if __name__ == "__main__":
    main()
