from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.profile import Frame, Profile, Session
from bot.storage.migrate import migrations
from bot.storage.sqlite import SqliteStorage

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
FIELDS = {"age": "int", "status": "key", "german_level": "key", "place": "place",
          "interests": "keys"}  # fmt: skip


async def applied(storage: SqliteStorage) -> list[int]:
    async with storage.transaction(write=False) as tx:
        rows = await tx.fetchall("SELECT version FROM schema_migrations ORDER BY version")
    return [row[0] for row in rows]


async def test_migrations_are_recorded_and_the_pragmas_set(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path)
    try:
        assert await applied(storage) == list(range(1, len(migrations()) + 1))
        async with storage.transaction(write=False) as tx:
            assert (await tx.fetchone("PRAGMA journal_mode"))[0] == "wal"
            assert (await tx.fetchone("PRAGMA foreign_keys"))[0] == 1
    finally:
        await storage.close()
    storage = await SqliteStorage.open(db_path)  # a second start applies nothing again
    try:
        assert await applied(storage) == list(range(1, len(migrations()) + 1))
    finally:
        await storage.close()


async def test_a_database_of_the_old_numbering_is_brought_up_to_date(db_path: Path) -> None:
    """Before schema_migrations, the version was PRAGMA user_version: such a file keeps its
    data and gets the newer migrations."""
    old = sqlite3.connect(db_path)
    for _number, _name, sql in migrations()[:4]:
        old.executescript(sql)
    old.execute(
        "INSERT INTO users (channel, external_id, language, consented_at, created_at) "
        "VALUES ('telegram', '7', 'de', '2026-11-01', '2026-11-01')"
    )
    old.execute(
        "INSERT INTO conversation_state (user_id, step, history, pending, return_to, updated_at)"
        " VALUES (1, 'age', '[\"language\", \"consent\"]', '{}', '', '2026-11-01')"
    )
    old.execute("INSERT INTO search_misses (district, day, count) VALUES ('helmstedt', 'x', 3)")
    old.execute("PRAGMA user_version = 4")
    old.commit()
    old.close()
    storage = await SqliteStorage.open(db_path)
    try:
        assert await applied(storage) == list(range(1, len(migrations()) + 1))
        async with storage.unit(write=False) as unit:
            session, _ = await unit.people.load("telegram", "7", FIELDS)  # type: ignore[misc]
            assert await unit.counters.search_misses() == {"helmstedt": 3}
        assert session.stack == [Frame("onboarding", "age", ["language", "consent"])]
    finally:
        await storage.close()


async def test_a_stored_age_becomes_the_months_of_birth_it_allows(db_path: Path) -> None:
    """Migration 006: 17 on 15 June 2026 is born between July 2008 and June 2009; an age saved
    in December spans one calendar year. The answers are kept, the person is not asked again."""
    old = sqlite3.connect(db_path)
    for _number, _name, sql in migrations()[:5]:
        old.executescript(sql)
    old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, "
                "applied_at TEXT)")  # fmt: skip
    for number, name, _sql in migrations()[:5]:
        old.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-11-01')", (number, name))
    for user, age, saved in (("1", 17, "2026-06-15T10:00:00"), ("2", 20, "2026-12-01T09:00:00"),
                             ("3", None, "2026-06-15T10:00:00")):  # fmt: skip
        cursor = old.execute(
            "INSERT INTO users (channel, external_id, language, consented_at, created_at) "
            "VALUES ('telegram', ?, 'de', '2026-06-01', '2026-06-01')", (user,)
        )
        old.execute(
            "INSERT INTO profiles (user_id, age, status, german_level, place, interests, "
            "updated_at) VALUES (?, ?, 'duldung', 'A2', 'helmstedt', '[\"job\"]', ?)",
            (cursor.lastrowid, age, saved),
        )
    old.commit()
    old.close()
    storage = await SqliteStorage.open(db_path)
    fields = {**FIELDS, "birth": "birth"}
    try:
        births = {}
        async with storage.unit(write=False) as unit:
            for user in ("1", "2", "3"):
                session, _ = await unit.people.load("telegram", user, fields)  # type: ignore[misc]
                births[user] = session.profile.get("birth")
        assert births == {"1": "2008-07/2009-06", "2": "2006-01/2006-12", "3": None}
    finally:
        await storage.close()


