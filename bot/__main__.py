"""Command line: `lotse chat`, `lotse run`, `lotse check-data`, `lotse event-report`,
`lotse flow-diagram`, and for the coordinators' side `lotse import`, `export`, `grant`, `staff`,
`revoke`, `template`, `upkeep`, `versions`, `rollback`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.config import Config, ConfigError, from_env
from bot.content.answers import load_answers
from bot.content.catalogue import load_catalogue
from bot.content.events import load_events
from bot.content.files import FolderFiles
from bot.content.flows import load_flow, load_flows
from bot.content.translations import coverage, load_translations
from bot.core.catalogue import CatalogueError
from bot.core.flow import FlowError
from bot.service import ContentError

log = logging.getLogger("lotse")
DESK_COMMANDS = ("import", "export", "grant", "staff", "revoke", "template", "upkeep", "versions",
                 "rollback", "report", "inbox")  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lotse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    chat = commands.add_parser("chat", help="chat with Lotse in this terminal (no token needed)")
    chat.add_argument("--user", default="console", help="who is chatting (default: console)")
    chat.add_argument("--lang", default=None, help="language code to start in, e.g. ar")
    run = commands.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument(
        "--webhook", action="store_true",
        help="webhook mode (LOTSE_WEBHOOK_URL, LOTSE_LISTEN, LOTSE_WEBHOOK_SECRET)",
    )  # fmt: skip
    commands.add_parser("check-data", help="validate data/ and conversations/ and exit")
    commands.add_parser(
        "doctor", help="check token, database, catalogue, clock, outbox; say what to fix"
    )
    commands.add_parser(
        "event-report", help="per event: subscribers and answers to 'Did you go?' (no names)"
    )
    diagram = commands.add_parser("flow-diagram", help="write conversations/*.mmd diagrams")
    diagram.add_argument("--check", action="store_true", help="fail if a diagram is outdated")
    demo = commands.add_parser(
        "demo-population", help="fill a separate demo database with synthetic people"
    )
    demo.add_argument("--district", required=True, help="the district, e.g. helmstedt")
    demo.add_argument("--people", type=int, required=True, help="how many people")
    demo.add_argument("--database", type=Path, default=None, help="default lotse-demo.sqlite3")
    demo.add_argument("--seed", type=int, default=1, help="the same seed, the same people")
    _desk_commands(commands)
    return parser


def _desk_commands(commands) -> None:  # type: ignore[no-untyped-def]
    from bot.cli_desk import ROLES

    imports = commands.add_parser("import", help="make a catalogue folder the live catalogue")
    imports.add_argument("folder", type=Path, nargs="?", default=None,
                         help="default: LOTSE_DATA or data/")  # fmt: skip
    exports = commands.add_parser("export", help="write the live catalogue as CSV files")
    exports.add_argument("--district", default=None, help="only this district's offers, events")
    exports.add_argument("--to", type=Path, default=Path("export"), help="default export/")
    grant = commands.add_parser("grant", help="a one-time invitation to a role (valid 7 days)")
    grant.add_argument("role", choices=ROLES)
    grant.add_argument("--district", default="", help="the district (not for admin)")
    grant.add_argument("--provider", default="", help="for the role provider: whose rows")
    grant.add_argument("--qr", type=Path, default=None, help="where to write the QR code PNG")
    commands.add_parser("staff", help="list staff and their roles")
    revoke = commands.add_parser("revoke", help="remove a staff grant (ids from lotse staff)")
    revoke.add_argument("id", type=int)
    template = commands.add_parser("template", help="the .xlsx template of a district")
    template.add_argument("--district", required=True)
    template.add_argument("--provider", default="", help="only this provider's rows")
    template.add_argument("--to", type=Path, default=None, help="default lotse-<district>.xlsx")
    commands.add_parser("upkeep", help="what needs checking in the catalogue, per district")
    commands.add_parser("versions", help="the versions of the live catalogue")
    inbox = commands.add_parser("inbox", help="the counselling cases (no message texts)")
    inbox.add_argument("--close", default="", help="close this case (its pseudonym)")
    inbox.add_argument("--outcome", default="advised",
                       choices=("advised", "referred", "no_contact"))  # fmt: skip
    rollback = commands.add_parser("rollback", help="back to an earlier version (as a new one)")
    rollback.add_argument("--to", type=int, required=True, help="the version to return to")
    rollback.add_argument("--yes", action="store_true", help="do not ask before applying")
    report = commands.add_parser("report", help="the needs report of a district (files)")
    report.add_argument("--district", required=True)
    report.add_argument("--period", default="y", help="YYYY-MM; default: the last 12 months")
    report.add_argument("--format", default="csv,png,pdf", help="csv, png, pdf (comma-separated)")
    report.add_argument("--out", type=Path, default=Path("."), help="folder (default: here)")
    report.add_argument("--lang", default="en", help="language of the summary (default en)")


async def _desk(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from bot import cli_desk

    now = datetime.now(UTC)
    if args.command == "import":
        return await cli_desk.import_data(config, args.folder or config.data, now)
    if args.command == "export":
        return await cli_desk.export_data(config, args.to, args.district)
    if args.command == "grant":
        if args.role != "admin" and not args.district:
            raise ConfigError("--district is needed for this role")
        if args.role == "provider" and not args.provider:
            raise ConfigError("--provider is needed for the role provider")
        return await cli_desk.grant(config, args.role, args.district, args.provider, args.qr, now)
    if args.command == "staff":
        return await cli_desk.list_staff(config)
    if args.command == "revoke":
        return await cli_desk.revoke(config, args.id)
    if args.command == "template":
        target = args.to or Path(f"lotse-{args.district}.xlsx")
        return await cli_desk.write_template(config, args.district, args.provider, target)
    if args.command == "upkeep":
        return await cli_desk.upkeep(config)
    if args.command == "versions":
        return await cli_desk.versions(config)
    if args.command == "inbox":
        return await cli_desk.inbox(config, args.close, args.outcome)
    if args.command == "rollback":
        return await cli_desk.rollback(config, args.to, args.yes, now)
    if args.command == "report":
        formats = {f.strip() for f in args.format.split(",") if f.strip()}
        if not formats <= {"csv", "png", "pdf"}:
            raise ConfigError("--format takes csv, png and pdf")
        return await cli_desk.report(config, args.district, args.period, formats, args.out,
                                     args.lang)  # fmt: skip
    return 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = from_env(os.environ)
    except ConfigError as exc:
        print(f"lotse: {exc}", file=sys.stderr)
        return 2
    from bot.logs import setup

    setup(config.log_level if args.command == "run" else "WARNING", [config.telegram_token])
    try:
        if args.command == "doctor":
            from bot.doctor import doctor

            return asyncio.run(doctor(config))
        if args.command == "check-data":
            return check_data(config.data, config.conversations, config.locales)
        if args.command == "flow-diagram":
            return flow_diagram(config.conversations, args.check)
        if args.command == "event-report":
            return asyncio.run(_event_report(config))
        if args.command == "demo-population":
            from bot.demo_population import command

            return asyncio.run(
                command(config, args.district, args.people, args.database, args.seed)
            )
        if args.command == "chat":
            return asyncio.run(_chat(config, args.user, args.lang))
        if args.command in DESK_COMMANDS:
            return asyncio.run(_desk(args, config))
        if args.command == "run" and args.webhook:
            from bot.channels.webhook import run_webhook

            run_webhook(config)
            return 0
        if args.command == "run":
            from bot.channels.telegram import run_polling

            config.require_token()
            run_polling(config)
            return 0
    except (ConfigError, CatalogueError, FlowError, ContentError) as exc:
        print(f"lotse: cannot start:\n{exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from bot.channels.telegram_cli import startup_problem

        sentence = startup_problem(exc) if args.command == "run" else None
        if sentence is None:
            raise
        print(f"lotse: cannot start:\n{sentence}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 1


def check_data(data: Path, conversations: Path, locales: Path) -> int:
    problems: list[str] = []
    load_answers(locales, problems)
    events: dict = {}
    try:
        catalogue = load_catalogue(data)
        events = load_events(data, catalogue)
    except CatalogueError as exc:
        problems.extend(exc.problems)
        catalogue = None
    try:
        load_flows(conversations)
    except FlowError as exc:
        problems.extend(exc.problems)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    assert catalogue is not None
    print(
        f"ok: {len(catalogue.served_districts)} districts, "
        f"{sum(p.kind != 'area' for p in catalogue.places.values())} places, "
        f"{len(catalogue.offers)} offers, {len(events)} events"
    )
    translations = load_translations(FolderFiles(data), "translations", [])
    print("translations (data/translations):")
    for line in coverage(translations, catalogue.offers, events):
        print(f"  {line}")
    languages = sorted({lang for card in catalogue.cards.values() for lang in card.texts})
    print(f"answer cards (data/cards): {len(catalogue.cards)} in {len(languages)} languages")
    for card in catalogue.cards.values():
        missing = [lang for lang in languages if lang not in card.texts]
        if missing:
            print(f"  {card.id}: missing in {', '.join(missing)}")
    return 0


def flow_diagram(conversations: Path, check: bool) -> int:
    outdated = []
    for path in sorted(conversations.glob("*.toml")):
        diagram = load_flow(path).to_mermaid()
        target = path.with_suffix(".mmd")
        if target.exists() and target.read_text(encoding="utf-8") == diagram:
            continue
        if check:
            outdated.append(str(target))
        else:
            target.write_text(diagram, encoding="utf-8")
            print(f"wrote {target}")
    if outdated:
        print(f"outdated: {', '.join(outdated)} (run `lotse flow-diagram`)", file=sys.stderr)
        return 1
    return 0


async def _chat(config: Config, user: str, language: str | None) -> int:
    from bot.channels.console import run_console
    from bot.service import LotseService
    from bot.storage.base import is_postgres

    service = await LotseService.open(config, import_data=True)
    try:
        local = not is_postgres(config.database)
        base = Path(config.database).resolve().parent if local else Path.cwd()
        files = base / "lotse-calendar"
        await run_console(service, user, language, files=files)
    finally:
        await service.close()
    return 0


async def _event_report(config: Config) -> int:
    """For coordinators: how many subscribed to each event, and how many went (no names)."""
    from bot.storage.base import open_storage

    catalogue = load_catalogue(config.data)
    events = load_events(config.data, catalogue)
    storage = await open_storage(config.database)
    try:
        async with storage.unit(write=False) as unit:
            subscribers = await unit.events.subscriber_counts()
            outcomes = await unit.events.outcomes()
    finally:
        await storage.close()
    print("event\tdistrict\tstart (UTC)\tsubscribers\twent\tdid not go\twas cancelled\ttitle")
    for event in sorted(events.values(), key=lambda e: (e.district, e.start, e.id)):
        answers = outcomes.get(event.id, {})
        print(
            f"{event.id}\t{event.district}\t{event.start:%Y-%m-%d %H:%M}\t"
            f"{subscribers.get(event.id, 0)}\t{answers.get('yes', 0)}\t{answers.get('no', 0)}\t"
            f"{answers.get('cancelled', 0)}\t{event.title_de}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
