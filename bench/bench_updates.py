"""End to end: 100 people do the onboarding at once, through the real python-telegram-bot
stack and a fake Bot API on 127.0.0.1; Lotse and a bare python-telegram-bot echo bot get the
same 1,000 updates in the same run. Reports CPU milliseconds per update (the bot process only)
and updates per second. Run by hand: `.venv/bin/python bench/bench_updates.py`.

`--postgres` adds Lotse on a throw-away PostgreSQL server; `--webhook` (with it) adds Lotse in
webhook mode on that server, as one process and as two behind a round-robin proxy (CPU summed
over both), with the fake Bot API posting each update as Telegram does."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.balancer import Balancer  # noqa: E402
from tests.support.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.telegram import SCRIPT, TAPPED_MESSAGE, queue_tap  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Replies:
    """Counts what the bot sent per chat: one watcher reads only the new events, every few
    milliseconds, and wakes the person whose chat got something."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api, self.seen = api, 0
        self.per_chat: dict[int, int] = {}
        self.waiting: dict[int, asyncio.Event] = {}

    async def watch(self) -> None:
        while True:
            with self.api._cond:
                new = self.api._events[self.seen :]
                self.seen += len(new)
            for event in new:
                chat = event["chat_id"]
                self.per_chat[chat] = self.per_chat.get(chat, 0) + 1
                if chat in self.waiting:
                    self.waiting[chat].set()
            await asyncio.sleep(0.005)

    async def after(self, chat: int, count: int) -> None:
        while self.per_chat.get(chat, 0) <= count:
            event = self.waiting[chat] = asyncio.Event()
            await event.wait()


WEBHOOK_PROCESSES = {"pg_hook1": 1, "pg_hook2": 2}  # webhook kinds: how many processes
SECRET = "bench-secret-0123456789"


async def run_once(
    kind: str, people: int, folder: Path, database: str = ""
) -> dict[str, float]:
    """`database`: a postgresql:// URL for Lotse on PostgreSQL ("": a new SQLite file)."""
    processes = WEBHOOK_PROCESSES.get(kind, 0)
    ports = [free_port() for _ in range(processes)]
    with FakeBotAPI() as api, Balancer(ports or [0]) as balancer:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "LOTSE_DATABASE": database or str(folder / f"{kind}-{time.monotonic_ns()}.sqlite3"),
            "LOTSE_LOG_LEVEL": "WARNING",
        }
        bot_kind = "echo" if kind == "echo" else "lotse-webhook" if processes else "lotse"
        command = [sys.executable, str(ROOT / "bench" / "update_bots.py"), bot_kind]
        if os.environ.get("BENCH_SPY"):  # a py-spy profile of every thread (figures are off)
            spy = ["py-spy", "record", "--format", "raw", "-o", os.environ["BENCH_SPY"], "--"]
            command = [str(Path(sys.executable).parent / spy[0]), *spy[1:], *command]
        bots = []
        for port in ports or [0]:
            hook = {"LOTSE_WEBHOOK_URL": balancer.url("/hook"),
                    "LOTSE_LISTEN": f"127.0.0.1:{port}",
                    "LOTSE_WEBHOOK_SECRET": SECRET} if processes else {}  # fmt: skip
            bots.append(subprocess.Popen(command, cwd=ROOT, env={**env, **hook}))
        try:
            while len(api.calls_to("setWebhook" if processes else "getUpdates")) < len(bots):
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)  # start-up finished (commands set, sender started)
            replies = Replies(api)
            watcher = asyncio.create_task(replies.watch())
            users = list(range(10_000, 10_000 + people))
            expected = {user: len(SCRIPT) for user in users}
            cpu_before, wall_before = sum(cpu_seconds(b.pid) for b in bots), time.perf_counter()
            # All at once: every person's whole onboarding is queued before the bot fetches it.
            # The bot keeps each person's inputs in order, so each tap meets its question.
            for step, (kind_of_input, value) in enumerate(SCRIPT):
                for user in users:
                    if kind_of_input == "text":
                        api.send_message(user, value, language_code="en")
                    else:
                        queue_tap(api, user, value, TAPPED_MESSAGE[step])
            while any(replies.per_chat.get(u, 0) < n for u, n in expected.items()):
                await asyncio.sleep(0.01)
            wall = time.perf_counter() - wall_before
            cpu = sum(cpu_seconds(b.pid) for b in bots) - cpu_before
            updates = people * len(SCRIPT)
            calls: dict[str, int] = {}
            for method, _params in api.calls:
                calls[method] = calls.get(method, 0) + 1
            if os.environ.get("BENCH_CALLS"):
                print(kind, dict(sorted(calls.items())))
            rejected = [e for e in api.errors if "not modified" not in e[1]]
            assert not rejected, rejected[:5]
            watcher.cancel()
        finally:
            for bot in bots:
                bot.send_signal(2)
            for bot in bots:
                bot.wait(30)
    return {
        "updates": updates,
        "cpu_ms_per_update": 1000 * cpu / updates,
        "updates_per_s": updates / wall,
    }


