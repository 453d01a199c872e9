"""Talk to a person: a young person hands their question (and, if they choose, their answers)
over to a counselling service of their district; the conversation goes both ways as copies.
Counsellors close a case with its outcome. /inbox makes a forum group a service's inbox."""

from __future__ import annotations

from bot.core import case_views, interpreter
from bot.core.access import CASE_HANDLERS, COORDINATOR, EVERYONE
from bot.core.broadcasts import band_of
from bot.core.dialogue_io import Input, Reply
from bot.core.effects import CloseCase, OpenCase, RegisterInbox, Relay
from bot.core.interpreter import Result
from bot.core.offer_views import offer_button
from bot.core.sides.common import profile_ready, saving
from bot.core.sides.volunteers import COUNSELLING, counselling_services
from bot.core.tables import Command, Route
from bot.core.text import N_, esc
from bot.core.turn import Turn

RELAYED_KINDS = frozenset({"text", "file", "unsupported", "forwarded", "location"})


def talk_command(turn: Turn, argument: str) -> None:
    if not profile_ready(turn):
        return
    if turn.prepared.cases:
        turn.say(case_views.open_cases(turn.t, turn.world, turn.prepared.cases))
        return
    choose(turn, ())


def choose(turn: Turn, args: tuple[str, ...]) -> None:
    if not profile_ready(turn) or not saving(turn):
        return
    turn.session.relay = 0
    services = counselling_services(turn, turn.district)
    if not services:
        online = [o for o in turn.world.catalogue.offers.values()
                  if o.category == COUNSELLING and o.online]  # fmt: skip
        rows = tuple((offer_button(turn.t, o, "→"),) for o in online)
        turn.say(Reply(esc(case_views.no_service(turn.t)), rows))
        return
    ids = [offer_id for offer_id, _ in services]
    turn.say(case_views.choose_service(turn.t, turn.world, ids, turn.prepared.reachable))


def from_offer(turn: Turn, args: tuple[str, ...]) -> None:
    """ "Talk to a person" on an offer's detail: about that offer's field."""
    offer = turn.world.catalogue.offers.get(args[0])
    if offer is not None:
        turn.session.talk = {"topic": offer.category}
    choose(turn, ())


def service_chosen(turn: Turn, args: tuple[str, ...]) -> None:
    if not profile_ready(turn):
        return
    service = args[0]
    if service not in dict(counselling_services(turn, turn.district)):
        choose(turn, ())
        return
    turn.say(case_views.choose_share(turn.t, turn.world, service))


def share_chosen(turn: Turn, args: tuple[str, ...]) -> None:
    if not profile_ready(turn):
        return
    service, share = args
    if service not in dict(counselling_services(turn, turn.district)) or share not in (
        case_views.SHARES
    ):
        choose(turn, ())
        return
    topic = turn.session.talk.get("topic", "")
    turn.session.talk = {"service": service, "share": share, "topic": topic}
    interpreter.start_for(turn, "talk_question")


def question_written(turn: Turn, result: Result) -> None:
    question = str(result.values.get("question") or "").strip()
    talk = turn.session.talk
    if result.cancelled or not question or "service" not in talk:
        turn.session.talk = {}
        turn.note(turn.t.gettext("Nothing was sent."))
        return
    talk["question"] = question
    show_preview(turn)


def show_preview(turn: Turn) -> None:
    world = turn.world
    turn.say(case_views.preview(turn.t, world.translator("de"), world, turn.session,
                                turn.session.talk))  # fmt: skip


def send(turn: Turn, args: tuple[str, ...]) -> None:
    talk, world = turn.session.talk, turn.world
    if not profile_ready(turn) or not saving(turn):
        return
    if "question" not in talk or talk.get("service") not in world.catalogue.offers:
        turn.note(turn.t.gettext("Nothing was sent."))
        return
    german = world.translator("de")
    summary = case_views.handover(german, world, turn.session, talk)
    band = band_of(turn.session.profile, world.today)
    topic = case_views.topic_of(german, world, turn.session, talk)
    turn.effect(OpenCase(talk["service"], turn.district, talk.get("share", "q"),
                         talk["question"], summary, topic, band))  # fmt: skip
    turn.session.talk = {}


def change(turn: Turn, args: tuple[str, ...]) -> None:
    if "service" not in turn.session.talk:
        choose(turn, ())
        return
    interpreter.start_for(turn, "talk_question")


