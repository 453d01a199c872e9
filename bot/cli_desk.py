"""The coordinators' side on the command line: import and export the live catalogue, grant and
revoke roles, the template, upkeep, versions and rollback. Each prints what it did; nothing
here decides what the chat would not (the same checks, the same views)."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from bot.catalogue_store import changed_files, commit, export, import_folder, live
from bot.config import Config, ConfigError
from bot.content.catalogue import load_catalogue
from bot.content.changes import summarize
from bot.content.events import load_events
from bot.content.files import MemoryFiles
from bot.content.template import template
from bot.core import desk_views
from bot.core.access import ADMIN, COORDINATOR, PROVIDER, VOLUNTEER, Actor, Grant
from bot.core.bidi import html_to_text
from bot.core.catalogue import CatalogueError
from bot.core.effects import CloseCase
from bot.core.staff_views import grant_text
from bot.invitations import create_invitation, qr_png
from bot.service import LotseService

log = logging.getLogger(__name__)

ROLES = (ADMIN, COORDINATOR, PROVIDER, VOLUNTEER)
CLI = "cli"


@asynccontextmanager
async def opened(config: Config) -> AsyncIterator[LotseService]:
    service = await LotseService.open(config)
    try:
        yield service
    finally:
        await service.close()


def _say(text: str) -> None:
    print(text)


async def bot_username(config: Config) -> str:
    """The bot's @username: from getMe when a token is set, else LOTSE_BOT_USERNAME."""
    if config.telegram_token:
        from telegram.error import TelegramError

        from bot.channels.telegram_cli import plain_bot

        try:
            async with plain_bot(config) as bot:
                return bot.username or config.bot_username
        except TelegramError as exc:  # offline, or a wrong token: the code still works
            log.warning("could not ask Telegram for the bot's name (%s)", exc)
    return config.bot_username


async def import_data(config: Config, folder: Path, now: datetime) -> int:
    """Checks the folder like check-data, then makes it the live catalogue (a new version)."""
    async with opened(config) as service:
        catalogue = load_catalogue(folder)
        load_events(folder, catalogue)
        version = await import_folder(service.storage, folder, CLI, f"imported {folder}", now)
    if version is None:
        _say(f"{folder} is the live catalogue already; nothing imported.")
    else:
        _say(f"imported {folder}: the live catalogue is now version {version}.")
    return 0


async def export_data(config: Config, target: Path, district: str | None) -> int:
    async with opened(config) as service:
        version, texts = await live(service.storage)
    if district is not None and not any(p.endswith(f"/{district}.csv") for p in texts):
        print(f"lotse: no district {district!r} in the live catalogue", file=sys.stderr)
        return 2
    written = export(texts, target, district)
    _say(f"wrote {len(written)} files of catalogue version {version} to {target}")
    return 0


async def grant(
    config: Config, role: str, district: str, provider: str, qr: Path | None, now: datetime
) -> int:
    """A one-time invitation, valid 7 days: the link (or code) and its QR code as PNG."""
    async with opened(config) as service:
        catalogue = service.content.catalogue
        if role != ADMIN and district not in catalogue.districts:
            known = ", ".join(sorted(d.id for d in catalogue.served_districts))
            raise ConfigError(f"--district must be one of: {known}")
        providers = {o.provider for o in catalogue.offers.values() if o.district == district}
        if role == PROVIDER and provider not in providers:
            raise ConfigError(
                f"--provider must be a provider of {district}: {', '.join(sorted(providers))}"
            )
        wanted = Grant(
            role, "" if role == ADMIN else district, provider if role == PROVIDER else ""
        )
        username = await bot_username(config)
        made = await service.storage.run(
            lambda unit: create_invitation(unit, wanted, CLI, now, username)
        )
    t = service.translator_for("en")
    _say(f"invitation for: {grant_text(t, service.world, wanted)}")
    if made.link:
        _say(made.link)
    else:
        _say(f"code: {made.code}")
        _say(f"(no bot username known: the person opens the bot and sends /start {made.code})")
    _say(f"valid until {made.expires:%Y-%m-%d %H:%M} UTC, once")
    target = qr or Path(f"invitation-{role}-{district or 'all'}.png")
    target.write_bytes(qr_png(made.link or made.code))
    _say(f"QR code: {target}")
    return 0


async def list_staff(config: Config) -> int:
    async with opened(config) as service:
        rows = await service.storage.run(lambda unit: unit.staff.everyone(), write=False)
    if not rows and not config.admins:
        _say("no staff yet (lotse grant ... makes an invitation)")
    for row in rows:
        where = row.district or "all districts"
        who = f" ({row.provider})" if row.provider else ""
        _say(
            f"{row.id}\t{row.role}\t{where}{who}\t{row.channel}:{row.external_id}\t"
            f"since {row.created_at:%Y-%m-%d}\tgranted by {row.granted_by}"
        )
    for admin in config.admins:
        _say(f"-\tadmin\tall districts\ttelegram:{admin}\t(LOTSE_ADMINS)")
    return 0


