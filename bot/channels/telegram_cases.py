"""Telegram for counselling cases, invites and shared offers: forum topics and copies
(`TelegramCases`), group commands, buttons and messages of inbox groups, and inline queries.
Only translation: the service and the core decide."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram_send import CHANNEL, NO_PREVIEW, answer_query, keyboard, send_reply
from bot.core import share_views
from bot.core.dialogue_io import Input, Reply
from bot.service import LotseService

log = logging.getLogger(__name__)
INLINE_CACHE_SECONDS = 300


class TelegramCases:
    """The CaseChannel of bot/counselling.py on Telegram."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def create_topic(self, chat_id: str, name: str) -> int | None:
        try:
            topic = await self.bot.create_forum_topic(int(chat_id), name)
        except TelegramError as exc:
            log.warning("could not open a case's topic: %s", exc)
            return None
        return topic.message_thread_id

    async def post(self, chat_id: str, thread_id: int | None, reply: Reply) -> bool:
        return await _arrived(
            send_reply(self.bot, int(chat_id), reply, thread_id=thread_id), "delivered"
        )

    async def copy(
        self, from_chat: str, message_id: int, to_chat: str, thread_id: int | None,
        buttons: Reply | None = None,
    ) -> bool:  # fmt: skip
        return await _arrived(self.bot.copy_message(
            int(to_chat), int(from_chat), message_id, message_thread_id=thread_id,
            reply_markup=keyboard(buttons) if buttons is not None else None,
        ), "copied")  # fmt: skip

    async def close_topic(self, chat_id: str, thread_id: int) -> bool:
        try:
            return await self.bot.close_forum_topic(int(chat_id), thread_id)
        except TelegramError as exc:
            log.info("a case's topic could not be closed: %s", exc)
            return False

    async def delete_topic(self, chat_id: str, thread_id: int) -> bool:
        try:
            return await self.bot.delete_forum_topic(int(chat_id), thread_id)
        except BadRequest as exc:
            if "not found" in exc.message.lower():
                return True  # deleted by hand already: nothing left to delete
            log.warning("a case's topic could not be deleted: %s", exc)
            return False
        except TelegramError as exc:
            log.warning("a case's topic could not be deleted: %s", exc)
            return False


async def group_info(service: LotseService, bot: Bot, update: Update, rights: bool):  # type: ignore[no-untyped-def]
    """What the service needs of the group; the bot's rights are asked only for /inbox."""
    chat = update.effective_chat
    message = update.effective_message
    assert chat is not None
    can_manage = False
    if rights:
        try:
            member = await bot.get_chat_member(chat.id, bot.id)
            can_manage = bool(getattr(member, "can_manage_topics", False))
        except TelegramError as exc:
            log.info("could not read the bot's rights in a group: %s", exc)
    thread = (
        message.message_thread_id if message is not None and message.is_topic_message else None
    )
    return await service.counselling.group_of(
        str(chat.id), chat.title or "", bool(chat.is_forum), can_manage, thread
    )


async def send_group_replies(
    bot: Bot, chat_id: int, thread: int | None, replies: list[Reply]
) -> None:
    for reply in replies:
        try:
            await send_reply(bot, chat_id, reply, thread_id=thread)
        except TelegramError as exc:
            log.info("a reply in a group could not be sent: %s", exc)


async def on_group_message(service: LotseService, bot: Bot, update: Update) -> bool:
    """A command, or a message in a case's topic, in a group; False when it is none of those
    (the caller then says once that Lotse works in private chats)."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None or chat.type == ChatType.PRIVATE:
        return False
    text = message.text or ""
    if text.startswith("/"):
        name = text[1:].split(" ", 1)[0].split("@", 1)[0].lower()
        group = await group_info(service, bot, update, rights=name == "inbox")
        replies = await service.handle_group(CHANNEL, str(user.id), group, Input("command", name))
        await send_group_replies(bot, chat.id, group.thread_id, replies)
        return bool(replies)
    group = await group_info(service, bot, update, rights=False)
    if not group.services:
        return False
    if group.thread_id is not None and not message.from_user.is_bot:  # type: ignore[union-attr]
        await service.counselling.from_counsellor(group, message.message_id)
    return True


async def on_group_button(service: LotseService, bot: Bot, update: Update) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None:
        return
    await answer_query(query)
    group = await group_info(service, bot, update, rights=True)
    replies = await service.handle_group(
        CHANNEL, str(user.id), group, Input("button", query.data or "")
    )
    await send_group_replies(bot, query.message.chat.id, group.thread_id, replies)


async def on_inline_query(service: LotseService, bot: Bot, update: Update) -> None:
    """`@bot ausbildung helmstedt` in any chat: offer cards with "Open in Lotse"."""
    query = update.inline_query
    if query is None:
        return
    session = await service.session(CHANNEL, str(query.from_user.id))
    language = session.language if session and session.language else query.from_user.language_code
    t = service.translator_for(language)
    cards = share_views.inline_offers(t, service.world, query.query)
    results = []
    for card in cards:
        markup = (
            InlineKeyboardMarkup([[InlineKeyboardButton(card.link_label, url=card.link)]])
            if card.link else None
        )  # fmt: skip
        content = InputTextMessageContent(
            card.html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        )
        results.append(InlineQueryResultArticle(
            card.id, card.title[:256], content, reply_markup=markup,
            description=card.description[:256],
        ))  # fmt: skip
    try:
        await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=True)
    except TelegramError as exc:
        log.info("an inline query could not be answered: %s", exc)


async def _arrived(sending: Awaitable[object], done: str) -> bool:
    """Whether a case message reached its chat; a chat that blocked the bot is expected."""
    try:
        await sending
    except Forbidden:
        log.info("a case message could not be %s: the chat blocked the bot", done)
        return False
    except TelegramError as exc:
        log.warning("a case message could not be %s: %s", done, exc)
        return False
    return True
