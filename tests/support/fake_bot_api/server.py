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

from typing import Any

from tests.support.fake_bot_api.base import Handler
from tests.support.fake_bot_api.chats import ChatsMixin
from tests.support.fake_bot_api.commands import CommandsMixin
from tests.support.fake_bot_api.common import JSON
from tests.support.fake_bot_api.files import FilesMixin
from tests.support.fake_bot_api.forum import ForumMixin
from tests.support.fake_bot_api.forwards import ForwardsMixin
from tests.support.fake_bot_api.inline import InlineMixin
from tests.support.fake_bot_api.messages import MessagesMixin
from tests.support.fake_bot_api.webhook import WebhookMixin


class FakeBotAPI(
    MessagesMixin,
    ForwardsMixin,  # on FilesMixin: a forward may carry a photo
    FilesMixin,
    ForumMixin,
    ChatsMixin,
    InlineMixin,
    WebhookMixin,
    CommandsMixin,
):
    """A Telegram Bot API server on 127.0.0.1 with simulated users; see the module docstring.

    ``FakeBotAPI(token, *, bot_first_name, bot_username, clock, inline_mode,
    webhook_retry_delay, flood_limit)``; all but the token are optional (see `BotAPIBase`).
    Use it as a context manager, or call start() and stop().
    """

    def _handlers(self) -> dict[str, Handler]:
        # Every Bot API method the fake answers, grouped as in the Bot API docs.
        return {
            # getting updates
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            # available methods
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "sendMessage": self._send_message,
            "copyMessage": self._copy_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "setChatMenuButton": self._true,
            # updating messages
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            # inline mode
            "answerInlineQuery": self._answer_inline_query,
        }

    def _true(self, params: JSON, files: dict[str, Any]) -> bool:
        return True
