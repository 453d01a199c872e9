"""Sending on Telegram: replies (edits of the tapped message where they replace it), the
answer to a button tap, documents, and the outbox's messages. Only translation, no decisions."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    SwitchInlineQueryChosenChat,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.channels.rate_limit import BULK, retry_seconds
from bot.core.dialogue_io import Button, Reply
from bot.outbox import Outcome, Sent
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


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, bulk: bool = False, thread_id: int | None = None
) -> Message:
    """One reply as a new message; with an attachment, as a document with `html` as caption.
    `bulk`: a broadcast or reminder, in the rate limiter's bulk lane. `thread_id`: into a
    forum topic (a counselling case)."""
    lane = BULK if bulk else None
    topic = {"message_thread_id": thread_id} if thread_id is not None else {}
    if reply.attachment is not None and reply.attachment.mime_type.startswith("image/"):
        return await bot.send_photo(
            chat_id,
            reply.attachment.content,
            caption=reply.html,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply),
            rate_limit_args=lane,
            **topic,
        )
    if reply.attachment is not None:
        return await bot.send_document(
            chat_id,
            reply.attachment.content,
            filename=reply.attachment.filename,
            caption=reply.html,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply),
            rate_limit_args=lane,
            **topic,
        )
    return await bot.send_message(
        chat_id,
        reply.html,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(reply),
        link_preview_options=NO_PREVIEW,
        rate_limit_args=lane,
        **topic,
    )


def outbox_sender(application: Application):
    """How the outbox sends one message (a reminder, ...) on Telegram."""

    async def send(row: OutboxRow) -> Outcome | Later | Sent:
        reply = await application.bot_data[SERVICE].render(row)
        if reply is None:
            return "cancelled"
        try:
            message = await send_reply(application.bot, int(row.external_id), reply, bulk=True)
        except Forbidden:
            log.info("a person blocked the bot; nothing more is sent to them")
            return "blocked"
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                log.info("a person's chat is gone; nothing more is sent to them")
                return "blocked"
            raise
        except TimedOut:
            return "unknown"  # it may have arrived: never sent again
        except RetryAfter as exc:
            return Later(retry_seconds(exc))
        return Sent(str(message.message_id))

    return send


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[inline_button(b) for b in row] for row in reply.buttons])


def inline_button(button: Button) -> InlineKeyboardButton:
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    if button.share is not None:
        # Any chat the person picks (private chats and groups), with the offer's query.
        chosen = SwitchInlineQueryChosenChat(
            button.share, allow_user_chats=True, allow_group_chats=True
        )
        return InlineKeyboardButton(button.label, switch_inline_query_chosen_chat=chosen)
    return InlineKeyboardButton(button.label, callback_data=button.data)
