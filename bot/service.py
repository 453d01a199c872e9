"""The one entry point every channel uses: load the person, run the core, carry out what it
changed in one transaction, reply.

The content (conversations, catalogue, events, translations) can be replaced while the bot
runs (`replace_content`); every input reads the content of its moment.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.apply import Context, apply_effects
from bot.config import Config
from bot.content import Content
from bot.core import engine, event_views
from bot.core.access import NOBODY, Actor
from bot.core.dialogue_io import Input, Reply
from bot.core.effects import Erase
from bot.core.profile import Session
from bot.core.reminders import change_message, changed_events, messages
from bot.core.world import World
from bot.locks import KeyedLocks
from bot.storage.base import Storage, open_storage
from bot.storage.outbox import OutboxQueue, OutboxRow
from bot.storage.people import Snapshot

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Hook = Callable[[], Awaitable[None]]
Deliver = Callable[[list[Reply]], Awaitable[None]]
# Sessions of people who have not agreed yet live only in memory; the cap keeps a flood of
# strangers from growing it without end (the oldest is forgotten and simply starts again).
PRE_CONSENT_LIMIT = 10_000
COMMENT_DAYS = 90


def utc_now() -> datetime:
    return datetime.now(UTC)


class ContentError(ValueError):
    """New content that cannot replace the running one; the message says why."""


class LotseService:
    def __init__(
        self,
        storage: Storage,
        content: Content,
        timezone: str = "Europe/Berlin",
        clock: Clock = utc_now,
    ) -> None:
        self.storage = storage
        self.content = content
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self.queue = OutboxQueue(storage)
        # Called after new outbox rows were stored, so that the sender wakes in time.
        self.on_outbox_change: Hook | None = None
        self._pre_consent: OrderedDict[tuple[str, str], Session] = OrderedDict()
        self.locks = KeyedLocks()

    @classmethod
    async def open(cls, config: Config, clock: Clock = utc_now) -> LotseService:
        content = Content.load(config.conversations, config.data, config.locales)
        # The catalogue lives as long as the process: keep the garbage collector from
        # walking its objects again and again (that made rankings stall now and then).
        gc.collect()
        gc.freeze()
        storage = await open_storage(config.database)
        service = cls(storage, content, config.timezone, clock)
        await service.check_storage(content)
        return service

    async def close(self) -> None:
        await self.storage.close()

    @property
    def world(self) -> World:
        now = self.clock()
        return self.content.world(now.astimezone(self.zone).date(), now)

    @property
    def fields(self) -> dict[str, str]:
        return self.content.profile_fields

    # -- content ---------------------------------------------------------------------------

    async def check_storage(self, content: Content) -> None:
        """The database has a column for every profile field the flows declare."""
        async with self.storage.unit(write=False) as unit:
            missing = await unit.people.missing_profile_columns(content.profile_fields)
        if missing:
            raise ContentError(
                f"the profiles table has no column for the field(s) {', '.join(missing)}: "
                "add a migration"
            )

    async def replace_content(self, content: Content) -> int:
        """Swap conversations, catalogue, events and indexes at once (the new content was
        checked when it was loaded). Sessions that point at something gone are mended at
        their next input. Subscribers of events that moved are told now. Returns the new
        content version."""
        await self.check_storage(content)
        self.content = replace(content, version=self.content.version + 1)
        log.info("content replaced; now version %d", self.content.version)
        await self.sync_events()
        return self.content.version

    # -- one input -------------------------------------------------------------------------

    async def session(self, channel: str, external_id: str) -> Session | None:
        async with self.storage.unit(write=False) as unit:
            loaded = await unit.people.load(channel, external_id, self.fields)
        return loaded[0] if loaded else self._pre_consent.get((channel, external_id))

    async def actor(self, channel: str, external_id: str) -> Actor:
        return NOBODY  # staff grants come with the coordinators' side

    async def handle(
        self,
        channel: str,
        external_id: str,
        event: Input,
        language_hint: str | None = None,
        deliver: Deliver | None = None,
    ) -> list[Reply]:
        """Answer one input. With `deliver`, the replies are sent while this person's next
        input still waits, so that replies leave in the order the inputs came."""
        key = (channel, external_id)
        async with self.locks.hold(key):
            world = self.world
            fields = self.fields
            async with self.storage.unit(write=False) as unit:
                loaded = await unit.people.load(channel, external_id, fields)
            snapshot: Snapshot | None = None
            if loaded is not None:
                session, snapshot = loaded
            else:
                session = self._pre_consent.get(key) or Session()
            actor = await self.actor(channel, external_id)
            started = time.perf_counter()
            outcome = engine.handle(session, event, world, language_hint, actor)
            log.debug(
                "%s input: %d replies, %d effects, %.1f ms in the core",
                event.kind, len(outcome.replies), len(outcome.effects),
                1000 * (time.perf_counter() - started),
            )  # fmt: skip
            await self._carry_out(channel, external_id, session, snapshot, outcome, world)
            if deliver is not None:
                await deliver(outcome.replies)
        return outcome.replies

    async def _carry_out(
        self,
        channel: str,
        external_id: str,
        session: Session,
        snapshot: Snapshot | None,
        outcome: engine.Outcome,
        world: World,
    ) -> None:
        key = (channel, external_id)
        erase = bool(outcome.of(Erase))
        stored = session.consented and not erase
        changed = snapshot is None or snapshot.differs(session)
        outbox_changed = False
        if erase or outcome.effects or (stored and changed):
            async with self.storage.unit() as unit:
                user_id = snapshot.user_id if snapshot else None
                if erase:
                    await unit.people.erase(channel, external_id)
                    user_id = None
                elif stored:
                    user_id = await unit.people.save(
                        channel, external_id, session, self.fields, world.now, snapshot
                    )
                place = world.catalogue.places.get(session.profile.place or "")
                context = Context(
                    channel, external_id, user_id, place.district if place else "",
                    world.now, world.today,
                )  # fmt: skip
                outbox_changed = await apply_effects(unit, context, outcome.effects)
        if erase:
            self._pre_consent.pop(key, None)
            log.info("erased a person's data on request")
        elif session.consented:
            self._pre_consent.pop(key, None)
        else:
            self._pre_consent[key] = session
            self._pre_consent.move_to_end(key)
            while len(self._pre_consent) > PRE_CONSENT_LIMIT:
                self._pre_consent.popitem(last=False)
        if outbox_changed and self.on_outbox_change is not None:
            await self.on_outbox_change()

    # -- events and the outbox -------------------------------------------------------------

    async def sync_events(self) -> int:
        """Tell the subscribers of each event that moved or was cancelled since it was last
        seen (once), and move their reminders with it. Returns how many events changed."""
        world = self.world
        async with self.storage.unit() as unit:
            changed = changed_events(await unit.events.known(), world.events)
            for event in changed:
                planned = {
                    user_id: [change_message(event, world.now), *messages(event, world.now)]
                    for user_id in await unit.events.subscribers(event.id)
                }
                await unit.outbox.replan(event.id, planned, world.now)
                log.info("event %s changed; %d subscribers are told", event.id, len(planned))
            await unit.events.remember(
                [(event.id, event.start, event.cancelled) for event in world.events.values()]
            )
        if changed and self.on_outbox_change is not None:
            await self.on_outbox_change()
        return len(changed)

    async def forget_old(self) -> None:
        """Feedback comments after 90 days, uploads after a day."""
        now = self.clock()
        async with self.storage.unit() as unit:
            await unit.counters.forget_comments_before(now - timedelta(days=COMMENT_DAYS))
            await unit.uploads.forget_before(now - timedelta(days=1))

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

    def translator_for(self, language: str | None):
        world = self.world
        return world.translator(world.closest_language(language) or "en")

    async def first_group_notice(self, chat_id: str) -> bool:
        async with self.storage.unit() as unit:
            return await unit.chats.first_notice(chat_id, self.clock())

    async def mark_blocked(self, channel: str, external_id: str) -> None:
        """The person blocked the bot (a reply was refused): send them nothing more."""
        async with self.storage.unit() as unit:
            user_id = await unit.people.user_id(channel, external_id)
            if user_id is not None:
                await unit.outbox.mark_blocked(user_id, self.clock())
