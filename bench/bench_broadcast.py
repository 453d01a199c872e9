"""Benchmark: a broadcast to 10,000 people through the real python-telegram-bot stack and a fake
Bot API that answers 429 above 30 messages a second (and above one a second per chat), while
50 people chat with the bot; the same chatting load without the broadcast first, in one run.

Run by hand, never in CI:  .venv/bin/python bench/bench_broadcast.py [--recipients 10000]
With `--postgres --webhook 2`: two `lotse run --webhook` processes on one PostgreSQL database
behind a round-robin proxy (one of them is elected to send; the chatting goes to both).

The bot runs as its own process (`lotse run`), as in production, against the fake Bot API of
this process. The database is prepared first: the recipients, and the broadcast scheduled a
minute after the bot starts, so that the bot starts it itself. Until then the 50 people chat
without a broadcast (the baseline); after that, with it.
Targets: bulk rate at least 95 % of LOTSE_BULK_RATE (25/s), zero 429s, zero duplicates, every
recipient accounted for, replies to the chatting people p95 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import Content  # noqa: E402
from bot.core.profile import Profile, Session  # noqa: E402
from bot.service import LotseService  # noqa: E402
from bot.storage.base import open_storage  # noqa: E402
from tests.support.balancer import Balancer  # noqa: E402
from tests.support.fake_bot_api import FakeBotAPI, FloodLimit  # noqa: E402
from tests.support.net import free_port  # noqa: E402

FIRST = 100_000  # recipients' Telegram ids
CHATTERS = list(range(5_000, 5_050))
AUTHOR = 4_999
QUIET = 60.0  # seconds of chatting before the broadcast starts
SECRET = "bench-secret-0123456789"  # webhook mode


class Watcher:
    """Reads only the fake's new events, every few milliseconds: per chat, when each message
    arrived (copying the whole list each time would cost what it measures)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api, self.seen = api, 0
        self.per_chat: dict[int, list[float]] = {}

    async def watch(self) -> None:
        while True:
            with self.api._cond:
                new = self.api._events[self.seen :]
                self.seen += len(new)
            now = time.monotonic()
            for event in new:
                if event.get("method", "").startswith("send"):
                    self.per_chat.setdefault(event["chat_id"], []).append(now)
            await asyncio.sleep(0.005)


async def prepare(db: Path | str, recipients: int, send_at: datetime) -> int:
    content = Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")
    service = LotseService(await open_storage(db), content, data=ROOT / "data")
    await service.live_catalogue()
    fields, now = service.fields, datetime.now(UTC)
    profile = Profile(None, "duldung", "A2", "helmstedt", ("vocational_training",),
                      birth="2008-05")  # fmt: skip
    people = [*range(FIRST, FIRST + recipients), AUTHOR, *CHATTERS]
    for start in range(0, len(people), 500):

        async def save(unit, batch=people[start : start + 500]):  # type: ignore[no-untyped-def]
            for n in batch:
                session = Session(language="ar" if n % 3 else "uk", consented=True,
                                  profile=profile)  # fmt: skip
                await unit.people.save("telegram", str(n), session, fields, now)
                if n in CHATTERS or n == AUTHOR:
                    await unit.tx.execute(  # not in the segment: they only chat
                        "UPDATE users SET news = 0 WHERE channel = 'telegram' AND external_id = ?",
                        (str(n),),
                    )

        await service.storage.run(save)
    made = await service.storage.run(lambda unit: unit.broadcasts.create(
        "helmstedt", "staff:1", ("telegram", str(AUTHOR)), "de", now))  # fmt: skip
    await service.storage.run(lambda unit: unit.broadcasts.update(
        made, now, texts={"de": "Neue Ausbildungsplätze."}, status="scheduled",
        send_at=send_at))  # fmt: skip
    await service.close()
    return made


async def chat(api: FakeBotAPI, watcher: Watcher, stop: float, log: list[tuple[float, float]]):  # type: ignore[no-untyped-def]
    """50 people each send /help every 10 to 20 seconds and wait for the answer."""

    async def person(user: int) -> None:
        rng = random.Random(user)
        await asyncio.sleep(rng.uniform(0, 10))
        while time.monotonic() < stop:
            before = len(watcher.per_chat.get(user, []))
            started = time.monotonic()
            api.send_message(user, "/help", language_code="en")
            while len(watcher.per_chat.get(user, [])) <= before:
                await asyncio.sleep(0.005)
            log.append((started, watcher.per_chat[user][before] - started))
            await asyncio.sleep(rng.uniform(10, 20))

    await asyncio.gather(*(person(u) for u in CHATTERS))


def quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, n={len(values)}"


async def main(recipients: int, postgres: bool = False, webhook: int = 0) -> None:
    api = FakeBotAPI(flood_limit=FloodLimit(per_second=30, per_chat_per_second=1))
    ports = [free_port() for _ in range(webhook)]
    with api, tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        balancer = stack.enter_context(Balancer(ports or [0]))
        db: Path | str = Path(folder) / "bench.sqlite3"
        if postgres:  # the tests' throw-away server (fsync off), a database of its own
            from tests.support.postgres import find_bindir, running_server

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("no PostgreSQL binaries found")
            server = stack.enter_context(running_server(bindir))
            db = server.dsn(server.create_database())
        send_at = datetime.now(UTC) + timedelta(seconds=QUIET + 30)
        made = await prepare(db, recipients, send_at)
        for n in [*range(FIRST, FIRST + recipients), AUTHOR, *CHATTERS]:
            api.known_user(n)
        print(f"{recipients:,} recipients stored; the broadcast starts at {send_at:%H:%M:%S}")
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token,
               "TELEGRAM_API_BASE_URL": api.base_url, "LOTSE_DATABASE": str(db),
               "LOTSE_LOG_LEVEL": "WARNING"}  # fmt: skip
        bots = []
        for port in ports or [0]:
            hook = {"LOTSE_WEBHOOK_URL": balancer.url("/hook"),
                    "LOTSE_LISTEN": f"127.0.0.1:{port}",
                    "LOTSE_WEBHOOK_SECRET": SECRET} if webhook else {}  # fmt: skip
            command = [sys.executable, "-m", "bot", "run", *(["--webhook"] if webhook else [])]
            bots.append(subprocess.Popen(command, cwd=ROOT, env={**env, **hook}))
        watcher = Watcher(api)
        watching = asyncio.create_task(watcher.watch())
        try:
            while len(api.calls_to("setWebhook" if webhook else "getUpdates")) < len(bots):
                await asyncio.sleep(0.05)
            began = time.monotonic()
            log: list[tuple[float, float]] = []
            chatting = asyncio.create_task(chat(api, watcher, began + 10 ** 6, log))
            rejected_before = api.flood_stats().rejected
            recipient_chats = range(FIRST, FIRST + recipients)
            deadline = began + QUIET + 60 + recipients / 10
            while time.monotonic() < deadline:
                done = sum(1 for c in recipient_chats if c in watcher.per_chat)
                if done >= recipients:
                    break
                await asyncio.sleep(1)
            chatting.cancel()
            times = sorted(t for c in recipient_chats for t in watcher.per_chat.get(c, []))
            duplicates = sum(len(watcher.per_chat.get(c, [])) - 1 for c in recipient_chats
                             if len(watcher.per_chat.get(c, [])) > 1)  # fmt: skip
        finally:
            for bot in bots:
                bot.terminate()
            for bot in bots:
                bot.wait(30)
            watching.cancel()
        stats = api.flood_stats()
        first, last = (times[0], times[-1]) if times else (0.0, 0.0)
        rate = (len(times) - 1) / (last - first) if len(times) > 1 else 0.0
        quiet = [d for started, d in log if started < first or not times]
        busy = [d for started, d in log if times and first <= started <= last]
        print(f"chatting without the broadcast: {quantiles(quiet)}")
        share = rate / 25 * 100
        print(f"broadcast: {len(times):,} messages from the first to the last in "
              f"{last - first:.1f} s = {rate:.2f}/s ({share:.1f} % of 25/s)")  # fmt: skip
        print(f"429s: {stats.rejected - rejected_before}; most sends in one second: "
              f"{stats.max_in_one_second}; duplicates: {duplicates}")  # fmt: skip
        storage = await open_storage(db)
        async with storage.transaction(write=False) as tx:
            rows = await tx.fetchall(
                "SELECT status, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY status",
                (made,),
            )
        await storage.close()
        print(f"accounted for: {({r['status']: r['n'] for r in rows})} (of {recipients:,})")
        print(f"chatting during the broadcast: {quantiles(busy)}")
        if webhook:
            print(f"updates per process (through the proxy): {balancer.served}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="on a throw-away PostgreSQL")
    parser.add_argument("--webhook", type=int, default=0,
                        help="this many `lotse run --webhook` processes (0: one polling)")
    args = parser.parse_args()
    if args.webhook > 1 and not args.postgres:
        parser.error("several processes need --postgres")
    asyncio.run(main(args.recipients, args.postgres, args.webhook))
