"""Broadcasts as the service carries them out: drafts with their live count of recipients, the
duplicate guard, the daily cap, one outbox row per recipient made when sending starts (with an
expiry), progress, pause, resume, cancel, withdrawal, and the message as each recipient reads
it. Sending itself is the outbox's: at most once, at Telegram's pace, in the bulk lane.

One module, over 300 lines: every action of the composer, the sending and its progress work on
the same broadcast row and its recipients; the segment logic is in bot/core/broadcasts.py and
the screens in bot/core/broadcast_views.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.core import broadcast_views as views
from bot.core import callback
from bot.core.access import Actor
from bot.core.broadcasts import (
    DAILY_CAP,
    DUPLICATE_HOURS,
    EXPIRY_CHOICES,
    EXPIRY_HOURS,
    Draft,
    Progress,
    Segment,
    in_segment,
    text_hash,
)
from bot.core.dialogue_io import Input, Reply
from bot.core.effects import BroadcastAction
from bot.core.text import Translator, esc
from bot.storage.broadcasts import BroadcastRow
from bot.storage.outbox import OutboxRow
from bot.storage.unit import Unit

if TYPE_CHECKING:
    from bot.service import LotseService

log = logging.getLogger(__name__)

Key = tuple[str, str]
# The channel posts or edits the author's progress message: (author, message id or None,
# reply) -> the message id.
ProgressHook = Callable[[Key, str | None, Reply], Awaitable[str | None]]
WithdrawHook = Callable[[list[tuple[str, str, str]]], Awaitable[int]]
EDITABLE = ("draft", "scheduled")


class Broadcaster:
    def __init__(self, service: LotseService) -> None:
        self.service = service
        self.rows: dict[int, BroadcastRow] = {}  # what is being sent: rendered from memory
        self.on_progress: ProgressHook | None = None
        self.on_withdraw: WithdrawHook | None = None
        self.rate = 25.0
        self.daily_cap = DAILY_CAP  # broadcasts per person and day (LOTSE_BROADCASTS_PER_DAY)

    # -- reading ----------------------------------------------------------------------------

    async def _row(self, broadcast_id: int) -> BroadcastRow | None:
        return await self.service.storage.run(
            lambda unit: unit.broadcasts.get(broadcast_id), write=False
        )

    async def draft(self, broadcast_id: int, counts: bool = True) -> Draft | None:
        row = await self._row(broadcast_id)
        if row is None:
            return None
        return await self._draft(row, counts)

    async def _draft(self, row: BroadcastRow, counts: bool) -> Draft:
        service, world = self.service, self.service.world
        draft = Draft(row.id, row.district, row.status, row.segment, row.base_language,
                      row.texts, row.link, row.send_at, row.created_at,
                      row.expires_hours)  # fmt: skip
        if row.status in EDITABLE and counts:
            recipients: dict[str, int] = {}
            for person in await self._audience(row.district):
                if in_segment(row.segment, row.district, world.catalogue, person, world.today):
                    language = (person.language or "de").split("_")[0]
                    recipients[language] = recipients.get(language, 0) + 1
            draft = replace(draft, recipients=recipients, duplicate_of=await self._duplicate(row))
        if row.status not in ("draft",):
            by_status, by_language = await service.storage.run(
                lambda unit: unit.broadcasts.progress(row.id), write=False
            )
            draft = replace(draft, progress=Progress(by_status, by_language, self.rate))
        return draft

    async def _audience(self, district: str):  # type: ignore[no-untyped-def]
        world = self.service.world
        places = [p.id for p in world.catalogue.places.values() if p.district == district]
        fields = self.service.fields
        return await self.service.storage.run(
            lambda unit: unit.broadcasts.audience(places, fields), write=False
        )

    async def _duplicate(self, row: BroadcastRow) -> int:
        if not row.texts:
            return 0
        since = self.service.clock() - timedelta(hours=DUPLICATE_HOURS)
        others = await self.service.storage.run(
            lambda unit: unit.broadcasts.since(row.district, since), write=False
        )
        mine = text_hash(row.texts)
        for other in others:
            if other.id != row.id and text_hash(other.texts) == mine and (
                other.segment.overlaps(row.segment)
            ):  # fmt: skip
                return other.id
        return 0

    async def prepare(self, event: Input) -> Draft | None:
        """The broadcast a bc: button names, for the callback table's district check."""
        if event.kind != "button" or not event.value.startswith("bc:"):
            return None
        try:
            pressed = callback.decode(event.value)
        except callback.CallbackError:
            return None
        if not pressed.args or not pressed.args[0].isdigit():
            return None
        counts = pressed.action in ("o", "d", "t", "e", "s", "y", "q", "p")
        return await self.draft(int(pressed.args[0]), counts)

    # -- what the coordinator does ----------------------------------------------------------

    async def carry_out(
        self, actor: Actor, key: Key, effect: BroadcastAction, t: Translator, label: str
    ) -> list[Reply]:
        service, world, zone = self.service, self.service.world, self.service.zone
        now = service.clock()
        action, args = effect.action, effect.args
        if action == "new":
            made = await service.storage.run(
                lambda unit: unit.broadcasts.create(args[0], label, key, "de", now)
            )
            log.info("broadcast %d: a draft was started", made)
            draft = await self.draft(made)
            assert draft is not None
            return [replace(views.composer(t, world, draft, zone), replace=False)]
        if action == "list":
            districts = actor.districts(frozenset({"coordinator", "admin"}))
            rows = await service.storage.run(
                lambda unit: unit.broadcasts.of_districts(
                    None if districts is None else sorted(districts), 20
                ), write=False,
            )  # fmt: skip
            drafts = tuple([await self._draft(r, counts=False) for r in rows])
            return [views.broadcast_list(t, world, drafts, zone)]
        row = await self._row(effect.broadcast)
        if row is None:
            return [Reply(esc(t.gettext("This broadcast is no longer there.")))]
        if action == "text":
            language, text = args
            if row.status not in EDITABLE:
                return [self._locked(t)]
            texts = {**row.texts, language: text}
            await self._update(row.id, texts=texts)
            return [await self._composer(row.id, t, fresh=True)]
        if action in ("toggle", "active_set", "link", "schedule") and row.status not in EDITABLE:
            return [self._locked(t)]
        if action == "show":
            return [await self._composer(row.id, t)]
        if action == "dimension":
            draft = await self._draft(row, True)
            page = int(args[1]) if args[1].isdigit() else 1
            return [views.dimension_screen(t, world, draft, args[0], page)]
        if action == "toggle":
            dimension, value, page = args[0], views.unwire(args[1]), args[2]
            if value not in views.options(world, await self._draft(row, False), dimension):
                return [await self._composer(row.id, t)]
            await self._update(row.id, segment=row.segment.toggled(dimension, value))
            draft = await self.draft(row.id)
            assert draft is not None
            number = int(page) if page.isdigit() else 1
            return [views.dimension_screen(t, world, draft, dimension, number)]
        if action == "expiry":
            if row.status not in EDITABLE:
                return [self._locked(t)]
            choices = EXPIRY_CHOICES
            following = choices[(choices.index(row.expires_hours) + 1) % len(choices)] if (
                row.expires_hours in choices) else EXPIRY_HOURS  # fmt: skip
            await self._update(row.id, expires_hours=following)
            return [await self._composer(row.id, t)]
        if action == "active":
            return [views.active_screen(t, await self._draft(row, False))]
        if action == "active_set":
            await self._update(row.id, segment=replace(row.segment, active_days=int(args[0])))
            return [await self._composer(row.id, t)]
        if action == "languages":
            return [views.language_screen(t, world, await self._draft(row, False))]
        if action == "links":
            page = int(args[0]) if args[0].isdigit() else 1
            return [views.link_screen(t, world, await self._draft(row, False), page)]
        if action == "link":
            await self._update(row.id, link=_link(args[0]))
            return [await self._composer(row.id, t)]
        if action == "preview":
            return await self._preview(row, t)
        if action == "confirm":
            draft = await self._draft(row, True)
            return [views.confirm_send(t, world, draft, second=False)]
        if action == "send":
            draft = await self._draft(row, True)
            if row.status not in EDITABLE or not row.texts:
                return [self._locked(t)]
            if draft.duplicate_of and args[0] == "0":
                return [views.confirm_send(t, world, draft, second=True)]
            await self.start(row.id)
            progress = await self._progress(row.id, t)
            if self.on_progress is None:
                return [progress]
            # The progress message is the channel's: it is edited as the broadcast goes.
            message = await self.on_progress(key, None, progress)
            if message:
                await self._update(row.id, progress_message=message)
            return []
        if action == "schedule":
            moment = datetime.combine(
                datetime.fromisoformat(args[0]).date(),
                time.fromisoformat(args[0][11:16]), zone,
            )  # fmt: skip
            await self._update(row.id, send_at=moment, status="scheduled")
            log.info("broadcast %d is scheduled", row.id)
            return [await self._composer(row.id, t, fresh=True)]
        if action == "delete":
            if row.status not in EDITABLE:
                return [self._locked(t)]
            await self._update(row.id, status="cancelled")
            return [Reply(esc(t.gettext("The draft is deleted. Nothing was sent.")))]
        if action in ("pause", "resume", "cancel"):
            return [await self._control(row, action, t)]
        if action == "withdraw":
            return [await self._withdraw(row, t)]
        return [Reply(esc(t.gettext("Sorry, I did not understand this button.")))]

    def _locked(self, t: Translator) -> Reply:
        return Reply(esc(t.gettext("This broadcast is on its way already; it cannot change now.")))

    async def _update(self, broadcast_id: int, **changes: object) -> None:
        now = self.service.clock()
        await self.service.storage.run(
            lambda unit: unit.broadcasts.update(broadcast_id, now, **changes)
        )

    async def _composer(self, broadcast_id: int, t: Translator, fresh: bool = False) -> Reply:
        draft = await self.draft(broadcast_id)
        assert draft is not None
        reply = views.composer(t, self.service.world, draft, self.service.zone)
        return replace(reply, replace=False) if fresh else reply

    async def _preview(self, row: BroadcastRow, t: Translator) -> list[Reply]:
        draft = await self._draft(row, True)
        if not row.texts:
            return [Reply(esc(t.gettext("Please write the text first.")))]
        world = self.service.world
        replies = []
        languages = sorted(set(draft.recipients) | {row.base_language})
        for language in languages[:8]:
            reader = self.service.translator_for(language)
            message = views.recipient_message(reader, world, row.district, row.texts,
                                              row.base_language, row.link)  # fmt: skip
            heading = views.preview_heading(t, world, language, draft.recipients.get(language, 0))
            replies.append(Reply(f"{heading}\n\n{message.html}", message.buttons))
        return replies

    async def _progress(self, broadcast_id: int, t: Translator) -> Reply:
        draft = await self.draft(broadcast_id, counts=False)
        assert draft is not None and draft.progress is not None
        return views.progress_reply(t, self.service.world, draft, draft.progress)

    async def _control(self, row: BroadcastRow, action: str, t: Translator) -> Reply:
        now = self.service.clock()
        moves = {
            "pause": (("sending", "scheduled"), ("pending",), "paused", "paused"),
            "resume": (("paused",), ("paused",), "pending", "sending"),
            "cancel": (("sending", "paused", "scheduled", "draft"), ("pending", "paused"),
                       "cancelled", "cancelled"),
        }  # fmt: skip
        allowed, old, new, status = moves[action]
        if row.status not in allowed:
            return await self._progress(row.id, t)
        if action == "pause" and row.status == "scheduled":
            status = "scheduled"  # nothing is out yet: pausing a plan is cancelling it or not

        async def move(unit: Unit) -> None:
            await unit.broadcasts.move_rows(row.id, old, new, now)
            finished = {"finished_at": now} if status == "cancelled" else {}
            await unit.broadcasts.update(row.id, now, status=status, **finished)

        await self.service.storage.run(move)
        log.info("broadcast %d: %s", row.id, action)
        if new == "pending" and self.service.on_outbox_change is not None:
            await self.service.on_outbox_change()
        return await self._progress(row.id, t)

    async def _withdraw(self, row: BroadcastRow, t: Translator) -> Reply:
        if row.status != "done":
            return await self._progress(row.id, t)
        sent = await self.service.storage.run(
            lambda unit: unit.broadcasts.sent_messages(row.id), write=False
        )
        deleted = await self.on_withdraw(sent) if self.on_withdraw is not None else 0
        await self._update(row.id, status="withdrawn")
        log.info("broadcast %d withdrawn: %d of %d messages deleted", row.id, deleted, len(sent))
        text = t.ngettext(
            "Withdrawn: {deleted} of {count} message deleted (Telegram allows it for 48 hours).",
            "Withdrawn: {deleted} of {count} messages deleted (Telegram allows it for 48 hours).",
            len(sent),
        ).format(deleted=deleted, count=len(sent))
        return Reply(esc(text))

    # -- sending ----------------------------------------------------------------------------

    async def start(self, broadcast_id: int) -> int:
        """Rows for everyone in the segment now (not who was in it when it was composed), each
        once; people at today's cap are recorded as skipped. Returns how many will get it."""
        service, world = self.service, self.service.world
        row = await self._row(broadcast_id)
        if row is None or row.status not in EDITABLE:
            return 0
        now = service.clock()
        local = now.astimezone(service.zone)
        midnight = datetime.combine(local.date(), time(0), service.zone)
        people = [
            p for p in await self._audience(row.district)
            if in_segment(row.segment, row.district, world.catalogue, p, world.today)
        ]  # fmt: skip
        expires = now + timedelta(hours=row.expires_hours)

        async def enqueue(unit: Unit) -> int:
            fresh = await unit.broadcasts.get(broadcast_id)
            if fresh is None or fresh.status not in EDITABLE:
                return 0  # started by someone else in the meantime
            today = await unit.broadcasts.broadcasts_since(midnight)
            cap = self.daily_cap
            send = [p.user_id for p in people if today.get(p.user_id, 0) < cap]
            skipped = [p.user_id for p in people if today.get(p.user_id, 0) >= cap]
            await unit.broadcasts.enqueue(broadcast_id, send, skipped, now, expires, now)
            await unit.broadcasts.update(broadcast_id, now, status="sending", started_at=now)
            return len(send)

        count = await service.storage.run(enqueue)
        self.rows[broadcast_id] = row
        log.info("broadcast %d: sending to %d people", broadcast_id, count)
        if service.on_outbox_change is not None:
            await service.on_outbox_change()
        return count

    async def warm(self) -> None:
        """After a start: what is being sent, so that its rows can be rendered."""
        ids = await self.service.storage.run(lambda unit: unit.broadcasts.running(), write=False)
        for broadcast_id in ids:
            row = await self._row(broadcast_id)
            if row is not None:
                self.rows[broadcast_id] = row

    async def tick(self) -> None:
        """Every few seconds: start what is due, update progress, finish what is done."""
        service = self.service
        now = service.clock()
        due = await service.storage.run(lambda unit: unit.broadcasts.due(now), write=False)
        for broadcast_id in due:
            await self.start(broadcast_id)
        await self.warm()
        for broadcast_id, row in list(self.rows.items()):
            draft = await self.draft(broadcast_id, counts=False)
            if draft is None or draft.progress is None:
                self.rows.pop(broadcast_id, None)
                continue
            if draft.status == "sending" and draft.progress.left == 0:
                await self._update(broadcast_id, status="done", finished_at=now)
                draft = replace(draft, status="done")
                log.info("broadcast %d finished: %s", broadcast_id, draft.progress.by_status)
            if self.on_progress is not None:
                fresh = await self._row(broadcast_id)
                t = service.translator_for(await self._author_language(row))
                reply = views.progress_reply(t, service.world, draft, draft.progress)
                message = await self.on_progress(
                    (row.author_channel, row.author_id), fresh.progress_message if fresh else None,
                    reply,
                )  # fmt: skip
                if message and fresh and message != fresh.progress_message:
                    await self._update(broadcast_id, progress_message=message)
            if draft.status not in ("sending", "paused"):
                self.rows.pop(broadcast_id, None)

    async def _author_language(self, row: BroadcastRow) -> str | None:
        session = await self.service.session(row.author_channel, row.author_id)
        return session.language if session else "de"

    async def render(self, row: OutboxRow) -> Reply | None:
        broadcast_id = int(row.payload.get("broadcast", 0))
        broadcast = self.rows.get(broadcast_id)
        if broadcast is None:  # started by another process: this one sends it
            broadcast = await self._row(broadcast_id)
            if broadcast is not None and broadcast.status in ("sending", "paused"):
                self.rows[broadcast_id] = broadcast
        if broadcast is None or broadcast.status in ("cancelled", "withdrawn"):
            return None
        t = self.service.translator_for(row.language)
        return views.recipient_message(
            t, self.service.world, broadcast.district, broadcast.texts,
            broadcast.base_language, broadcast.link,
        )  # fmt: skip


def _link(item: str) -> str:
    kind, _, key = item.partition(".")
    return {"o": f"offer:{key}", "e": f"event:{key}"}.get(kind, "")


__all__ = ["Broadcaster", "Segment"]
