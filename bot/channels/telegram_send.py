"""Sending on Telegram: replies (edits of the tapped message where they replace it), the
answer to a button tap, documents, and the outbox's messages. Only translation, no decisions."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.core.dialogue_io import Reply
from bot.outbox import Outcome
from bot.outbox import RetryAfter as Later
from bot.service import LotseService
from bot.storage.outbox import OutboxRow

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

CHANNEL = "telegram"
SERVICE = "service"


async def send_replies(
    update: Update, bot: Bot, service: LotseService, chat_id: int, replies: list[Reply]
) -> None:
    query = update.callback_query
    if query is not None:
        notice = next((r.notice for r in replies if r.notice), "")
        await answer_query(query, notice)
    try:
        for reply in replies:
            editable = query is not None and query.message is not None
            if reply.replace and reply.attachment is None and editable:
                try:
                    await query.edit_message_text(  # type: ignore[union-attr]
                        reply.html,
                        parse_mode=ParseMode.HTML,
                        reply_markup=keyboard(reply),
                        link_preview_options=NO_PREVIEW,
                    )
                    continue
                except BadRequest as exc:
                    # "message is not modified" or too old to edit: send it as a new message.
                    log.debug("edit failed, sending instead: %s", exc)
            await send_reply(bot, chat_id, reply)
    except Forbidden:
        # The person blocked the bot while we answered: expected, not an error.
        log.info("a person blocked the bot; marked, nothing more is sent to them")
        await service.mark_blocked(CHANNEL, str(chat_id))


async def answer_query(query: CallbackQuery, notice: str = "") -> None:
    """Stop the button's spinner. Telegram refuses late answers ("query is too old"); that must
    never keep the reply from the person."""
    try:
        await query.answer(notice[:200] or None)
    except TelegramError as exc:
        log.info("could not answer a button tap: %s", exc)


async def send_reply(bot: Bot, chat_id: int, reply: Reply) -> None:
    """One reply as a new message; with an attachment, as a document with `html` as caption."""
    if reply.attachment is not None and reply.attachment.mime_type.startswith("image/"):
        await bot.send_photo(
            chat_id,
            reply.attachment.content,
            caption=reply.html,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply),
        )
        return
    if reply.attachment is not None:
        await bot.send_document(
            chat_id,
            reply.attachment.content,
            filename=reply.attachment.filename,
            caption=reply.html,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply),
        )
        return
    await bot.send_message(
        chat_id,
        reply.html,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(reply),
        link_preview_options=NO_PREVIEW,
    )


def outbox_sender(application: Application):
    """How the outbox sends one message (a reminder, ...) on Telegram."""

    async def send(row: OutboxRow) -> Outcome | Later:
        reply = application.bot_data[SERVICE].render(row)
        if reply is None:
            return "cancelled"
        try:
            await send_reply(application.bot, int(row.external_id), reply)
        except Forbidden:
            return "blocked"
        except RetryAfter as exc:
            wait = exc.retry_after
            return Later(wait.total_seconds() if isinstance(wait, timedelta) else float(wait))
        return "sent"

    return send


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.label, callback_data=button.data) for button in row]
            for row in reply.buttons
        ]
    )
