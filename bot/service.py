"""The one entry point every channel uses: load the person, run the core, carry out what it
changed in one transaction, reply.

The content (conversations, catalogue, events, translations) can be replaced while the bot
runs (`replace_content`); every input reads the content of its moment.

One module, over 300 lines: the input path, the content swaps, the outbox rendering, the
periodic jobs and what other processes change meet here; each delegates to its module (desk,
broadcasting, reports, news, retention; the SQL of interim sessions is in storage/interim.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.apply import Context, apply_effects
from bot.broadcasting import Broadcaster
from bot.catalogue_store import changed_files, commit, import_folder, live
from bot.config import Config
from bot.content import Content
from bot.content.files import FolderFiles, all_texts
from bot.core import desk_views, engine, event_views, profile_views, search_views, volunteer_views
from bot.core.access import Actor
from bot.core.catalogue import CatalogueError
from bot.core.desk import GroupInfo
from bot.core.dialogue_io import Input, Reply
from bot.core.effects import DESK, Erase
from bot.core.profile import Session
from bot.core.reminders import change_message, changed_events, messages
from bot.core.world import Operator, World
from bot.counselling import Counselling
from bot.desk import Desk, live_files
from bot.locks import KeyedLocks
from bot.news import announce_new_offers
from bot.reports import digest_reply
from bot.retention import keep_or_forget
from bot.storage.base import Storage, open_storage
from bot.storage.outbox import OutboxQueue, OutboxRow
from bot.storage.people import Snapshot, snapshot_of
from bot.storage.unit import Unit

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Hook = Callable[[], Awaitable[None]]
Deliver = Callable[[list[Reply]], Awaitable[None]]
# Stored sessions cached in memory (SQLite: one process); the oldest leaves first.
SESSION_CACHE_LIMIT = 10_000
# A conversation before consent or "without saving" (interim_sessions): forgotten this long
# after its last input.
MEMORY_HOURS = 24
COMMENT_DAYS = 90


def utc_now() -> datetime:
    return datetime.now(UTC)


class ContentError(ValueError):
    """New content that cannot replace the running one; the message says why."""


async def _live_content(
    storage: Storage, config: Config, now: datetime, import_data: bool
) -> Content:
    version, texts = await live(storage)
    changes = changed_files(texts, all_texts(FolderFiles(config.data)))
    if changes and (version == 0 or import_data):
        # Checked where the files are, so that a problem names the file in data/.
        content = Content.load(config.conversations, config.data, config.locales)
        summary = "first start" if version == 0 else f"imported {config.data}"
        version = await commit(storage, changes, "seed" if version == 0 else "cli", summary, now)
        log.info("the catalogue folder is now catalogue version %d", version)
        return replace(content, catalogue_version=version)
    if changes:
        log.warning(
            "%s differs from the live catalogue (version %d); `lotse import` makes it live",
            config.data, version,
        )  # fmt: skip
    return Content.load(
        config.conversations, live_files(texts), config.locales, catalogue_version=version
    )


class LotseService:
    def __init__(
        self,
        storage: Storage,
        content: Content,
        timezone: str = "Europe/Berlin",
        clock: Clock = utc_now,
        data: Path | None = None,
        admins: tuple[str, ...] = (),
    ) -> None:
        self.storage = storage
        self.data = data  # the seed of the live catalogue (imported into an empty database)
        self.content = content
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self.queue = OutboxQueue(storage)
        # Called after new outbox rows were stored, so that the sender wakes in time.
        self.on_outbox_change: Hook | None = None
        # Stored sessions as last saved, so that an input needs no read. Only where this
        # process is the one writer of sessions (SQLite); several processes read every time.
        self._cache: OrderedDict[tuple[str, str], tuple[Session, Snapshot]] | None = (
            OrderedDict() if getattr(storage, "single_writer", False) else None
        )
        self.locks = KeyedLocks()
        self.desk = Desk(self, admins)
        self.broadcaster = Broadcaster(self)
        self.counselling = Counselling(self)
        self.operator = Operator()  # LOTSE_OPERATOR_NAME, _CONTACT, LOTSE_RETENTION_DAYS
        self._retention_day: date | None = None
        # What another process may announce (NOTIFY), how this one reads it, and the readings
        # running now.
        self._readers: dict[str, Callable[[], Awaitable[object]]] = {
            "staff": self.desk.staff_changed, "catalogue": self.refresh_catalogue,
        }  # fmt: skip
        self._reading: dict[str, set[asyncio.Task[None]]] = {t: set() for t in self._readers}
        self._refreshing = asyncio.Lock()  # one catalogue swap at a time

    @classmethod
    async def open(
        cls, config: Config, clock: Clock = utc_now, import_data: bool = False
    ) -> LotseService:
        """The service on the live catalogue in the database. An empty database gets the
        catalogue folder as its first version; `import_data` also makes a changed folder a
        new version (the terminal chat: a developer edits data/ and tries it)."""
        storage = await open_storage(config.database)
        try:
            async with storage.startup_lock():  # another process may be seeding it now
                content = await _live_content(storage, config, clock(), import_data)
            # The catalogue lives until the next version: keep the garbage collector from
            # walking its objects again and again (that made rankings stall now and then).
            gc.collect()
            gc.freeze()
            service = cls(storage, content, config.timezone, clock, config.data, config.admins)
            service.broadcaster.daily_cap = config.broadcasts_per_day
            service.operator = Operator(
                config.operator_name, config.operator_contact, config.retention_days
            )
            service.broadcaster.rate = config.bulk_rate
            await service.check_storage(content)
            await service.desk.load_staff()
        except BaseException:
            await storage.close()
            raise
        return service

    async def close(self) -> None:
        await self.storage.close()

    @property
    def world(self) -> World:
        now = self.clock()
        return self.content.world(now.astimezone(self.zone).date(), now, self.operator)

    @property
    def fields(self) -> dict[str, str]:
        return self.content.profile_fields

    # -- content ---------------------------------------------------------------------------

    async def check_storage(self, content: Content) -> None:
        """The database has a column for every profile field the flows declare."""
        fields = content.profile_fields
        missing = await self.storage.run(
            lambda unit: unit.people.missing_profile_columns(fields), write=False
        )
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
        await self.sync_events()  # the events as they were, so that changes can be seen
        self.content = replace(content, version=self.content.version + 1)
        log.info("content replaced; now version %d", self.content.version)
        await self.sync_events()
        return self.content.version

    async def poll_changes(self, chores: bool = True) -> None:
        """What another process changed: a new catalogue version, staff grants. With `chores`
        (the one process that sends, of several): also the weekly, monthly and daily upkeep."""
        await self.refresh_catalogue()
        await self.desk.staff_changed()
        if not chores:
            return
        await self.desk.weekly_upkeep()
        await self.desk.monthly_snapshots()
        await self.forget_interim()
        today = self.clock().date()
        if self._retention_day != today:
            self._retention_day = today
            await keep_or_forget(self, self.operator.retention_days)
            await self.counselling.upkeep()
        else:
            await self.counselling.clean()

    async def forget_interim(self) -> int:
        """Delete the conversations before consent or without saving whose last input was
        MEMORY_HOURS ago (an upkeep chore; `_read` never returns them anyway)."""
        moment = self.clock() - timedelta(hours=MEMORY_HOURS)
        forgotten = await self.storage.run(lambda unit: unit.interim.forget_before(moment))
        if forgotten:
            log.info("forgot %d unsaved conversations after %d hours", forgotten, MEMORY_HOURS)
        return forgotten

    # -- one input -------------------------------------------------------------------------

    async def session(self, channel: str, external_id: str) -> Session | None:
        loaded = await self._read((channel, external_id))
        return loaded[0] if loaded else None

    async def actor(self, channel: str, external_id: str) -> Actor:
        # A grant another process just made counts already (not inside that reading itself:
        # it asks for actors to set their command menus).
        reading = self._reading["staff"] - {asyncio.current_task()}
        if reading:
            await asyncio.gather(*reading, return_exceptions=True)
        return await self.desk.actor(channel, external_id)

    async def watch_changes(self) -> None:
        """Hear at once what another process changed (PostgreSQL's LISTEN/NOTIFY); the poll
        every few seconds stays as the safety net. SQLite: one process, nothing to hear."""
        listen = getattr(self.storage, "listen", None)
        if listen is None:
            return

        def changed(topic: str) -> None:
            reading = self._reading.get(topic)
            if reading is None:
                log.warning("an unknown change was announced: %r", topic)
                return
            task = asyncio.get_running_loop().create_task(self._read_change(topic))
            reading.add(task)
            task.add_done_callback(reading.discard)

        await listen(changed)

    async def _read_change(self, topic: str) -> None:
        try:
            await self._readers[topic]()
        except Exception:
            log.exception("could not read a change another process made (%s)", topic)

    async def live_catalogue(self) -> tuple[int, dict[str, str]]:
        """The live catalogue's version and files; an empty database gets the seed first."""
        version, texts = await live(self.storage)
        if version == 0 and self.data is not None:
            await import_folder(self.storage, self.data, "seed", "first start", self.clock())
            version, texts = await live(self.storage)
            if self.content.catalogue_version == 0:
                # The running content was read from the same folder.
                self.content = replace(self.content, catalogue_version=version)
        return version, texts

    async def refresh_catalogue(self) -> bool:
        """Make the newest catalogue version live (after a Confirm, or when another process
        made one). A version that does not load is logged and the running one stays."""
        async with self._refreshing:  # a notice and the poll may ask at once: one swap
            latest = await self.storage.run(lambda unit: unit.catalogue.latest(), write=False)
            if latest == 0 or latest == self.content.catalogue_version:
                return False
            version, texts = await live(self.storage)
            try:
                content = self.content.with_catalogue(live_files(texts), version)
            except CatalogueError as exc:
                problems = "; ".join(exc.problems)
                log.error("catalogue version %d does not load: %s", version, problems)
                return False
            await self.replace_content(content)
            await announce_new_offers(self)
            return True

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
        async with self.locks.hold(key), self._across_processes(key):
            world = self.world
            session, snapshot = await self._load(key) or (Session(), None)
            actor = await self.actor(channel, external_id)
            event = await self.desk.prepare(actor, key, session, event)
            started = time.perf_counter()
            outcome = engine.handle(session, event, world, language_hint, actor)
            log.debug(
                "%s input: %d replies, %d effects, %.1f ms in the core",
                event.kind, len(outcome.replies), len(outcome.effects),
                1000 * (time.perf_counter() - started),
            )  # fmt: skip
            desk = [e for e in outcome.effects if isinstance(e, DESK)]
            if desk:
                outcome.effects = [e for e in outcome.effects if not isinstance(e, DESK)]
            await self._carry_out(channel, external_id, session, snapshot, outcome, world)
            if desk:
                language = session.language or world.closest_language(language_hint)
                t = world.translator(language or "de")
                outcome.replies.extend(await self.desk.carry_out(actor, key, desk, t, session))
            if deliver is not None:
                await deliver(outcome.replies)
        return outcome.replies

    async def handle_group(
        self, channel: str, user_id: str, group: GroupInfo, event: Input
    ) -> list[Reply]:
        """A command or button in a group chat (a counselling inbox, or one being registered):
        the tables decide with the person's grants plus the counsellor role the inbox gives.
        Nothing about the group's members is stored; the session lives for this input only."""
        world = self.world
        actor = await self.counselling.group_actor(await self.actor(channel, user_id), group)
        session = Session(language="de", consented=True)
        event = replace(event, prepared=replace(event.prepared, group=group))
        event = await self.desk.prepare(actor, (channel, user_id), session, event)
        outcome = engine.handle(session, event, world, "de", actor)
        desk = [e for e in outcome.effects if isinstance(e, DESK)]
        replies = list(outcome.replies)
        if desk:
            t = world.translator("de")
            replies.extend(await self.desk.carry_out(actor, (channel, user_id), desk, t))
        return replies

    def _across_processes(self, key: tuple[str, str]) -> AbstractAsyncContextManager[None]:
        """A person's lock for every process on the database (PostgreSQL); SQLite has one
        process, whose in-memory lock is enough."""
        lock = getattr(self.storage, "person_lock", None)
        return lock(f"{key[0]}:{key[1]}") if lock is not None else nullcontext()

    async def _load(self, key: tuple[str, str]) -> tuple[Session, Snapshot | None] | None:
        cache = self._cache
        if cache is not None and key in cache:
            # Taken out while the input runs: if it fails, the next input reads the database.
            return cache.pop(key)
        return await self._read(key)

    async def _read(self, key: tuple[str, str]) -> tuple[Session, Snapshot | None] | None:
        """The stored session, or else the interim one (before consent, without saving)
        unless its last input was MEMORY_HOURS ago; the snapshot is None for an interim."""
        fields = self.fields
        since = self.clock() - timedelta(hours=MEMORY_HOURS)

        async def read(unit: Unit) -> tuple[Session, Snapshot | None] | None:
            stored = await unit.people.load(*key, fields)
            if stored is not None:
                return stored
            interim = await unit.interim.load(*key, since)
            return (interim, None) if interim is not None else None

        return await self.storage.run(read, write=False)

    def _remember(self, key: tuple[str, str], entry: tuple[Session, Snapshot] | None) -> None:
        cache = self._cache
        if cache is None:
            return
        if entry is None:
            cache.pop(key, None)
            return
        cache[key] = entry
        while len(cache) > SESSION_CACHE_LIMIT:
            cache.popitem(last=False)

    def forget_cached(self, channel: str, external_id: str) -> None:
        """Read this person from the database next time (something else changed them)."""
        self._remember((channel, external_id), None)

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
        stored = session.consented and not session.unsaved and not erase
        changed = snapshot is None or snapshot.differs(session)
        outbox_changed = False
        interim = not stored and not erase  # kept for the conversation only
        if erase or outcome.effects or (stored and changed) or interim:
            fields = self.fields

            async def write(unit: Unit) -> tuple[int | None, bool]:
                user_id = snapshot.user_id if snapshot else None
                if erase:
                    await unit.people.erase(channel, external_id)
                    await unit.staff.remove_person(channel, external_id)
                    await unit.volunteers.disown((channel, external_id))
                    await unit.interim.forget(channel, external_id)
                    user_id = None
                elif stored:
                    if snapshot is None:  # agreed just now: the interim session ends
                        await unit.interim.forget(channel, external_id)
                    user_id = await unit.people.save(
                        channel, external_id, session, fields, world.now, snapshot
                    )
                else:
                    await unit.interim.keep(channel, external_id, session, world.now)
                place = world.catalogue.places.get(session.profile.place or "")
                context = Context(
                    channel, external_id, user_id, place.district if place else "",
                    world.now, world.today,
                )  # fmt: skip
                return user_id, await apply_effects(unit, context, outcome.effects)

            # The session and every effect of this input: one transaction.
            user_id, outbox_changed = await self.storage.run(write)
            if stored and user_id is not None:
                self._remember(key, (session, snapshot_of(session, user_id)))
        if erase or not stored:
            self._remember(key, None)
        if erase:
            await self.desk.staff_changed()
            await self.counselling.clean()  # their cases' topics go now
            log.info("erased a person's data on request")
        if outbox_changed and self.on_outbox_change is not None:
            await self.on_outbox_change()

    # -- events and the outbox -------------------------------------------------------------

    async def sync_events(self) -> int:
        """Tell the subscribers of each event that moved or was cancelled since it was last
        seen (once), and move their reminders with it. Returns how many events changed."""
        world = self.world

        async def sync(unit: Unit) -> list:
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
            return changed

        changed = await self.storage.run(sync)
        if changed and self.on_outbox_change is not None:
            await self.on_outbox_change()
        return len(changed)

    async def forget_old(self) -> None:
        """Feedback comments after 90 days, uploads after a day."""
        now = self.clock()

        async def forget(unit: Unit) -> None:
            await unit.counters.forget_comments_before(now - timedelta(days=COMMENT_DAYS))
            await unit.uploads.forget_before(now - timedelta(days=1))
            await unit.chats.forget_updates_before(now - timedelta(days=1))

        await self.storage.run(forget)

    async def render(self, row: OutboxRow) -> Reply | None:
        """The text of an outbox message, in the person's language now; None when there is
        nothing to say any more (the event or the offers left the catalogue)."""
        world = self.world
        t = world.translator(world.closest_language(row.language) or "en")
        if row.kind == "new_offers":
            offers = [world.catalogue.offers[o] for o in row.payload.get("offers", [])
                      if o in world.catalogue.offers]  # fmt: skip
            return search_views.new_offers_news(t, world, offers) if offers else None
        if row.kind == "mentor":
            return volunteer_views.mentor_message(t, str(row.payload.get("name", "")))
        if row.kind == "retention":
            return profile_views.retention_question(t, int(row.payload.get("days", 14)))
        if row.kind == "broadcast":
            return await self.broadcaster.render(row)
        if row.kind == "digest":
            return digest_reply(self, row.language, row.payload)
        if row.kind == "upkeep":
            districts = [d for d in row.payload.get("districts", [])
                         if d in world.catalogue.districts]  # fmt: skip
            return desk_views.upkeep_report(t, world, districts, world.today,
                                            desk_views.languages_of(world))  # fmt: skip
        event = world.events.get(str(row.payload.get("event", "")))
        if event is None:
            return None
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
        now = self.clock()
        return await self.storage.run(lambda unit: unit.chats.first_notice(chat_id, now))

    async def seen_update(self, update_id: int) -> bool:
        """True when this update was handled before (a webhook posted it again)."""
        now = self.clock()
        first = await self.storage.run(lambda unit: unit.chats.first_update(update_id, now))
        return not first

    async def healthy(self) -> bool:
        """The database answers (for GET /healthz)."""
        try:
            await self.storage.run(lambda unit: unit.catalogue.latest(), write=False)
        except Exception:
            log.warning("the health check could not read the database", exc_info=True)
            return False
        return True

    async def mark_unblocked(self, channel: str, external_id: str) -> None:
        """The person unblocked the bot (Telegram's my_chat_member): messages may go again."""

        async def unblock(unit: Unit) -> None:
            user_id = await unit.people.user_id(channel, external_id)
            if user_id is not None:
                await unit.outbox.mark_unblocked(user_id)

        await self.storage.run(unblock)
        self.forget_cached(channel, external_id)

    async def mark_blocked(self, channel: str, external_id: str) -> None:
        """The person blocked the bot (a reply was refused): send them nothing more."""
        now = self.clock()

        async def block(unit: Unit) -> None:
            user_id = await unit.people.user_id(channel, external_id)
            if user_id is not None:
                await unit.outbox.mark_blocked(user_id, now)

        await self.storage.run(block)
        self.forget_cached(channel, external_id)
