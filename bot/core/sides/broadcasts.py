"""Broadcasts: /broadcast composes news for a segment of the district's young people,
/broadcasts lists them. Every button carries the broadcast's id; the service loaded it before
the core runs, and the callback table checks it belongs to a district of the coordinator. What
changes or sends is an effect the service carries out (it answers with the updated screen)."""

from __future__ import annotations

from bot.core import interpreter
from bot.core.access import ADMIN, COORDINATOR
from bot.core.broadcasts import ACTIVE_CHOICES, DIMENSIONS
from bot.core.effects import BroadcastAction
from bot.core.interpreter import Result
from bot.core.sides.common import districts_for
from bot.core.tables import Command, Route
from bot.core.text import N_
from bot.core.turn import Turn

SENDERS = frozenset({COORDINATOR, ADMIN})


def _districts(turn: Turn) -> list[str]:
    return districts_for(turn, SENDERS)


def compose(turn: Turn, argument: str) -> None:
    districts = _districts(turn)
    if districts:
        turn.effect(BroadcastAction(0, "new", (districts[0],)))


def listing(turn: Turn, argument: str) -> None:
    turn.effect(BroadcastAction(0, "list"))


def _act(action: str, check=None):  # type: ignore[no-untyped-def]
    """A route handler that hands the action to the service (after an argument check)."""

    def run(turn: Turn, args: tuple[str, ...]) -> None:
        if check is not None and not check(args[1:]):
            turn.note(turn.t.gettext("Sorry, I did not understand this button."))
            return
        turn.effect(BroadcastAction(int(args[0]), action, args[1:]))

    return run


def _dimension(args: tuple[str, ...]) -> bool:
    return bool(args) and args[0] in DIMENSIONS


def write_text(turn: Turn, args: tuple[str, ...]) -> None:
    """The text of one language: a small flow, then back to the composer."""
    frame = interpreter.start_for(turn, "broadcast_text")
    if frame is not None:
        frame.draft["broadcast"] = args[0]
        frame.draft["language"] = args[1]


def schedule(turn: Turn, args: tuple[str, ...]) -> None:
    frame = interpreter.start_for(turn, "broadcast_time")
    if frame is not None:
        frame.draft["broadcast"] = args[0]


def text_written(turn: Turn, result: Result) -> None:
    values = result.values
    if result.cancelled or not values.get("text") or not str(values.get("broadcast")).isdigit():
        turn.note(turn.t.gettext("Nothing was changed."))
        return
    turn.effect(BroadcastAction(int(values["broadcast"]), "text",
                                (str(values.get("language")), str(values["text"]))))  # fmt: skip


def time_chosen(turn: Turn, result: Result) -> None:
    values = result.values
    if result.cancelled or not values.get("at") or not str(values.get("broadcast")).isdigit():
        turn.note(turn.t.gettext("Nothing was changed."))
        return
    turn.effect(BroadcastAction(int(values["broadcast"]), "schedule", (str(values["at"]),)))


def _mine(turn: Turn, args: tuple[str, ...]) -> str | None:
    """The district of the broadcast the button names (loaded by the service), else None."""
    loaded = turn.prepared.broadcast
    if loaded is None or not args or str(loaded.id) != args[0]:
        return None
    return loaded.district


COMMANDS = (
    Command("broadcast", N_("news to young people of your district"), compose, SENDERS,
            order=270),
    Command("broadcasts", N_("past and planned broadcasts"), listing, SENDERS, order=280),
)  # fmt: skip
ROUTES = (
    Route("bc", "o", _act("show"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "d", _act("dimension", _dimension), arity=3, roles=SENDERS, scope=_mine),
    Route("bc", "t", _act("toggle", _dimension), arity=4, roles=SENDERS, scope=_mine),
    Route("bc", "a", _act("active"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "v", _act("expiry"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "e", _act("active_set", lambda a: a[0].isdigit()
                          and int(a[0]) in ACTIVE_CHOICES), arity=2, roles=SENDERS, scope=_mine),
    Route("bc", "x", write_text, arity=2, roles=SENDERS, scope=_mine),
    Route("bc", "l", _act("languages"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "k", _act("links"), arity=2, roles=SENDERS, scope=_mine),
    Route("bc", "q", _act("link"), arity=2, roles=SENDERS, scope=_mine),
    Route("bc", "p", _act("preview"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "s", _act("confirm"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "y", _act("send"), arity=2, roles=SENDERS, scope=_mine),
    Route("bc", "w", schedule, arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "n", _act("delete"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "h", _act("pause"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "r", _act("resume"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "c", _act("cancel"), arity=1, roles=SENDERS, scope=_mine),
    Route("bc", "u", _act("withdraw"), arity=1, roles=SENDERS, scope=_mine),
)  # fmt: skip
RESULTS = {"broadcast_text": text_written, "broadcast_time": time_chosen}
