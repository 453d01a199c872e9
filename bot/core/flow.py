"""Conversations as data: load and check a flow from `conversations/*.toml`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.keys import GERMAN_LEVELS, INTERESTS, LEVEL_UNKNOWN, STATUS_UNKNOWN, STATUSES
from bot.core.validators import VALIDATORS

END = "end"
KINDS = frozenset({"language", "consent", "number", "choice", "multi", "place"})
_STEP_ID = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
_VALUE = re.compile(r"^[A-Za-z0-9_]{1,24}$")

# Which answers a step may save, and the values a choice for each may offer.
SAVE_FIELDS: dict[str, frozenset[str] | None] = {
    "age": None,
    "status": frozenset((*STATUSES, STATUS_UNKNOWN)),
    "german_level": frozenset((*GERMAN_LEVELS, LEVEL_UNKNOWN)),
    "place": None,
    "interests": frozenset(INTERESTS),
}


class FlowError(ValueError):
    """A broken conversation file; the message names the file, the step and the field."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # msgid
    explain: str = ""  # msgid of a one-line plain explanation, shown in the question


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    prompt: str  # msgid
    help: str = ""  # msgid: the re-ask text after an answer that does not fit
    options: tuple[Option, ...] = ()
    validator: str = ""
    save: str = ""
    # Either one next step for every answer, or a step per answer value (branching).
    next: str = END
    next_by_value: dict[str, str] = field(default_factory=dict)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def next_for(self, value: str) -> str:
        return self.next_by_value.get(value, self.next)

    def successors(self) -> set[str]:
        return {self.next, *self.next_by_value.values()} - {END}


@dataclass(frozen=True)
class Flow:
    id: str
    start: str
    steps: dict[str, Step]
    source: str = ""

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    def context(self, step: Step) -> str:
        """The gettext context of a step's texts, e.g. `onboarding.age`."""
        return f"{self.id}.{step.id}"

    def step_saving(self, save: str) -> Step | None:
        return next((s for s in self.steps.values() if s.save == save), None)

    def to_mermaid(self) -> str:
        lines = ["flowchart TD"]
        for step in self.steps.values():
            lines.append(f'    {step.id}["{step.id} ({step.kind})"]')
        for step in self.steps.values():
            for value, target in step.next_by_value.items():
                lines.append(f"    {step.id} -- {value} --> {_node(target)}")
            lines.append(f"    {step.id} --> {_node(step.next)}")
        lines.append("    finish((end))")
        return "\n".join(lines) + "\n"


def _node(step_id: str) -> str:
    # "end" is a keyword in Mermaid, so the end of a flow gets another node name.
    return "finish" if step_id == END else step_id


def load_flow(path: Path) -> Flow:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FlowError(f"{path}: {exc}") from exc
    return parse_flow(raw, str(path))


def parse_flow(raw: dict, source: str) -> Flow:
    def fail(where: str, problem: str) -> FlowError:
        return FlowError(f"{source}: {where}: {problem}")

    flow_id = raw.get("id")
    if not isinstance(flow_id, str) or not _STEP_ID.match(flow_id):
        raise fail("id", "must be a snake_case name")
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise fail("steps", "at least one [[steps]] table is needed")
    steps: dict[str, Step] = {}
    for index, item in enumerate(raw_steps, start=1):
        step = _parse_step(item, lambda f, p, i=index: fail(f"steps[{i}] {f}", p))
        if step.id in steps:
            raise fail(f"steps[{index}] id", f"duplicate step id {step.id!r}")
        steps[step.id] = step
    start = raw.get("start", next(iter(steps)))
    if start not in steps:
        raise fail("start", f"unknown step {start!r}")
    for step in steps.values():
        for target in step.successors():
            if target not in steps:
                raise fail(f"step {step.id} next", f"unknown step {target!r}")
    reachable: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current not in reachable:
            reachable.add(current)
            todo.extend(steps[current].successors())
    unreachable = [s for s in steps if s not in reachable]
    if unreachable:
        raise fail("steps", f"unreachable step(s): {', '.join(unreachable)}")
    return Flow(id=flow_id, start=start, steps=steps, source=source)


def _parse_step(item: object, fail) -> Step:
    if not isinstance(item, dict):
        raise fail("", "must be a table")
    step_id = item.get("id")
    if not isinstance(step_id, str) or not _STEP_ID.match(step_id):
        raise fail("id", "must be a snake_case name of at most 24 characters")

    def sfail(field_name: str, problem: str) -> FlowError:
        return fail(f"({step_id}) {field_name}", problem)

    kind = item.get("kind")
    if kind not in KINDS:
        raise sfail("kind", f"must be one of {', '.join(sorted(KINDS))}")
    prompt = item.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise sfail("prompt", "a question text is needed")
    help_text = item.get("help", "")
    if not isinstance(help_text, str):
        raise sfail("help", "must be text")
    validator = item.get("validator", "")
    if validator and validator not in VALIDATORS:
        raise sfail("validator", f"unknown validator {validator!r}")
    if kind == "number" and not validator:
        raise sfail("validator", "a number step needs a validator")
    save = item.get("save", "")
    if save and save not in SAVE_FIELDS:
        raise sfail("save", f"unknown answer field {save!r}")
    if kind in {"number", "choice", "multi", "place"} and not save:
        raise sfail("save", "this kind of step must save its answer")
    options = []
    for number, raw_option in enumerate(item.get("options", []), start=1):
        if not isinstance(raw_option, dict):
            raise sfail(f"options[{number}]", "must be a table")
        value, label = raw_option.get("value"), raw_option.get("label")
        if not isinstance(value, str) or not _VALUE.match(value):
            raise sfail(f"options[{number}] value", "must be a short key")
        if not isinstance(label, str) or not label.strip():
            raise sfail(f"options[{number}] label", "a button text is needed")
        allowed = SAVE_FIELDS.get(save)
        if allowed is not None and value not in allowed:
            raise sfail(f"options[{number}] value", f"{value!r} is not a known {save} key")
        options.append(Option(value, label, str(raw_option.get("explain", ""))))
    if kind in {"choice", "multi", "consent"} and not options:
        raise sfail("options", "this kind of step needs options")
    if len({o.value for o in options}) != len(options):
        raise sfail("options", "option values must be unique")
    raw_next = item.get("next", END)
    next_by_value: dict[str, str] = {}
    if isinstance(raw_next, dict):
        next_by_value = {str(k): str(v) for k, v in raw_next.items() if k != "default"}
        unknown = set(next_by_value) - {o.value for o in options}
        if unknown:
            raise sfail("next", f"no option with value {', '.join(sorted(unknown))}")
        raw_next = raw_next.get("default", END)
    if not isinstance(raw_next, str):
        raise sfail("next", "must be a step id or a table of value = step id")
    return Step(
        id=step_id,
        kind=kind,
        prompt=prompt,
        help=help_text,
        options=tuple(options),
        validator=validator,
        save=save,
        next=raw_next,
        next_by_value=next_by_value,
    )
