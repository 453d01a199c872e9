"""A fake Telegram Bot API server, so the real python-telegram-bot stack can be tested offline.

The server speaks the same HTTP protocol as api.telegram.org: PTB posts to
``{base_url}{token}/{method}`` as urlencoded or multipart form data, with every non-string value
JSON-encoded (``chat_id=42``, ``reply_markup={"inline_keyboard": ...}``). Answers are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``
with the same HTTP status, which is what PTB turns into BadRequest/Forbidden/RetryAfter.

Validation follows Telegram where it matters for a bot: HTML parse mode is parsed strictly
(stricter than Telegram for a raw ``&``, which Telegram would show literally; a bot that
escapes properly never sends one), text length is counted after parsing, callback data is
counted in UTF-8 bytes. Every 4xx answer is recorded in ``errors`` so a test can assert that
the bot never made a request Telegram would reject.

`FakeBotAPI` is put together from one mixin per feature (``messages``, ``files``,
``commands``, ...) on `BotAPIBase` (``base``), which holds all state; the table below lists
every Bot API method the fake knows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.support.fake_bot_api.base import Handler
from tests.support.fake_bot_api.commands import CommandsMixin
from tests.support.fake_bot_api.common import JSON
from tests.support.fake_bot_api.files import FilesMixin
from tests.support.fake_bot_api.flood import FloodLimit
from tests.support.fake_bot_api.forum import ForumMixin
from tests.support.fake_bot_api.inline import InlineMixin
from tests.support.fake_bot_api.messages import MessagesMixin
from tests.support.fake_bot_api.webhook import WebhookMixin


class FakeBotAPI(MessagesMixin, FilesMixin, ForumMixin, InlineMixin, WebhookMixin, CommandsMixin):
    """A Telegram Bot API server on 127.0.0.1 with simulated users; see the module docstring."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_first_name: str = "Lotse",
        bot_username: str = "lotse_test_bot",
        clock: Callable[[], float] = time.time,
        inline_mode: bool = False,
        webhook_retry_delay: float = 0.1,
        flood_limit: FloodLimit | None = None,
    ) -> None:
        super().__init__(
            token,
            bot_first_name=bot_first_name,
            bot_username=bot_username,
            clock=clock,
            inline_mode=inline_mode,
            webhook_retry_delay=webhook_retry_delay,
            flood_limit=flood_limit,
        )
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "copyMessage": self._copy_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "sendChatAction": self._send_chat_action,
            "deleteMessage": self._delete_message,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
            "setChatMenuButton": self._true,
            "close": self._true,
            "logOut": self._true,
        }
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    def _true(self, params: JSON, files: dict[str, Any]) -> bool:
        return True
