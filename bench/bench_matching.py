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
TODAY = date(2026, 11, 22)
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


def main() -> None:
    catalogue = generated_catalogue()
    gc.collect()
    gc.freeze()  # as LotseService.open does after loading the catalogue
    profiles = {
        # open to most offers: the worst case for ranking
        "match one profile (lenient: 19, Duldung, A2)": Profile(
            19, "duldung", "A2", "helmstedt", ("vocational_training", "german_course")
        ),
        # a typical newcomer: fewer offers fit
        "match one profile (typical: 17, Gestattung, A1)": Profile(
            17, "gestattung", "A1", "krefeld", ("german_course", "sport")
        ),
    }
    match_times: dict[str, list[float]] = {}
    for name, profile in profiles.items():
        wall = match_times[f"{name}, wall"] = []
        cpu = match_times[f"{name}, CPU"] = []
        for _ in range(RUNS):
            start, start_cpu = time.perf_counter(), time.thread_time()
            # What /offers does: rank every offer in reach, explain the five shown.
            ranking = rank(catalogue, profile, TODAY)
            assert ranking is not None
            ranking.matches(ranking.fit[:5])
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
    built = time.perf_counter()
    index = SearchIndex(catalogue)
    build_ms = (time.perf_counter() - built) * 1000
    search_times: list[float] = []
    search_cpu: list[float] = []
    for run in range(RUNS):
        query = QUERIES[run % len(QUERIES)]
        start, start_cpu = time.perf_counter(), time.thread_time()
        for hit in index.concepts(query)[:2]:
            index.offers_for(hit.concept)
        search_times.append((time.perf_counter() - start) * 1000)
        search_cpu.append((time.thread_time() - start_cpu) * 1000)
    print(f"offers: {len(catalogue.offers)}, concepts: {len(catalogue.concepts)}, runs: {RUNS}")
    print("| what | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    searches = {"search free text, wall": search_times, "search free text, CPU": search_cpu}
    for name, samples in (*match_times.items(), *searches.items()):
        p50, p95, worst = percentiles(samples)
        print(f"| {name} | {p50:.2f} | {p95:.2f} | {worst:.2f} |")
    print(f"search index build: {build_ms:.0f} ms (once at start)")


if __name__ == "__main__":
    main()
