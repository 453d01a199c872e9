"""Loading the conversations (`conversations/*.toml`), checked against the kinds, validators,
hooks and result handlers the sides provide."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.core.flow import Flow, FlowError
from bot.core.flow_parse import parse_flow
from bot.core.sides import VOCABULARY


def load_flow(path: Path) -> Flow:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FlowError([f"{path}: {exc}"]) from exc
    return parse_flow(raw, str(path), VOCABULARY)


def load_flows(folder: Path) -> dict[str, Flow]:
    """Every flow of the folder; all problems of all files at once."""
    problems: list[str] = []
    flows: dict[str, Flow] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            flow = load_flow(path)
        except FlowError as exc:
            problems.extend(exc.problems)
            continue
        if flow.id in flows:
            problems.append(f"{path}: id: another file already has the flow {flow.id!r}")
        flows[flow.id] = flow
    profile_flows = [f.id for f in flows.values() if f.fills == "profile"]
    if not problems and len(profile_flows) != 1:
        problems.append(f"{folder}: exactly one flow must fill the profile, found {profile_flows}")
    commands = [f.command for f in flows.values() if f.command]
    for name in {c for c in commands if commands.count(c) > 1}:
        problems.append(f"{folder}: two flows use the command /{name}")
    if problems:
        raise FlowError(problems)
    return flows


def profile_fields(flows: dict[str, Flow]) -> dict[str, str]:
    """The profile's fields and their types, from the flow that fills the profile."""
    return dict(next(f for f in flows.values() if f.fills == "profile").fields)
