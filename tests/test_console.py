"""The terminal chat, driven through a subprocess with piped input, as a person would script it."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.channels.console import run_console
from bot.content import Content
from bot.service import LotseService
from bot.storage.sqlite import SqliteStorage
from tests.conftest import FIXTURE_DATA, NOW
from tests.support.clock import Clock

SCRIPT = """\
17
Duldung
A1
helmstet
1
German course
Sport
Done
"""


def run_chat(tmp_path: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(LOTSE_DATABASE=str(tmp_path / "chat.sqlite3"), LOTSE_DATA=str(FIXTURE_DATA))
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_piped_conversation_reaches_the_offers(tmp_path: Path) -> None:
    # The age first, then "1" (I agree).
    script = SCRIPT.replace("17\n", "17\n1\n", 1)
    result = run_chat(tmp_path, script, "--lang", "en", "--user", "amira")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Do you agree that I save your answers?" in out
    assert "[1] I agree" in out
    assert "Here are the offers for you" in out
    assert "Sprach- und Integrationsklasse (BES)" in out
    assert "Traceback" not in out + result.stderr


def test_a_second_run_continues_where_the_first_stopped(tmp_path: Path) -> None:
    first = run_chat(tmp_path, "17\n1\n", "--lang", "en")
    assert "Which paper do you have" in first.stdout
    second = run_chat(tmp_path, "Duldung\n")
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("Which paper do you have") == 1  # resumed, not restarted
    assert "How good is your German" in second.stdout


def test_arabic_in_the_terminal(tmp_path: Path) -> None:
    result = run_chat(tmp_path, "17\n", "--lang", "ar")
    assert result.returncode == 0, result.stderr
    assert "Do you agree" not in result.stdout  # the consent text is translated
    assert "/privacy" in result.stdout


def test_a_broken_catalogue_stops_start_with_file_row_and_field(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "offers").mkdir(parents=True)
    for name in ("districts.csv", "places.csv"):
        (data / name).write_bytes((FIXTURE_DATA / name).read_bytes())
    offers = (FIXTURE_DATA / "offers" / "krefeld.csv").read_text(encoding="utf-8")
    (data / "offers" / "krefeld.csv").write_text(offers.replace(",27,", ",x27,"), "utf-8")
    env = dict(os.environ, LOTSE_DATA=str(data), LOTSE_DATABASE=str(tmp_path / "db.sqlite3"))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input="", capture_output=True, text=True,
        env=env, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{data / 'offers' / 'krefeld.csv'}:4: min_age: 'x27' is not a whole number" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


async def test_the_terminal_subscribes_to_an_event_and_prints_the_reminder_when_due(
    content: Content, db_path: Path, tmp_path: Path
) -> None:
    clock = Clock(NOW)
    service = LotseService(await SqliteStorage.open(db_path), content, clock=clock)
    read_end, write_end = os.pipe()
    stdin = os.fdopen(read_end, "r", encoding="utf-8")
    typing = os.fdopen(write_end, "w", encoding="utf-8")
    stdout = io.StringIO()
    chat = asyncio.create_task(
        run_console(service, "amira", "en", stdin=stdin, stdout=stdout, files=tmp_path / "cal")
    )

    async def until(expected: str) -> str:
        for _ in range(1000):
            if expected in stdout.getvalue():
                return stdout.getvalue()
            if chat.done():
                chat.result()
            await asyncio.sleep(0.01)
        raise AssertionError(f"{expected!r} not printed:\n{stdout.getvalue()[-1500:]}")

    async def type_line(line: str, expected: str) -> str:
        typing.write(line + "\n")
        typing.flush()
        return await until(expected)

    try:
        lines = SCRIPT.splitlines()[:-2]  # the answers, German course only
        for line in [lines[0], "1", *lines[1:]]:  # the age, then "1": I agree
            typing.write(line + "\n")
        typing.flush()
        await type_line("Done", "Here are the offers for you")
        await type_line("/events", "Events for you")
        await type_line("1", "Reminders: 24 hours and 2 hours before the start.")  # event 1
        await type_line("1", "I will remind you")  # [1] Remind me
        printed = await type_line("2", "[file: ")  # [2] Calendar file
        calendar = tmp_path / "cal" / "ev-t-1.ics"
        assert str(calendar) in printed and b"BEGIN:VEVENT" in calendar.read_bytes()
        assert "🔔 Reminder" not in printed
        # The day before the event: the reminder appears while the chat is open.
        clock.now = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
        assert service.on_outbox_change is not None
        await service.on_outbox_change()
        printed = await until("🔔 Reminder: Information evening")
        assert "Markt 1, 38350 Helmstedt" in printed.split("🔔 Reminder")[1]
    finally:
        typing.close()
        await asyncio.wait_for(chat, 10)
        stdin.close()
        await service.close()
    assert service.on_outbox_change is None  # the chat ended and stopped its sender
