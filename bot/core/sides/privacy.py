"""/privacy: what is stored, and erasing all of it after a confirmation."""

from __future__ import annotations

from bot.core import case_views, interpreter
from bot.core.effects import Erase, KeepData
from bot.core.profile import forget
from bot.core.profile_views import erase_question, privacy_view, unsaved_view
from bot.core.staff_views import staff_privacy
from bot.core.tables import Command, Route
from bot.core.text import N_
from bot.core.turn import Turn
from bot.core.volunteer_views import mentor_privacy


def privacy(turn: Turn, argument: str) -> None:
    if turn.session.unsaved:
        shown = interpreter.shown_steps(turn)
        turn.say(unsaved_view(turn.t, turn.world, turn.session, shown))
        return
    if turn.actor.grants and turn.session.consented:
        turn.say(staff_privacy(turn.t, turn.world, turn.actor))
        return
    turn.say(privacy_view(turn.t, turn.world, turn.session, interpreter.shown_steps(turn)))
    if turn.session.consented and turn.prepared.cases:
        turn.say(case_views.cases_privacy(turn.t, turn.world, turn.prepared.cases))
    mentor = mentor_privacy(turn.t, turn.prepared.mentor) if turn.session.consented else None
    if mentor is not None:
        turn.say(mentor)


def erase(turn: Turn, args: tuple[str, ...]) -> None:
    t, answer = turn.t, args[0]
    if not turn.session.consented:
        turn.say(privacy_view(t, turn.world, turn.session, interpreter.shown_steps(turn)))
    elif answer == "ask":
        turn.say(erase_question(t))
    elif answer == "yes":
        turn.effect(Erase())
        forget(turn.session)
        turn.note(
            t.gettext(
                "Everything is deleted. I do not know anything about you anymore. "
                "Send /start if you want to begin again."
            )
        )
    else:
        turn.note(t.gettext("Nothing was deleted."))
        interpreter.reask_or_menu(turn)


def save_from_now(turn: Turn, args: tuple[str, ...]) -> None:
    """Someone who used Lotse without saving agrees to be saved now."""
    if not turn.session.consented:
        interpreter.reask_or_menu(turn)
        return
    turn.session.unsaved = False
    turn.note(turn.t.gettext("Okay. From now on I save your answers. /privacy deletes them."))
    interpreter.reask_or_menu(turn)


def keep(turn: Turn, args: tuple[str, ...]) -> None:
    """The answer to the retention question: keep the data (this input counts as activity)."""
    if not turn.session.consented:
        return
    turn.effect(KeepData())
    turn.note(turn.t.gettext("Okay. I keep your answers."))
    interpreter.reask_or_menu(turn)


COMMANDS = (Command("privacy", N_("see what I save, delete everything"), privacy, order=70),)
ROUTES = (
    Route("pr", "x", erase, arity=1),
    Route("pr", "k", keep, arity=1),
    Route("pr", "s", save_from_now),
)
