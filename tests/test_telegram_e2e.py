"""End to end: the real python-telegram-bot Application against a fake Bot API on 127.0.0.1.

Scripted users press buttons and type; the fake server validates every request like Telegram
(text length, HTML, callback data), and the tests read what the bot sent.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.telegram import DELIVERY, SERVICE
from bot.content import Content
from bot.core.bidi import FSI, PDI
from bot.service import LotseService
from tests.conftest import NOW
from tests.support.clock import Clock
from tests.support.db import dump, outcomes
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram import User, asks, no_rejected_requests, running_bot, shows_offers

ARABIC = re.compile(r"[\u0600-\u06FF]")
ELIGIBLE_FOR_AMIRA = {"T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"}


async def test_arabic_user_from_start_to_exactly_the_eligible_offers(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    amira = User(api, 501, language_code="ar")
    async with running_bot(api, content, database):
        first = await amira.send("/start", asks("language"))
        assert first["buttons"][0] == "fl:a:language:ar"  # Telegram's language is suggested first
        await amira.press("fl:a:language:ar", lambda m: ARABIC.search(m["text"]) is not None)
        consent = await amira.send("١٧", asks("consent"))  # Arabic-Indic digits
        assert ARABIC.search(consent["text"]) and "/privacy" in consent["text"]
        await amira.press("fl:a:consent:agree", asks("residence_status"))
        status = amira.last()["text"]
        assert "Aufenthaltsgestattung" in status and "Duldung" in status
        await amira.press("fl:a:residence_status:gestattung", asks("german_level"))
        await amira.press("fl:a:german_level:A1", lambda m: "📎" in m["text"])
        await amira.send("هلمشتيت", lambda m: True)  # not a place name we know in Arabic
        await amira.send("Helmstet", asks("place"))  # a typo, matched with rapidfuzz
        assert "fl:a:place:helmstedt" in amira.last()["buttons"]
        await amira.press("fl:a:place:helmstedt", asks("interests"))
        ticked = await amira.press("fl:t:interests:german_course", asks("interests"))
        assert ticked["edited"]  # ticking edits the message instead of sending a new one
        offers = await amira.press("fl:d:interests", shows_offers)

    shown = {b.split(":")[2] for b in offers["buttons"] if b.startswith("of:o:")}
    assert shown == ELIGIBLE_FOR_AMIRA
    # Right-to-left safety: German names and numbers are isolated inside the Arabic text.
    assert f"{FSI}Integrationskurs{PDI}" in offers["raw_text"]
    assert ARABIC.search(offers["text"])
    assert offers["parse_mode"] == "HTML"
    assert no_rejected_requests(api) == []
    assert api.unanswered_callback_queries() == []


async def test_restart_in_the_middle_continues_at_the_same_question(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    omar = User(api, 502, language_code="en")
    async with running_bot(api, content, database):
        await omar.send("/start", asks("language"))
        await omar.press("fl:a:language:en", lambda m: "When were you born" in m["text"])
        await omar.send("19", asks("consent"))
        await omar.press("fl:a:consent:agree", asks("residence_status"))
    # The bot process is gone; a new one starts on the same database.
    async with running_bot(api, content, database):
        answer = await omar.press("fl:a:residence_status:duldung", asks("german_level"))
        assert "How good is your German" in answer["text"]
        await omar.press("fl:a:german_level:A2", lambda m: "Where do you live" in m["text"])
        await omar.send("38154", asks("interests"))  # exact: no tap needed
        await omar.press("fl:t:interests:sport", asks("interests"))
        offers = await omar.press("fl:d:interests", shows_offers)
    assert "of:o:T-HE-4:1" in offers["buttons"]  # football in Königslutter, his interest, first
    assert offers["buttons"][0] == "of:o:T-HE-4:1"
    assert no_rejected_requests(api) == []


async def test_offer_detail_and_privacy_erase(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    lena = User(api, 503, language_code="de")
    async with running_bot(api, content, database) as application:
        await lena.send("/start lang_de", lambda m: "geboren" in m["text"])
        await lena.send("2007", asks("consent"))
        await lena.press("fl:a:consent:agree", asks("residence_status"))
        await lena.press("fl:a:residence_status:protection_24", asks("german_level"))
        await lena.press("fl:a:german_level:B1", lambda m: bool(m["text"]))
        await lena.send("Helmstedt", asks("interests"))  # exact: no tap needed
        await lena.press("fl:t:interests:german_course", asks("interests"))
        await lena.press("fl:d:interests", shows_offers)
        detail = await lena.press("of:o:T-HE-2:1", lambda m: "Berufssprachkurs" in m["text"])
        assert "KVHS Helmstedt" in detail["text"]
        saved = await lena.press("of:s:T-HE-2:1", lambda m: m["edited"])
        assert saved["message_id"] == detail["message_id"]  # the detail is edited in place
        assert api.callback_answers[-1].get("text")  # "Saved" shown as a pop-up
        search = await lena.send("Deutschkurs", lambda m: "of:o:T-HE-2:1" in m["buttons"])
        assert "Deutschkurs" in search["text"]
        await lena.send("/privacy", lambda m: "pr:x:ask" in m["buttons"])
        await lena.press("pr:x:ask", lambda m: "pr:x:yes" in m["buttons"])
        await lena.press("pr:x:yes", lambda m: not m["buttons"])
        service: LotseService = application.bot_data["service"]
        assert await service.session("telegram", "503") is None
        stored_rows = await dump(service)
        # The Telegram id as a number of its own (not a part of a timestamp's digits).
        assert not re.search(r"(?<!\d)503(?!\d)", stored_rows.replace("PRAGMA", ""))
    assert no_rejected_requests(api) == []


async def test_commands_are_set_in_every_shipped_language(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    async with running_bot(api, content, database):
        pass
    names = [
        "start",
        "offers",
        "events",
        "talk",
        "saved",
        "profile",
        "language",
        "privacy",
        "feedback",
        "help",
    ]
    assert [c["command"] for c in api.commands()] == names
    arabic = api.commands("ar")
    assert [c["command"] for c in arabic] == names
    assert all(ARABIC.search(c["description"]) for c in arabic)
    german = {c["command"]: c["description"] for c in api.commands("de")}
    assert german["help"] != "this help"


async def test_groups_are_told_once_and_stickers_get_a_polite_answer(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    async with running_bot(api, content, database):
        api.send_message(601, "hello bot", chat_type="group", chat_id=-1001)
        await api.wait_for_messages(-1001, 1)
        api.send_message(602, "/start", chat_type="group", chat_id=-1001)
        sara = User(api, 603, language_code="en")
        await sara.send("/start", asks("language"))
        await sara._after(lambda: api.send_sticker(603), lambda m: "only read text" in m["text"])
        await sara._after(lambda: api.send_photo(603), lambda m: "only read text" in m["text"])
        assert len(api.sent_messages(-1001)) == 1
        assert "private chats" in api.sent_messages(-1001)[0]["text"]
    assert no_rejected_requests(api) == []


async def test_a_blocked_user_does_not_stop_the_bot(
    api: FakeBotAPI, content: Content, database: Path | str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    async with running_bot(api, content, database):
        api.block_user(700)
        api.send_message(700, "/start")
        other = User(api, 701, language_code="en")
        await other.send("/start", asks("language"))
        await api.wait_for(lambda: any("blocked the bot" in r.message for r in caplog.records))
    assert any(e[1].startswith("Forbidden") for e in api.errors)
    # Blocking is expected: one INFO line, no error and no traceback.
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    # No message text of the person reaches the log.
    assert not any("/start" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "language", ["de", "en", "ar", "fa", "fa_AF", "ps", "uk", "ru", "tr", "ku", "ckb", "ti",
                 "so", "fr"],
)  # fmt: skip
async def test_every_language_on_the_bundled_catalogue_passes_telegram_checks(
    api: FakeBotAPI, database: Path | str, language: str
) -> None:
    from bot.config import ROOT

    content = Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")
    user = User(api, 900, language_code=language.split("_")[0])
    async with running_bot(api, content, database):
        await user.send(f"/start lang_{language}", lambda m: bool(m["text"]))
        await user.send("19", asks("consent"))
        await user.press("fl:a:consent:agree", asks("residence_status"))
        await user.press("fl:a:residence_status:unknown", asks("german_level"))
        await user.press("fl:a:german_level:unknown", lambda m: bool(m["text"]))
        await user.send("Krefeld", asks("interests"))  # exact: no tap needed
        for interest in ("vocational_training", "german_course", "sport"):
            await user.press(f"fl:t:interests:{interest}", asks("interests"))
        offers = await user.press("fl:d:interests", shows_offers)
        first = next(b for b in offers["buttons"] if b.startswith("of:o:"))
        await user.press(first, lambda m: "of:s:" + first[5:] in m["buttons"])
        await user.press("of:p:2", shows_offers)
        await user.send("Ausbildung Kfz", lambda m: bool(m["text"]))
        await user.send("/privacy", lambda m: "pr:x:ask" in m["buttons"])
        await user.send("/help", lambda m: "/start" in m["text"])
    assert no_rejected_requests(api) == []


async def onboard_in_helmstedt(user: User) -> None:
    await user.send("/start", asks("language"))
    await user.press("fl:a:language:en", lambda m: "When were you born" in m["text"])
    await user.send("17", asks("consent"))
    await user.press("fl:a:consent:agree", asks("residence_status"))
    await user.press("fl:a:residence_status:duldung", asks("german_level"))
    await user.press("fl:a:german_level:A2", lambda m: "Where do you live" in m["text"])
    await user.send("Helmstedt", asks("interests"))  # exact: no tap needed
    await user.press("fl:t:interests:german_course", asks("interests"))
    await user.press("fl:d:interests", shows_offers)


async def test_events_reminders_and_did_you_go_through_telegram(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    clock = Clock(NOW)
    lina, karim = User(api, 610, language_code="en"), User(api, 611, language_code="en")
    start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    async with running_bot(api, content, database, clock) as application:
        for user in (lina, karim):
            await onboard_in_helmstedt(user)
            await user.send("/events", lambda m: "ev:o:EV-T-1" in m["buttons"])
            await user.press("ev:o:EV-T-1", lambda m: "ev:r:EV-T-1" in m["buttons"])
            subscribed = await user.press("ev:r:EV-T-1", lambda m: "ev:u:EV-T-1" in m["buttons"])
            assert subscribed["edited"]  # the detail changes in place
        assert "I will remind you" in api.callback_answers[-1].get("text", "")
        document = await lina.press("ev:c:EV-T-1", lambda m: m["method"] == "sendDocument")
        assert document["document"]["file_name"] == "ev-t-1.ics"
        assert b"DTSTART:20261203T170000Z" in document["document"]["content"]

        # A day before: the sender wakes (the scheduler's job, run by hand at the moment).
        api.block_user(karim.id)
        clock.now = start - timedelta(hours=24)
        delivery = application.bot_data[DELIVERY]
        await delivery.waker.run()
        reminder = lina.last()
        assert reminder["text"].startswith("🔔 Reminder: Information evening")
        assert reminder["buttons"] == ["ev:o:EV-T-1", "ev:u:EV-T-1"]
        service = application.bot_data[SERVICE]
        assert await service.queue.counts() == {"sent": 1, "blocked": 3, "pending": 2}
        refused = len(api.errors)
        clock.now = start - timedelta(hours=2)
        await delivery.waker.run()  # the blocked person is skipped: no new refusal
        assert len(api.errors) == refused
        assert lina.last()["text"].startswith("🔔 Reminder")

        clock.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
        await delivery.waker.run()
        answers = ["ev:g:EV-T-1:yes", "ev:g:EV-T-1:no", "ev:g:EV-T-1:cancelled"]
        assert lina.last()["buttons"] == answers
        thanks = await lina.press("ev:g:EV-T-1:yes", lambda m: "counted" in m["text"])
        assert thanks["edited"] and thanks["buttons"] == []
        assert await outcomes(service) == {"EV-T-1": {"yes": 1}}
    reminders = [m for m in api.sent_messages(lina.id) if m["text"].startswith("🔔 Reminder")]
    assert len(reminders) == 2
    assert no_rejected_requests(api) == [e for e in api.errors if e[1].startswith("Forbidden")]
