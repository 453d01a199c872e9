"""The dialogue core's entry: one input and a session in, replies and effects out.

Pure: no I/O, no clock, no framework. The service loads the session around it and carries
out the effects. Commands and buttons go through the tables (which check who may use them);
typed text, locations and files go to the open question, else to the side's idle handler.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.core import interpreter
from bot.core.access import NOBODY, Actor
from bot.core.dialogue_io import Input, Outcome
from bot.core.normalise import words
from bot.core.profile import Session
from bot.core.repair import repair
from bot.core.turn import Turn
from bot.core.world import World


def handle(
    session: Session,
    event: Input,
    world: World,
    language_hint: str | None = None,
    actor: Actor = NOBODY,
) -> Outcome:
    """Answer one input. `session` is changed in place; save it if the outcome asks for it."""
    turn = Turn(
        session, world, actor, world.closest_language(language_hint), prepared=event.prepared
    )
    if repair(turn):
        return turn.outcome
    tables = world.tables
    if session.relay and event.kind in ("command", "button") and not event.value.startswith("cs:"):
        session.relay = 0  # any other command or button ends writing to a counsellor
    if event.kind == "command":
        tables.run_command(turn, event.value, event.argument)
    elif event.kind == "button":
        tables.run_button(turn, event.value)
    elif tables.claim(turn, event):
        pass  # e.g. a message written to a counsellor
    elif session.language is None and not session.stack:
        tables.run_command(turn, "start", "")  # a first message of any kind opens the chat
    elif event.kind == "text":
        typed_button = button_named(session, event.value)
        if turn.step is not None:
            interpreter.text(turn, event.value)
        elif typed_button:
            tables.run_button(turn, typed_button)  # "Remind me" typed, not tapped
        else:
            tables.idle_text(turn, event.value)
    elif event.kind == "location" and event.latitude is not None and event.longitude is not None:
        step = turn.step
        kind = interpreter.kind_of(step) if step else None
        if (
            step is None
            or kind is None
            or not kind.location(turn, step, event.latitude, event.longitude)
        ):
            turn.note(
                turn.t.gettext("Thank you. I only need a location when I ask for your town.")
            )
            interpreter.reask_or_menu(turn)
    elif event.kind == "file" and event.upload is not None:
        step = turn.step
        if step is None:
            tables.idle_file(turn)
        elif not interpreter.kind_of(step).upload(turn, step, event.upload):
            turn.note(turn.t.gettext("Thank you. I only need a file when I ask for one."))
            interpreter.reask_or_menu(turn)
    elif event.kind == "forwarded":
        tables.forwarded(turn)
    else:
        turn.note(turn.t.gettext("I can only read text messages and buttons."))
        interpreter.reask_or_menu(turn)
    remember_buttons(turn)
    return turn.outcome


BUTTONS_KEPT = 40
LABEL_MATCH = 90


def button_named(session: Session, typed: str) -> str:
    """The data of the last message's button whose label the text repeats, without its emoji
    or with a typo ("remind me" for "🔔 Remind me"); "" if none."""
    wanted = " ".join(words(typed))
    if not wanted:
        return ""
    best, data = 0.0, ""
    for label, button_data in session.buttons:
        score = fuzz.ratio(wanted, " ".join(words(label)))
        if score > best:
            best, data = score, button_data
    return data if best >= LABEL_MATCH else ""


def remember_buttons(turn: Turn) -> None:
    """Keep the buttons of the last reply that has some, for a label typed later."""
    for reply in reversed(turn.outcome.replies):
        if reply.buttons:
            pairs = [(b.label, b.data) for row in reply.buttons for b in row if b.data]
            turn.session.buttons = pairs[:BUTTONS_KEPT]
            return
