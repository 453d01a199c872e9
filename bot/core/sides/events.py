"""The young person's events: the list, one event, reminders, calendar file, "Did you go?"."""

from __future__ import annotations

from bot.core import event_views
from bot.core.effects import RecordAnswer, Subscribe, Unsubscribe
from bot.core.events import Event, upcoming_for
from bot.core.matching import person_for, rank
from bot.core.reminders import messages, plan
from bot.core.sides.common import consented, profile_ready, saving
from bot.core.tables import Command, Route
from bot.core.text import N_
from bot.core.turn import Turn


def show_list(turn: Turn, argument: str = "") -> None:
    if not profile_ready(turn):
        return
    turn.session.stack = []
    session, world = turn.session, turn.world
    profile = session.profile
    ranking = rank(world.catalogue, profile, world.today)
    person = ranking.person if ranking else person_for(world.catalogue, profile, world.today)
    open_to_them = ranking.reachable_ids() if ranking else frozenset()
    choice = upcoming_for(
        world.events, turn.district, (person.age_low, person.age_high), profile.interests,
        session.subscribed, world.now, open_to_them.__contains__,
    )  # fmt: skip
    turn.say(event_views.event_list(turn.t, world, session, choice))


def _event(turn: Turn, event_id: str) -> Event | None:
    """The event, or None after saying it is gone (and dropping a subscription to it)."""
    if not consented(turn):
        return None
    event = turn.world.events.get(event_id)
    if event is None:
        unsubscribe(turn, event_id)
        turn.note(turn.t.gettext("This event is no longer available."))
        show_list(turn)
    return event


def detail(turn: Turn, args: tuple[str, ...]) -> None:
    event = _event(turn, args[0])
    if event is not None:
        turn.say(event_views.event_detail(turn.t, turn.world, event, turn.session))


def calendar(turn: Turn, args: tuple[str, ...]) -> None:
    event = _event(turn, args[0])
    if event is not None:
        turn.say(event_views.calendar(turn.t, event, turn.world.now))


def remind(turn: Turn, args: tuple[str, ...]) -> None:
    event = _event(turn, args[0])
    if event is None or not saving(turn):
        return
    t, world = turn.t, turn.world
    if event.end <= world.now:
        turn.note(t.gettext("This event is over."))
        show_list(turn)
        return
    if event.cancelled:
        notice = t.gettext("This event is cancelled.")
    else:
        if event.id not in turn.session.subscribed:
            turn.session.subscribed.append(event.id)
            turn.effect(Subscribe(event.id, tuple(messages(event, world.now))))
        if plan(event, world.now):
            notice = t.gettext("Okay. I will remind you {times} before the start.").format(
                times=event_views.reminder_times(t, event)
            )
        else:
            notice = t.gettext("The event starts soon, so no reminder is left before it.")
    _redraw(turn, event, notice)


def stop_reminding(turn: Turn, args: tuple[str, ...]) -> None:
    event = _event(turn, args[0])
    if event is not None:
        unsubscribe(turn, event.id)
        _redraw(turn, event, turn.t.gettext("Reminder cancelled."))


def _redraw(turn: Turn, event: Event, notice: str) -> None:
    turn.say(
        event_views.event_detail(
            turn.t, turn.world, event, turn.session, replace=True, notice=notice
        )
    )


def unsubscribe(turn: Turn, event_id: str) -> None:
    if event_id in turn.session.subscribed:
        turn.session.subscribed.remove(event_id)
        turn.effect(Unsubscribe(event_id))


def went(turn: Turn, args: tuple[str, ...]) -> None:
    if not consented(turn):
        return
    event_id, answer = args
    if event_id in turn.session.subscribed and answer in event_views.ANSWERS:
        turn.effect(RecordAnswer(event_id, answer))
    turn.say(event_views.thanks_for_answer(turn.t))


COMMANDS = (Command("events", N_("events near you, with reminders"), show_list, order=30),)
ROUTES = (
    Route("ev", "l", lambda turn, args: show_list(turn), arity=1),
    Route("ev", "o", detail, arity=1),
    Route("ev", "r", remind, arity=1),
    Route("ev", "u", stop_reminding, arity=1),
    Route("ev", "c", calendar, arity=1),
    Route("ev", "g", went, arity=2),
)
