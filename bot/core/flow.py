"""Conversations as data: the shape of a flow from `conversations/*.toml`, checked on load.

A flow declares the fields it fills and their types (like Rasa's slots): the onboarding fills
the profile, a wizard fills its own draft. Steps name an answer kind, a field, the next step
(or one per answer value), and optionally a validator, an `after` hook, an `edit` label (the
"Change ..." button of /profile) and `optional` (a "Skip" button). Every problem of a file is
reported at once, as `file: where: problem` (the checks are in flow_parse.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from typing import Protocol

END = "end"


class FlowError(ValueError):
    """A broken conversation file; one line per problem, naming the file, step and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class KindSpec(Protocol):
    value_type: str | None  # the field type it fills; None: it acts on the session itself
    needs_options: bool


@dataclass(frozen=True)
class Vocabulary:
    """What a flow file may name: answer kinds, validators, hooks, result handlers, roles, and
    the values a choice may offer for a known field (status keys, German levels, ...)."""

    kinds: Mapping[str, KindSpec]
    validators: frozenset[str]
    hooks: frozenset[str]
    results: frozenset[str]
    roles: frozenset[str]
    predicates: frozenset[str]
    field_values: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Option:
    value: str
    label: str  # msgid
    explain: str = ""  # msgid of a one-line plain explanation, shown in the question
    means: str = ""  # what typing "yes", "no" or "I don't know" chooses: yes, no, dont_know


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    prompt: str  # msgid
    help: str = ""  # msgid: the short line after an answer that does not fit
    options: tuple[Option, ...] = ()
    validator: str = ""
    field: str = ""
    # Either one next step for every answer, or a step per answer value (branching).
    next: str = END
    next_by_value: dict[str, str] = default(default_factory=dict)
    label: str = ""  # msgid: the answer's name in /profile and /privacy ("Age")
    edit: str = ""  # msgid of the /profile button that changes this answer
    after: str = ""  # a hook run after the answer is saved
    optional: bool = False  # offers a "Skip" button; skipping leaves the field empty
    when: str = ""  # a named condition: the step is asked only when it holds

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
    fields: dict[str, str] = default(default_factory=dict)  # name -> type
    fills: str = "none"  # "profile", "draft" or "none"
    command: str = ""  # a /command that starts this flow
    help: str = ""  # msgid: the command's line in /help and the command menu
    roles: frozenset[str] = frozenset({"person"})
    on_done: str = ""  # the result handler that gets the answers when the flow ends
    order: int = 100  # the command's place in /help and the menu
    source: str = ""

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    def context(self, step: Step) -> str:
        """The gettext context of a step's texts, e.g. `onboarding.age`."""
        return f"{self.id}.{step.id}"

    def step_saving(self, name: str) -> Step | None:
        return next((s for s in self.steps.values() if s.field == name), None)

    def required_fields(self) -> tuple[str, ...]:
        """The fields a finished flow has: those of steps that are always asked."""
        return tuple(
            s.field for s in self.steps.values() if s.field and not s.optional and not s.when
        )

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
