"""The catalogue kept by its people: /template, an uploaded spreadsheet's preview and its
Confirm, /versions and rollback, /upkeep, and small edits (/edit). Changes go through the
service as effects; every one is a version with who and when."""

from __future__ import annotations

from bot.core import desk_views, interpreter
from bot.core.access import ADMIN, CATALOGUE_KEEPERS, COORDINATOR
from bot.core.effects import (
    ApplyChange,
    DiscardChange,
    SendTemplate,
    StageEdit,
    StageRollback,
)
from bot.core.interpreter import Result
from bot.core.sides.common import districts_for
from bot.core.tables import Command, Route
from bot.core.text import N_
from bot.core.turn import Turn

OVERSEERS = frozenset({COORDINATOR, ADMIN})
ADMINS = frozenset({ADMIN})
AVAILABILITY = ("open", "waiting_list", "stopped")


def _districts(turn: Turn) -> list[str]:
    return districts_for(turn, CATALOGUE_KEEPERS)


def template(turn: Turn, argument: str) -> None:
    districts = _districts(turn)
    if len(districts) == 1:
        template_for(turn, (districts[0],))
    else:
        turn.say(desk_views.template_choice(turn.t, turn.world, districts))


def template_for(turn: Turn, args: tuple[str, ...]) -> None:
    district = args[0]
    turn.effect(SendTemplate(district, turn.actor.provider_in(district)))


def upload(turn: Turn) -> None:
    """A file with no question open: from a catalogue keeper, the checked change."""
    change = turn.prepared.change
    if change is None or not turn.actor.may(CATALOGUE_KEEPERS):
        turn.note(turn.t.gettext("Thank you. I only need a file when I ask for one."))
        interpreter.reask_or_menu(turn)
        return
    turn.say(desk_views.change_preview(turn.t, turn.world, change))


def confirm(turn: Turn, args: tuple[str, ...]) -> None:
    if args[0].isdigit():
        turn.effect(ApplyChange(int(args[0])))


def cancel(turn: Turn, args: tuple[str, ...]) -> None:
    if args[0].isdigit():
        turn.effect(DiscardChange(int(args[0])))


def versions(turn: Turn, argument: str) -> None:
    turn.say(desk_views.versions_list(turn.t, turn.prepared.versions, turn.actor.is_admin))


def rollback(turn: Turn, args: tuple[str, ...]) -> None:
    if args[0].isdigit():
        turn.effect(StageRollback(int(args[0])))


def upkeep(turn: Turn, argument: str) -> None:
    languages = desk_views.languages_of(turn.world)
    turn.say(
        desk_views.upkeep_report(turn.t, turn.world, _districts(turn), turn.world.today, languages)
    )


def edit(turn: Turn, argument: str) -> None:
    districts = _districts(turn)
    if not districts:
        return
    edit_page(turn, (districts[0], "1"))


def edit_page(turn: Turn, args: tuple[str, ...]) -> None:
    district, page = args
    number = int(page) if page.isdigit() else 1
    provider = turn.actor.provider_in(district)
    turn.say(desk_views.edit_menu(turn.t, turn.world, district, number, provider))


def event_menu(turn: Turn, args: tuple[str, ...]) -> None:
    event = turn.world.events.get(args[0])
    if event is None:
        turn.note(turn.t.gettext("This event is no longer available."))
        return
    turn.say(desk_views.event_actions(turn.t, event))


def move_event(turn: Turn, args: tuple[str, ...]) -> None:
    """Ask the new start (a small flow), then stage the move."""
    if args[0] not in turn.world.events:
        turn.note(turn.t.gettext("This event is no longer available."))
        return
    frame = interpreter.start_for(turn, "event_moved")
    if frame is not None:
        frame.draft["event"] = args[0]


def event_moved(turn: Turn, result: Result) -> None:
    event_id, start = result.values.get("event"), result.values.get("start")
    if result.cancelled or not event_id or not start:
        turn.note(turn.t.gettext("Nothing was changed."))
        return
    turn.effect(StageEdit("event_move", str(event_id), str(start)))


def cancel_event(turn: Turn, args: tuple[str, ...]) -> None:
    turn.effect(StageEdit("event_cancel", args[0]))


def offer_menu(turn: Turn, args: tuple[str, ...]) -> None:
    offer = turn.world.catalogue.offers.get(args[0])
    if offer is None:
        turn.note(turn.t.gettext("This offer is no longer available."))
        return
    turn.say(desk_views.offer_actions(turn.t, offer))


def offer_availability(turn: Turn, args: tuple[str, ...]) -> None:
    if args[1] in AVAILABILITY:
        turn.effect(StageEdit("offer_availability", args[0], args[1]))


def offer_checked(turn: Turn, args: tuple[str, ...]) -> None:
    turn.effect(StageEdit("offer_checked", args[0], turn.world.today.isoformat()))


def _first(turn: Turn, args: tuple[str, ...]) -> str | None:
    return args[0] if args else None


def _event_district(turn: Turn, args: tuple[str, ...]) -> str | None:
    event = turn.world.events.get(args[0]) if args else None
    return event.district if event else None


def _offer_district(turn: Turn, args: tuple[str, ...]) -> str | None:
    offer = turn.world.catalogue.offers.get(args[0]) if args else None
    return offer.district if offer else None


COMMANDS = (
    Command("template", N_("the spreadsheet of your offers and events"), template,
            CATALOGUE_KEEPERS, order=220),
    Command("edit", N_("move or cancel an event, pause an offer"), edit, CATALOGUE_KEEPERS,
            order=230),
    Command("upkeep", N_("what needs checking in the catalogue"), upkeep, CATALOGUE_KEEPERS,
            order=240),
    Command("versions", N_("the last changes, and going back"), versions, OVERSEERS,
            order=250),
)  # fmt: skip
ROUTES = (
    Route("ct", "t", template_for, arity=1, roles=CATALOGUE_KEEPERS, scope=_first),
    # Confirm and cancel: the service checks that the change is this person's own.
    Route("ct", "y", confirm, arity=1, roles=CATALOGUE_KEEPERS),
    Route("ct", "n", cancel, arity=1, roles=CATALOGUE_KEEPERS),
    Route("ct", "r", rollback, arity=1, roles=ADMINS),
    Route("ct", "l", edit_page, arity=2, roles=CATALOGUE_KEEPERS, scope=_first),
    Route("ct", "e", event_menu, arity=1, roles=CATALOGUE_KEEPERS, scope=_event_district),
    Route("ct", "m", move_event, arity=1, roles=CATALOGUE_KEEPERS, scope=_event_district),
    Route("ct", "c", cancel_event, arity=1, roles=CATALOGUE_KEEPERS, scope=_event_district),
    Route("ct", "o", offer_menu, arity=1, roles=CATALOGUE_KEEPERS, scope=_offer_district),
    Route("ct", "a", offer_availability, arity=2, roles=CATALOGUE_KEEPERS,
          scope=_offer_district),
    Route("ct", "k", offer_checked, arity=1, roles=CATALOGUE_KEEPERS, scope=_offer_district),
)  # fmt: skip
RESULTS = {"event_moved": event_moved}
