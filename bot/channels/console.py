"""The terminal chat: the same core, buttons shown numbered, one input per line.

Typing a button's number or its text taps it; `/location LAT LON` shares a location; Ctrl-D
(or the end of piped input) ends the chat. The conversation is stored like on Telegram, so
the next `lotse chat` continues where this one stopped.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import threading
from collections.abc import AsyncIterator
from typing import TextIO

from bot.core.bidi import strip_isolates
from bot.core.dialogue_io import Button, Input, Reply
from bot.service import LotseService

CHANNEL = "console"
_TAG = re.compile(r"</?[a-z][^>]*>")
_LOCATION = re.compile(r"^/location\s+(-?\d+(?:\.\d+)?)[\s,]+(-?\d+(?:\.\d+)?)\s*$")


def html_to_text(text: str) -> str:
    """Telegram HTML to plain terminal text; isolates are dropped, terminals ignore them."""
    return strip_isolates(html.unescape(_TAG.sub("", text)))


def render(replies: list[Reply]) -> tuple[str, list[Button]]:
    """The text to print and the buttons now on offer, numbered from 1."""
    blocks: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        lines = [html_to_text(reply.html)]
        for row in reply.buttons:
            for button in row:
                buttons.append(button)
                lines.append(f"  [{len(buttons)}] {html_to_text(button.label)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks), buttons


def parse_line(line: str, buttons: list[Button]) -> Input | None:
    text = line.strip()
    if not text:
        return None
    location = _LOCATION.match(text)
    if location:
        return Input("location", latitude=float(location[1]), longitude=float(location[2]))
    if text.startswith("/"):
        name, _, argument = text[1:].partition(" ")
        return Input("command", name.lower(), argument.strip())
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return Input("button", buttons[int(text) - 1].data)
    folded = text.casefold()
    for button in buttons:
        if html_to_text(button.label).casefold().strip() == folded:
            return Input("button", button.data)
    return Input("text", text)


async def run_console(
    service: LotseService,
    user: str,
    language: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    def show(replies: list[Reply]) -> list[Button]:
        text, buttons = render(replies)
        if text:
            stdout.write(f"\n{text}\n")
            stdout.flush()
        return buttons

    if await service.session(CHANNEL, user) is None and language:
        opening = Input("command", "start", f"lang_{language}")
    else:
        opening = Input("command", "resume")
    buttons = show(await service.handle(CHANNEL, user, opening, language))
    interactive = stdin.isatty()
    if interactive:
        stdout.write("> ")
        stdout.flush()
    async for line in _lines(stdin):
        event = parse_line(line, buttons)
        if event is None:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            continue
        if not interactive:
            stdout.write(f"> {line.rstrip()}\n")
        replies = await service.handle(CHANNEL, user, event, language)
        buttons = show(replies) or buttons
        if interactive:
            stdout.write("> ")
            stdout.flush()


async def _lines(stdin: TextIO) -> AsyncIterator[str]:
    """Lines from stdin, read in a daemon thread so that Ctrl-C ends the chat at once."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        try:
            for line in iter(stdin.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except RuntimeError:
            return  # the chat already ended and its loop is closed

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line
