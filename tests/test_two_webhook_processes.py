"""Issue 17's "tried as a new operator would", as a test: two `lotse run --webhook` processes
(real subprocesses, started at once on an empty PostgreSQL database, configured only by the
README's variables) behind one URL (a round-robin proxy), and the fake Bot API posting every
update to that URL. A young person chats with updates landing on both processes; a coordinator
granted with `lotse grant` uploads a catalogue change on one process and the other shows it; a
broadcast to 120 people is sent, and the process that sends it is killed with -9 halfway: the
other takes over, nobody gets it twice, at most the one message in flight is lost."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import httpx
import openpyxl

from bot.config import ROOT
from bot.core.profile import Profile, Session
from bot.storage.base import open_storage
from tests.conftest import FIXTURE_DATA, NOW
from tests.support.balancer import Balancer
from tests.support.db import rows_in
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.net import free_port
from tests.support.telegram import User, onboard, queue_onboarding, shows_offers
from tests.test_coordinators import NEW_OFFER, add_row, saved
from tests.test_coordinators_telegram import XLSX, download
from tests.test_webhook_mode import SECRET

PEOPLE = range(9101, 9221)  # 120 young people in Helmstedt, stored earlier
STARTERS = range(8001, 8011)  # ten who start at the same moment
LENA = 701  # the coordinator
AMIRA = 601  # a new young person
BROADCAST = "Sprachcafé ab Dienstag in der KVHS."
ELECTED = "this process sends the outbox now"  # its log line


def operator_env(api: FakeBotAPI, dsn: str, balancer: Balancer, port: int) -> dict[str, str]:
    """The README's variables, as an operator sets them for each process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOTSE_", "TELEGRAM_"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "LOTSE_DATABASE": dsn,
        "LOTSE_DATA": str(FIXTURE_DATA),
        "LOTSE_WEBHOOK_URL": balancer.url("/telegram-updates"),
        "LOTSE_LISTEN": f"127.0.0.1:{port}",
        "LOTSE_WEBHOOK_SECRET": SECRET,
        "LOTSE_BULK_RATE": "15",
        "LOTSE_OPERATOR_NAME": "Landkreis Helmstedt, Bildungsbüro",
        "LOTSE_OPERATOR_CONTACT": "bildung@example.org",
    })  # fmt: skip
    return env


async def healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        for _ in range(300):
            assert process.poll() is None, log.read_text(encoding="utf-8")
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"not healthy: {log.read_text(encoding='utf-8')}")


async def populate(dsn: str, api: FakeBotAPI) -> None:
    storage = await open_storage(dsn)
    fields = {"birth": "text", "age": "int", "status": "text", "german_level": "text",
              "place": "text", "interests": "keys"}  # fmt: skip
    try:
        for n in PEOPLE:
            api.known_user(n, "de")
            profile = Profile(None, "duldung", "A2", "helmstedt", ("german_course",),
                              birth="2007-05")  # fmt: skip
            session = Session(language="de", consented=True, profile=profile)
            await storage.run(lambda unit, s=session, n=n: unit.people.save(
                "telegram", str(n), s, fields, NOW - timedelta(days=1)))  # fmt: skip
    finally:
        await storage.close()


async def onboarded(dsn: str) -> set[str]:
    """Who has exactly the answers of the queued onboarding: 19 (born 2007), Duldung, A2,
    Helmstedt, German course."""
    found = await rows_in(dsn, (
        "SELECT u.external_id, p.birth, p.status, p.german_level, p.place, p.interests "
        "FROM users u JOIN profiles p ON p.user_id = u.id"
    ))  # fmt: skip
    expected = ("2007-01/2007-12", "duldung", "A2", "helmstedt", '["german_course"]')
    return {row["external_id"] for row in found if tuple(row.values())[1:] == expected}


async def broadcast_statuses(dsn: str) -> dict[str, int]:
    found = await rows_in(dsn, (
        "SELECT status, COUNT(*) AS n FROM outbox WHERE kind = 'broadcast' GROUP BY status"
    ))  # fmt: skip
    return {row["status"]: int(row["n"]) for row in found}


def has(prefix: str):  # type: ignore[no-untyped-def]
    return lambda m: any(b.startswith(prefix) for b in m["buttons"])


