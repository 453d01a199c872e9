from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.core.places import PlaceIndex
from bot.core.search import SearchIndex
from bot.core.world import World
from bot.service import Content, LotseService
from bot.storage.database import connect

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def content() -> Content:
    """The real conversation and translations, on the small fixture catalogue."""
    return Content.load(ROOT / "conversations", FIXTURE_DATA, ROOT / "locales")


@pytest.fixture(scope="session")
def world(content: Content) -> World:
    return World(
        flow=content.flow,
        catalogue=content.catalogue,
        places=PlaceIndex(tuple(content.catalogue.places.values())),
        languages=content.catalogues.languages(),
        translator=content.catalogues.translator,
        today=TODAY,
        search=SearchIndex(content.catalogue),
        events=content.events,
        now=NOW,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lotse.sqlite3"


@pytest.fixture
async def service(content: Content, db_path: Path) -> AsyncIterator[LotseService]:
    db = await connect(db_path)
    lotse = LotseService(db, content, clock=lambda: NOW)
    yield lotse
    await lotse.close()
