"""Retention on a clock the test moves: a person without activity is asked once, 14 days
before their data is erased; "Keep my data" (or any use) keeps it and the question comes again
only after a new long pause; who does not answer is erased with everything."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import ConfigError, from_env
from bot.core.world import Operator
from bot.retention import keep_or_forget
from bot.service import LotseService
from tests.conftest import NOW
from tests.support.clock import Clock
from tests.support.db import count, stored
from tests.support.transcript import Transcript
from tests.test_coordinators import drain


async def test_asked_once_then_erased_unless_kept(lotse: LotseService, clock: Clock) -> None:
    gone = Transcript(lotse, user="gone")
    await gone.onboard()
    stays = Transcript(lotse, user="stays")
    await stays.onboard()
    assert await count(lotse, "users") == 2

    clock.now = NOW + timedelta(days=350)  # 15 days before the year is up: not yet
    assert await keep_or_forget(lotse, 365) == (0, 0)
    clock.now = NOW + timedelta(days=352)
    assert await keep_or_forget(lotse, 365) == (2, 0)
    assert await keep_or_forget(lotse, 365) == (0, 0)  # asked once
    asked = [s for s in await drain(lotse, clock) if s[1] == "retention"]
    assert sorted(who for who, _, _ in asked) == ["gone", "stays"]
    assert "In 14 days I will delete your answers" in asked[0][2]

    await stays.press("pr:k:yes")
    assert "I keep your answers" in stays.text

    clock.now = NOW + timedelta(days=366)
    assert await keep_or_forget(lotse, 365) == (0, 1)
    assert await stored(lotse, "test", "gone") is None
    assert await stored(lotse, "test", "stays") is not None
    assert await count(lotse, "users") == 1

    # A new long pause: asked again, and erased 14 days later without an answer.
    clock.now = NOW + timedelta(days=353 + 352)
    assert await keep_or_forget(lotse, 365) == (1, 0)
    clock.now = NOW + timedelta(days=353 + 366)
    assert await keep_or_forget(lotse, 365) == (0, 1)
    assert await count(lotse, "users") == 0


async def test_privacy_names_the_operator_the_retention_and_telegram(lotse: LotseService) -> None:
    lotse.operator = Operator("Landkreis Helmstedt", "datenschutz@example.org", 180)
    chat = Transcript(lotse, user="y1")
    await chat.onboard()
    await chat.send("/privacy")
    assert "Responsible for your data: Landkreis Helmstedt. Contact: datenschutz@example.org" in (
        chat.text
    )
    assert "If you do not use Lotse for 180 days, I delete your answers" in chat.text
    assert "Telegram itself also sees your messages." in chat.text


def test_retention_and_operator_settings_are_checked() -> None:
    config = from_env({"LOTSE_RETENTION_DAYS": "90", "LOTSE_OPERATOR_NAME": "Stadt Krefeld",
                       "LOTSE_OPERATOR_CONTACT": "dsb@krefeld.example"})  # fmt: skip
    assert (config.retention_days, config.operator_name) == (90, "Stadt Krefeld")
    for bad in ("7", "ein Jahr"):
        with pytest.raises(ConfigError, match="LOTSE_RETENTION_DAYS"):
            from_env({"LOTSE_RETENTION_DAYS": bad})
