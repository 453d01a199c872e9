"""Telegram through python-telegram-bot: translate updates to core inputs and replies back.

No decisions here: every update becomes one `Input` for `LotseService.handle`, every `Reply`
one sendMessage (or an edit of the tapped message). All handlers are registered in
`register_handlers`. Updates are processed concurrently; the service keeps each person's
inputs and replies in order.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.config import Config
from bot.core.access import NOBODY
from bot.core.dialogue_io import Input, Reply, Upload
from bot.core.text import esc
from bot.delivery import Delivery
from bot.outbox import Outcome
from bot.outbox import RetryAfter as Later
from bot.service import LotseService
from bot.storage.outbox import OutboxRow

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SERVICE = "service"
DELIVERY = "delivery"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Larger documents are refused without downloading them (Telegram lets bots fetch 20 MB).
DOWNLOAD_MAX = 5 * 1024 * 1024
CONCURRENT_UPDATES = 64


class LotseContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The handler context, with the service on it."""

    @property
    def service(self) -> LotseService:
        return self.application.bot_data[SERVICE]


def build_application(config: Config, service: LotseService | None = None) -> Application:
    """All wiring in one builder call. Without `service`, it is opened at start from config."""

    async def post_init(application: Application) -> None:
        if SERVICE not in application.bot_data:
            application.bot_data[SERVICE] = await LotseService.open(config)
        await set_commands(application)
        delivery = Delivery(application.bot_data[SERVICE], outbox_sender(application), (CHANNEL,))
        await delivery.start()
        application.bot_data[DELIVERY] = delivery

    async def post_stop(application: Application) -> None:
        # Before shutdown, while the bot can still send: the message in hand goes out.
        if DELIVERY in application.bot_data:
            await application.bot_data.pop(DELIVERY).stop()

    async def post_shutdown(application: Application) -> None:
        await post_stop(application)  # in case stop was never reached
        opened_here = service is None
        if opened_here and SERVICE in application.bot_data:
            await application.bot_data.pop(SERVICE).close()

    builder = (
        ApplicationBuilder()
        .token(config.require_token())
        .context_types(ContextTypes(context=LotseContext))
        .concurrent_updates(CONCURRENT_UPDATES)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if config.api_base_url:
        base = config.api_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    application = builder.build()
    if service is not None:
        application.bot_data[SERVICE] = service
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(private & filters.COMMAND, on_command))
    application.add_handler(MessageHandler(private & filters.TEXT, on_text))
    application.add_handler(MessageHandler(private & filters.LOCATION, on_location))
    application.add_handler(MessageHandler(private & filters.Document.ALL, on_document))
    application.add_handler(MessageHandler(private, on_other))
    application.add_handler(MessageHandler(~filters.ChatType.PRIVATE, on_group))
    application.add_error_handler(on_error)


async def set_commands(application: Application) -> None:
    """The command menu in every shipped language Telegram can address (two-letter codes): the
    commands of the command table that everyone may use."""
    service: LotseService = application.bot_data[SERVICE]
    world = service.world
    for language in world.languages:
        t = world.translator(language.code)
        commands = [BotCommand(c.name, c.describe(t)) for c in world.tables.menu(NOBODY)]
        code = language.code
        if len(code) == 2:
            await application.bot.set_my_commands(commands, language_code=code)
        if code == "en":
            await application.bot.set_my_commands(commands)


async def _answer(update: Update, context: LotseContext, event: Input) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return

    async def deliver(replies: list[Reply]) -> None:
        await send_replies(update, context, chat.id, replies)

    await context.service.handle(CHANNEL, str(user.id), event, user.language_code, deliver)


async def send_replies(
    update: Update, context: LotseContext, chat_id: int, replies: list[Reply]
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
            await send_reply(context.bot, chat_id, reply)
    except Forbidden:
        # The person blocked the bot while we answered: expected, not an error.
        log.info("a person blocked the bot; marked, nothing more is sent to them")
        await context.service.mark_blocked(CHANNEL, str(chat_id))


async def answer_query(query, notice: str = "") -> None:
    """Stop the button's spinner. Telegram refuses late answers ("query is too old"); that must
    never keep the reply from the person."""
    try:
        await query.answer(notice[:200] or None)
    except TelegramError as exc:
        log.info("could not answer a button tap: %s", exc)


async def send_reply(bot: Bot, chat_id: int, reply: Reply) -> None:
    """One reply as a new message; with an attachment, as a document with `html` as caption."""
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


async def on_command(update: Update, context: LotseContext) -> None:
    text = update.effective_message.text or "" if update.effective_message else ""
    name, _, argument = text[1:].partition(" ")
    name = name.split("@", 1)[0].lower()
    await _answer(update, context, Input("command", name, argument.strip()))


async def on_text(update: Update, context: LotseContext) -> None:
    message = update.effective_message
    await _answer(update, context, Input("text", message.text if message else ""))


async def on_location(update: Update, context: LotseContext) -> None:
    message = update.effective_message
    location = message.location if message else None
    if location is None:
        return
    event = Input("location", latitude=location.latitude, longitude=location.longitude)
    await _answer(update, context, event)


async def on_document(update: Update, context: LotseContext) -> None:
    message = update.effective_message
    document = message.document if message else None
    if document is None or (document.file_size or 0) > DOWNLOAD_MAX:
        await _answer(update, context, Input("file", upload=Upload("", "", b"")))
        return
    file = await document.get_file()
    content = bytes(await file.download_as_bytearray())
    upload = Upload(document.file_name or "upload", document.mime_type or "", content)
    await _answer(update, context, Input("file", upload=upload))


async def on_other(update: Update, context: LotseContext) -> None:
    await _answer(update, context, Input("unsupported"))


async def on_button(update: Update, context: LotseContext) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        # A button on an inline or group message: nothing to answer here but the tap itself.
        await answer_query(query)
        return
    await _answer(update, context, Input("button", query.data or ""))


async def on_group(update: Update, context: LotseContext) -> None:
    chat = update.effective_chat
    if chat is None or not await context.service.first_group_notice(str(chat.id)):
        return
    user = update.effective_user
    t = context.service.translator_for(user.language_code if user else None)
    text = t.gettext(
        "I only work in private chats, to protect your data. Please write to me directly: @{bot}"
    ).format(bot=context.bot.username)
    await context.bot.send_message(chat.id, esc(text), parse_mode=ParseMode.HTML)


async def on_error(update: object, context: LotseContext) -> None:
    """Log the failure with its traceback; tell the person something went wrong, nothing more."""
    if isinstance(context.error, Forbidden):
        log.info("a person blocked the bot")
        return
    log.error("update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    service = context.application.bot_data.get(SERVICE)
    if service is None:
        return  # failed before start-up finished; the log says why
    user = update.effective_user
    t = service.translator_for(user.language_code if user else None)
    text = t.gettext("Sorry, something went wrong on my side. Please try again in a moment.")
    try:
        if update.callback_query is not None:
            await answer_query(update.callback_query)
        await context.bot.send_message(update.effective_chat.id, esc(text))
    except TelegramError:
        log.warning("could not tell the person about the failure", exc_info=True)


def run_polling(config: Config) -> None:
    application = build_application(config)
    log.info("Lotse starts polling (%r)", config)
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
