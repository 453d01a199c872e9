from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.content import Content
from bot.core.world import World
from bot.service import LotseService
from bot.storage.base import open_storage
from bot.storage.sqlite import SqliteStorage
from tests.support.clock import Clock
from tests.support.fake_bot_api import FakeBotAPI

pytest_plugins = ["tests.support.pg_fixtures"]

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
# The day the counsellor's table (tests/data/counsellor_table.csv) was written for.
COUNSELLOR_DAY = date(2026, 12, 1)
COUNSELLOR_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def content() -> Content:
    """The real conversations and translations, on the small fixture catalogue."""
    return Content.load(ROOT / "conversations", FIXTURE_DATA, ROOT / "locales")


@pytest.fixture(scope="session")
def world(content: Content) -> World:
    return content.world(TODAY, NOW)


@pytest.fixture(scope="session")
def bundled() -> Content:
    """The real conversations, translations and the bundled sample catalogue (data/)."""
    return Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lotse.sqlite3"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """The database of a test that runs on both backends: a SQLite file, or an empty
    PostgreSQL database on the test run's own server (skipped, with the reason, where no
    PostgreSQL binaries exist)."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_dsn")
    return tmp_path / "lotse.sqlite3"


@pytest.fixture
async def service(content: Content, database: Path | str) -> AsyncIterator[LotseService]:
    lotse = LotseService(
        await open_storage(database), content, clock=lambda: NOW, data=FIXTURE_DATA
    )
    yield lotse
    await lotse.close()


@pytest.fixture
async def bundled_service(bundled: Content, db_path: Path) -> AsyncIterator[LotseService]:
    """The service on the bundled catalogue, on the counsellor's day."""
    lotse = LotseService(
        await SqliteStorage.open(db_path), bundled, clock=lambda: COUNSELLOR_NOW,
        data=ROOT / "data",
    )  # fmt: skip
    yield lotse
    await lotse.close()


@pytest.fixture
def clock() -> Clock:
    """A clock the test moves (starts at NOW)."""
    return Clock(NOW)


@pytest.fixture
async def lotse(
    content: Content, database: Path | str, clock: Clock
) -> AsyncIterator[LotseService]:
    """The service on the fixture catalogue (also its live catalogue's seed), on `clock`, on
    SQLite and on PostgreSQL."""
    service = LotseService(
        await open_storage(database), content, clock=clock, data=FIXTURE_DATA
    )
    yield service
    await service.close()


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A fake Telegram Bot API server on 127.0.0.1 for the real python-telegram-bot stack."""
    with FakeBotAPI() as server:
        yield server
