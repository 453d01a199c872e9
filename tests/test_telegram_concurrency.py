"""Through the real python-telegram-bot stack with concurrent updates on: each person's replies
come in the order they wrote, nobody's answer is lost, every button tap is answered, and a
late or failing tap answer never stands between the person and the reply."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from bot.config import ROOT
from bot.content import Content
from bot.core.profile import Profile, Session
from bot.service import LotseService
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram import User, asks, no_rejected_requests, queue_tap, running_bot

ECHO = re.compile(r"zq(\d+)x")


def expire_callback_query(api: FakeBotAPI, update_id: int) -> None:
    """Telegram no longer takes an answer to this tap (it came too late)."""
    with api._cond:
        for query in api._queries.values():
            if query["update_id"] == update_id:
                query["answered"] = True


async def store_finished_person(service: LotseService, user_id: int) -> None:
    session = Session(
        language="en",
        consented=True,
        profile=Profile(None, "duldung", "A2", "helmstedt", ("german_course",), birth="2007-05"),
    )
    async with service.storage.unit() as unit:
        await unit.people.save("telegram", str(user_id), session, service.fields, service.clock())


async def test_replies_keep_each_persons_order_under_concurrent_updates(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    busy, others = 600, list(range(601, 621))
    async with running_bot(api, content, database) as application:
        assert application.concurrent_updates > 1
        service: LotseService = application.bot_data["service"]
        for user in (busy, *others):
            await store_finished_person(service, user)
        # Everything is queued before the bot fetches it: 50 inputs of one person, 5 each of
        # 20 others, interleaved. Each text is echoed in the reply ("I did not understand").
        for n in range(50):
            api.send_message(busy, f"zq{n}x")
            if n < 5:
                for user in others:
                    api.send_message(user, f"zq{n}x")
        await api.wait_for(lambda: len(api.sent_messages()) >= 50 + 5 * len(others), timeout=60)
    for user, count in ((busy, 50), *((u, 5) for u in others)):
        echoed = [int(ECHO.search(m["text"])[1]) for m in api.sent_messages(user)]
        assert echoed == list(range(count)), user
    assert no_rejected_requests(api) == []


async def test_a_tap_whose_answer_telegram_refuses_still_gets_its_reply(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    person = User(api, 630, language_code="en")
    async with running_bot(api, content, database):
        await person.send("/start", asks("language"))
        # Telegram already considers the query answered (too old): answering fails, the
        # reply must come anyway.
        update_id = api.press_button(630, "fl:a:language:en")
        expire_callback_query(api, update_id)
        await api.wait_for(lambda: "When were you born" in person.last()["text"])
    assert any("query is too old" in e[1] for e in api.errors)


async def test_buttons_without_a_message_are_answered(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    async with running_bot(api, content, database):
        update_id = queue_tap(api, 640, "of:o:T-HE-1:1")
        await api.wait_for(lambda: api.callback_answer(update_id) is not None)
    assert api.unanswered_callback_queries() == []


async def test_at_debug_the_log_holds_neither_the_token_nor_what_people_typed(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "LOTSE_DATABASE": str(tmp_path / "lotse.sqlite3"),
        "LOTSE_LOG_LEVEL": "DEBUG",
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        person = User(api, 650, language_code="en")
        await api.wait_for(lambda: api.calls_to("getUpdates"), timeout=30)
        await person.send("/start", asks("language"))
        await person.press("fl:a:language:en", lambda m: "When were you born" in m["text"])
        await person.send("Ich bin 19 Jahre alt, Geheimwort Zebrafink", lambda m: True)
    finally:
        bot.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(bot.communicate(), 30)
    log = err.decode("utf-8", "replace")
    assert "DEBUG" in log and "bot." in log  # Lotse's own loggers do write at DEBUG
    assert api.token not in log
    assert api.token.split(":")[1] not in log
    assert "Zebrafink" not in log and "Geheimwort" not in log


async def test_a_storm_of_bad_updates_is_answered_without_errors(
    api: FakeBotAPI, content: Content, database: Path | str, caplog
) -> None:
    """Random texts, commands, stickers, locations, photos and button taps (on old messages,
    on inline messages, with garbage data) from many people at once, some of whom block the
    bot: every tap is answered, nothing is logged as an error, and everyone still gets an
    answer afterwards."""
    import logging
    import random

    caplog.set_level(logging.INFO, logger="bot")
    rng = random.Random(20261201)
    people = list(range(700, 725))
    blocked = set(people[:3])
    texts = ["", "hi", "/start", "/offers", "/nope", "<b>x</b>", "19", "Helmstedt", "😀" * 50,
             "a" * 4000, "\u202eevil", "/start lang_ar", "/privacy", "/feedback", "5"]  # fmt: skip
    buttons = ["zz", "fl:a:language:en", "fl:a:consent:agree", "of:p:1", "ev:l:1", "pr:x:yes",
               "fl:b", "of:o:NOPE:1", "x" * 64, "fl:a:rating:3"]  # fmt: skip
    async with running_bot(api, content, database):
        for user in people:
            api.send_message(user, "/start", language_code=rng.choice(["de", "ar", None, "uk"]))
        await api.wait_for(lambda: all(api.sent_messages(u) for u in people), timeout=30)
        for user in blocked:
            api.block_user(user)
        for _ in range(250):
            user, roll = rng.choice(people), rng.random()
            if roll < 0.45:
                api.send_message(user, rng.choice(texts))
            elif roll < 0.75:
                api.press_button(user, rng.choice(buttons), check_keyboard=False)
            elif roll < 0.85:
                queue_tap(api, user, rng.choice(buttons))
            elif roll < 0.9:
                api.send_sticker(user)
            elif roll < 0.95:
                api.send_location(user, rng.uniform(-90, 90), rng.uniform(-180, 180))
            else:
                api.send_photo(user, caption=rng.choice(texts))
        await api.wait_for(lambda: api.pending_updates() == 0, timeout=60)
        # Afterwards everyone who did not block the bot still gets an answer.
        for user in people:
            if user not in blocked:
                before = len(api.sent_messages(user))
                api.send_message(user, "/help")
                await api.wait_for(lambda u=user, b=before: len(api.sent_messages(u)) > b, 30)
        await api.wait_for(lambda: not api.unanswered_callback_queries(), timeout=30)
    assert api.unanswered_callback_queries() == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert any("blocked the bot" in r.getMessage() for r in caplog.records)
