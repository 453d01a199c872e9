"""Webhook mode end to end: the real python-telegram-bot application behind Lotse's webhook
server, the fake Bot API posting updates to it (setWebhook, the secret header). Requests
without the right secret get 403; an update posted again is handled once; /healthz answers;
my_chat_member marks a person blocked and unblocked; the settings are checked."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.channels.telegram import SERVICE, build_application
from bot.channels.webhook import serve, stop
from bot.config import Config, ConfigError
from bot.content import Content
from bot.service import LotseService
from bot.storage.base import open_storage
from tests.conftest import FIXTURE_DATA, NOW
from tests.support.db import rows
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.fake_bot_api.webhook import post_update
from tests.support.net import free_port
from tests.support.telegram import User, asks

SECRET = "s3cret-token-for-tests_0123456789"


async def test_webhook_mode_answers_refuses_impostors_and_handles_a_replay_once(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-updates"
    config = Config(
        telegram_token=api.token, api_base_url=api.base_url, database=database,
        webhook_url=url, listen=f"127.0.0.1:{port}", webhook_secret=SECRET,
    )  # fmt: skip
    service = LotseService(await open_storage(database), content, clock=lambda: NOW,
                           data=FIXTURE_DATA)  # fmt: skip
    application = build_application(config, service)
    server = await serve(application, config)
    try:
        assert api.calls_to("setWebhook")[-1]["secret_token"] == SECRET
        amira = User(api, 601, language_code="en")
        await amira.send("/start", asks("language"))  # delivered by the fake's webhook
        await amira.press("fl:a:language:en", lambda m: "born" in m["text"])
        await amira.send("17", asks("consent"))
        await amira.press("fl:a:consent:agree", asks("residence_status"))

        update = {"update_id": 777_001, "message": {
            "message_id": 99, "date": 1_796_000_000, "text": "/help",
            "chat": {"id": 601, "type": "private", "first_name": "Test"},
            "from": {"id": 601, "is_bot": False, "first_name": "Test"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        }}  # fmt: skip
        assert (await post_update(url, update)).status_code == 403
        assert (await post_update(url, update, secret_token="wrong")).status_code == 403
        before = len(api.sent_messages(601))
        assert (await post_update(url, update, secret_token=SECRET)).status_code == 200
        await api.wait_for(lambda: len(api.sent_messages(601)) > before)
        assert (await post_update(url, update, secret_token=SECRET)).status_code == 200
        await asyncio.sleep(0.5)  # time for a second answer, if one were coming
        helps = [m for m in api.sent_messages(601)[before:] if "/offers" in m["text"]]
        assert len(helps) == 1  # the same update twice: handled once
        assert await rows(service, "SELECT update_id FROM handled_updates WHERE update_id = ?",
                          (777_001,))  # fmt: skip

        async with httpx.AsyncClient(trust_env=False) as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert (health.status_code, health.text) == (200, "ok\n")

        async def blocked_now() -> bool:
            found = await rows(service, "SELECT blocked_at FROM users WHERE external_id = '601'")
            return found[0]["blocked_at"] is not None

        async def until(state: bool) -> bool:
            for _ in range(100):
                if await blocked_now() == state:
                    return True
                await asyncio.sleep(0.05)
            return False

        api.block_user(601)  # my_chat_member: kicked
        assert await until(True)
        api.unblock_user(601)  # my_chat_member: member
        assert await until(False)
    finally:
        await stop(application, server)
        await service.close()
    assert application.bot_data.get(SERVICE) is service


def test_webhook_mode_needs_its_url_and_a_real_secret() -> None:
    with pytest.raises(ConfigError, match="LOTSE_WEBHOOK_URL"):
        Config(telegram_token="1:x").require_webhook()
    for secret in ("", "short", "has spaces in it, sixteen+"):
        with pytest.raises(ConfigError, match="LOTSE_WEBHOOK_SECRET"):
            Config(telegram_token="1:x", webhook_url="https://a.example/h",
                   webhook_secret=secret).require_webhook()  # fmt: skip
    Config(telegram_token="1:x", webhook_url="https://a.example/h",
           webhook_secret=SECRET).require_webhook()  # fmt: skip
