"""Use without saving (issue 17): a person who does not agree to be stored can still use Lotse
for this conversation; the answers live in memory only, gone after 24 hours or a restart, and
that is said. Under 16 the consent question says that a parent, guardian or the youth office
should know, and offers "Use without saving" first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.content import Content
from bot.service import LotseService
from bot.storage.sqlite import SqliteStorage
from tests.conftest import NOW
from tests.support.clock import Clock
from tests.support.db import count
from tests.support.transcript import Transcript

MINORS = "You are under 16"


async def at_consent(chat: Transcript, age: str) -> None:
    await chat.begin()
    await chat.send(age)
    assert "Do you agree that I save your answers" in chat.text


async def test_under_16_the_consent_names_the_guardian_and_offers_without_saving_first(
    lotse: LotseService,
) -> None:
    young = Transcript(lotse, user="young")
    await at_consent(young, "15")
    assert MINORS in young.text and "Jugendamt" in young.text and "Vormund" in young.text
    assert [b.data for b in young.buttons][:3] == [
        "fl:a:consent:memory", "fl:a:consent:agree", "fl:a:consent:decline"
    ]
    older = Transcript(lotse, user="older")
    await at_consent(older, "16")
    assert MINORS not in older.text
    assert older.buttons[0].data == "fl:a:consent:agree"
    # The age asked before the consent question is not stored.
    assert await count(lotse, "users") == 0


async def test_without_saving_nothing_is_stored_and_that_is_said(lotse: LotseService) -> None:
    young = Transcript(lotse, user="young")
    await at_consent(young, "15")
    await young.press("fl:a:consent:memory")
    assert "gone after 24 hours or when Lotse restarts" in young.text
    await young.tap("Asylum procedure")
    await young.tap("A1")
    await young.send("Helmstedt")
    await young.tap("German course")
    await young.press("fl:d:interests")
    assert young.offer_ids()  # the offers, as for anyone
    await young.send("Deutschkurs")  # a search works too
    for table in ("users", "profiles", "conversation_state", "offer_marks"):
        assert await count(lotse, table) == 0, table
    await young.send("/privacy")
    assert "What I keep in memory (not saved)" in young.text and "Helmstedt" in young.text
    # What needs storing says so, with the way to turn saving on.
    await young.send("/events")
    await young.press("ev:r:EV-T-1")
    assert "I need to save your answers" in young.text
    assert await count(lotse, "subscriptions") == 0
    await young.send("/talk")
    assert "I need to save your answers" in young.text
    await young.tap("Save my answers")
    assert "From now on I save your answers" in young.text
    assert await count(lotse, "users") == 1 and await count(lotse, "profiles") == 1


async def test_the_memory_is_gone_after_24_hours(lotse: LotseService, clock: Clock) -> None:
    young = Transcript(lotse, user="young")
    await at_consent(young, "20")
    await young.press("fl:a:consent:memory")
    clock.now += timedelta(hours=23)
    assert (await lotse.session("test", "young")) is not None
    await young.tap("Duldung")  # in use: the 24 hours start again
    clock.now += timedelta(hours=24, minutes=1)
    assert await lotse.session("test", "young") is None
    await young.send("hello")
    assert "Which language" in young.text  # from the beginning: nothing was kept


async def test_a_restart_forgets_a_conversation_without_saving(
    content: Content, db_path: Path
) -> None:
    first = LotseService(await SqliteStorage.open(db_path), content, clock=lambda: NOW)
    young = Transcript(first, user="young")
    await at_consent(young, "20")
    await young.press("fl:a:consent:memory")
    await young.tap("Duldung")
    await first.close()
    second = LotseService(await SqliteStorage.open(db_path), content, clock=lambda: NOW)
    try:
        assert await second.session("test", "young") is None
    finally:
        await second.close()


async def test_forget_everything_now(lotse: LotseService) -> None:
    young = Transcript(lotse, user="young")
    await at_consent(young, "20")
    await young.press("fl:a:consent:memory")
    await young.send("/privacy")
    await young.tap("Forget everything now")
    assert "Everything is deleted" in young.text
    assert await lotse.session("test", "young") is None  # not even in memory