async def main(
    people: int, rounds: int, only: str = "", postgres: bool = False, webhook: bool = False
) -> None:
    kinds = (only,) if only else (
        "echo", "lotse", *(("lotse_pg",) if postgres else ()),
        *(WEBHOOK_PROCESSES if postgres and webhook else ()),
    )  # fmt: skip
    results: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        server = None
        if postgres:
            from tests.support.postgres import find_bindir, running_server

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("no PostgreSQL binaries found")
            server = stack.enter_context(running_server(bindir))
        for round_number in range(rounds):
            for kind in kinds:  # side by side, alternating
                on_pg = kind == "lotse_pg" or kind in WEBHOOK_PROCESSES
                database = server.dsn(server.create_database()) if on_pg else ""
                result = await run_once(kind, people, Path(tmp), database)  # type: ignore[union-attr]
                results[kind].append(result)
                print(
                    f"round {round_number + 1} {kind:8}: {result['cpu_ms_per_update']:.2f} CPU ms"
                    f"/update, {result['updates_per_s']:.0f} updates/s"
                )
    if only:
        return
    echo = statistics.median(r["cpu_ms_per_update"] for r in results["echo"])
    lotse = statistics.median(r["cpu_ms_per_update"] for r in results["lotse"])
    print(f"median CPU ms/update: echo {echo:.2f}, Lotse {lotse:.2f}, ratio {lotse / echo:.2f}")
    if postgres:
        pg = statistics.median(r["cpu_ms_per_update"] for r in results["lotse_pg"])
        rate = statistics.median(r["updates_per_s"] for r in results["lotse_pg"])
        print(f"Lotse on PostgreSQL: {pg:.2f} CPU ms/update (the bot process only; the server's "
              f"CPU is not counted), {rate:.0f} updates/s, ratio to echo {pg / echo:.2f}")
    for kind, processes in WEBHOOK_PROCESSES.items():
        if kind in results:
            cpu = statistics.median(r["cpu_ms_per_update"] for r in results[kind])
            rate = statistics.median(r["updates_per_s"] for r in results[kind])
            print(f"Lotse on PostgreSQL, webhook, {processes} process(es): {cpu:.2f} CPU ms/update"
                  f" (summed), {rate:.0f} updates/s, ratio to echo {cpu / echo:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("echo", "lotse"), default="")
    parser.add_argument("--postgres", action="store_true",
                        help="also Lotse on a throw-away PostgreSQL server, in the same run")
    parser.add_argument("--webhook", action="store_true",
                        help="with --postgres: also webhook mode, one and two processes")
    args = parser.parse_args()
    asyncio.run(main(args.people, args.rounds, args.only, args.postgres, args.webhook))
