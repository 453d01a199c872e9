"""Shared pieces of the fake Bot API: the error type, Telegram's limits, UTF-16 lengths."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_COMMANDS = 100
LONG_POLL_CAP = 50.0  # Telegram caps getUpdates' timeout at 50 seconds.


class APIError(Exception):
    """An error answer; raised inside method handlers and turned into a JSON reply."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(detail: str) -> APIError:
    return APIError(400, f"Bad Request: {detail}")


def utf16_len(text: str) -> int:
    # Telegram measures offsets and lengths in UTF-16 code units (an emoji often counts 2).
    return len(text.encode("utf-16-le")) // 2
