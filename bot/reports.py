"""The needs report as the service makes it: read the district's stored profiles and counters,
compute the report off the event loop (it can take seconds for a large district), keep the
monthly snapshots, and turn it into the files coordinators use."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.dialogue_io import Attachment, Reply
from bot.core.report import Period, Report, build_report
from bot.core.report_views import names, period_of, report_caption, summary
from bot.storage.unit import Unit

if TYPE_CHECKING:
    from bot.service import LotseService

log = logging.getLogger(__name__)

CSV = "text/csv"
PDF = "application/pdf"
PNG = "image/png"


async def build(service: LotseService, district: str, period: Period) -> Report:
    world = service.world
    places = [p.id for p in world.catalogue.places.values() if p.district == district]
    fields = service.fields

    async def read(unit: Unit):  # type: ignore[no-untyped-def]
        people = await unit.reports.people(places, fields)
        usage = await unit.reports.usage(district, period.start, period.end)
        return people, usage, await unit.reports.snapshots(district)

    people, usage, snapshots = await service.storage.run(read, write=False)
    trend = {
        month: (new, active) for month, (new, active) in snapshots.items()
        if new is not None and active is not None
    }  # fmt: skip
    return await asyncio.to_thread(
        build_report, world.catalogue, world.events, district, people, usage, period,
        world.today, trend,
    )  # fmt: skip


def files(service: LotseService, report: Report, part: str) -> list[Reply]:
    """The charts, the CSV and the PDF of a part ("all": every one). German, like the PDF for
    the committee (charts cannot shape every script the bot speaks)."""
    from bot import report_files  # matplotlib is loaded only when a report is made

    world = service.world
    german = names(service.translator_for("de"), world, german_titles=True)
    t = service.translator_for("de")
    district = world.catalogue.districts[report.district].name
    slug = f"{report.district}-{report.period.start:%Y-%m}"
    made: list[Reply] = []
    if part in ("all", "gaps"):
        made.append(Reply(report_caption(t, "gaps"), attachment=Attachment(
            f"luecken-{slug}.png", report_files.gaps_chart(report, german), PNG)))  # fmt: skip
    if part in ("all", "blockers"):
        made.append(Reply(report_caption(t, "blockers"), attachment=Attachment(
            f"huerden-{slug}.png", report_files.blockers_chart(report, german), PNG)))  # fmt: skip
    if part in ("all", "paths"):
        made.append(Reply(report_caption(t, "paths"), attachment=Attachment(
            f"wege-{slug}.png", report_files.paths_chart(report, german), PNG)))  # fmt: skip
    if part == "all":
        table = report_files.tables_csv(report, german)
        made.append(Reply(report_caption(t, "csv"), attachment=Attachment(
            f"bedarfsbericht-{slug}.csv", table, CSV)))  # fmt: skip
        pdf = report_files.committee_pdf(report, german, district, report.made_on)
        made.append(Reply(report_caption(t, "pdf"), attachment=Attachment(
            f"bedarfsbericht-{slug}.pdf", pdf, PDF)))  # fmt: skip
    return made


async def report_replies(
    service: LotseService, district: str, period_code: str, part: str, language: str
) -> list[Reply]:
    period = period_of(period_code, service.world.today)
    if period is None:
        return []
    report = await build(service, district, period)
    t = service.translator_for(language)
    text = summary(t, service.world, report, part)
    replies = [Reply(text)]
    replies.extend(await asyncio.to_thread(files, service, report, part))
    log.info("a needs report was made (%s, %s)", part, period_code)
    return replies


async def keep_snapshots(service: LotseService, now: datetime) -> int:
    """Last month's new and active people per district, kept once (already suppressed)."""
    today = now.astimezone(service.zone).date()
    last = today.replace(day=1) - timedelta(days=1)
    month = f"{last:%Y-%m}"
    kept = 0
    for district in service.world.catalogue.served_districts:
        report = await build(service, district.id, Period(last.replace(day=1), last))
        new = {r.keys[0]: r.value for r in report.table("new_by_month").rows}.get(month)
        active = {r.keys[0]: r.value for r in report.table("active_by_month").rows}.get(month)
        await service.storage.run(
            lambda unit, d=district.id, new=new, active=active: unit.reports.keep_snapshot(
                d, month, new, active, now
            )
        )
        kept += 1
    return kept



async def plan_digests(service: LotseService, now: datetime, week: str) -> int:
    """This week's digest for every staff member who turned it on, once (the outbox key)."""
    from bot.core import effects as fx

    wanted = await service.storage.run(lambda unit: unit.staff.with_digest(), write=False)
    if not wanted:
        return 0
    served = [d.id for d in service.world.catalogue.served_districts]
    today = now.astimezone(service.zone).date()
    payloads: dict[str, dict] = {}
    for district in sorted({d for _c, _e, d in wanted} - {""} | ({*served} if any(
            d == "" for _c, _e, d in wanted) else set())):  # fmt: skip
        report = await build(service, district, Period(today - timedelta(days=6), today))
        funnel = {row.keys[0]: row.value for row in report.table("funnel").rows}
        payloads[district] = {
            "district": district, "new": funnel.get("agreed"), "active": report.people,
            "gaps": [[list(keys), count] for keys, count in report.gaps[:5]],
        }

    async def plan(unit: Unit) -> int:
        planned = 0
        for channel, external_id, grant_district in wanted:
            user_id = await unit.people.user_id(channel, external_id)
            if user_id is None:
                continue
            for district in ([grant_district] if grant_district else served):
                message = fx.Message(
                    f"digest:{week}:{district}", "digest", payloads[district], now
                )
                await unit.outbox.plan(user_id, "digest", (message,), now)
                planned += 1
        return planned

    return await service.storage.run(plan)


def digest_reply(service: LotseService, language: str | None, payload: dict) -> Reply:
    from bot import report_files
    from bot.core.report_views import digest

    t = service.translator_for(language)
    text = digest(t, service.world, payload)
    german = names(service.translator_for("de"), service.world, german_titles=True)
    chart = report_files.digest_chart(german, payload.get("gaps") or [])
    return Reply(text, attachment=Attachment("digest.png", chart, PNG))
