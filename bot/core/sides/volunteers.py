"""Volunteers bring people in: /invite (a link, a QR code and a flyer with presets), the
answer to a forwarded contact, and the young person's "Tell my mentor that I am here"."""

from __future__ import annotations

from bot.core import interpreter, volunteer_views
from bot.core.access import COORDINATOR, INVITERS_OF_YOUNG
from bot.core.effects import CountReferral, CreateReferral, ForgetMentor, TellMentor
from bot.core.interpreter import Result
from bot.core.links import start_link
from bot.core.sides.common import consented, districts_for, saving
from bot.core.tables import Command, Route
from bot.core.text import N_
from bot.core.turn import Turn

COUNSELLING = "counselling"
MAX_FIRST_NAME = 40


def invite_command(turn: Turn, argument: str) -> None:
    turn.say(volunteer_views.invite_home(turn.t, turn.prepared.referral_stats))


def home(turn: Turn, args: tuple[str, ...]) -> None:
    invite_command(turn, "")


def choose_language(turn: Turn, args: tuple[str, ...]) -> None:
    turn.say(volunteer_views.choose_language(turn.t, turn.world))


def language_chosen(turn: Turn, args: tuple[str, ...]) -> None:
    language = args[0] if turn.world.language(args[0]) else ""
    districts = districts_for(turn, INVITERS_OF_YOUNG)
    if len(districts) == 1:
        make(turn, (language or "-", districts[0]))
        return
    turn.say(volunteer_views.choose_district(turn.t, turn.world, language or "-", districts))


def make(turn: Turn, args: tuple[str, ...]) -> None:
    language, district = args
    language = language if turn.world.language(language) else ""
    flyer = tuple(dict.fromkeys(code for code in (language, "en") if code))
    turn.effect(CreateReferral(language, district, flyer_languages=flyer))


def _district_of(turn: Turn, args: tuple[str, ...]) -> str | None:
    return args[1] if len(args) > 1 else None


def counselling_services(turn: Turn, district: str) -> list[tuple[str, str]]:
    """(offer id, title) of the counselling services of a district, from the catalogue."""
    offers = turn.world.catalogue.offers.values()
    return [(o.id, o.title_de) for o in offers
            if o.category == COUNSELLING and o.district == district]  # fmt: skip


def _service_district(turn: Turn, args: tuple[str, ...]) -> str | None:
    offer = turn.world.catalogue.offers.get(args[0]) if args else None
    return offer.district if offer and offer.category == COUNSELLING else None


def counselling_referral(turn: Turn, args: tuple[str, ...]) -> None:
    offer = turn.world.catalogue.offers[args[0]]
    turn.effect(CreateReferral("", offer.district, kind=COUNSELLING, service=offer.id))


def forwarded(turn: Turn) -> None:
    """Someone forwarded a message or a contact card: Lotse cannot write first. Nothing about
    the forwarded person is kept (the channel passed on no part of it)."""
    t, actor = turn.t, turn.actor
    if actor.may(frozenset({COORDINATOR})):
        services = [s for d in districts_for(turn, frozenset({COORDINATOR}))
                    for s in counselling_services(turn, d)]  # fmt: skip
        turn.say(volunteer_views.forwarded_counselling(t, turn.world, services))
    elif actor.may(INVITERS_OF_YOUNG):
        turn.note(volunteer_views.forwarded_to_staff(t))
        districts = districts_for(turn, INVITERS_OF_YOUNG)
        language = turn.session.language or ""
        turn.effect(CreateReferral(language, districts[0] if districts else ""))
    else:
        link = start_link(turn.world.operator.bot_username)
        turn.note(volunteer_views.forwarded_to_person(t, link))
        interpreter.reask_or_menu(turn)


# -- the young person's side ----------------------------------------------------------------


def arrived(turn: Turn, referral_id: int, kind: str, service: str) -> None:
    """/start r_<code> for someone new: remember the invite (its id only) and count it."""
    session = turn.session
    if session.consented or session.referral:
        return  # counted once, for people who were not here before
    session.referral, session.referral_kind, session.referral_service = referral_id, kind, service
    turn.effect(CountReferral(referral_id, "started"))


def finished(turn: Turn) -> None:
    """The questions are answered: counted once for the invite; offer to tell the mentor."""
    session = turn.session
    if not session.referral or session.referral_finished:
        return
    session.referral_finished = True
    turn.effect(CountReferral(session.referral, "finished"))
    if session.referral_kind != COUNSELLING:
        turn.say(volunteer_views.mentor_offer(turn.t))


def tell_mentor(turn: Turn, args: tuple[str, ...]) -> None:
    if not consented(turn) or not saving(turn):
        return
    if not turn.session.referral or turn.session.referral_kind == COUNSELLING:
        turn.note(turn.t.gettext("This button is not for you: you did not come with an invite."))
        return
    interpreter.start_for(turn, "mentor_name")


def mentor_named(turn: Turn, result: Result) -> None:
    name = " ".join(str(result.values.get("first_name") or "").split())[:MAX_FIRST_NAME]
    if result.cancelled or not name:
        turn.note(turn.t.gettext("Okay, I do not tell your mentor anything."))
        return
    turn.effect(TellMentor(turn.session.referral, name))
    turn.note(volunteer_views.mentor_told(turn.t, name))


def withdraw_mentor(turn: Turn, args: tuple[str, ...]) -> None:
    if not consented(turn):
        return
    turn.effect(ForgetMentor())
    turn.note(volunteer_views.mentor_withdrawn(turn.t))


COMMANDS = (
    Command("invite", N_("invite young people (link, QR code, flyer)"), invite_command,
            INVITERS_OF_YOUNG, order=200),
)  # fmt: skip
ROUTES = (
    Route("vl", "h", home, roles=INVITERS_OF_YOUNG),
    Route("vl", "l", choose_language, roles=INVITERS_OF_YOUNG),
    Route("vl", "g", language_chosen, arity=1, roles=INVITERS_OF_YOUNG),
    Route("vl", "d", make, arity=2, roles=INVITERS_OF_YOUNG, scope=_district_of),
    Route("vl", "c", counselling_referral, arity=1, roles=frozenset({COORDINATOR}),
          scope=_service_district),
    Route("vl", "m", tell_mentor),
    Route("vl", "w", withdraw_mentor),
)  # fmt: skip
RESULTS = {"mentor_name": mentor_named}