async def revoke(config: Config, staff_id: int) -> int:
    async with opened(config) as service:
        removed = await service.storage.run(lambda unit: unit.staff.remove(staff_id))
    if not removed:
        print(f"lotse: no staff grant {staff_id} (see lotse staff)", file=sys.stderr)
        return 1
    _say(f"revoked grant {staff_id}; a running bot drops it within seconds")
    return 0


async def write_template(config: Config, district: str, provider: str, target: Path) -> int:
    async with opened(config) as service:
        _version, texts = await live(service.storage)
        if district not in service.content.catalogue.districts:
            raise ConfigError(f"no district {district!r}")
        t = service.translator_for("de")
        target.write_bytes(template(t, texts, service.content.catalogue, district, provider))
    _say(f"wrote {target}")
    return 0


async def upkeep(config: Config) -> int:
    async with opened(config) as service:
        world = service.world
        t = service.translator_for("en")
        districts = [d.id for d in world.catalogue.served_districts]
        languages = desk_views.languages_of(world)
        reply = desk_views.upkeep_report(t, world, districts, world.today, languages)
    _say(html_to_text(reply.html))
    return 0


async def inbox(config: Config, close: str, outcome: str) -> int:
    """The counselling cases: open and closed ones, with service, topic, age band and dates
    (never a message text). `close`: close this case (a pseudonym) with `outcome`."""
    async with opened(config) as service:
        if close:
            case = await service.counselling.case_named(close, ("", ""))
            if case is None:
                _say(f"no case {close}")
                return 1
            replies = await service.counselling.close(
                Actor((Grant(ADMIN),)), ("cli", ""), CloseCase(case.id, outcome),
                service.translator_for("en"),
            )  # fmt: skip
            _say(html_to_text(replies[0].html))
            return 0
        rows = await service.storage.run(
            lambda unit: unit.cases.listed(("open", "closed")), write=False
        )
        world = service.world
    if not rows:
        _say("no cases")
    for row in rows:
        offer = world.catalogue.offers.get(row.service)
        where = "inbox group" if row.thread_id is not None else "coordinators' chats"
        _say("\t".join([
            row.pseudonym, row.state, row.outcome or "-", offer.title_de if offer else row.service,
            row.district, row.topic or "-", row.age_band or "-", where,
            f"opened {row.opened_at:%Y-%m-%d}", f"last message {row.last_message_at:%Y-%m-%d}",
        ]))  # fmt: skip
    return 0


async def versions(config: Config) -> int:
    async with opened(config) as service:
        rows = await service.storage.run(lambda unit: unit.catalogue.versions(50), write=False)
    for row in rows:
        _say(f"{row.version}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.actor}\t{row.summary}")
    return 0


async def rollback(config: Config, to: int, yes: bool, now: datetime) -> int:
    """Back to version `to`, as a new version; shows what it changes and asks first."""
    async with opened(config) as service:
        latest, texts = await live(service.storage)
        if not 0 < to < latest:
            raise ConfigError(f"--to must be a version before {latest} (see lotse versions)")
        earlier = await service.storage.run(
            lambda unit: unit.catalogue.files_at(to), write=False
        )
        changes = changed_files(texts, earlier)
        try:
            catalogue = load_catalogue(MemoryFiles(earlier, label=f"version {to}: "))
            load_events(MemoryFiles(earlier, label=f"version {to}: "), catalogue)
        except CatalogueError as exc:
            print(f"lotse: version {to} does not load any more:\n{exc}", file=sys.stderr)
            return 1
        summary = summarize(texts, changes)
        _say(f"back to version {to}: {summary.line()}")
        if not changes:
            _say("nothing to change")
            return 0
        if not yes:
            answer = input("Apply? [y/N] ").strip().lower()
            if answer not in ("y", "yes", "j", "ja"):
                _say("nothing was changed")
                return 1
        version = await commit(
            service.storage, changes, CLI, f"back to version {to}: {summary.line()}", now
        )
    _say(f"the live catalogue is now version {version}; a running bot uses it within seconds")
    return 0


async def report(
    config: Config, district: str, period_code: str, formats: set[str], out: Path, language: str
) -> int:
    """The needs report's files (csv, png, pdf) into `out`, and its summary on the screen."""
    from bot import reports
    from bot.core.report_views import period_of, summary

    async with opened(config) as service:
        if district not in {d.id for d in service.content.catalogue.served_districts}:
            raise ConfigError(f"no district {district!r}")
        period = period_of(period_code, service.world.today)
        if period is None:
            raise ConfigError("--period must be YYYY-MM (without it: the last 12 months)")
        built = await reports.build(service, district, period)
        made = reports.files(service, built, "all")
        text = summary(service.translator_for(language), service.world, built, "all")
    out.mkdir(parents=True, exist_ok=True)
    _say(html_to_text(text))
    for reply in made:
        attachment = reply.attachment
        assert attachment is not None
        if attachment.filename.rsplit(".", 1)[-1] in formats:
            target = out / attachment.filename
            target.write_bytes(attachment.content)
            _say(f"wrote {target}")
    return 0