def cancel(turn: Turn, args: tuple[str, ...]) -> None:
    turn.session.talk = {}
    turn.note(turn.t.gettext("Nothing was sent."))
    interpreter.reask_or_menu(turn)


# -- writing in a case ----------------------------------------------------------------------


def write(turn: Turn, args: tuple[str, ...]) -> None:
    """ "Write to <service>": the next messages go to the case (the person's, or a
    coordinator's who answers a case without an inbox group)."""
    case = turn.prepared.case
    if case is None or case.state != "open" or not (case.mine or _handles(turn)):
        turn.note(case_views.ended(turn.t))
        return
    turn.session.relay = case.id
    turn.say(case_views.writing(turn.t, turn.world, case))


def _handles(turn: Turn) -> bool:
    case = turn.prepared.case
    return case is not None and turn.actor.may(CASE_HANDLERS, case.district)


def done_writing(turn: Turn, args: tuple[str, ...]) -> None:
    turn.session.relay = 0
    turn.note(turn.t.gettext("Okay. Your messages go to Lotse again."))
    interpreter.reask_or_menu(turn)


def claim(turn: Turn, event: Input) -> bool:
    """While writing to a case, every message goes there (as a copy, by its id)."""
    if not turn.session.relay or event.kind not in RELAYED_KINDS:
        return False
    case = turn.prepared.case
    if case is None or case.id != turn.session.relay or case.state != "open":
        turn.session.relay = 0
        turn.note(case_views.ended(turn.t))
        return True
    if event.message_id is None:
        turn.note(turn.t.gettext("Sorry, I could not pass this on. Please try again."))
        return True
    turn.effect(Relay(case.id, event.message_id))
    turn.say(case_views.relayed(turn.t, turn.world, case.service))
    return True


def _case_district(turn: Turn, args: tuple[str, ...]) -> str | None:
    case = turn.prepared.case
    return case.district if case is not None else None


def close(turn: Turn, args: tuple[str, ...]) -> None:
    case = turn.prepared.case
    if case is None or args[1] not in case_views.OUTCOMES:
        turn.note(turn.t.gettext("Sorry, I did not understand this button."))
        return
    turn.effect(CloseCase(case.id, args[1]))


# -- the inbox group ------------------------------------------------------------------------


def inbox_command(turn: Turn, argument: str) -> None:
    group = turn.prepared.group
    if group is None:
        return
    german = turn.world.translator("de")
    if not group.forum or not group.bot_can_manage_topics:
        turn.note(case_views.inbox_not_forum(german))
        return
    districts = turn.actor.districts(frozenset({COORDINATOR}))
    services = [s for s, o in turn.world.catalogue.offers.items()
                if o.category == COUNSELLING and o.district in turn.world.catalogue.districts
                and (districts is None or o.district in districts)
                and o.district != "bundesweit"]  # fmt: skip
    turn.say(case_views.inbox_choice(german, turn.world, services, group.title))


def _service_district(turn: Turn, args: tuple[str, ...]) -> str | None:
    offer = turn.world.catalogue.offers.get(args[0]) if args else None
    return offer.district if offer and offer.category == COUNSELLING else None


def register(turn: Turn, args: tuple[str, ...]) -> None:
    group = turn.prepared.group
    if group is None or not group.forum:
        turn.note(case_views.inbox_not_forum(turn.world.translator("de")))
        return
    turn.effect(RegisterInbox(args[0], group.chat_id, group.title))


COMMANDS = (
    Command("talk", N_("talk to a person (a counselling service)"), talk_command, EVERYONE,
            order=35),
    Command("inbox", N_("make this group a counselling inbox"), inbox_command,
            frozenset({COORDINATOR}), group=True),
)  # fmt: skip
ROUTES = (
    Route("tk", "l", choose),
    Route("tk", "o", from_offer, arity=1),
    Route("tk", "s", service_chosen, arity=1),
    Route("tk", "h", share_chosen, arity=2),
    Route("tk", "y", send),
    Route("tk", "e", change),
    Route("tk", "n", cancel),
    Route("cs", "w", write, arity=1),
    Route("cs", "d", done_writing),
    Route("cs", "c", close, arity=2, roles=CASE_HANDLERS, scope=_case_district),
    Route("ib", "r", register, arity=1, roles=frozenset({COORDINATOR}), scope=_service_district),
)  # fmt: skip
RESULTS = {"talk_question": question_written}
