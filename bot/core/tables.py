"""The command table and the callback table: what each entry runs and who may use it.

Authorisation happens here, once, before any handler runs. A command or button a person may
not use is answered exactly like one that does not exist, so nobody learns that it does.
`/help` and the command menus list only what the person may use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.core import callback
from bot.core.access import EVERYONE, Actor
from bot.core.dialogue_io import Input
from bot.core.text import Translator
from bot.core.turn import Turn

# The district a privileged button acts on, from its arguments (None: not district-bound).
Scope = Callable[[Turn, tuple[str, ...]], str | None]


@dataclass(frozen=True)
class Command:
    name: str
    help: str  # msgid: the line in /help and the command menu
    run: Callable[[Turn, str], None]  # (turn, argument)
    roles: frozenset[str] = EVERYONE
    menu: bool = True  # listed in /help and the command menu
    order: int = 100  # position in /help and the menu
    context: str = ""  # gettext context of `help` (a flow's id for commands from a flow file)
    group: bool = False  # used in a group chat (a counselling inbox), not in a private chat

    def describe(self, t: Translator) -> str:
        return t.pgettext(self.context, self.help) if self.context else t.gettext(self.help)


@dataclass(frozen=True)
class Route:
    """One button action, `namespace:action`, with how many arguments it takes."""

    namespace: str
    action: str
    run: Callable[[Turn, tuple[str, ...]], None]
    arity: int = 0
    roles: frozenset[str] = EVERYONE
    scope: Scope | None = None

    @property
    def key(self) -> str:
        return f"{self.namespace}:{self.action}"


@dataclass(frozen=True)
class Tables:
    commands: dict[str, Command]
    routes: dict[str, Route]
    # What a typed text does when no question is open (the young person's side: search).
    idle_text: Callable[[Turn, str], None]
    unknown_command: Callable[[Turn], None]
    unknown_button: Callable[[Turn], None]
    # A file sent when no question asks for one (a coordinator's spreadsheet).
    idle_file: Callable[[Turn], None]
    # A forwarded message or contact card (a volunteer bringing someone in).
    forwarded: Callable[[Turn], None]
    # Free inputs a side takes before the open question (a message written to a counsellor);
    # True when it took the input.
    claim: Callable[[Turn, Input], bool]

    def menu(self, actor: Actor) -> list[Command]:
        """The commands this person may use (in a private chat), in menu order."""
        allowed = [
            c for c in self.commands.values() if c.menu and not c.group and actor.may(c.roles)
        ]
        return sorted(allowed, key=lambda c: (c.order, c.name))

    def run_command(self, turn: Turn, name: str, argument: str) -> None:
        command = self.commands.get(name)
        in_group = turn.prepared.group is not None
        if command is None or command.group != in_group or not turn.actor.may(command.roles):
            self.unknown_command(turn)
            return
        command.run(turn, argument)

    def run_button(self, turn: Turn, data: str) -> None:
        try:
            pressed = callback.decode(data)
        except callback.CallbackError:
            self.unknown_button(turn)
            return
        route = self.routes.get(pressed.route)
        if (
            route is None
            or len(pressed.args) != route.arity
            or not self._allowed(turn, route, pressed.args)
        ):
            self.unknown_button(turn)
            return
        route.run(turn, pressed.args)

    @staticmethod
    def _allowed(turn: Turn, route: Route, args: tuple[str, ...]) -> bool:
        if route.scope is None:
            return turn.actor.may(route.roles)
        district = route.scope(turn, args)
        return district is not None and turn.actor.may(route.roles, district)


def build_tables(
    commands: Iterable[Command],
    routes: Iterable[Route],
    idle_text: Callable[[Turn, str], None],
    unknown_command: Callable[[Turn], None],
    unknown_button: Callable[[Turn], None],
    idle_file: Callable[[Turn], None],
    forwarded: Callable[[Turn], None] | None = None,
    claim: Callable[[Turn, Input], bool] | None = None,
) -> Tables:
    by_name: dict[str, Command] = {}
    for command in commands:
        if command.name in by_name:
            raise ValueError(f"two commands named /{command.name}")
        by_name[command.name] = command
    by_key: dict[str, Route] = {}
    for route in routes:
        if route.key in by_key:
            raise ValueError(f"two callback routes {route.key}")
        by_key[route.key] = route
    return Tables(
        by_name, by_key, idle_text, unknown_command, unknown_button, idle_file,
        forwarded or (lambda turn: idle_file(turn)), claim or (lambda turn, event: False),
    )  # fmt: skip