async def test_two_webhook_processes_on_postgresql_chat_upload_broadcast_and_kill_9(
    api: FakeBotAPI, pg_dsn: str, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen] = []
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with Balancer(ports) as balancer, ExitStack() as files:
        try:
            for port, log in zip(ports, logs, strict=True):  # both at once, on an empty database
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "bot", "run", "--webhook"], cwd=ROOT,
                    env=operator_env(api, pg_dsn, balancer, port),
                    stdout=files.enter_context(log.open("w")), stderr=subprocess.STDOUT,
                ))  # fmt: skip
            for port, process, log in zip(ports, processes, logs, strict=True):
                await healthy(port, process, log)
            await populate(pg_dsn, api)

            # Ten people send their whole onboarding at once; each person's updates alternate
            # between the processes, and still every answer meets its question.
            for user in STARTERS:
                queue_onboarding(api, user)
            await api.wait_for(lambda: all(
                any(shows_offers(m) for m in api.sent_messages(user)) for user in STARTERS
            ) or None, timeout=60)  # fmt: skip
            assert await onboarded(pg_dsn) == {str(user) for user in STARTERS}

            # A young person: the updates alternate between the processes, also before consent.
            amira = User(api, AMIRA, language_code="en")
            await onboard(amira)
            assert balancer.served[0] >= 4 and balancer.served[1] >= 4

            # The operator grants a coordinator on the command line; she opens the link.
            granted = subprocess.run(
                [sys.executable, "-m", "bot", "grant", "coordinator", "--district", "helmstedt",
                 "--qr", str(tmp_path / "invitation.png")],
                cwd=ROOT, env=operator_env(api, pg_dsn, balancer, ports[0]),
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            code = re.search(r"start=(\S+)", granted.stdout)
            assert code is not None, granted.stdout
            lena = User(api, LENA, language_code="de")
            await lena.send(f"/start {code[1]}", has("st:a:"))
            await lena.press(f"st:a:{code[1]}", lambda m: "/help" in m["text"])

            # A catalogue change uploaded on the first process...
            balancer.pin(0)
            sheet = await lena.send("/template", lambda m: "document" in m)
            stored = next(m for m in api.current_messages(LENA)
                          if m.get("message_id") == sheet["message_id"])  # fmt: skip
            template = await download(api, stored["document"]["file_id"])
            book = openpyxl.load_workbook(io.BytesIO(template))
            add_row(book["offers"], NEW_OFFER)
            before = len(api.sent_messages(LENA))
            api.send_document(LENA, "lotse-helmstedt.xlsx", saved(book), mime_type=XLSX,
                              language_code="de")  # fmt: skip
            preview = await api.wait_for(
                lambda: next((m for m in api.sent_messages(LENA)[before:]
                              if any(b.startswith("ct:y:") for b in m["buttons"])), None),
                timeout=15,
            )  # fmt: skip
            assert "T-HE-99" in preview["text"]
            confirm = next(b for b in preview["buttons"] if b.startswith("ct:y:"))
            await lena.press(confirm, lambda m: "ct:y:" not in str(m["buttons"]))
            # ...is found on the second one (its version poll, every 10 seconds).
            balancer.pin(1)
            for _ in range(30):
                found = await amira.send("/offers", shows_offers)
                if "of:o:T-HE-99:1" in found["buttons"]:
                    break
                await asyncio.sleep(1)
            else:
                raise AssertionError("the second process never showed the uploaded offer")
            balancer.pin(None)

            # A broadcast to the district, confirmed after its preview.
            composer = await lena.send("/broadcast", has("bc:"))
            i = next(b for b in composer["buttons"] if b.startswith("bc:")).split(":")[2]
            await lena.press(f"bc:x:{i}:de")
            await lena.send(BROADCAST, has(f"bc:s:{i}"))
            await lena.press(f"bc:s:{i}", has(f"bc:y:{i}:"))
            await lena.press(f"bc:y:{i}:1", has(f"bc:h:{i}"))

            def delivered() -> Counter[int]:
                return Counter(m["chat_id"] for m in api.sent_messages()
                               if m["chat_id"] in PEOPLE and BROADCAST in m["text"])  # fmt: skip

            await api.wait_for(lambda: len(delivered()) >= 40 or None, timeout=30)
            sender = next(n for n, log in enumerate(logs) if ELECTED in log.read_text("utf-8"))
            processes[sender].send_signal(signal.SIGKILL)
            processes[sender].wait()
            at_kill = len(delivered())
            assert at_kill < len(PEOPLE)  # killed halfway

            # The other process takes over; updates keep flowing through the proxy.
            survivor = 1 - sender
            await api.wait_for(lambda: len(delivered()) >= len(PEOPLE) - 1 or None, timeout=60)
            await asyncio.sleep(1.5)  # time for a duplicate, if one were coming
            counts = delivered()
            assert max(counts.values()) == 1  # nobody twice
            assert len(counts) >= len(PEOPLE) - 1  # at most the one in flight is lost
            await amira.send("/help", lambda m: "/offers" in m["text"])
            statuses = await broadcast_statuses(pg_dsn)
            assert statuses.get("unknown", 0) <= 1 and "cancelled" not in statuses, statuses
            assert statuses["sent"] >= len(PEOPLE)  # the 120 and Amira, but the one in flight
            assert ELECTED in logs[survivor].read_text(encoding="utf-8")
            assert not [e for e in api.errors if "429" in str(e)]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
    for log in logs:  # never a name or a message text at INFO
        text = log.read_text(encoding="utf-8")
        assert BROADCAST not in text and "Sprachcafé am Abend" not in text
        assert "Traceback" not in text, text

