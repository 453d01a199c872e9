"""Babel extractor for `conversations/*.toml`: prompts, help texts, labels, edit buttons, option
labels, explanations, and a flow's command help.

Each step text is yielded as `pgettext("<flow id>.<step id>", text)`, the context the engine
uses; a flow's `help` as `pgettext("<flow id>", text)`.
Configured in pyproject.toml under [tool.babel].
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import BinaryIO

TEXT_FIELDS = ("prompt", "help", "label", "edit")
OPTION_FIELDS = ("label", "explain")


def extract_conversation(
    fileobj: BinaryIO, keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    source = fileobj.read().decode("utf-8")
    flow = tomllib.loads(source)
    flow_id = flow.get("id", "")

    def line_of(text: str) -> int:
        # tomllib keeps no positions; the first line that holds the text is close enough.
        first = text.splitlines()[0] if text else text
        for number, line in enumerate(source.splitlines(), start=1):
            if first and first in line:
                return number
        return 1

    if flow.get("help"):  # the command's line in /help and the menu
        yield line_of(flow["help"]), "pgettext", (flow_id, flow["help"]), []
    for step in flow.get("steps", []):
        context = f"{flow_id}.{step.get('id', '')}"
        texts = [step.get(name, "") for name in TEXT_FIELDS]
        for option in step.get("options", []):
            texts.extend(option.get(name, "") for name in OPTION_FIELDS)
        for text in texts:
            if text:
                yield line_of(text), "pgettext", (context, text), []
