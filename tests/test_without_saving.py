"""Use without saving (issue 17): a person who does not agree to be stored can still use Lotse
for this conversation; the answers are an interim session (no profile, no user id), deleted 24
hours after the last input, and that is said. Every process on the database continues it.
Under 16 the consent question says that a parent, guardian or the youth office should know,
and offers "Use without saving" first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.content import Content
from bot.service import LotseService
from bot.storage.base import open_storage
from tests.conftest import NOW
from tests.support.clock import Clock
from tests.support.db import count, dump
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
    # The age asked before the consent question is not stored in a profile.
    assert await count(lotse, "users") == 0
    assert await count(lotse, "interim_sessions") == 2


async def test_without_saving_nothing_is_stored_and_that_is_said(lotse: LotseService) -> None:
    young = Transcript(lotse, user="young")
    await at_consent(young, "15")
    await young.press("fl:a:consent:memory")
    assert "I delete them 24 hours after your last message" in young.text
    await young.tap("Asylum procedure")
    await young.tap("A1")
    await young.send("Helmstedt")
    await young.tap("German course")
    await young.press("fl:d:interests")
    assert young.offer_ids()  # the offers, as for anyone
    await young.send("Deutschkurs")  # a search works too
    for table in ("users", "profiles", "conversation_state", "offer_marks"):
        assert await count(lotse, table) == 0, table
    assert await count(lotse, "interim_sessions") == 1
    await young.send("/privacy")
    assert "What I keep for this conversation (not saved)" in young.text
    assert "Helmstedt" in young.text
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
    assert await count(lotse, "interim_sessions") == 0  # saved now: the interim one is gone
    assert (await lotse.session("test", "young")).profile.place == "helmstedt"  # type: ignore[union-attr]


async def test_the_memory_is_gone_after_24_hours(lotse: LotseService, clock: Clock) -> None:
    young = Transcript(lotse, user="young")
    await at_consent(young, "20")
    await young.press("fl:a:consent:memory")
    clock.now += timedelta(hours=23)
    assert (await lotse.session("test", "young")) is not None
    await young.tap("Duldung")  # in use: the 24 hours start again
    clock.now += timedelta(hours=23)
    assert await lotse.forget_interim() == 0
    clock.now += timedelta(hours=1, minutes=1)
    assert await lotse.session("test", "young") is None  # never read back after 24 hours
    assert await lotse.forget_interim() == 1  # and the upkeep deletes it
    assert "young" not in await dump(lotse)
    await young.send("hello")
    assert "Which language" in young.text  # from the beginning: nothing was kept


async def test_another_process_continues_a_conversation_before_consent_and_without_saving(
    content: Content, database: Path | str
) -> None:
    """Two processes behind one webhook URL: whichever gets the next input continues."""
    first = LotseService(await open_storage(database), content, clock=lambda: NOW)
    second = LotseService(await open_storage(database), content, clock=lambda: NOW)
    try:
        on_first, on_second = Transcript(first, user="young"), Transcript(second, user="young")
        await on_first.begin()
        await on_second.send("20")  # the age, before consent, on the other process
        assert "Do you agree that I save your answers" in on_second.text
        await on_first.press("fl:a:consent:memory")
        await on_second.press("fl:a:residence_status:duldung")
        assert "German" in on_second.text  # the next question, not the beginning
        session = await first.session("test", "young")
        assert session is not None and session.unsaved
        assert session.profile.status == "duldung" and session.language == "en"
        await on_first.send("/privacy")
        await on_first.tap("Forget everything now")
        assert await second.session("test", "young") is None
        assert await count(first, "interim_sessions") == 0
    finally:
        await first.close()
        await second.close()


async def test_forget_everything_now(lotse: LotseService) -> None:
    young = Transcript(lotse, user="young")
    await at_consent(young, "20")
    await young.press("fl:a:consent:memory")
    await young.send("/privacy")
    await young.tap("Forget everything now")
    assert "Everything is deleted" in young.text
    assert await lotse.session("test", "young") is None
    assert await count(lotse, "interim_sessions") == 0
