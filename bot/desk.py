"""The coordinators' side as the service carries it out: who an input comes from (the staff
table and LOTSE_ADMINS), what the core needs looked up first (`prepare`), and the desk effects
(invitations, the template, staged changes, Confirm) with the replies they produce.

The core decides; this module does the I/O and asks the views for every text.

One module, over 300 lines: every staff effect needs who is asking (the staff grants held in
memory) and the live catalogue; invitations are in bot/invitations.py, reports in
bot/reports.py, broadcasts in bot/broadcasting.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.catalogue_store import changed_files
from bot.content.changes import (
    Proposal,
    Scope,
    check,
    from_upload,
    parse_csv,
    summarize,
    write_csv,
)
from bot.content.files import MemoryFiles
from bot.content.spreadsheets import read_upload
from bot.content.template import template
from bot.core import callback, desk_views, report_views, staff_views
from bot.core import effects as fx
from bot.core.access import (
    ADMIN,
    CATALOGUE_KEEPERS,
    COORDINATOR,
    INVITERS_OF_YOUNG,
    Actor,
    Grant,
)
from bot.core.changes import StagedChange
from bot.core.desk import InvitationInfo, StaffEntry, VersionEntry
from bot.core.dialogue_io import Attachment, Input, Reply
from bot.core.links import REFERRAL_PREFIX
from bot.core.profile import Session
from bot.core.sides.broadcasts import SENDERS
from bot.core.sides.staff import INVITE_PREFIX, INVITERS
from bot.core.text import Translator
from bot.invitations import code_hash, create_invitation, invitation_info, qr_png
from bot.reports import keep_snapshots, plan_digests, report_replies
from bot.storage.unit import Unit
from bot.summaries import summary_reply
from bot.volunteering import make_referral, referral_info, referral_stats

if TYPE_CHECKING:
    from bot.service import LotseService

log = logging.getLogger(__name__)

STAGED_HOURS = 24
UPKEEP_HOUR = 9  # Monday, local time: the weekly upkeep list
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Key = tuple[str, str]  # (channel, external id)
StaffHook = Callable[[str, str], Awaitable[None]]


class Desk:
    """One per service. Staff grants are kept in memory (few rows, read at every input)."""

    def __init__(self, service: LotseService, admins: tuple[str, ...] = ()) -> None:
        self.service = service
        self.admins = frozenset(admins)
        self.username = ""  # the bot's @username (getMe), for invitation links
        self._grants: dict[Key, tuple[Grant, ...]] | None = None
        self._labels: dict[Key, str] = {}
        self._upkeep_week: tuple[int, int] | None = None
        self._snapshot_month: str | None = None
        # The channel sets the chat's command menu when a person's roles change.
        self.on_staff_change: StaffHook | None = None

    # -- who is asking --------------------------------------------------------------------

    async def load_staff(self) -> set[Key]:
        """Read the grants again (at start, after a change, and now and then for changes made
        by another process); returns the people whose grants changed."""
        rows = await self.service.storage.run(lambda unit: unit.staff.everyone(), write=False)
        grants: dict[Key, list[Grant]] = {}
        labels: dict[Key, str] = {}
        for row in rows:
            key = (row.channel, row.external_id)
            grants.setdefault(key, []).append(Grant(row.role, row.district, row.provider))
            labels.setdefault(key, f"staff:{row.id}")
        new = {key: tuple(found) for key, found in grants.items()}
        old = self._grants or {}
        changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
        self._grants, self._labels = new, labels
        return changed

    async def staff_keys(self) -> list[Key]:
        if self._grants is None:
            await self.load_staff()
        assert self._grants is not None
        admins = [("telegram", a) for a in sorted(self.admins)]
        return sorted(set(self._grants) | set(admins))

    async def actor(self, channel: str, external_id: str) -> Actor:
        if self._grants is None:
            await self.load_staff()
        assert self._grants is not None
        grants = self._grants.get((channel, external_id), ())
        if external_id in self.admins and channel == "telegram":
            grants = (Grant(ADMIN), *(g for g in grants if g.role != ADMIN))
        return Actor(grants) if grants else Actor()

    def label(self, key: Key) -> str:
        """Who made a change, as the version history stores it."""
        if key in self._labels:
            return self._labels[key]
        return "admin" if key[1] in self.admins else "staff"

    async def weekly_upkeep(self) -> int:
        """On Monday from 9 o'clock (the district's time): each coordinator's upkeep list,
        once a week (the outbox key makes it once, also with several processes)."""
        service = self.service
        local = service.clock().astimezone(service.zone)
        year, week, weekday = local.isocalendar()
        if weekday != 1 or local.hour < UPKEEP_HOUR or self._upkeep_week == (year, week):
            return 0
        self._upkeep_week = (year, week)
        served = [d.id for d in service.world.catalogue.served_districts]
        wanted: dict[Key, list[str]] = {}
        for key in await self.staff_keys():
            actor = await self.actor(*key)
            mine = actor.districts(frozenset({COORDINATOR}))
            districts = served if mine is None else [d for d in served if d in mine]
            if districts:
                wanted[key] = districts
        now = service.clock()
        name = f"upkeep:{year}-W{week:02d}"

        async def plan(unit: Unit) -> int:
            planned = 0
            for key, districts in wanted.items():
                user_id = await unit.people.user_id(*key)
                if user_id is None:
                    continue
                message = fx.Message(name, "upkeep", {"districts": districts}, now)
                await unit.outbox.plan(user_id, "upkeep", (message,), now)
                planned += 1
            return planned

        planned = await service.storage.run(plan)
        planned += await plan_digests(service, now, f"{year}-W{week:02d}")
        if planned and service.on_outbox_change is not None:
            await service.on_outbox_change()
        return planned

    async def monthly_snapshots(self) -> int:
        """On the first days of a month: last month's figures kept, once per process start
        and month (the table keeps the first one)."""
        now = self.service.clock()
        month = f"{now.astimezone(self.service.zone):%Y-%m}"
        if self._snapshot_month == month:
            return 0
        self._snapshot_month = month
        return await keep_snapshots(self.service, now)

    # -- what the core needs looked up ----------------------------------------------------

    async def prepare(self, actor: Actor, key: Key, session: Session, event: Input) -> Input:
        """The input with what its handler shows (only for the few inputs that need it)."""
        found: dict[str, object] = {}
        pressed = None
        if event.kind == "button":
            try:
                pressed = callback.decode(event.value)
            except callback.CallbackError:
                pressed = None
        route = pressed.route if pressed else ""
        args = pressed.args if pressed else ()
        counselling = self.service.counselling
        if event.kind == "command":
            if event.value == "start" and event.argument.startswith(INVITE_PREFIX):
                found["invitation"] = await self._invitation(event.argument)
            elif event.value == "start" and event.argument.startswith(REFERRAL_PREFIX):
                found["referral"] = await referral_info(self.service, event.argument)
            elif event.value == "staff" and actor.may(INVITERS):
                found["staff"] = await self._staff_of(actor, key)
            elif event.value == "versions" and actor.may(frozenset({COORDINATOR, ADMIN})):
                found["versions"] = await self._versions()
            elif event.value == "invite" and actor.may(INVITERS_OF_YOUNG):
                found["referral_stats"] = await referral_stats(self.service, key)
            elif event.value == "talk":
                found["cases"] = await counselling.open_cases_of(key)
                found["reachable"] = await counselling.reachable()
            elif event.value == "privacy" and session.consented:
                found["cases"] = await counselling.open_cases_of(key)
                if session.referral:
                    found["mentor"] = await self._mentor(key)
        elif route.startswith("bc:") and actor.may(SENDERS):
            found["broadcast"] = await self.service.broadcaster.prepare(event)
        elif route == "st:a" and args:
            found["invitation"] = await self._invitation(args[0])
        elif route == "vl:h" and actor.may(INVITERS_OF_YOUNG):
            found["referral_stats"] = await referral_stats(self.service, key)
        elif route in ("tk:l", "tk:o") or (
            event.kind == "command" and event.value == "start" and session.referral_service
        ):
            found["reachable"] = await counselling.reachable()
        elif route.startswith("cs:") and args:
            found["case"] = await counselling.case_named(args[0], key)
        elif (
            event.kind == "file" and event.upload is not None and event.upload.content
            and not session.stack and actor.may(CATALOGUE_KEEPERS)
        ):  # fmt: skip
            found["change"] = await self._stage_upload(actor, key, event)
        if session.relay and event.kind not in ("command", "button"):
            found["case"] = await counselling.case_by_id(session.relay, key)
        if not found:
            return event
        return replace(event, prepared=replace(event.prepared, **found))  # type: ignore[arg-type]

    async def _mentor(self, key: Key) -> str | None:
        async def read(unit: Unit) -> str | None:
            user_id = await unit.people.user_id(*key)
            return await unit.volunteers.mentor_link(user_id) if user_id is not None else None

        return await self.service.storage.run(read, write=False)

    async def _invitation(self, code: str) -> InvitationInfo:
        now = self.service.clock()
        return await self.service.storage.run(
            lambda unit: invitation_info(unit, code, now), write=False
        )

    async def _staff_of(self, actor: Actor, key: Key) -> tuple[StaffEntry, ...]:
        mine = actor.districts(INVITERS)
        rows = await self.service.storage.run(lambda unit: unit.staff.everyone(), write=False)
        return tuple(
            StaffEntry(row.id, row.role, row.district, row.provider, row.created_at,
                       you=(row.channel, row.external_id) == key)
            for row in rows
            if mine is None or row.district in mine
        )  # fmt: skip

    async def _versions(self) -> tuple[VersionEntry, ...]:
        rows = await self.service.storage.run(lambda unit: unit.catalogue.versions(), write=False)
        return tuple(VersionEntry(r.version, r.created_at, r.actor, r.summary) for r in rows)

    # -- staging a change -----------------------------------------------------------------

    def _scope(self, actor: Actor) -> Scope:
        districts = actor.districts(CATALOGUE_KEEPERS)
        provider = ""
        if districts is not None and len(districts) == 1:
            provider = actor.provider_in(next(iter(districts)))
        return Scope(districts, provider)

    async def _stage_upload(self, actor: Actor, key: Key, event: Input) -> StagedChange:
        upload = event.upload
        assert upload is not None
        name = upload.name or "upload"
        sheets, problems = read_upload(name, upload.content)
        if problems:
            return StagedChange(0, problems=tuple(problems), source=name)
        version, live = await self.service.live_catalogue()
        proposal, problems = from_upload(
            sheets, live, self._scope(actor), name, self.service.content.catalogue
        )
        return await self._stage(key, version, live, proposal, problems, name)

    async def _stage(
        self, key: Key, version: int, live: dict[str, str], proposal: Proposal,
        problems: list[str], source: str,
    ) -> StagedChange:  # fmt: skip
        if not problems:
            _checked, problems = check(live, proposal)
        if problems:
            return StagedChange(0, problems=tuple(problems), source=source)
        summary = summarize(live, proposal.changes)
        if summary.empty:
            return StagedChange(0, summary, source=source)
        now = self.service.clock()
        ids = {i.id for i in (*summary.offers_changed, *summary.offers_removed)}
        events = {i.id for i in (*summary.events_changed, *summary.events_removed)}

        async def stage(unit: Unit) -> tuple[int, dict[str, int], dict[str, int]]:
            await unit.catalogue.forget_staged_before(now - timedelta(hours=STAGED_HOURS))
            staged_id = await unit.catalogue.stage(
                self.label(key), version, proposal.changes, summary.line(), now
            )
            saved = {k: v for k, v in (await unit.people.saved_counts()).items() if k in ids}
            told = {k: v for k, v in (await unit.events.subscriber_counts()).items()
                    if k in events}  # fmt: skip
            return staged_id, saved, told

        staged_id, saved, told = await self.service.storage.run(stage)
        return StagedChange(
            staged_id, replace(summary, saved=saved, subscribers=told), source=source
        )

    async def _stage_edit(self, key: Key, edit: fx.StageEdit, t: Translator) -> Reply:
        version, live = await self.service.live_catalogue()
        world = self.service.world
        if edit.kind.startswith("event_"):
            item = world.events.get(edit.item)
            path = f"events/{item.district}.csv" if item else ""
        else:
            offer = world.catalogue.offers.get(edit.item)
            path = f"offers/{offer.district}.csv" if offer else ""
        text = live.get(path)
        if not text:
            return desk_views.change_gone(t)
        columns, rows = parse_csv(text)
        row = next((r for r in rows if r.get("id") == edit.item), None)
        if row is None:
            return desk_views.change_gone(t)
        source = desk_views.edit_source(t, edit.kind, edit.item)
        if edit.kind == "event_move":
            start, end = datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"])
            moved = datetime.fromisoformat(edit.value)
            row["start"] = f"{moved:%Y-%m-%dT%H:%M}"
            row["end"] = f"{moved + (end - start):%Y-%m-%dT%H:%M}"
        elif edit.kind == "event_cancel":
            row["cancelled"] = "yes"
        elif edit.kind == "offer_availability":
            row["availability"] = edit.value
        elif edit.kind == "offer_checked":
            row["rules_checked"] = edit.value
        for name in row:
            if name not in columns:
                columns.append(name)
        proposal = Proposal({path: write_csv(columns, rows)}, {path: write_csv(columns, rows)})
        staged = await self._stage(key, version, live, proposal, [], source)
        return desk_views.change_preview(t, world, staged)

    async def _stage_rollback(self, key: Key, version: int, t: Translator) -> Reply:
        latest, live = await self.service.live_catalogue()
        earlier = await self.service.storage.run(
            lambda unit: unit.catalogue.files_at(version), write=False
        )
        if not earlier or version >= latest:
            return desk_views.change_gone(t)
        changes = changed_files(live, earlier)
        checked = {p: text for p, text in changes.items() if text is not None}
        proposal = Proposal(changes, checked)
        source = desk_views.rollback_source(t, version)
        staged = await self._stage(key, latest, live, proposal, [], source)
        return desk_views.change_preview(t, self.service.world, staged)

    # -- carrying out ---------------------------------------------------------------------

    async def carry_out(
        self, actor: Actor, key: Key, effects: list[fx.Effect], t: Translator,
        session: Session | None = None,
    ) -> list[Reply]:  # fmt: skip
        replies: list[Reply] = []
        for effect in effects:
            if isinstance(effect, fx.OpenCase | fx.Relay | fx.CloseCase | fx.RegisterInbox):
                replies.extend(await self.service.counselling.carry_out(actor, key, effect, t))
            elif isinstance(effect, fx.CreateReferral):
                replies.extend(await make_referral(self.service, key, effect, t))
            elif isinstance(effect, fx.SendSummary) and session is not None:
                replies.append(await summary_reply(self.service, session, t))
            elif isinstance(effect, fx.CreateInvitation):
                replies.append(await self._invite(key, effect, t))
            elif isinstance(effect, fx.AcceptInvitation):
                replies.append(await self._accept(key, effect.code, t))
            elif isinstance(effect, fx.SendTemplate):
                replies.append(await self._template(effect, t))
            elif isinstance(effect, fx.StageEdit):
                replies.append(await self._stage_edit(key, effect, t))
            elif isinstance(effect, fx.StageRollback):
                replies.append(await self._stage_rollback(key, effect.version, t))
            elif isinstance(effect, fx.ApplyChange):
                replies.append(await self._apply(key, effect.staged_id, t))
            elif isinstance(effect, fx.DiscardChange):
                replies.append(await self._discard(key, effect.staged_id, t))
            elif isinstance(effect, fx.BroadcastAction):
                replies.extend(await self.service.broadcaster.carry_out(
                    actor, key, effect, t, self.label(key)
                ))  # fmt: skip
            elif isinstance(effect, fx.SetDigest):
                await self.service.storage.run(
                    lambda unit, on=effect.on: unit.staff.set_digest(*key, on)
                )
                replies.append(report_views.digest_switched(t, effect.on))
            elif isinstance(effect, fx.MakeReport):
                replies.extend(await report_replies(
                    self.service, effect.district, effect.period, effect.part, t.language
                ))  # fmt: skip
        return replies

    async def _invite(self, key: Key, effect: fx.CreateInvitation, t: Translator) -> Reply:
        grant = Grant(effect.role, effect.district, effect.provider)
        now = self.service.clock()
        made = await self.service.storage.run(lambda unit: create_invitation(
            unit, grant, self.label(key), now, self.username, effect.reusable
        ))  # fmt: skip
        log.info("an invitation for the role %s was made", grant.role)
        qr = qr_png(made.link or made.code)
        return staff_views.invitation_made(
            t, self.service.world, grant, made.link, made.code, made.expires, qr, effect.reusable
        )

    async def _accept(self, key: Key, code: str, t: Translator) -> Reply:
        now = self.service.clock()

        async def accept(unit: Unit) -> InvitationInfo:
            info = await invitation_info(unit, code, now)
            if info.state != "valid":
                return info
            row = await unit.staff.invitation(code_hash(code))
            assert row is not None
            staff_id = await unit.staff.add(
                *key, info.role, info.district, info.provider, row.created_by, now
            )
            if not await unit.staff.use_invitation(row.id, staff_id, now):
                raise _Raced()
            return info

        try:
            info = await self.service.storage.run(accept)
        except _Raced:
            info = InvitationInfo(code, "used")
        if info.state != "valid":
            return staff_views.invitation_offer(t, self.service.world, info)
        await self.staff_changed()
        log.info("an invitation for the role %s was accepted", info.role)
        return staff_views.welcome(t, self.service.world, info)

    async def staff_changed(self) -> None:
        """Read the grants again; the channel updates the command menu of whoever changed."""
        changed = await self.load_staff()
        if self.on_staff_change is not None:
            for channel, external_id in changed:
                await self.on_staff_change(channel, external_id)

    async def _template(self, effect: fx.SendTemplate, t: Translator) -> Reply:
        _version, live = await self.service.live_catalogue()
        content = template(t, live, self.service.content.catalogue, effect.district,
                           effect.provider)  # fmt: skip
        name = f"lotse-{effect.district}.xlsx"
        return Reply(desk_views.template_caption(t), attachment=Attachment(name, content, XLSX))

    async def _apply(self, key: Key, staged_id: int, t: Translator) -> Reply:
        now = self.service.clock()
        label = self.label(key)

        async def apply(unit: Unit) -> int | str:
            staged = await unit.catalogue.staged(staged_id)
            if staged is None or staged.actor != label:
                return "gone"
            if staged.base_version != await unit.catalogue.latest():
                return "outdated"
            version = await unit.catalogue.commit(staged.files, label, staged.summary, now)
            await unit.catalogue.drop_staged(staged_id)
            return version

        result = await self.service.storage.run(apply)
        if result == "gone":
            return desk_views.change_gone(t)
        if result == "outdated":
            return desk_views.change_outdated(t)
        assert isinstance(result, int)
        log.info("catalogue version %d applied", result)
        await self.service.refresh_catalogue()
        return desk_views.applied(t, result)

    async def _discard(self, key: Key, staged_id: int, t: Translator) -> Reply:
        label = self.label(key)

        async def discard(unit: Unit) -> bool:
            staged = await unit.catalogue.staged(staged_id)
            if staged is None or staged.actor != label:
                return False
            return await unit.catalogue.drop_staged(staged_id)

        if not await self.service.storage.run(discard):
            return desk_views.change_gone(t)
        return desk_views.discarded(t)


class _Raced(Exception):
    """The invitation was used by someone else in the same moment (the transaction rolls
    back)."""


def live_files(texts: dict[str, str]) -> MemoryFiles:
    return MemoryFiles(texts, label="catalogue: ")
