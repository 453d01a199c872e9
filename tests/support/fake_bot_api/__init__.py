"""A fake Telegram Bot API server on 127.0.0.1 for the real python-telegram-bot stack.

`FakeBotAPI` (in `server`) is the server: `base` holds its state and plumbing, one mixin per
feature holds the methods and the test helpers for it:

- `messages`: users write (`send_message`, also as a reply with `reply_to_message_id`,
  `send_location`), tap buttons (`press_button`), block the bot; sendMessage, copyMessage,
  edits, answerCallbackQuery, deleteMessage
- `forwards`: users forward messages (`forward_message`, with `forward_origin`) and share
  contact cards (`send_contact`)
- `files`: users send documents and photos; sendDocument, sendPhoto, getFile, downloads
- `forum`: groups and members (`create_group`, `add_member`), forum topics
- `chats`: getChat (ChatFullInfo) and getChatMember for the chats the bot knows
- `inline`: inline queries, chosen results, inline messages; answerInlineQuery
- `webhook`: setWebhook and delivery to the bot's webhook; `post_update` for impostors
- `commands`: command menus per scope; `menu_for` a person
- `flood`: optional flood control (`FloodLimit`) and `flood_stats`

The rest is what it validates with: `parse_mode` (HTML), `markup` (keyboards), `wire` (HTTP).
"""

from tests.support.fake_bot_api.common import APIError, bad_request, utf16_len
from tests.support.fake_bot_api.flood import FloodLimit, FloodStats
from tests.support.fake_bot_api.markup import callback_data_of, validate_reply_markup
from tests.support.fake_bot_api.parse_mode import (
    TelegramHTMLError,
    parse_telegram_html,
    parse_text,
)
from tests.support.fake_bot_api.server import FakeBotAPI
from tests.support.fake_bot_api.webhook import post_update
from tests.support.fake_bot_api.wire import UploadedFile

__all__ = [
    "APIError",
    "FakeBotAPI",
    "FloodLimit",
    "FloodStats",
    "TelegramHTMLError",
    "UploadedFile",
    "bad_request",
    "callback_data_of",
    "parse_telegram_html",
    "parse_text",
    "post_update",
    "utf16_len",
    "validate_reply_markup",
]
