"""`lotse doctor`: what an operator checks before and while Lotse runs, each with what to do
when it is wrong. Exit 0 when nothing is wrong, 1 otherwise (warnings do not fail)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.catalogue_store import changed_files, live
from bot.config import Config, ConfigError, shown_database
from bot.content.files import FolderFiles, all_texts
from bot.core.catalogue import CatalogueError

BACKLOG_MINUTES = 15  # outbox rows due longer than this: the sender is not running


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn", "fail"
    what: str
    fix: str = ""


async def _token(config: Config) -> Finding:
    if not config.telegram_token:
        return Finding(
            "warn", "TELEGRAM_BOT_TOKEN is not set",
            "needed for lotse run: get a token from @BotFather and export it",
        )  # fmt: skip
    from telegram.error import TelegramError

    from bot.channels.telegram_cli import plain_bot, telegram_problem

    try:
        async with plain_bot(config) as bot:
            return Finding("ok", f"the token belongs to @{bot.username}")
    except TelegramError as exc:
        what, fix = telegram_problem(exc) or (f"Telegram answered: {exc}", "")
        return Finding("fail", what, fix)


async def examine(config: Config, now: datetime | None = None) -> list[Finding]:
    from bot.content import Content
    from bot.desk import live_files
    from bot.storage.base import StorageUnavailable, open_storage
    from bot.storage.migrate import applied, migrations

    now = now or datetime.now(UTC)
    found = [await _token(config)]
    if config.webhook_url or config.webhook_secret:
        try:
            config.require_webhook()
            found.append(Finding("ok", f"webhook mode: {config.webhook_url}, listening on "
                                       f"{config.listen}"))  # fmt: skip
        except ConfigError as exc:
            found.append(Finding("fail", f"webhook mode: {exc}"))
    try:
        storage = await open_storage(config.database)
    except StorageUnavailable as exc:  # its sentence names LOTSE_DATABASE and what to check
        found.append(Finding("fail", str(exc)))
        return found
    except Exception as exc:
        shown = shown_database(config.database)
        found.append(Finding("fail", f"the database {shown} cannot be opened ({exc})",
                             "check the path and its permissions (LOTSE_DATABASE)"))  # fmt: skip
        return found
    try:
        done = await applied(storage)  # type: ignore[arg-type]
        known = {number for number, _, _ in migrations(storage.dialect)}
        missing = sorted(known - done)
        found.append(
            Finding("ok", f"database {shown_database(config.database)}: migrations 1 to "
                          f"{max(done)} applied")
            if not missing else
            Finding("fail", f"migrations not applied: {missing}",
                    "start Lotse once; it applies them")
        )  # fmt: skip
        version, texts = await live(storage)
        if not version:
            found.append(Finding("warn", "no live catalogue yet",
                                 f"the first start imports {config.data}"))  # fmt: skip
        else:
            try:
                Content.load(config.conversations, live_files(texts), config.locales)
                found.append(Finding("ok", f"live catalogue version {version} loads"))
            except CatalogueError as exc:
                found.append(Finding("fail", f"live catalogue version {version}: {exc}",
                                     "lotse rollback --to an earlier version"))  # fmt: skip
            if changed_files(texts, all_texts(FolderFiles(config.data))):
                found.append(Finding("warn", f"{config.data} differs from the live catalogue",
                                     "lotse import makes it live; lotse export writes the "
                                     "live one"))  # fmt: skip
        async with storage.transaction(write=False) as tx:
            row = await tx.fetchone(
                "SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND due_at < ?",
                (now - timedelta(minutes=BACKLOG_MINUTES),),
            )
            latest = await tx.fetchone("SELECT MAX(updated_at) AS t FROM outbox")
        late = int(row["n"]) if row else 0
        found.append(
            Finding("ok", "no outbox messages are overdue") if not late else
            Finding("warn", f"{late} outbox messages are overdue by {BACKLOG_MINUTES}+ minutes",
                    "is lotse run running? its log says why it does not send")
        )  # fmt: skip
        if latest and latest["t"] and str(latest["t"]) > (now + timedelta(minutes=5)).isoformat():
            found.append(Finding("fail", "the database has times in the future",
                                 "check this machine's clock (NTP)"))  # fmt: skip
        else:
            found.append(Finding("ok", f"clock: {now:%Y-%m-%d %H:%M} UTC, "
                                       f"time zone {config.timezone}"))  # fmt: skip
    finally:
        await storage.close()
    return found


async def doctor(config: Config) -> int:
    findings = await examine(config)
    marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
    for finding in findings:
        line = f"{marks[finding.level]}  {finding.what}"
        print(line + (f"\n      → {finding.fix}" if finding.fix else ""),
              file=sys.stdout)  # fmt: skip
    failed = [f for f in findings if f.level == "fail"]
    print("nothing to fix" if not failed else f"{len(failed)} thing(s) to fix")
    return 1 if failed else 0
