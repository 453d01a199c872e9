"""The one entry point every channel uses: load the session, run the core, save, reply."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite

from bot.config import Config
from bot.core import engine
from bot.core.catalogue import Catalogue, load_catalogue
from bot.core.dialogue_io import Input, Reply
from bot.core.flow import Flow, load_flow
from bot.core.places import PlaceIndex
from bot.core.profile import Session
from bot.core.search import SearchIndex
from bot.core.world import World
from bot.i18n import Catalogues
from bot.storage.chats import ChatRepository
from bot.storage.database import connect
from bot.storage.needs import NeedsRepository
from bot.storage.people import PeopleRepository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Sessions of people who have not agreed yet live only in memory; the cap keeps a flood of
# strangers from growing it without end (the oldest is forgotten and simply starts again).
PRE_CONSENT_LIMIT = 10_000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Content:
    """What is read from files at start: flow, catalogue, translations."""

    flow: Flow
    catalogue: Catalogue
    catalogues: Catalogues

    @classmethod
    def load(cls, conversations: Path, data: Path, locales: Path) -> Content:
        return cls(
            flow=load_flow(conversations / "onboarding.toml"),
            catalogue=load_catalogue(data),
            catalogues=Catalogues(locales),
        )


class LotseService:
    def __init__(
        self,
        db: aiosqlite.Connection,
        content: Content,
        timezone: str = "Europe/Berlin",
        clock: Clock = utc_now,
    ) -> None:
        self.db = db
        self.people = PeopleRepository(db)
        self.chats = ChatRepository(db)
        self.needs = NeedsRepository(db)
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self._world = World(
            flow=content.flow,
            catalogue=content.catalogue,
            places=PlaceIndex(tuple(content.catalogue.places.values())),
            languages=content.catalogues.languages(),
            translator=content.catalogues.translator,
            today=clock().astimezone(self.zone).date(),
            search=SearchIndex(content.catalogue),
        )
        self._pre_consent: OrderedDict[tuple[str, str], Session] = OrderedDict()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    @classmethod
    async def open(cls, config: Config, clock: Clock = utc_now) -> LotseService:
        content = Content.load(config.conversations, config.data, config.locales)
        # The catalogue lives as long as the process: keep the garbage collector from
        # walking its objects again and again (that made rankings stall now and then).
        gc.collect()
        gc.freeze()
        db = await connect(config.database)
        return cls(db, content, config.timezone, clock)

    async def close(self) -> None:
        await self.db.close()

    @property
    def world(self) -> World:
        today = self.clock().astimezone(self.zone).date()
        if today != self._world.today:
            self._world = replace(self._world, today=today)
        return self._world

    async def session(self, channel: str, external_id: str) -> Session | None:
        key = (channel, external_id)
        return await self.people.load(channel, external_id) or self._pre_consent.get(key)

    async def handle(
        self, channel: str, external_id: str, event: Input, language_hint: str | None = None
    ) -> list[Reply]:
        key = (channel, external_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            session = await self.session(channel, external_id) or Session()
            outcome = engine.handle(session, event, self.world, language_hint)
            if outcome.search_miss:
                await self.needs.count_search_miss(outcome.search_miss, self.world.today)
            if outcome.erase:
                await self.people.erase(channel, external_id)
                self._pre_consent.pop(key, None)
                log.info("erased a user's data on request")
            elif session.consented:
                await self.people.save(channel, external_id, session, self.clock())
                self._pre_consent.pop(key, None)
            else:
                self._pre_consent[key] = session
                self._pre_consent.move_to_end(key)
                while len(self._pre_consent) > PRE_CONSENT_LIMIT:
                    self._pre_consent.popitem(last=False)
        if not lock.locked():
            self._locks.pop(key, None)
        return outcome.replies

    def translator_for(self, language: str | None):
        code = self.world.closest_language(language) or "en"
        return self.world.translator(code)

    async def first_group_notice(self, chat_id: str) -> bool:
        return await self.chats.first_notice(chat_id, self.clock())
