"""The command and callback tables: the one place that decides who may use what."""

from __future__ import annotations

import dataclasses

from bot.core import engine
from bot.core.access import ADMIN, COORDINATOR, PERSON, VOLUNTEER, Actor, Grant
from bot.core.dialogue_io import Input
from bot.core.profile import Profile, Session
from bot.core.sides import build
from bot.core.tables import Command, Route, build_tables
from bot.core.turn import Turn
from bot.core.world import World

RAN: list[str] = []
STAFF = frozenset({COORDINATOR, ADMIN})


def secret(turn: Turn, argument: str) -> None:
    RAN.append("secret")
    turn.note("the secret command ran")


def close_case(turn: Turn, args: tuple[str, ...]) -> None:
    RAN.append(f"close:{args[0]}")
    turn.note("closed")


def district_of_case(turn: Turn, args: tuple[str, ...]) -> str | None:
    return {"c1": "helmstedt", "c2": "krefeld"}.get(args[0])


def world_with_staff_entries(world: World) -> World:
    base = build(world.flows.values())
    tables = build_tables(
        [*base.commands.values(), Command("secret", "for staff", secret, roles=STAFF)],
        [*base.routes.values(), Route("zz", "c", close_case, 1, STAFF, district_of_case)],
        base.idle_text,
        base.unknown_command,
        base.unknown_button,
        base.idle_file,
    )
    return dataclasses.replace(world, tables=tables)


def person() -> Session:
    return Session(
        language="en",
        consented=True,
        profile=Profile(None, "duldung", "A2", "helmstedt", ("german_course",), birth="2007-05"),
    )


HELMSTEDT = Actor((Grant(COORDINATOR, "helmstedt"),))
KREFELD = Actor((Grant(COORDINATOR, "krefeld"),))
VOLUNTEERING = Actor((Grant(VOLUNTEER, "helmstedt"),))
ADMINISTRATOR = Actor((Grant(ADMIN),))


def run(world: World, actor: Actor, event: Input) -> str:
    RAN.clear()
    outcome = engine.handle(person(), event, world, "en", actor)
    return "\n".join(reply.html for reply in outcome.replies)


def test_a_privileged_command_is_refused_like_an_unknown_one(world: World) -> None:
    world = world_with_staff_entries(world)
    for actor in (Actor(), VOLUNTEERING):
        unknown = run(world, actor, Input("command", "nosuchthing"))  # as this actor sees it
        assert run(world, actor, Input("command", "secret")) == unknown
        assert RAN == []
    for actor in (HELMSTEDT, KREFELD, ADMINISTRATOR):
        assert "the secret command ran" in run(world, actor, Input("command", "secret"))
        assert RAN == ["secret"]


def test_a_privileged_button_is_checked_against_the_district_it_acts_on(world: World) -> None:
    world = world_with_staff_entries(world)
    cases = [
        (Actor(), "zz:c:c1", False),
        (VOLUNTEERING, "zz:c:c1", False),
        (KREFELD, "zz:c:c1", False),  # a coordinator of another district
        (HELMSTEDT, "zz:c:c2", False),
        (HELMSTEDT, "zz:c:c9", False),  # a case that does not exist
        (HELMSTEDT, "zz:c:c1", True),
        (KREFELD, "zz:c:c2", True),
        (ADMINISTRATOR, "zz:c:c2", True),
    ]
    for actor, data, allowed in cases:
        garbage = run(world, actor, Input("button", "zz:nope"))  # as this actor sees it
        reply = run(world, actor, Input("button", data))
        if allowed:
            assert [f"close:{data.rsplit(':', 1)[1]}"] == RAN, (actor, data)
        else:
            assert RAN == [] and reply == garbage, (actor, data)


def test_help_and_the_menu_list_only_what_the_person_may_use(world: World) -> None:
    world = world_with_staff_entries(world)
    assert "secret" not in [c.name for c in world.tables.menu(Actor())]
    assert "secret" in [c.name for c in world.tables.menu(HELMSTEDT)]
    assert "/secret" not in run(world, Actor(), Input("command", "help"))
    assert "/secret" in run(world, HELMSTEDT, Input("command", "help"))


def test_every_shipped_entry_names_who_may_use_it(world: World) -> None:
    tables = world.tables
    for command in tables.commands.values():
        assert command.roles, command.name
    for route in tables.routes.values():
        assert route.roles, route.key
    # A command is either for everyone (a person) or for staff only, never both.
    for command in tables.commands.values():
        assert command.roles == {PERSON} or PERSON not in command.roles, command.name
    people = {c.name for c in tables.commands.values() if c.roles == {PERSON}}
    assert {"start", "offers", "events", "profile", "privacy", "help"} <= people


def test_wrong_arity_and_unknown_routes_are_refused(world: World) -> None:
    refused = run(world, Actor(), Input("button", "zz:nope"))
    for data in ("of:o:T-HE-1", "of:o:T-HE-1:1:2", "ev:g:EV-T-1", "xx:y:z", "pf:e"):
        assert run(world, Actor(), Input("button", data)) == refused, data
