"""Driving the real python-telegram-bot stack against the fake Bot API: a running bot, scripted
users that wait for the bot's answers, and predicates on what the bot sent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from telegram.ext import Application

from bot.channels.telegram import build_application
from bot.config import Config
from bot.content import Content
from bot.service import LotseService
from bot.storage.base import open_storage
from tests.conftest import NOW
from tests.support.fake_bot_api import FakeBotAPI


@asynccontextmanager
async def running_bot(
    api: FakeBotAPI, content: Content, db_path: Path | str,
    clock: Callable[[], datetime] = lambda: NOW, data: Path | None = None,
    admins: tuple[str, ...] = (), bulk_rate: float = 25.0,
) -> AsyncIterator[Application]:
    """`data`: the folder `content`'s catalogue came from (the seed of the live catalogue)."""
    service = LotseService(
        await open_storage(db_path), content, clock=clock, data=data, admins=admins
    )
    config = Config(
        telegram_token=api.token, api_base_url=api.base_url, database=db_path,
        bulk_rate=bulk_rate,
    )  # fmt: skip
    application = build_application(config, service)
    try:
        async with application:
            # run_polling() calls post_init between initialize() and start(); so do we.
            assert application.post_init is not None
            await application.post_init(application)
            await application.start()
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                yield application
            finally:
                await application.updater.stop()
                await application.stop()
                # run_polling() calls post_stop here (it stops the sender), then shutdown,
                # then post_shutdown.
                assert application.post_stop is not None
                await application.post_stop(application)
    finally:
        assert application.post_shutdown is not None
        await application.post_shutdown(application)
        await service.close()


class User:
    """One scripted Telegram user; each action waits until the bot's answer is there."""

    def __init__(self, api: FakeBotAPI, user_id: int, language_code: str | None = None) -> None:
        self.api, self.id, self.language_code = api, user_id, language_code

    def last(self) -> dict:
        messages = self.api.sent_messages(self.id)
        return messages[-1] if messages else {"text": "", "buttons": [], "raw_text": ""}

    async def _after(self, act: Callable[[], int], expect: Callable[[dict], bool]) -> dict:
        before = len(self.api.sent_messages(self.id))
        act()

        def answered() -> dict | None:
            # The newest of the new messages that shows what we wait for (a reply may be a
            # note followed by the question again).
            new = self.api.sent_messages(self.id)[before:]
            return next((m for m in reversed(new) if expect(m)), None)

        return await self.api.wait_for(answered, timeout=10)

    async def send(self, text: str, expect: Callable[[dict], bool] = lambda m: True) -> dict:
        return await self._after(
            lambda: self.api.send_message(self.id, text, language_code=self.language_code), expect
        )

    async def press(self, data: str, expect: Callable[[dict], bool] = lambda m: True) -> dict:
        return await self._after(lambda: self.api.press_button(self.id, data), expect)


async def onboard(user: User) -> dict:
    """The questions in English, answered as a 17-year-old in the asylum procedure with A1 in
    Helmstedt who wants a German course; returns the message with the offers."""
    await user.send("/start", asks("language"))
    await user.press("fl:a:language:en", lambda m: "born" in m["text"])
    await user.send("17", asks("consent"))
    await user.press("fl:a:consent:agree", asks("residence_status"))
    await user.press("fl:a:residence_status:gestattung", asks("german_level"))
    await user.press("fl:a:german_level:A1", lambda m: "📎" in m["text"])
    await user.send("Helmstedt", asks("interests"))
    await user.press("fl:t:interests:german_course", asks("interests"))
    return await user.press("fl:d:interests", shows_offers)


def asks(step: str) -> Callable[[dict], bool]:
    return lambda m: any(b.startswith((f"fl:a:{step}:", f"fl:t:{step}:")) for b in m["buttons"])


def shows_offers(m: dict) -> bool:
    return any(b.startswith("of:o:") for b in m["buttons"])


def no_rejected_requests(api: FakeBotAPI) -> list:
    return [e for e in api.errors if "not modified" not in e[1]]


def queue_tap(
    api: FakeBotAPI,
    user_id: int,
    data: str,
    message_id: int | None = None,
    inline_message_id: str = "AAQgone",
) -> int:
    """A callback query with any data a client may send: on message `message_id` of the
    person's chat (which need not exist yet), or, without it, on an inline message (the query
    then carries no message). The fake's own `press_button` only taps what is on screen."""
    import time

    with api._cond:
        update_id = next(api._update_ids)
        query_id = str(4_000_000_000 + update_id)
        api._queries[query_id] = {"update_id": update_id, "answered": False}
        query: dict = {
            "id": query_id,
            "from": api._user(user_id, None, None),
            "chat_instance": str(user_id),
            "data": data,
        }
        if message_id is None:
            query["inline_message_id"] = inline_message_id
        else:
            query["message"] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Test"},
                "from": dict(api.bot_user),
                "text": "question",
            }
        return api._queue({"update_id": update_id, "callback_query": query})


# The whole onboarding, queued at once (bench_updates.py, the two-process test). Buttons are
# tapped without checking the keyboard, so that the echo bot gets exactly the same updates.
SCRIPT = [
    ("text", "/start"),
    ("button", "fl:a:language:en"),
    ("text", "19"),  # the age comes before the consent question
    ("button", "fl:a:consent:agree"),
    ("button", "fl:a:residence_status:duldung"),
    ("button", "fl:a:german_level:A2"),
    ("text", "Helmstedt"),  # exact: taken without a tap
    ("text", "07.2026"),  # when they came (an offer there waits for months with a Duldung)
    ("button", "fl:a:reception:no"),
    ("button", "fl:t:interests:german_course"),
    ("button", "fl:d:interests"),
]
# The message each tap is on: Lotse's question of that step (ids count the person's and the
# bot's messages of one chat: /start is 1, the language picker 2, ...). The echo bot never
# edits, so for it the ids only have to exist... or not: it sends a new message either way.
TAPPED_MESSAGE = {1: 2, 3: 5, 4: 6, 5: 7, 8: 12, 9: 13, 10: 13}


def queue_onboarding(api: FakeBotAPI, user_id: int) -> None:
    """A person's whole onboarding queued at once, before the bot answers anything: only a bot
    that handles one person's inputs in order answers each at its question."""
    for step, (kind, value) in enumerate(SCRIPT):
        if kind == "text":
            api.send_message(user_id, value, language_code="en")
        else:
            queue_tap(api, user_id, value, TAPPED_MESSAGE[step])
