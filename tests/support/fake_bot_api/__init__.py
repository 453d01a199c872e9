"""A fake Telegram Bot API server on 127.0.0.1; see `server` for what it does."""

from tests.support.fake_bot_api.server import (
    APIError,
    FakeBotAPI,
    TelegramHTMLError,
    UploadedFile,
    bad_request,
    callback_data_of,
    parse_telegram_html,
    parse_text,
    utf16_len,
    validate_reply_markup,
)

__all__ = [
    "APIError",
    "FakeBotAPI",
    "TelegramHTMLError",
    "UploadedFile",
    "bad_request",
    "callback_data_of",
    "parse_telegram_html",
    "parse_text",
    "utf16_len",
    "validate_reply_markup",
]
