"""Reading a flow from its parsed TOML table: every problem of a file at once, as
`file: where: problem` (the model is in flow.py)."""

from __future__ import annotations

import re

from bot.core.flow import END, Flow, FlowError, Option, Step, Vocabulary

OPTION_MEANINGS = ("yes", "no", "dont_know")

_ID = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
_VALUE = re.compile(r"^[A-Za-z0-9_]{1,24}$")
FIELD_TYPES = frozenset(
    {"int", "key", "keys", "place", "text", "date", "datetime", "file", "location", "birth",
     "month"}
)  # fmt: skip
TARGETS = frozenset({"profile", "draft", "none"})


class _Problems:
    def __init__(self, source: str) -> None:
        self.source, self.lines = source, []

    def add(self, where: str, problem: str) -> None:
        self.lines.append(f"{self.source}: {where}: {problem}")


def parse_flow(raw: dict, source: str, vocabulary: Vocabulary) -> Flow:
    """A checked Flow from a parsed TOML table; FlowError lists every problem found."""
    problems = _Problems(source)
    flow_id = raw.get("id")
    if not isinstance(flow_id, str) or not _ID.match(flow_id):
        problems.add("id", "must be a snake_case name")
        flow_id = "?"
    fills = raw.get("fills", "none")
    if fills not in TARGETS:
        problems.add("fills", f"must be one of {', '.join(sorted(TARGETS))}")
    fields = _parse_fields(raw.get("fields", {}), problems)
    command, help_text = raw.get("command", ""), raw.get("help", "")
    if command and (not isinstance(command, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", command)):
        problems.add("command", "must be a command name like feedback")
    if command and not (isinstance(help_text, str) and help_text.strip()):
        problems.add("help", "a flow with a command needs a help text")
    roles = raw.get("roles", ["person"])
    if not isinstance(roles, list) or not roles or not set(roles) <= vocabulary.roles:
        problems.add("roles", f"must be a list of {', '.join(sorted(vocabulary.roles))}")
        roles = ["person"]
    order = raw.get("order", 100)
    if not isinstance(order, int):
        problems.add("order", "must be a whole number")
        order = 100
    on_done = raw.get("on_done", "")
    if on_done and on_done not in vocabulary.results:
        problems.add("on_done", f"unknown result handler {on_done!r}")
    if fills == "draft" and not on_done:
        problems.add("on_done", "a flow that fills a draft needs a result handler")
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.add("steps", "at least one [[steps]] table is needed")
        raw_steps = []
    steps: dict[str, Step] = {}
    for index, item in enumerate(raw_steps, start=1):
        step = _parse_step(item, f"steps[{index}]", fields, fills, vocabulary, problems)
        if step is None:
            continue
        if step.id in steps:
            problems.add(f"steps[{index}] id", f"duplicate step id {step.id!r}")
        steps[step.id] = step
    start = raw.get("start", next(iter(steps), ""))
    if steps and start not in steps:
        problems.add("start", f"unknown step {start!r}")
    for step in steps.values():
        for target in sorted(step.successors()):
            if target not in steps:
                problems.add(f"step {step.id} next", f"unknown step {target!r}")
    if start in steps:
        reachable: set[str] = set()
        todo = [start]
        while todo:
            current = todo.pop()
            if current in steps and current not in reachable:
                reachable.add(current)
                todo.extend(steps[current].successors())
        unreachable = [s for s in steps if s not in reachable]
        if unreachable:
            problems.add("steps", f"unreachable step(s): {', '.join(unreachable)}")
    for step in steps.values():
        if step.edit and not step.label:
            problems.add(f"step {step.id} label", "a step with an edit button needs a label")
    unused = sorted(set(fields) - {s.field for s in steps.values()})
    if unused:
        problems.add("fields", f"declared but no step fills: {', '.join(unused)}")
    if problems.lines:
        raise FlowError(problems.lines)
    return Flow(
        id=flow_id, start=start, steps=steps, fields=fields, fills=fills, command=command,
        help=help_text, roles=frozenset(roles), on_done=on_done, order=order, source=source,
    )  # fmt: skip


def _parse_fields(raw: object, problems: _Problems) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.add("fields", "must be a table of name = type")
        return {}
    fields = {}
    for name, kind in raw.items():
        if not _ID.match(str(name)):
            problems.add(f"fields.{name}", "must be a snake_case name")
        elif kind not in FIELD_TYPES:
            problems.add(f"fields.{name}", f"type must be one of {', '.join(sorted(FIELD_TYPES))}")
        else:
            fields[str(name)] = str(kind)
    return fields


def _parse_step(
    item: object,
    where: str,
    fields: dict[str, str],
    fills: str,
    vocabulary: Vocabulary,
    problems: _Problems,
) -> Step | None:
    if not isinstance(item, dict):
        problems.add(where, "must be a table")
        return None
    step_id = item.get("id")
    if not isinstance(step_id, str) or not _ID.match(step_id):
        problems.add(f"{where} id", "must be a snake_case name of at most 24 characters")
        return None
    here = f"{where} ({step_id})"
    kind_name = item.get("kind")
    kind = vocabulary.kinds.get(str(kind_name))
    if kind is None:
        problems.add(f"{here} kind", f"must be one of {', '.join(sorted(vocabulary.kinds))}")
    prompt = item.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        problems.add(f"{here} prompt", "a question text is needed")
    texts = {
        name: item.get(name, "")
        for name in ("help", "label", "edit", "after", "validator", "when")
    }
    for name, value in texts.items():
        if not isinstance(value, str):
            problems.add(f"{here} {name}", "must be text")
    if texts["validator"] and texts["validator"] not in vocabulary.validators:
        problems.add(f"{here} validator", f"unknown validator {texts['validator']!r}")
    if texts["after"] and texts["after"] not in vocabulary.hooks:
        problems.add(f"{here} after", f"unknown hook {texts['after']!r}")
    if texts["when"] and texts["when"] not in vocabulary.predicates:
        problems.add(f"{here} when", f"unknown condition {texts['when']!r}")
    field_name = item.get("field", "")
    if kind is not None and kind.value_type is not None:
        if not field_name:
            problems.add(f"{here} field", "this kind of step must save its answer in a field")
        elif field_name not in fields:
            problems.add(f"{here} field", f"{field_name!r} is not declared in [fields]")
        elif fields[field_name] != kind.value_type:
            problems.add(
                f"{here} field",
                f"{field_name!r} is of type {fields[field_name]}, but a {kind_name} step "
                f"gives {kind.value_type}",
            )
        if fills == "none":
            problems.add(f"{here} field", "the flow fills nothing (set fills)")
    elif kind is not None and field_name:
        problems.add(f"{here} field", f"a {kind_name} step saves no field")
    if kind_name == "number" and not texts["validator"]:
        problems.add(f"{here} validator", "a number step needs a validator")
    options = _parse_options(item.get("options", []), here, field_name, vocabulary, problems)
    if kind is not None and kind.needs_options and not options:
        problems.add(f"{here} options", "this kind of step needs options")
    raw_next = item.get("next", END)
    next_by_value: dict[str, str] = {}
    if isinstance(raw_next, dict):
        next_by_value = {str(k): str(v) for k, v in raw_next.items() if k != "default"}
        unknown = set(next_by_value) - {o.value for o in options}
        if unknown:
            problems.add(f"{here} next", f"no option with value {', '.join(sorted(unknown))}")
        raw_next = raw_next.get("default", END)
    if not isinstance(raw_next, str):
        problems.add(f"{here} next", "must be a step id or a table of value = step id")
    optional = item.get("optional", False)
    if not isinstance(optional, bool):
        problems.add(f"{here} optional", "must be true or false")
    if not isinstance(raw_next, str) or not all(isinstance(v, str) for v in texts.values()):
        return None  # too broken to check against the other steps
    # Kept even with problems, so that the checks across steps report theirs too.
    return Step(
        id=step_id, kind=str(kind_name), prompt=str(prompt or ""), help=texts["help"],
        options=options, validator=texts["validator"], field=field_name, next=raw_next,
        next_by_value=next_by_value, label=texts["label"], edit=texts["edit"],
        after=texts["after"], optional=bool(optional), when=texts["when"],
    )  # fmt: skip


def _parse_options(
    raw: object, here: str, field_name: str, vocabulary: Vocabulary, problems: _Problems
) -> tuple[Option, ...]:
    if not isinstance(raw, list):
        problems.add(f"{here} options", "must be a list of tables")
        return ()
    options = []
    allowed = vocabulary.field_values.get(field_name)
    for number, raw_option in enumerate(raw, start=1):
        where = f"{here} options[{number}]"
        if not isinstance(raw_option, dict):
            problems.add(where, "must be a table")
            continue
        value, label = raw_option.get("value"), raw_option.get("label")
        if not isinstance(value, str) or not _VALUE.match(value):
            problems.add(f"{where} value", "must be a short key")
            continue
        if not isinstance(label, str) or not label.strip():
            problems.add(f"{where} label", "a button text is needed")
            continue
        if allowed is not None and value not in allowed:
            problems.add(f"{where} value", f"{value!r} is not a known {field_name} key")
        means = raw_option.get("means", "")
        if means not in ("", *OPTION_MEANINGS):
            problems.add(f"{where} means", f"must be one of {', '.join(OPTION_MEANINGS)}")
        options.append(Option(value, label, str(raw_option.get("explain", "")), str(means)))
    if len({o.value for o in options}) != len(options):
        problems.add(f"{here} options", "option values must be unique")
    return tuple(options)
