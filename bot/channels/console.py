"""The terminal chat: the same core, buttons shown numbered, one input per line.

Typing a button's number or its text taps it; `/location LAT LON` shares a location; Ctrl-D
(or the end of piped input) ends the chat. The conversation is stored like on Telegram, so
the next `lotse chat` continues where this one stopped. Reminders are printed as they fall
due while the chat runs; calendar files are written to a folder and their path printed.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TextIO

from bot.core.bidi import html_to_text
from bot.core.dialogue_io import Button, Input, Reply
from bot.delivery import Delivery
from bot.outbox import Outcome
from bot.service import LotseService
from bot.storage.outbox import OutboxRow

CHANNEL = "console"
_LOCATION = re.compile(r"^/location\s+(-?\d+(?:\.\d+)?)[\s,]+(-?\d+(?:\.\d+)?)\s*$")


def render(replies: list[Reply]) -> tuple[str, list[Button]]:
    """The text to print and the buttons now on offer, numbered from 1."""
    blocks: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        lines = [html_to_text(reply.html)]
        if reply.notice:  # Telegram shows it as a short pop-up
            lines.insert(0, f"({reply.notice})")
        for row in reply.buttons:
            for button in row:
                if button.url:  # a link: shown, not tapped
                    lines.append(f"  {html_to_text(button.label)}: {button.url}")
                    continue
                if not button.data:  # "share into a chat" exists only on Telegram
                    continue
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


class _Terminal:
    """What is printed, and which buttons the numbers typed now refer to."""

    def __init__(self, stdout: TextIO, interactive: bool, files: Path) -> None:
        self.stdout, self.interactive, self.files = stdout, interactive, files
        self.buttons: list[Button] = []

    def show(self, replies: list[Reply]) -> None:
        text, buttons = render(replies)
        for reply in replies:
            if reply.attachment is not None:
                self.files.mkdir(parents=True, exist_ok=True)
                path = self.files / reply.attachment.filename
                path.write_bytes(reply.attachment.content)
                text += f"\n  [file: {path}]"
        if text:
            self.stdout.write(f"\n{text}\n")
        self.buttons = buttons or self.buttons

    def prompt(self) -> None:
        if self.interactive:
            self.stdout.write("> ")
        self.stdout.flush()


async def run_console(
    service: LotseService,
    user: str,
    language: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    files: Path = Path("lotse-calendar"),
) -> None:
    terminal = _Terminal(stdout, stdin.isatty(), files)

    async def send(row: OutboxRow) -> Outcome:
        reply = await service.render(row)
        if reply is None:
            return "cancelled"
        terminal.show([reply])
        terminal.prompt()
        return "sent"

    delivery = Delivery(service, send, (CHANNEL, user))
    await delivery.start()
    try:
        if await service.session(CHANNEL, user) is None and language:
            opening = Input("command", "start", f"lang_{language}")
        else:
            opening = Input("command", "resume")
        terminal.show(await service.handle(CHANNEL, user, opening, language))
        terminal.prompt()
        async for line in _lines(stdin):
            event = parse_line(line, terminal.buttons)
            if event is None:
                terminal.prompt()
                continue
            if not terminal.interactive:
                stdout.write(f"> {line.rstrip()}\n")
            terminal.show(await service.handle(CHANNEL, user, event, language))
            terminal.prompt()
    finally:
        await delivery.stop()


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
