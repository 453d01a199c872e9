"""The flow interpreter: a stack of frames (aiogram_dialog's idea). A flow can start another
and get its answers back ("edit one answer, back to /profile"); a frame ends by reaching `end`
(its result handler gets the answers), by Back from its first step, or as a single-step edit.

Nothing here knows a step id or a flow id: flows come from `conversations/*.toml`, kinds from
`bot.core.kinds`, result handlers and hooks from the sides (`bot.core.sides`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core import callback, kinds
from bot.core.dialogue_io import Button, Reply
from bot.core.flow import END, Flow, Step
from bot.core.profile import Frame
from bot.core.text import esc
from bot.core.turn import Turn


@dataclass(frozen=True)
class Result:
    """What a finished frame hands to its result handler."""

    flow: Flow
    values: dict[str, Any]  # the draft, or the profile fields the flow filled
    cancelled: bool = False  # ended by Back, nothing answered


def _sides():  # the sides import this module; look them up when first needed
    from bot.core import sides

    return sides


def kind_of(step: Step) -> kinds.Kind:
    return kinds.REGISTRY[step.kind]


def context(turn: Turn, step: Step) -> str:
    flow = turn.flow
    return flow.context(step) if flow else step.id


def start_for(turn: Turn, result: str) -> Frame | None:
    """Open the flow whose answers go to the result handler `result` (the side names its
    handler, never the flow: conversations/*.toml choose their ids); its frame, or None."""
    flow = next((f for f in turn.world.flows.values() if f.on_done == result), None)
    if flow is None:
        return None
    start(turn, flow.id)
    return turn.session.stack[-1] if turn.session.stack else None


def start(
    turn: Turn,
    flow_id: str,
    *,
    at: str | None = None,
    single: bool = False,
    then: str = "",
    fresh: bool = False,
    intro: str = "",
) -> None:
    """Open a flow on top of the stack (or alone, with `fresh`) and ask its first question."""
    flow = turn.world.flows[flow_id]
    if fresh:
        turn.session.stack = []
    turn.session.stack.append(Frame(flow=flow.id, step="", single=single, then=then))
    step_id = at or flow.start
    if not single:
        step_id = _skip_satisfied(turn, flow, step_id)
        if step_id == END:
            finish(turn)
            return
    enter(turn, step_id)
    ask(turn, intro)


def skipped(turn: Turn, step: Step) -> bool:
    """Nothing to ask: the kind has its answer (consent given), or the step's condition does
    not hold for this person (no offer near them depends on it)."""
    if step.when and not _sides().PREDICATES[step.when](turn):
        return True
    return kind_of(step).satisfied(turn)


def shown_steps(turn: Turn) -> frozenset[str]:
    """The profile questions /profile and /privacy list: a conditional question only when it
    is answered or matters now (someone whose offers wait for no months is not shown "In
    Germany since: not answered")."""
    flow, profile = turn.world.profile_flow, turn.session.profile
    return frozenset(
        step.id
        for step in flow.steps.values()
        if not step.when
        or (step.field and profile.has(step.field))
        or _sides().PREDICATES[step.when](turn)
    )


def _skip_satisfied(turn: Turn, flow: Flow, step_id: str) -> str:
    while step_id != END and skipped(turn, flow.steps[step_id]):
        step_id = flow.steps[step_id].next
    return step_id


def enter(turn: Turn, step_id: str) -> None:
    frame = turn.frame
    assert frame is not None
    frame.step, frame.pending = step_id, {}
    step = turn.step
    assert step is not None
    kind_of(step).enter(turn, step)


def ask(turn: Turn, intro: str = "", replace: bool = False) -> None:
    """Show the open question (with `intro` above it)."""
    step = turn.step
    if step is None:
        return
    reply = kind_of(step).question(turn, step, intro)
    turn.say(Reply(reply.html, reply.buttons, replace=replace))
    turn.asked = True


def refuse(turn: Turn, step: Step, help_html: str = "") -> None:
    """An answer that does not fit: the step's short help line with the question's buttons,
    not the whole (long) question again; the question itself when there is no help line."""
    if not help_html and step.help:
        help_html = esc(turn.t.pgettext(context(turn, step), step.help))
    if not help_html:
        ask(turn)
        return
    question = kind_of(step).question(turn, step)
    turn.say(Reply(help_html, question.buttons))
    turn.asked = True


def navigation(turn: Turn, step: Step) -> list[tuple[Button, ...]]:
    """Skip (optional steps) and Back, where there is somewhere to go back to."""
    rows: list[tuple[Button, ...]] = []
    t = turn.t
    if step.optional:
        rows.append((Button(t.gettext("Skip ›"), callback.encode("fl", "k", step.id)),))
    frame = turn.frame
    if frame and (frame.history or frame.single or len(turn.session.stack) > 1):
        rows.append((Button(t.gettext("‹ Back"), callback.encode("fl", "b")),))
    return rows


def current_value(turn: Turn, step: Step) -> Any:
    flow, frame = turn.flow, turn.frame
    if not step.field or flow is None or frame is None:
        return None
    if flow.fills == "profile":
        return turn.session.profile.get(step.field)
    return frame.draft.get(step.field)


def save(turn: Turn, value: Any) -> None:
    """Keep the open step's answer where its flow keeps answers, then go on."""
    step, flow, frame = turn.step, turn.flow, turn.frame
    assert step is not None and flow is not None and frame is not None
    if step.field and flow.fills == "profile":
        before = turn.session.profile.copy()
        turn.session.profile.set(step.field, value)
        for hook in _sides().PROFILE_HOOKS:
            hook(turn, before)
    elif step.field:
        frame.draft[step.field] = value
    if step.after:
        _sides().HOOKS[step.after](turn, value)
    advance(turn, value if isinstance(value, str) else "")


def advance(turn: Turn, value: str = "") -> None:
    step, flow, frame = turn.step, turn.flow, turn.frame
    assert step is not None and flow is not None and frame is not None
    if frame.single:
        finish(turn)
        return
    target = _skip_satisfied(turn, flow, step.next_for(value))
    if target == END:
        finish(turn)
        return
    frame.history.append(step.id)
    enter(turn, target)
    ask(turn)


def finish(turn: Turn, cancelled: bool = False) -> None:
    """End the top frame: its result handler gets the answers; a parent frame asks again."""
    frame = turn.session.stack.pop()
    flow = turn.world.flows[frame.flow]
    if flow.fills == "profile":
        values = {name: turn.session.profile.get(name) for name in flow.fields}
    else:
        values = dict(frame.draft)
    handler = frame.then or flow.on_done
    turn.asked = False
    if handler:
        _sides().RESULTS[handler](turn, Result(flow, values, cancelled))
    if turn.session.stack and not turn.asked:
        ask(turn)


def back(turn: Turn) -> None:
    frame, flow = turn.frame, turn.flow
    if frame is None or flow is None:
        reask_or_menu(turn)
        return
    while frame.history:
        previous = frame.history.pop()
        if previous in flow.steps and not skipped(turn, flow.steps[previous]):
            enter(turn, previous)
            ask(turn)
            return
    if frame.single or len(turn.session.stack) > 1:
        finish(turn, cancelled=True)
    else:
        ask(turn)


def skip(turn: Turn) -> None:
    step = turn.step
    if step is None or not step.optional:
        reask_or_menu(turn)
        return
    save(turn, None)


def reask_or_menu(turn: Turn) -> None:
    if turn.step is not None:
        ask(turn)
    else:
        _sides().show_menu(turn)


def start_profile(turn: Turn) -> None:
    """Continue the profile flow at the first answer that is missing (or from the start)."""
    flow = turn.world.profile_flow
    turn.session.stack = [Frame(flow=flow.id, step=flow.start)]  # to read the answers
    for step in flow.steps.values():
        if not skipped(turn, step) and not kind_of(step).answered(turn, step):
            start(turn, flow.id, at=step.id, fresh=True)
            return
    start(turn, flow.id, fresh=True)


def is_open(turn: Turn, step_id: str) -> bool:
    """A button of `step_id` belongs to the question open now."""
    return turn.step is not None and turn.step.id == step_id


def text(turn: Turn, typed: str) -> None:
    step = turn.step
    assert step is not None
    meaning = turn.world.answers.meaning(turn.t.language, typed)
    if (kinds.matches_label(typed, "‹ Back", turn.t.gettext("‹ Back")) or meaning == "back") and (
        turn.frame and (turn.frame.history or turn.frame.single or len(turn.session.stack) > 1)
    ):
        back(turn)
        return
    if meaning == "skip" and step.optional:
        skip(turn)
        return
    kind_of(step).text(turn, step, typed)


def press(turn: Turn, action: str, args: tuple[str, ...]) -> None:
    """A button of the open question: fl:a / fl:t / fl:d / fl:k carry the step id first."""
    step = turn.step
    if step is None or not is_open(turn, args[0]):
        message = turn.t.gettext("This button belongs to an earlier question.")
        turn.say(Reply(esc(message), notice=message))
        reask_or_menu(turn)
        return
    if action == "k":
        skip(turn)
    else:
        kind_of(step).press(turn, step, action, args[1] if len(args) > 1 else "")
