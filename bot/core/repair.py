"""After the content changed (a catalogue upload, a new conversation file): mend a session
that points at something that no longer exists, with a short note, instead of failing."""

from __future__ import annotations

from bot.core import interpreter
from bot.core.turn import Turn


def repair(turn: Turn) -> bool:
    """Mend the session; True when a question was asked again (the input is not handled)."""
    session, world = turn.session, turn.world
    t = turn.t
    asked = False
    kept = []
    for frame in session.stack:
        flow = world.flows.get(frame.flow)
        if flow is None:
            continue  # a flow that is gone: its frame goes too
        frame.history = [step for step in frame.history if step in flow.steps]
        if frame.step not in flow.steps:
            frame.step = ""
        kept.append(frame)
    session.stack = kept
    top = session.frame
    if top is not None and not top.step:
        session.stack.pop()
        turn.note(t.gettext("This question has changed, so I ask again."))
        interpreter.start_profile(turn) if turn.world.flows[
            top.flow
        ].fills == "profile" else interpreter.start(turn, top.flow)
        asked = True
    frame = session.frame
    if frame is not None and "candidates" in frame.pending:
        frame.pending["candidates"] = [
            p for p in frame.pending["candidates"] if p in world.catalogue.places
        ]
    place = session.profile.place
    if place is not None and place not in world.catalogue.places:
        session.profile.place = None
        if session.consented and not asked:
            turn.note(t.gettext("Lotse does not know your town any more. Please tell me again."))
            flow = world.profile_flow
            step = flow.step_saving("place")
            if step is not None:
                interpreter.start(turn, flow.id, at=step.id, single=True)
                asked = True
    offers = world.catalogue.offers
    gone = [offer_id for offer_id in session.saved if offer_id not in offers]
    if gone:
        turn.note(
            t.ngettext(
                "An offer you saved is no longer available.",
                "{count} offers you saved are no longer available.",
                len(gone),
            ).format(count=len(gone))
        )
    session.saved = [o for o in session.saved if o in offers]
    session.dismissed = [o for o in session.dismissed if o in offers]
    session.announced = [o for o in session.announced if o in offers]
    return asked
