"""The service around the core: sessions survive a restart, sensitive data stays minimal."""

from __future__ import annotations

from pathlib import Path

from bot.content import Content
from bot.core.person import birth_of_age
from bot.service import LotseService
from bot.storage.sqlite import SqliteStorage
from tests.conftest import NOW, TODAY
from tests.support.db import dump
from tests.support.transcript import Transcript


async def test_a_restart_continues_at_the_same_question(content: Content, db_path: Path) -> None:
    first = LotseService(await SqliteStorage.open(db_path), content, clock=lambda: NOW)
    chat = Transcript(first, user="7")
    await chat.begin()
    await chat.send("16")
    await chat.agree()
    await chat.tap("Duldung")
    assert "How good is your German" in chat.text
    await first.close()

    second = LotseService(await SqliteStorage.open(db_path), content, clock=lambda: NOW)
    try:
        chat = Transcript(second, user="7")
        await chat.send("/resume")
        assert "How good is your German" in chat.text
        await chat.tap("A2")
        assert "Where do you live" in chat.text
        session = await second.session("test", "7")
        assert session is not None
        assert (session.profile.get("birth"), session.profile.status) == (
            birth_of_age(16, TODAY).text(), "duldung"
        )
        assert session.profile.german_level == "A2"
    finally:
        await second.close()


async def test_the_database_holds_no_names_and_no_message_texts(service: LotseService) -> None:
    chat = Transcript(service, user="99")
    await chat.onboard(place="Königslutr", place_choice="Königslutter")
    await chat.send("my name is Ahmad Karimi")
    stored_rows = await dump(service)
    assert "Ahmad" not in stored_rows and "Königslutr" not in stored_rows
    assert "koenigslutter" in stored_rows
