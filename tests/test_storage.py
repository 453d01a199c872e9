from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.profile import Profile, Session
from bot.storage.chats import ChatRepository
from bot.storage.database import connect, migrations, schema_version
from bot.storage.people import PeopleRepository

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


async def test_migrations_set_the_version_and_the_pragmas(db_path: Path) -> None:
    db = await connect(db_path)
    try:
        assert await schema_version(db) == len(migrations())
        async with db.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
        async with db.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1
    finally:
        await db.close()
    db = await connect(db_path)  # a second start applies nothing again
    try:
        assert await schema_version(db) == len(migrations())
    finally:
        await db.close()


async def test_session_round_trip_and_erase(db_path: Path) -> None:
    db = await connect(db_path)
    try:
        people = PeopleRepository(db)
        session = Session(
            language="ar",
            consented=True,
            step="place",
            history=["language", "consent", "age"],
            pending={"candidates": ["helmstedt"], "note": "ü"},
            profile=Profile(age=17, status="duldung", german_level="A2", interests=("job",)),
        )
        await people.save("telegram", "42", session, NOW)
        loaded = await people.load("telegram", "42")
        assert loaded == session
        session.profile.place = "helmstedt"
        session.step = None
        await people.save("telegram", "42", session, NOW)
        assert (await people.load("telegram", "42")) == session
        assert await people.load("telegram", "43") is None
        assert await people.erase("telegram", "42") is True
        assert await people.load("telegram", "42") is None
        for table in ("users", "profiles", "conversation_state"):
            async with db.execute(f"SELECT count(*) FROM {table}") as cursor:
                assert (await cursor.fetchone())[0] == 0
    finally:
        await db.close()


async def test_a_session_without_consent_is_never_stored(db_path: Path) -> None:
    db = await connect(db_path)
    try:
        with pytest.raises(ValueError, match="consent"):
            await PeopleRepository(db).save("telegram", "1", Session(language="de"), NOW)
    finally:
        await db.close()


async def test_group_notice_is_given_once(db_path: Path) -> None:
    db = await connect(db_path)
    try:
        chats = ChatRepository(db)
        assert await chats.first_notice("-100", NOW) is True
        assert await chats.first_notice("-100", NOW) is False
        assert await chats.first_notice("-200", NOW) is True
    finally:
        await db.close()
