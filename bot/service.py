"""The one entry point every channel uses: load the session, run the core, save, reply."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite

from bot.config import Config
from bot.core import engine, event_views
from bot.core.catalogue import Catalogue, load_catalogue
from bot.core.dialogue_io import Input, Reply
from bot.core.events import Event, load_events
from bot.core.flow import Flow, load_flow
from bot.core.places import PlaceIndex
from bot.core.profile import Session
from bot.core.reminders import change_message, changed_events, messages
from bot.core.search import SearchIndex
from bot.core.world import World
from bot.i18n import Catalogues
from bot.storage.chats import ChatRepository
from bot.storage.database import connect
from bot.storage.events import EventRepository
from bot.storage.needs import NeedsRepository
from bot.storage.outbox import OutboxRepository, OutboxRow
from bot.storage.people import PeopleRepository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Hook = Callable[[], Awaitable[None]]
# Sessions of people who have not agreed yet live only in memory; the cap keeps a flood of
# strangers from growing it without end (the oldest is forgotten and simply starts again).
PRE_CONSENT_LIMIT = 10_000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Content:
    """What is read from files at start: flow, catalogue, events, translations."""

    flow: Flow
    catalogue: Catalogue
    catalogues: Catalogues
    events: dict[str, Event]

    @classmethod
    def load(cls, conversations: Path, data: Path, locales: Path) -> Content:
        catalogue = load_catalogue(data)
        return cls(
            flow=load_flow(conversations / "onboarding.toml"),
            catalogue=catalogue,
            catalogues=Catalogues(locales),
            events=load_events(data, catalogue),
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
        self.outbox = OutboxRepository(db)
        self.events = EventRepository(db)
        self.clock = clock
        # Called after new outbox rows were stored, so that the sender wakes in time.
        self.on_outbox_change: Hook | None = None
        self.zone = ZoneInfo(timezone)
        self._world = World(
            flow=content.flow,
            catalogue=content.catalogue,
            places=PlaceIndex(tuple(content.catalogue.places.values())),
            languages=content.catalogues.languages(),
            translator=content.catalogues.translator,
            today=clock().astimezone(self.zone).date(),
            search=SearchIndex(content.catalogue),
            events=content.events,
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
        now = self.clock()
        return replace(self._world, today=now.astimezone(self.zone).date(), now=now)

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
            world = self.world
            outcome = engine.handle(session, event, world, language_hint)
            if outcome.search_miss:
                await self.needs.count_search_miss(outcome.search_miss, world.today)
            if outcome.erase:
                await self.people.erase(channel, external_id)
                self._pre_consent.pop(key, None)
                log.info("erased a user's data on request")
            elif session.consented:
                await self.people.save(channel, external_id, session, world.now)
                self._pre_consent.pop(key, None)
                await self._events_side(channel, external_id, outcome, world)
            else:
                self._pre_consent[key] = session
                self._pre_consent.move_to_end(key)
                while len(self._pre_consent) > PRE_CONSENT_LIMIT:
                    self._pre_consent.popitem(last=False)
        if not lock.locked():
            self._locks.pop(key, None)
        return outcome.replies

    async def _events_side(
        self, channel: str, external_id: str, outcome: engine.Outcome, world: World
    ) -> None:
        for event_id in outcome.unsubscribe:
            await self.outbox.unsubscribe(channel, external_id, event_id, world.now)
        if outcome.went:
            await self.events.record_went(channel, external_id, *outcome.went)
        if not outcome.subscribe:
            return
        user_id = await self.outbox.user_id(channel, external_id)
        if user_id is None:
            return
        for event_id in outcome.subscribe:
            planned = messages(str(user_id), world.events[event_id], world.now)
            await self.outbox.subscribe(
                channel, external_id, event_id, [m.row() for m in planned], world.now
            )
        if self.on_outbox_change is not None:
            await self.on_outbox_change()

    async def sync_events(self) -> int:
        """At start: tell the subscribers of each event that moved or was cancelled since the
        last start (once), and move their reminders with it. Returns how many events changed."""
        world = self.world
        changed = changed_events(await self.events.known(), world.events)
        for event in changed:
            planned = {}
            for user_id in await self.events.subscribers(event.id):
                user = str(user_id)
                rows = [change_message(user, event, world.now), *messages(user, event, world.now)]
                planned[user_id] = [m.row() for m in rows]
            await self.outbox.replan(event.id, planned, world.now)
            log.info("event %s changed; %d subscribers are told", event.id, len(planned))
        await self.events.remember(
            [(event.id, event.start, event.cancelled) for event in world.events.values()]
        )
        return len(changed)

    def render(self, row: OutboxRow) -> Reply | None:
        """The text of an outbox message, in the person's language now; None when there is
        nothing to say any more (the event left the catalogue)."""
        world = self.world
        event = world.events.get(str(row.payload.get("event", "")))
        if event is None:
            return None
        t = world.translator(world.closest_language(row.language) or "en")
        if row.kind == "reminder":
            return event_views.reminder(t, event)
        if row.kind == "change":
            return event_views.change(t, event)
        if row.kind == "followup":
            return event_views.follow_up(t, event)
        log.error("outbox row %s has an unknown kind %r", row.id, row.kind)
        return None

    async def database_file(self) -> str:
        """The file of the open database, for a second connection (the sender's)."""
        async with self.db.execute("PRAGMA database_list") as cursor:
            rows = await cursor.fetchall()
        return next(row["file"] for row in rows if row["name"] == "main")

    def translator_for(self, language: str | None):
        code = self.world.closest_language(language) or "en"
        return self.world.translator(code)

    async def first_group_notice(self, chat_id: str) -> bool:
        return await self.chats.first_notice(chat_id, self.clock())
