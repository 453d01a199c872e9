"""Reply markup and inline keyboard buttons, validated like Telegram."""

from __future__ import annotations

import re
from typing import Any

from tests.support.fake_bot_api.common import JSON, MAX_INLINE_BUTTONS, APIError, bad_request

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
# SwitchInlineQueryChosenChat: at least one of these must be true.
_CHOSEN_CHAT_KINDS = (
    "allow_user_chats",
    "allow_bot_chats",
    "allow_group_chats",
    "allow_channel_chats",
)
MAX_COPY_TEXT = 256
# Buttons that a message sent via inline mode cannot carry.
_NOT_IN_INLINE_MESSAGES = ("web_app", "pay")


def validate_reply_markup(
    markup: Any, *, inline_only: bool = False, inline_message: bool = False
) -> JSON:
    """Check a parsed reply_markup the way Telegram does; returns it unchanged.

    ``inline_only``: only an inline keyboard may be given (edits, inline results);
    ``inline_message``: the keyboard of a message sent via inline mode.
    """
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
            _validate_inline_button(button, inline_message=inline_message)
        return markup
    if inline_only or inline_message:
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


def _button_error(detail: str) -> APIError:
    return bad_request(f"can't parse inline keyboard button: {detail}")


def _validate_inline_button(button: Any, *, inline_message: bool = False) -> None:
    if not isinstance(button, dict):
        raise _button_error("button must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _button_error("Text must be non-empty")
    kinds = [kind for kind in _BUTTON_KINDS if kind in button]
    if not kinds:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if len(kinds) > 1:
        raise _button_error(f"exactly one of {kinds} must be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (isinstance(button["url"], str) and _URL_RE.match(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")
    for field in ("switch_inline_query", "switch_inline_query_current_chat"):
        # An empty query is allowed: the button then inserts only the bot's @username.
        if field in button and not isinstance(button[field], str):
            raise _button_error(f'Field "{field}" must be of type String')
    if "switch_inline_query_chosen_chat" in button:
        _validate_chosen_chat(button["switch_inline_query_chosen_chat"])
    if "copy_text" in button:
        copy_text = button["copy_text"]
        if not isinstance(copy_text, dict) or not isinstance(copy_text.get("text"), str):
            raise _button_error('Field "copy_text" must be an Object with a String "text"')
        if not 1 <= len(copy_text["text"]) <= MAX_COPY_TEXT:
            raise bad_request("COPY_TEXT_INVALID")
    if inline_message and kinds[0] in _NOT_IN_INLINE_MESSAGES:
        raise bad_request("BUTTON_TYPE_INVALID")


def _validate_chosen_chat(chosen: Any) -> None:
    if not isinstance(chosen, dict):
        raise _button_error('Field "switch_inline_query_chosen_chat" must be of type Object')
    if not isinstance(chosen.get("query", ""), str):
        raise _button_error('Field "query" must be of type String')
    if not any(chosen.get(kind) is True for kind in _CHOSEN_CHAT_KINDS):
        # PTB's docs warn about this: Telegram refuses a button that allows no chat at all.
        raise _button_error("at least one chat type must be allowed")


def callback_data_of(markup: JSON | None) -> list[str]:
    """All callback_data values of an inline keyboard, row by row."""
    rows = (markup or {}).get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]
