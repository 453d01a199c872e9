"""Guards and replies the sides share."""

from __future__ import annotations

from bot.core import interpreter
from bot.core.profile_views import help_view, unsaved_needs_saving
from bot.core.turn import Turn


def show_menu(turn: Turn) -> None:
    """/help: what this person may use, in their language."""
    t = turn.t
    commands = [(c.name, c.describe(t)) for c in turn.world.tables.menu(turn.actor)]
    turn.say(help_view(t, commands))


def first_the_questions(turn: Turn) -> None:
    turn.note(turn.t.gettext("Please answer the questions first."))


def consented(turn: Turn) -> bool:
    """True when the person agreed; otherwise points them to the open question."""
    if turn.session.consented:
        return True
    first_the_questions(turn)
    if turn.step is None:
        interpreter.start_profile(turn)
    else:
        interpreter.ask(turn)
    return False


def profile_ready(turn: Turn) -> bool:
    """True with consent and every answer the matching needs; otherwise continues the
    questions where an answer is missing."""
    if turn.session.consented and turn.profile_complete():
        return True
    if not consented(turn):
        return False
    first_the_questions(turn)
    interpreter.start_profile(turn)
    return False


def unknown_command(turn: Turn) -> None:
    if turn.prepared.group is not None:
        return  # in a group: not ours to answer (the channel says once where Lotse works)
    if not turn.session.consented:
        consented(turn)
        return
    turn.note(turn.t.gettext("I do not know this command."))
    show_menu(turn)


def unknown_button(turn: Turn) -> None:
    if turn.prepared.group is not None:
        return  # a group's button that is not for this person: only the tap is answered
    turn.note(turn.t.gettext("Sorry, I did not understand this button."))
    interpreter.reask_or_menu(turn)


def districts_for(turn: Turn, roles: frozenset[str]) -> list[str]:
    """The served districts in which the actor holds one of `roles` (all for an admin)."""
    mine = turn.actor.districts(roles)
    served = [d.id for d in turn.world.catalogue.served_districts]
    return served if mine is None else [d for d in served if d in mine]


def saving(turn: Turn) -> bool:
    """True when the person's answers are saved. Someone who uses Lotse without saving is
    told that this needs saving, with the button that turns it on."""
    if not turn.session.unsaved:
        return True
    turn.say(unsaved_needs_saving(turn.t))
    return False
