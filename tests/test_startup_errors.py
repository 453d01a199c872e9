"""What stops `lotse run` stops it with one sentence that names what to fix, and exit code 2:
a database that cannot be opened, a token Telegram refuses. No traceback reaches the operator
(python-telegram-bot's own record of the failed start keeps its one line)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.channels.telegram_cli import plain_bot
from bot.config import ROOT, Config
from bot.storage.base import StorageUnavailable, open_storage
from tests.support.fake_bot_api import FakeBotAPI


def lotse_run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOTSE_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_database_that_cannot_be_opened_stops_the_start_with_one_sentence(
    api: FakeBotAPI,
) -> None:
    result = lotse_run({
        "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
        "LOTSE_DATABASE": "postgresql://lotse:geheim@127.0.0.1:1/lotse",
    })  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "cannot be opened" in last and "LOTSE_DATABASE" in last
    assert "geheim" not in result.stderr  # the password is never shown


def test_a_token_telegram_refuses_stops_the_start_with_one_sentence(api: FakeBotAPI) -> None:
    result = lotse_run({
        "TELEGRAM_BOT_TOKEN": "123456:not-the-right-one", "TELEGRAM_API_BASE_URL": api.base_url,
        "LOTSE_DATABASE": ":memory:",
    })  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Telegram refuses TELEGRAM_BOT_TOKEN; copy it again from @BotFather."
    )


async def test_a_sqlite_path_that_is_no_file_is_one_sentence_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StorageUnavailable, match="LOTSE_DATABASE"):
        await open_storage(tmp_path)  # a folder, not a file


def test_the_command_line_bot_uses_telegram_unless_a_base_url_is_set() -> None:
    # Without TELEGRAM_API_BASE_URL the library's default (this once failed on None).
    assert plain_bot(Config(telegram_token="1:a")).base_url == "https://api.telegram.org/bot1:a"
    local = plain_bot(Config(telegram_token="1:a", api_base_url="http://127.0.0.1:8081/bot/"))
    assert local.base_url == "http://127.0.0.1:8081/bot1:a"
