"""Reply markup and inline keyboard buttons, validated like Telegram."""

from __future__ import annotations

import re
from typing import Any

from tests.support.fake_bot_api.common import JSON, MAX_INLINE_BUTTONS, bad_request

_BUTTON_KINDS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_RE = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> JSON:
    """Check a parsed reply_markup the way Telegram does; returns it unchanged."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "inline_keyboard" must be an Array of Arrays')
        buttons = [button for row in rows for button in row]
        if len(buttons) > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        for button in buttons:
            _validate_inline_button(button)
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" must be an Array of Arrays')
        for button in (button for row in rows for button in row):
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str) or not text:
                raise bad_request("can't parse keyboard button: Text must be non-empty")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request('can\'t find field "inline_keyboard"')


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: button must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    kinds = [kind for kind in _BUTTON_KINDS if kind in button]
    if not kinds:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(kinds) > 1:
        raise bad_request(
            f"can't parse inline keyboard button: exactly one of {kinds} must be used"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (isinstance(button["url"], str) and _URL_RE.match(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def callback_data_of(markup: JSON | None) -> list[str]:
    """All callback_data values of an inline keyboard, row by row."""
    rows = (markup or {}).get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]
