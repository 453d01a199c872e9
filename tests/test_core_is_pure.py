"""The core imports no framework and no driver, so every rule is testable without I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.core

FORBIDDEN = {"telegram", "aiosqlite", "sqlite3", "apscheduler", "babel", "httpx", "asyncio"}


def test_core_modules_import_only_stdlib_rapidfuzz_and_core() -> None:
    core = Path(bot.core.__file__).parent
    offenders = []
    for path in sorted(core.glob("*.py")):
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
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
