"""Benchmark: the needs report of one district with 100,000 people (the demo population).

Run by hand, never in CI:  .venv/bin/python bench/bench_report.py [--people 100000]
Targets: computed in under 10 s, memory under 300 MB. Each measurement runs in a fresh
process, so that its peak memory (max RSS) is its own: "read" (the baseline: only reading the
district's stored profiles, which any report must do) and "report" (reading and computing the
whole report with suppression). The database is built once before, and not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import Content  # noqa: E402
from bot.core.report_views import period_of  # noqa: E402
from bot.service import LotseService  # noqa: E402
from bot.storage.sqlite import SqliteStorage  # noqa: E402

DISTRICT = "helmstedt"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def content() -> Content:
    return Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")


async def build_database(path: Path, people: int) -> None:
    from bot.demo_population import fill

    storage = await SqliteStorage.open(path)
    try:
        await fill(storage, content(), DISTRICT, people, NOW, 1)
    finally:
        await storage.close()


async def measure(path: Path, what: str) -> dict:
    from bot import reports

    service = LotseService(await SqliteStorage.open(path), content(), clock=lambda: NOW,
                           data=ROOT / "data")  # fmt: skip
    period = period_of("y", service.world.today)
    assert period is not None
    places = [p.id for p in service.world.catalogue.places.values() if p.district == DISTRICT]
    started = time.perf_counter()
    if what == "read":
        found = await service.storage.run(
            lambda unit: unit.reports.people(places, service.fields), write=False
        )
        people = len(found)
    else:
        report = await reports.build(service, DISTRICT, period)
        people = report.people or 0
    seconds = time.perf_counter() - started
    await service.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"what": what, "seconds": seconds, "rss_mb": rss, "people": people}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--measure", choices=("read", "report"))
    parser.add_argument("--database", type=Path)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.database, args.measure))))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        asyncio.run(build_database(path, args.people))
        print(f"{args.people:,} demo people in {DISTRICT} stored in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        for run in (1, 2, 3):
            for what in ("read", "report"):
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", what, "--database", str(path)],
                    capture_output=True, text=True, check=True,
                ).stdout.strip().splitlines()[-1]  # fmt: skip
                result = json.loads(out)
                print(f"run {run} {what:6}: {result['seconds']:.2f} s, max RSS "
                      f"{result['rss_mb']:.0f} MB, {result['people']:,} people")  # fmt: skip


if __name__ == "__main__":
    main()
