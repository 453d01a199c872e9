"""/report: the needs report of a district, for its coordinators and admins. A short wizard
(district, period, part); the service builds the report and sends the summary and files."""

from __future__ import annotations

from bot.core import report_views
from bot.core.access import ADMIN, COORDINATOR
from bot.core.effects import MakeReport, SetDigest
from bot.core.sides.common import districts_for
from bot.core.tables import Command, Route
from bot.core.text import N_
from bot.core.turn import Turn

READERS = frozenset({COORDINATOR, ADMIN})


def _districts(turn: Turn) -> list[str]:
    return districts_for(turn, READERS)


def report(turn: Turn, argument: str) -> None:
    districts = _districts(turn)
    if len(districts) == 1:
        period(turn, (districts[0],))
    else:
        turn.say(report_views.choose_district(turn.t, turn.world, districts))


def period(turn: Turn, args: tuple[str, ...]) -> None:
    turn.say(report_views.choose_period(turn.t, turn.world, args[0]))


def part(turn: Turn, args: tuple[str, ...]) -> None:
    district, code = args
    if code not in report_views.PERIODS:
        period(turn, (district,))
        return
    turn.say(report_views.choose_part(turn.t, district, code))


def make(turn: Turn, args: tuple[str, ...]) -> None:
    district, code, which = args
    if code not in report_views.PERIODS or which not in report_views.PARTS:
        period(turn, (district,))
        return
    turn.note(turn.t.gettext("One moment: I am counting. This can take a few seconds."))
    turn.effect(MakeReport(district, code, which))


def digest(turn: Turn, args: tuple[str, ...]) -> None:
    if args[0] in ("on", "off"):
        turn.effect(SetDigest(args[0] == "on"))


def _district(turn: Turn, args: tuple[str, ...]) -> str | None:
    district = args[0] if args else None
    return district if district in turn.world.catalogue.districts else None


COMMANDS = (
    Command("report", N_("the needs report: which needs no offer meets"), report, READERS,
            order=260),
)  # fmt: skip
ROUTES = (
    Route("rp", "d", period, arity=1, roles=READERS, scope=_district),
    Route("rp", "p", part, arity=2, roles=READERS, scope=_district),
    Route("rp", "r", make, arity=3, roles=READERS, scope=_district),
    Route("rp", "w", digest, arity=1, roles=READERS),
)