async def test_session_round_trip_and_erase(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path)
    try:
        session = Session(
            language="ar",
            consented=True,
            stack=[
                Frame(
                    "onboarding",
                    "place",
                    ["language", "consent", "age"],
                    {"candidates": ["helmstedt"], "note": "ü"},
                ),
                Frame("feedback", "comment", draft={"rating": "4"}, single=False, then=""),
            ],
            profile=Profile(age=17, status="duldung", german_level="A2", interests=("job",)),
            saved=["HE-001", "HE-002"],
        )
        async with storage.unit() as unit:
            await unit.people.save("telegram", "42", session, FIELDS, NOW)
        async with storage.unit() as unit:
            loaded, snapshot = await unit.people.load("telegram", "42", FIELDS)  # type: ignore[misc]
            assert loaded == session
            assert not snapshot.differs(loaded)
            session.profile.place = "helmstedt"
            session.stack = []
            assert snapshot.differs(session)
            await unit.people.save("telegram", "42", session, FIELDS, NOW, snapshot)
        async with storage.unit() as unit:
            assert (await unit.people.load("telegram", "42", FIELDS))[0] == session  # type: ignore[index]
            assert await unit.people.load("telegram", "43", FIELDS) is None
            assert await unit.people.erase("telegram", "42") is True
            assert await unit.people.load("telegram", "42", FIELDS) is None
        async with storage.transaction(write=False) as tx:
            for table in ("users", "profiles", "conversation_state", "offer_marks"):
                assert (await tx.fetchone(f"SELECT count(*) FROM {table}"))[0] == 0, table
    finally:
        await storage.close()


async def test_a_session_without_consent_is_never_stored(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path)
    try:
        with pytest.raises(ValueError, match="consent"):
            async with storage.unit() as unit:
                await unit.people.save("telegram", "1", Session(language="de"), FIELDS, NOW)
    finally:
        await storage.close()


async def test_a_failing_unit_of_work_changes_nothing(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path)
    session = Session(language="de", consented=True, profile=Profile(age=20))
    try:
        with pytest.raises(RuntimeError):
            async with storage.unit() as unit:
                await unit.people.save("telegram", "1", session, FIELDS, NOW)
                raise RuntimeError("the input failed half-way")
        async with storage.unit(write=False) as unit:
            assert await unit.people.load("telegram", "1", FIELDS) is None
    finally:
        await storage.close()


async def test_a_profile_field_without_a_column_is_named(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path)
    try:
        async with storage.unit(write=False) as unit:
            missing = await unit.people.missing_profile_columns({**FIELDS, "shoe_size": "int"})
        assert missing == ["shoe_size"]
    finally:
        await storage.close()


async def test_group_notice_is_given_once(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path)
    try:
        async with storage.unit() as unit:
            assert await unit.chats.first_notice("-100", NOW) is True
            assert await unit.chats.first_notice("-100", NOW) is False
            assert await unit.chats.first_notice("-200", NOW) is True
    finally:
        await storage.close()


async def test_a_unit_runs_whole_and_refuses_to_wait_for_anything_else(db_path: Path) -> None:
    import asyncio

    storage = await SqliteStorage.open(db_path)
    try:

        async def waits(unit) -> None:  # type: ignore[no-untyped-def]
            await unit.chats.first_notice("-1", NOW)
            await asyncio.sleep(0.01)  # would let another unit in between: refused

        with pytest.raises(RuntimeError, match="may wait for nothing"):
            await storage.run(waits)
        # ... and rolled back: the first statement left nothing behind.
        assert await storage.run(lambda unit: unit.chats.first_notice("-1", NOW)) is True
    finally:
        await storage.close()


async def test_the_wal_is_written_back_in_a_thread(db_path: Path) -> None:
    import asyncio

    from bot.storage import sqlite

    storage = await SqliteStorage.open(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        for number in range(sqlite.CHECKPOINT_EVERY + 1):
            await storage.run(lambda unit, n=number: unit.chats.first_notice(str(n), NOW))
        assert storage._checkpoint is not None
        await asyncio.wait_for(storage._checkpoint, 10)
        count = (await storage.run(lambda unit: unit.tx.fetchone(
            "SELECT count(*) FROM group_notices"), write=False))[0]  # fmt: skip
        assert count == sqlite.CHECKPOINT_EVERY + 1
    finally:
        await storage.close()
    # Closing writes the rest back; the database file alone holds every row.
    assert not wal.exists() or wal.stat().st_size == 0
    plain = sqlite3.connect(db_path)
    assert plain.execute("SELECT count(*) FROM group_notices").fetchone()[0] == count
    plain.close()
