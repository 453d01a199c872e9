"""Talk to a person, as the service carries it out: cases with a pseudonym, one forum topic
each in the service's inbox group (or the district's coordinators in their chats), messages
copied both ways by id, closing with an outcome, and deleting topics: 90 days after closing,
and at once when the person erases their data. No message text is stored.

The channel does the copying (`CaseChannel`); the terminal chat has none: its cases wait in
`lotse inbox`.

One module, over 300 lines: a case's whole life (open, relay both ways, close, upkeep,
deletion) reads and writes the same rows and must keep one view of who may see what.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from bot.core import case_views
from bot.core import effects as fx
from bot.core.access import CASE_HANDLERS, COORDINATOR, COUNSELLOR, Actor, Grant
from bot.core.desk import CaseInfo, GroupInfo
from bot.core.dialogue_io import Reply
from bot.core.text import Translator, esc
from bot.storage.cases import CaseRow
from bot.storage.unit import Unit

if TYPE_CHECKING:
    from bot.service import LotseService

log = logging.getLogger(__name__)
Key = tuple[str, str]
IDLE_DAYS = 30  # a case without messages closes
KEEP_CLOSED_DAYS = 90  # then its topic is deleted
PSEUDONYM_LETTERS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


class CaseChannel(Protocol):
    """What a channel does for cases. Chats are the channel's ids as text; False/None: it did
    not work (the channel logged why)."""

    async def create_topic(self, chat_id: str, name: str) -> int | None: ...

    async def post(self, chat_id: str, thread_id: int | None, reply: Reply) -> bool: ...

    async def copy(
        self, from_chat: str, message_id: int, to_chat: str, thread_id: int | None,
        buttons: Reply | None = None,
    ) -> bool: ...  # fmt: skip

    async def close_topic(self, chat_id: str, thread_id: int) -> bool: ...

    async def delete_topic(self, chat_id: str, thread_id: int) -> bool: ...


def new_pseudonym() -> str:
    return "".join(secrets.choice(PSEUDONYM_LETTERS) for _ in range(4))


def info_of(row: CaseRow, key: Key | None = None) -> CaseInfo:
    mine = key is not None and (row.channel, row.external_id) == key
    return CaseInfo(row.id, row.pseudonym, row.service, row.district, row.state, mine)


class Counselling:
    def __init__(self, service: LotseService) -> None:
        self.service = service
        self.channel: CaseChannel | None = None

    @property
    def german(self) -> Translator:
        return self.service.world.translator("de")

    # -- what the core needs looked up ----------------------------------------------------

    async def inbox_services(self) -> dict[str, str]:
        """service -> inbox chat id."""
        rows = await self.service.storage.run(lambda unit: unit.cases.inboxes(), write=False)
        return {r.service: r.chat_id for r in rows}

    async def reachable(self) -> frozenset[str]:
        """Services a case can reach: with an inbox group, or with a coordinator of their
        district in Lotse (cases then go to the coordinators' chats)."""
        world = self.service.world
        inboxes = await self.inbox_services()
        districts = await self._coordinated_districts()
        return frozenset(
            s for s, o in world.catalogue.offers.items()
            if o.category == "counselling" and (s in inboxes or o.district in districts)
        )  # fmt: skip

    async def _coordinated_districts(self) -> set[str]:
        return {district for _key, district in await self._coordinator_grants()}

    async def _coordinator_grants(self) -> list[tuple[Key, str]]:
        """(who, district) for every district coordinator (admins are not bothered with
        cases: they hold every district)."""
        found = []
        for key in await self.service.desk.staff_keys():
            actor = await self.service.actor(*key)
            found += [(key, g.district) for g in actor.grants if g.role == COORDINATOR]
        return found

    async def open_cases_of(self, key: Key) -> tuple[CaseInfo, ...]:
        async def read(unit: Unit) -> list[CaseRow]:
            user_id = await unit.people.user_id(*key)
            return await unit.cases.open_of(user_id) if user_id is not None else []

        rows = await self.service.storage.run(read, write=False)
        return tuple(info_of(r, key) for r in rows)

    async def case_named(self, pseudonym: str, key: Key) -> CaseInfo | None:
        row = await self.service.storage.run(
            lambda unit: unit.cases.by_pseudonym(pseudonym), write=False
        )
        return info_of(row, key) if row else None

    async def case_by_id(self, case_id: int, key: Key) -> CaseInfo | None:
        row = await self.service.storage.run(lambda unit: unit.cases.case(case_id), write=False)
        return info_of(row, key) if row else None

    async def group_actor(self, actor: Actor, group: GroupInfo) -> Actor:
        """In an inbox group, everyone holds the counsellor role for its services' districts
        (the group's members are the service's counsellors)."""
        world = self.service.world
        districts = {world.catalogue.offers[s].district for s in group.services
                     if s in world.catalogue.offers}  # fmt: skip
        grants = tuple(Grant(COUNSELLOR, d) for d in sorted(districts))
        return Actor(actor.grants + grants)

    async def group_of(
        self, chat_id: str, title: str, forum: bool, can_manage: bool, thread_id: int | None
    ) -> GroupInfo:
        inboxes = await self.inbox_services()
        services = tuple(s for s, chat in inboxes.items() if chat == chat_id)
        return GroupInfo(chat_id, title, forum, can_manage, services, thread_id)

    # -- carrying out ---------------------------------------------------------------------

    async def carry_out(
        self, actor: Actor, key: Key, effect: fx.Effect, t: Translator
    ) -> list[Reply]:
        if isinstance(effect, fx.OpenCase):
            return await self.open_case(key, effect, t)
        if isinstance(effect, fx.Relay):
            return await self.relay(actor, key, effect, t)
        if isinstance(effect, fx.CloseCase):
            return await self.close(actor, key, effect, t)
        if isinstance(effect, fx.RegisterInbox):
            return await self.register(key, effect)
        return []

    async def open_case(self, key: Key, effect: fx.OpenCase, t: Translator) -> list[Reply]:
        service, world = self.service, self.service.world
        inboxes = await self.inbox_services()
        chat_id = inboxes.get(effect.service, "")
        now = service.clock()

        async def store(unit: Unit) -> tuple[int, str] | None:
            user_id = await unit.people.user_id(*key)
            if user_id is None:
                return None
            pseudonym = new_pseudonym()
            while await unit.cases.pseudonym_taken(pseudonym):
                pseudonym = new_pseudonym()
            case_id = await unit.cases.open_case(
                pseudonym, user_id, effect.service, effect.district, effect.topic,
                effect.age_band, chat_id, now,
            )  # fmt: skip
            return case_id, pseudonym

        stored = await service.storage.run(store)
        if stored is None:
            return [Reply(esc(t.gettext("Please answer the questions first.")))]
        case_id, pseudonym = stored
        log.info("a counselling case was opened")
        card = case_views.case_card(self.german, world, pseudonym, effect.summary_de)
        delivered = False
        if self.channel is not None and chat_id:
            name = case_views.topic_name(pseudonym, effect.topic, effect.age_band)
            thread = await self.channel.create_topic(chat_id, name)
            if thread is not None:
                await service.storage.run(lambda unit: unit.cases.set_thread(case_id, thread))
                delivered = await self.channel.post(chat_id, thread, card)
        if not delivered and self.channel is not None:
            delivered = await self._to_coordinators(
                effect.district, self._with_reply(card, pseudonym)
            )
        if not delivered:
            log.warning("a case waits in `lotse inbox`: no inbox group or coordinator took it")
            return [case_views.waiting(t, world, effect.service, pseudonym)]
        return [case_views.sent(t, world, effect.service, pseudonym)]

    def _with_reply(self, card: Reply, pseudonym: str) -> Reply:
        """For a coordinator's chat: the close buttons and "Write" (no topic to answer in)."""
        write = case_views.answer_button(self.german, pseudonym)
        return replace(card, buttons=((write,), *card.buttons))

    async def _coordinators(self, district: str) -> list[Key]:
        return [key for key, where in await self._coordinator_grants() if where == district]

    async def _to_coordinators(self, district: str, reply: Reply) -> bool:
        assert self.channel is not None
        sent = False
        for _channel, external_id in await self._coordinators(district):
            sent |= await self.channel.post(external_id, None, reply)
        return sent

    async def relay(self, actor: Actor, key: Key, effect: fx.Relay, t: Translator) -> list[Reply]:
        row = await self.service.storage.run(
            lambda unit: unit.cases.case(effect.case), write=False
        )
        if row is None or row.state != "open" or self.channel is None:
            return [Reply(esc(case_views.ended(t)))]
        if (row.channel, row.external_id) == key:  # the young person writes
            if row.chat_id and row.thread_id is not None:
                ok = await self.channel.copy(key[1], effect.message_id, row.chat_id,
                                             row.thread_id)  # fmt: skip
            else:
                ok = False
                answer = self._with_reply(Reply(""), row.pseudonym)
                for _channel, external_id in await self._coordinators(row.district):
                    ok |= await self.channel.copy(
                        key[1], effect.message_id, external_id, None, answer
                    )
        elif actor.may(CASE_HANDLERS, row.district):  # a coordinator answers in their chat
            ok = await self._to_person(row, key[1], effect.message_id)
        else:
            return [Reply(esc(case_views.ended(t)))]
        if not ok:
            return [Reply(esc(t.gettext("Sorry, I could not pass this on. Please try again.")))]
        await self.service.storage.run(lambda unit: unit.cases.touch(row.id, self.service.clock()))
        return []

    async def _to_person(self, row: CaseRow, from_chat: str, message_id: int) -> bool:
        assert self.channel is not None
        if not row.external_id:
            return False
        language = await self._language_of(row)
        t = self.service.translator_for(language)
        button = case_views.write_button(t, self.service.world, row.service, row.pseudonym)
        header = Reply("", ((button,),))
        return await self.channel.copy(from_chat, message_id, row.external_id, None, header)

    async def _language_of(self, row: CaseRow) -> str | None:
        session = await self.service.session(row.channel, row.external_id)
        return session.language if session else None

    async def from_counsellor(self, group: GroupInfo, message_id: int) -> None:
        """A message in an inbox topic: copied to the young person, or refused politely."""
        if self.channel is None or group.thread_id is None:
            return
        row = await self.service.storage.run(
            lambda unit: unit.cases.by_topic(group.chat_id, group.thread_id or 0), write=False
        )
        if row is None:
            return  # a topic of the group's own, not a case
        if row.state != "open" or not row.external_id:
            text = case_views.refused_in_inbox(self.german, row.state)
            await self.channel.post(group.chat_id, group.thread_id, Reply(esc(text)))
            return
        if await self._to_person(row, group.chat_id, message_id):
            await self.service.storage.run(
                lambda unit: unit.cases.touch(row.id, self.service.clock())
            )
        else:
            text = self.german.gettext("Lotse could not pass this message on.")
            await self.channel.post(group.chat_id, group.thread_id, Reply(esc(text)))

    async def close(
        self, actor: Actor, key: Key, effect: fx.CloseCase, t: Translator
    ) -> list[Reply]:
        now = self.service.clock()

        async def close(unit: Unit) -> CaseRow | None:
            row = await unit.cases.case(effect.case)
            if row is None or not await unit.cases.close(row.id, effect.outcome, now):
                return None
            await unit.counters.add("case_outcome", row.district, now.date(), effect.outcome)
            return row

        row = await self.service.storage.run(close)
        if row is None:
            return [Reply(esc(t.gettext("This case is closed already.")))]
        log.info("a counselling case was closed")
        note = Reply(esc(case_views.closed_in_inbox(self.german, row.pseudonym, effect.outcome)))
        in_topic = row.chat_id and row.thread_id is not None and self.channel is not None
        if in_topic:
            # Said in the topic before it closes (a closed topic takes no messages).
            await self.channel.post(row.chat_id, row.thread_id, note)  # type: ignore[union-attr]
        await self._closed(row)
        from_inbox = any(g.role == COUNSELLOR for g in actor.grants)
        return [] if in_topic and from_inbox else [note]

    async def _closed(self, row: CaseRow) -> None:
        if self.channel is None:
            return
        if row.chat_id and row.thread_id is not None:
            await self.channel.close_topic(row.chat_id, row.thread_id)
        if row.external_id:
            t = self.service.translator_for(await self._language_of(row))
            text = case_views.closed_for_person(t, self.service.world, row.service)
            await self.channel.post(row.external_id, None, Reply(esc(text)))

    async def register(self, key: Key, effect: fx.RegisterInbox) -> list[Reply]:
        world, now = self.service.world, self.service.clock()
        offer = world.catalogue.offers.get(effect.service)
        if offer is None:
            return []
        label = self.service.desk.label(key)
        await self.service.storage.run(lambda unit: unit.cases.register_inbox(
            effect.service, offer.district, effect.chat_id, effect.title, label, now
        ))  # fmt: skip
        log.info("a counselling inbox group was registered")
        return [Reply(esc(case_views.inbox_registered(self.german, world, effect.service)))]

    # -- upkeep ---------------------------------------------------------------------------

    async def upkeep(self) -> int:
        """Close cases idle for 30 days; delete the topics of erased cases and of cases closed
        90 days ago (then the case row). Returns how many cases changed."""
        now = self.service.clock()
        idle = await self.service.storage.run(
            lambda unit: unit.cases.idle_before(now - timedelta(days=IDLE_DAYS)), write=False
        )
        for row in idle:
            await self.close(Actor(), ("", ""), fx.CloseCase(row.id, "timeout"), self.german)
        return len(idle) + await self.clean()

    async def clean(self) -> int:
        now = self.service.clock()
        rows = await self.service.storage.run(
            lambda unit: unit.cases.to_delete(now - timedelta(days=KEEP_CLOSED_DAYS)),
            write=False,
        )
        done = 0
        for row in rows:
            if row.chat_id and row.thread_id is not None:
                if self.channel is None:
                    continue  # kept until a channel can delete the topic
                if not await self.channel.delete_topic(row.chat_id, row.thread_id):
                    continue  # tried again at the next upkeep
                if row.state == "erased":
                    text = case_views.deleted_in_inbox(self.german, row.pseudonym)
                    await self.channel.post(row.chat_id, None, Reply(esc(text)))
            await self.service.storage.run(lambda unit, r=row: unit.cases.delete(r.id))
            done += 1
        if done:
            log.info("%d counselling cases deleted with their topics", done)
        return done
