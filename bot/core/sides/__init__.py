"""The sides of Lotse, assembled: their commands, buttons, result handlers and hooks.

A new command, button, flow result or hook is added in its side's module and appears here by
itself; flows that declare a `command` (conversations/*.toml) become commands too.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core import interpreter, kinds
from bot.core.access import ROLES
from bot.core.flow import Flow, Vocabulary
from bot.core.keys import GERMAN_LEVELS, INTERESTS, LEVEL_UNKNOWN, STATUS_UNKNOWN, STATUSES
from bot.core.sides import (
    broadcasts,
    common,
    desk,
    events,
    feedback,
    offers,
    onboarding,
    privacy,
    reports,
    staff,
    talk,
    volunteers,
)  # fmt: skip
from bot.core.tables import Command, Route, Tables, build_tables
from bot.core.turn import Turn
from bot.core.validators import VALIDATORS

_SIDES = (onboarding, offers, events, privacy, feedback, staff, desk, reports, broadcasts,
          volunteers, talk)  # fmt: skip

RESULTS = {name: run for side in _SIDES for name, run in getattr(side, "RESULTS", {}).items()}
HOOKS = {name: run for side in _SIDES for name, run in getattr(side, "HOOKS", {}).items()}
PROFILE_HOOKS = tuple(hook for side in _SIDES for hook in getattr(side, "PROFILE_HOOKS", ()))
PREDICATES = {
    name: test for side in _SIDES for name, test in getattr(side, "PREDICATES", {}).items()
}
show_menu = common.show_menu

# The open question's buttons: the interpreter checks the step id they carry.
FLOW_ROUTES = (
    Route("fl", "a", lambda turn, args: interpreter.press(turn, "a", args), arity=2),
    Route("fl", "t", lambda turn, args: interpreter.press(turn, "t", args), arity=2),
    Route("fl", "d", lambda turn, args: interpreter.press(turn, "d", args), arity=1),
    Route("fl", "k", lambda turn, args: interpreter.press(turn, "k", args), arity=1),
    Route("fl", "b", lambda turn, args: interpreter.back(turn)),
)

VOCABULARY = Vocabulary(
    kinds=kinds.REGISTRY,
    validators=frozenset(VALIDATORS),
    hooks=frozenset(HOOKS),
    results=frozenset(RESULTS),
    roles=ROLES,
    predicates=frozenset(PREDICATES),
    field_values={
        "status": frozenset((*STATUSES, STATUS_UNKNOWN)),
        "german_level": frozenset((*GERMAN_LEVELS, LEVEL_UNKNOWN)),
        "interests": frozenset(INTERESTS),
        "reception": frozenset({"yes", "no", "unknown"}),
        "arrival": frozenset({"unknown"}),
    },
)


def flow_command(flow: Flow) -> Command:
    """A command that opens `flow` on top of what is open (the open question comes back after)."""
    first = flow.steps[flow.start]

    def run(turn: Turn, argument: str) -> None:
        step = turn.step
        if step is not None and (step.kind, step.field) == (first.kind, first.field):
            interpreter.ask(turn)  # that very question is open already
            return
        interpreter.start(turn, flow.id)

    return Command(flow.command, flow.help, run, flow.roles, order=flow.order, context=flow.id)


def build(flows: Iterable[Flow]) -> Tables:
    flows = list(flows)
    commands = [c for side in _SIDES for c in getattr(side, "COMMANDS", ())]
    commands += [flow_command(flow) for flow in flows if flow.command]
    routes = [r for side in _SIDES for r in getattr(side, "ROUTES", ())] + list(FLOW_ROUTES)
    return build_tables(
        commands, routes, offers.search, common.unknown_command, common.unknown_button,
        desk.upload, volunteers.forwarded, talk.claim,
    )  # fmt: skip
