from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ROOT
from bot.content.flows import load_flow
from bot.core.flow import FlowError
from bot.core.flow_parse import parse_flow
from bot.core.sides import VOCABULARY


def minimal(**overrides: object) -> dict:
    steps = [
        {"id": "age", "kind": "number", "prompt": "Age?", "validator": "age_or_birth_year",
         "field": "age", "next": "status"},
        {"id": "status", "kind": "choice", "prompt": "Status?", "field": "status",
         "options": [{"value": "duldung", "label": "Duldung"}]},
    ]  # fmt: skip
    raw = {"id": "demo", "start": "age", "fills": "draft", "on_done": "feedback",
           "fields": {"age": "int", "status": "key"}, "steps": steps}  # fmt: skip
    raw.update(overrides)
    return raw


def test_the_shipped_onboarding_loads() -> None:
    flow = load_flow(ROOT / "conversations" / "onboarding.toml")
    assert list(flow.steps) == [
        "language", "age", "consent", "residence_status", "german_level", "place", "arrival",
        "reception", "interests",
    ]  # fmt: skip
    # The two questions about time in Germany are asked only where an offer depends on them.
    assert flow.step("arrival").when == "arrival_matters"
    assert flow.step("reception").when == "reception_matters"
    assert flow.step("residence_status").option("unknown") is not None
    assert flow.step("german_level").option("unknown") is not None
    assert len(flow.step("interests").options) == 11


def test_every_flow_diagram_is_in_sync() -> None:
    for path in (ROOT / "conversations").glob("*.toml"):
        diagram = path.with_suffix(".mmd")
        assert diagram.read_text(encoding="utf-8") == load_flow(path).to_mermaid(), (
            f"{diagram} is outdated: run `lotse flow-diagram`"
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["steps"][0].update(next="nowhere"), "step age next: unknown step 'nowhere'"),
        (lambda r: r["steps"][0].update(validator="magic"), "(age) validator: unknown validator"),
        (lambda r: r["steps"][1].update(kind="dance"), "(status) kind: must be one of"),
        (lambda r: r["steps"][1]["options"][0].update(value="visa"), "not a known status key"),
        (lambda r: r["steps"][0].update(next="end"), "unreachable step(s): status"),
        (lambda r: r["steps"].append(dict(r["steps"][0])), "duplicate step id 'age'"),
        (lambda r: r["steps"][1].update(options=[]), "(status) options: this kind of step needs"),
        (lambda r: r.update(start="nope"), "start: unknown step 'nope'"),
        (lambda r: r["steps"][0].update(field="shoe"), "(age) field: 'shoe' is not declared"),
        (lambda r: r["fields"].update(age="text"), "'age' is of type text, but a number step"),
        (lambda r: r["fields"].update(size="int"), "fields: declared but no step fills: size"),
        (lambda r: r.update(on_done="magic"), "on_done: unknown result handler 'magic'"),
        (lambda r: r.update(command="feedback"), "help: a flow with a command needs a help"),
        (lambda r: r.update(roles=["king"]), "roles: must be a list of"),
        (lambda r: r["steps"][1].update(after="magic"), "(status) after: unknown hook"),
        (lambda r: r["steps"][1].update(edit="Change"), "step status label: a step with an edit"),
    ],
)
def test_broken_flows_name_file_step_and_field(change, message: str) -> None:
    raw = minimal()
    change(raw)
    with pytest.raises(FlowError) as error:
        parse_flow(raw, "conversations/demo.toml", VOCABULARY)
    assert str(error.value).startswith("conversations/demo.toml: ")
    assert message in str(error.value)


def test_a_file_that_is_not_toml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("id = [", encoding="utf-8")
    with pytest.raises(FlowError, match=r"broken\.toml"):
        load_flow(path)


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    raw = minimal()
    raw["steps"][0].update(next="nowhere", validator="magic")
    raw["steps"][1].update(kind="dance")
    with pytest.raises(FlowError) as error:
        parse_flow(raw, "conversations/demo.toml", VOCABULARY)
    found = "\n".join(error.value.problems)
    for expected in (
        "unknown validator 'magic'",
        "kind: must be one of",
        "unknown step 'nowhere'",
    ):
        assert expected in found


def test_the_shipped_flows_declare_their_commands() -> None:
    from bot.content.flows import load_flows

    flows = load_flows(ROOT / "conversations")
    assert {f.command for f in flows.values() if f.command} == {"language", "feedback"}
    assert [f.id for f in flows.values() if f.fills == "profile"] == ["onboarding"]
