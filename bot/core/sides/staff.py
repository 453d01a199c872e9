"""Staff: the home screen, /staff with invitations, and accepting an invitation link
(`/start inv_<code>`). Granting happens through effects the service carries out."""

from __future__ import annotations

from bot.core import interpreter, staff_views
from bot.core.access import ADMIN, COORDINATOR, PROVIDER, STAFF_ROLES, VOLUNTEER, Actor
from bot.core.desk import InvitationInfo
from bot.core.effects import AcceptInvitation, CreateInvitation
from bot.core.sides.common import districts_for
from bot.core.tables import Command, Route
from bot.core.text import N_
from bot.core.turn import Turn

INVITE_PREFIX = "inv_"
INVITERS = frozenset({ADMIN, COORDINATOR})


def home(turn: Turn) -> None:
    """What a staff member sees on /start: their roles and their commands."""
    t = turn.t
    commands = [
        (c.name, c.describe(t))
        for c in turn.world.tables.menu(turn.actor)
        if c.roles != frozenset({"person"})
    ]
    turn.say(staff_views.staff_home(t, turn.world, turn.actor, commands))


def show_invitation(turn: Turn, code: str) -> None:
    info = turn.prepared.invitation
    if info is None or info.code != code:
        info = InvitationInfo(code, "unknown")
    turn.say(staff_views.invitation_offer(turn.t, turn.world, info))


def accept(turn: Turn, args: tuple[str, ...]) -> None:
    info = turn.prepared.invitation
    if info is None or info.code != args[0] or info.state != "valid":
        show_invitation(turn, args[0])
        return
    session = turn.session
    if session.language is None:
        session.language = turn.world.closest_language(turn.hint) or "de"
    # The staff note was shown with the invitation: accepting it is the consent to store it.
    session.consented = True
    session.stack = []
    # The service grants the role and says welcome (or that the code was used meanwhile).
    turn.effect(AcceptInvitation(info.code))


def decline(turn: Turn, args: tuple[str, ...]) -> None:
    turn.say(staff_views.invitation_declined(turn.t))


def staff_command(turn: Turn, argument: str) -> None:
    turn.say(staff_views.staff_list(turn.t, turn.world, turn.actor, turn.prepared.staff))


def _districts(actor: Actor, turn: Turn) -> list[str]:
    """The districts the actor may invite for (all served ones for an admin)."""
    return districts_for(turn, INVITERS)


def invite(turn: Turn, args: tuple[str, ...]) -> None:
    role = args[0]
    if role not in (*staff_views.INVITABLE, staff_views.VOLUNTEER_CODE):
        turn.note(turn.t.gettext("Sorry, I did not understand this button."))
        return
    districts = _districts(turn.actor, turn)
    if len(districts) == 1:
        invite_for(turn, (role, districts[0]))
    else:
        turn.say(staff_views.choose_district(turn.t, turn.world, role, districts))


def invite_for(turn: Turn, args: tuple[str, ...]) -> None:
    role, district = args
    if role == PROVIDER:
        providers_page(turn, (district, "1"))
        return
    if role == staff_views.VOLUNTEER_CODE:
        turn.effect(CreateInvitation(VOLUNTEER, district, reusable=True))
        return
    if role not in staff_views.INVITABLE:
        turn.note(turn.t.gettext("Sorry, I did not understand this button."))
        return
    turn.effect(CreateInvitation(role, district))


def providers(turn: Turn, district: str) -> list[str]:
    return sorted({o.provider for o in turn.world.catalogue.offers.values()
                   if o.district == district})  # fmt: skip


def providers_page(turn: Turn, args: tuple[str, ...]) -> None:
    district, page = args
    number = int(page) if page.isdigit() else 1
    names = providers(turn, district)
    turn.say(staff_views.choose_provider(turn.t, turn.world, district, names, number))


def invite_provider(turn: Turn, args: tuple[str, ...]) -> None:
    district, index = args
    names = providers(turn, district)
    if not index.isdigit() or int(index) >= len(names):
        providers_page(turn, (district, "1"))
        return
    turn.effect(CreateInvitation(PROVIDER, district, names[int(index)]))


def young_side(turn: Turn, args: tuple[str, ...]) -> None:
    """A staff member tries the young person's side: the onboarding, as anyone."""
    interpreter.start(turn, turn.world.profile_flow.id, fresh=True)


def _district_arg(turn: Turn, args: tuple[str, ...]) -> str | None:
    return args[1] if len(args) > 1 else None


def _district_first(turn: Turn, args: tuple[str, ...]) -> str | None:
    return args[0] if args else None


COMMANDS = (Command("staff", N_("staff and invitations"), staff_command, INVITERS, order=210),)
ROUTES = (
    Route("st", "a", accept, arity=1),
    Route("st", "x", decline, arity=1),
    Route("st", "y", young_side, roles=STAFF_ROLES),
    Route("st", "i", invite, arity=1, roles=INVITERS),
    Route("st", "d", invite_for, arity=2, roles=INVITERS, scope=_district_arg),
    Route("st", "p", providers_page, arity=2, roles=INVITERS, scope=_district_first),
    Route("st", "v", invite_provider, arity=2, roles=INVITERS, scope=_district_first),
)
