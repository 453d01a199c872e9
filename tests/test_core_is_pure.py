"""The core imports no framework and no driver, so every rule is testable without I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.core

FORBIDDEN = {
    "telegram", "aiosqlite", "sqlite3", "asyncpg", "apscheduler", "babel", "httpx", "asyncio",
    "socket", "subprocess", "urllib", "tomllib", "csv", "openpyxl", "matplotlib", "segno",
}  # fmt: skip


def test_core_modules_import_only_stdlib_rapidfuzz_and_core() -> None:
    core = Path(bot.core.__file__).parent
    offenders = []
    modules = sorted(core.rglob("*.py"))
    assert any(path.parent != core for path in modules), "sub-packages are checked too"
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in FORBIDDEN or (top == "bot" and not name.startswith("bot.core")):
                    offenders.append(f"{path.relative_to(core)}: {name}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "open":
                offenders.append(f"{path.relative_to(core)}: open()")
    assert offenders == []


def test_no_step_or_flow_id_is_named_in_the_python_code() -> None:
    """Flows and their steps live in conversations/*.toml: Python looks none of them up by a
    literal id (no `flows["onboarding"]`, `steps["age"]`, `start(turn, "feedback")`,
    `Frame("onboarding", ...)`, `step.id == "consent"`)."""
    import tomllib

    from bot.config import ROOT

    ids: set[str] = set()
    for path in (ROOT / "conversations").glob("*.toml"):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        ids.add(raw["id"])
        ids.update(step["id"] for step in raw["steps"])
    lookups = {"steps", "flows", "step", "start", "Frame", "step_saving_id"}
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            literals: list[ast.expr] = []
            if isinstance(node, ast.Subscript):
                name = getattr(node.value, "attr", getattr(node.value, "id", ""))
                if name in lookups:
                    literals.append(node.slice)
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in lookups:
                    literals.extend(node.args)
            elif isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(getattr(n, "attr", "") in {"id", "step", "flow"} for n in sides):
                    literals.extend(sides)
            for literal in literals:
                if isinstance(literal, ast.Constant) and literal.value in ids:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {literal.value!r}")
    assert found == []
