"""Telegram through python-telegram-bot: translate updates to core inputs and replies back.

No decisions here: every update becomes one `Input` for `LotseService.handle`, every `Reply`
one sendMessage (or an edit of the tapped message). All handlers are registered in
`register_handlers`. Updates are processed concurrently; the service keeps each person's
inputs and replies in order.

One module, over 300 lines: the translation of every update type to an Input (and the staff
menus, progress edits and withdrawals that need the Application) lives here; sending is in
telegram_send.py, the rate limiter in rate_limit.py, webhook mode in webhook.py.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackContext,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.channels.rate_limit import TwoLaneLimiter
from bot.channels.telegram_cases import (
    TelegramCases,
    on_group_button,
    on_group_message,
    on_inline_query,
)
from bot.channels.telegram_send import (
    CHANNEL,
    SERVICE,
    answer_query,
    keyboard,
    outbox_sender,
    send_replies,
    send_reply,
)
from bot.config import Config
from bot.core.access import NOBODY
from bot.core.dialogue_io import Input, Reply, Upload
from bot.core.text import esc
from bot.delivery import Delivery
from bot.service import LotseService

log = logging.getLogger(__name__)

DELIVERY = "delivery"
# my_chat_member: Telegram tells when a person blocks or unblocks the bot.
# inline_query: an offer shared into any chat ("@bot ausbildung helmstedt").
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER,
                   Update.INLINE_QUERY]  # fmt: skip
# Larger documents are refused without downloading them (Telegram lets bots fetch 20 MB).
DOWNLOAD_MAX = 5 * 1024 * 1024
CONCURRENT_UPDATES = 64


class LotseContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The handler context, with the service on it."""

    @property
    def service(self) -> LotseService:
        return self.application.bot_data[SERVICE]


_DEFAULT_LIMITER = object()


def build_application(
    config: Config,
    service: LotseService | None = None,
    rate_limiter: BaseRateLimiter | object | None = _DEFAULT_LIMITER,
) -> Application:
    """All wiring in one builder call. Without `service`, it is opened at start from config.
    `rate_limiter=None` turns Telegram's flood control off (benchmarks of Lotse's own cost)."""

    async def post_init(application: Application) -> None:
        if SERVICE not in application.bot_data:
            application.bot_data[SERVICE] = await LotseService.open(config)
        service = application.bot_data[SERVICE]
        service.desk.username = application.bot.username or config.bot_username
        service.operator = replace(service.operator, bot_username=service.desk.username)
        service.counselling.channel = TelegramCases(application.bot)
        await set_commands(application)
        await set_staff_commands(application)
        service.desk.on_staff_change = lambda channel, external_id: set_chat_commands(
            application, channel, external_id
        )
        service.broadcaster.on_progress = lambda author, message, reply: post_progress(
            application, author, message, reply
        )
        service.broadcaster.on_withdraw = lambda sent: withdraw(application, sent)
        delivery = Delivery(application.bot_data[SERVICE], outbox_sender(application), (CHANNEL,))
        limiter = application.bot.rate_limiter
        if isinstance(limiter, TwoLaneLimiter):
            delivery.on_processes = limiter.share
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
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if rate_limiter is _DEFAULT_LIMITER:
        rate_limiter = TwoLaneLimiter(config.overall_rate, config.bulk_rate)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)  # type: ignore[arg-type]
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
    application.add_handler(InlineQueryHandler(on_inline))
    # Forwarded messages and contact cards first: a volunteer bringing someone in.
    application.add_handler(MessageHandler(private & (filters.FORWARDED | filters.CONTACT),
                                           on_forwarded))  # fmt: skip
    application.add_handler(MessageHandler(private & filters.COMMAND, on_command))
    application.add_handler(MessageHandler(private & filters.TEXT, on_text))
    application.add_handler(MessageHandler(private & filters.LOCATION, on_location))
    application.add_handler(MessageHandler(private & filters.Document.ALL, on_document))
    application.add_handler(MessageHandler(private, on_other))
    application.add_handler(MessageHandler(~filters.ChatType.PRIVATE, on_group))
    application.add_handler(ChatMemberHandler(on_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
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


async def set_staff_commands(application: Application) -> None:
    """Each staff member's chat gets the menu of what they may use."""
    service: LotseService = application.bot_data[SERVICE]
    for channel, external_id in await service.desk.staff_keys():
        await set_chat_commands(application, channel, external_id)


async def set_chat_commands(application: Application, channel: str, external_id: str) -> None:
    """One chat's menu after its roles changed: a staff member's commands, in their language,
    or back to everyone's menu."""
    if channel != CHANNEL or not external_id.isdigit():
        return
    service: LotseService = application.bot_data[SERVICE]
    actor = await service.actor(channel, external_id)
    scope = BotCommandScopeChat(int(external_id))
    try:
        if not actor.is_staff:
            await application.bot.delete_my_commands(scope=scope)
            return
        session = await service.session(channel, external_id)
        t = service.translator_for(session.language if session else None)
        menu = service.world.tables.menu(actor)
        await application.bot.set_my_commands(
            [BotCommand(c.name, c.describe(t)) for c in menu], scope=scope
        )
    except TelegramError as exc:
        log.info("could not set a staff member's command menu: %s", exc)


async def post_progress(
    application: Application, author: tuple[str, str], message_id: str | None, reply: Reply
) -> str | None:
    """A broadcast's progress in its author's chat: one message, edited as it goes."""
    channel, external_id = author
    if channel != CHANNEL or not external_id.isdigit():
        return None
    chat = int(external_id)
    try:
        if message_id is not None:
            await application.bot.edit_message_text(
                reply.html, chat_id=chat, message_id=int(message_id), parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply),
            )  # fmt: skip
            return message_id
        sent = await send_reply(application.bot, chat, reply)
        return str(sent.message_id)
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return message_id
        log.info("could not show a broadcast's progress: %s", exc)
    except TelegramError as exc:
        log.info("could not show a broadcast's progress: %s", exc)
    return message_id


async def withdraw(application: Application, sent: list[tuple[str, str, str]]) -> int:
    """Delete a broadcast's messages where Telegram still allows it (48 hours)."""
    deleted = 0
    for channel, external_id, message_id in sent:
        if channel != CHANNEL:
            continue
        try:
            if await application.bot.delete_message(int(external_id), int(message_id)):
                deleted += 1
        except TelegramError as exc:
            log.info("a broadcast message could not be deleted: %s", exc)
    return deleted


async def _answer(update: Update, context: LotseContext, event: Input) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return

    async def deliver(replies: list[Reply]) -> None:
        await send_replies(update, context.bot, context.service, chat.id, replies)

    await context.service.handle(CHANNEL, str(user.id), event, user.language_code, deliver)


async def on_command(update: Update, context: LotseContext) -> None:
    text = update.effective_message.text or "" if update.effective_message else ""
    name, _, argument = text[1:].partition(" ")
    name = name.split("@", 1)[0].lower()
    await _answer(update, context, Input("command", name, argument.strip()))


def _message_id(update: Update) -> int | None:
    message = update.effective_message
    return message.message_id if message is not None else None


async def on_text(update: Update, context: LotseContext) -> None:
    message = update.effective_message
    text = message.text if message else ""
    await _answer(update, context, Input("text", text, message_id=_message_id(update)))


async def on_forwarded(update: Update, context: LotseContext) -> None:
    """Nothing of the forwarded message or contact goes further than its message id (which a
    relay to a counsellor copies)."""
    await _answer(update, context, Input("forwarded", message_id=_message_id(update)))


async def on_inline(update: Update, context: LotseContext) -> None:
    await on_inline_query(context.service, context.bot, update)


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
    await _answer(update, context, Input("file", upload=upload, message_id=_message_id(update)))


async def on_other(update: Update, context: LotseContext) -> None:
    await _answer(update, context, Input("unsupported", message_id=_message_id(update)))


async def on_button(update: Update, context: LotseContext) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message
    if message is not None and message.chat.type != ChatType.PRIVATE:
        await on_group_button(context.service, context.bot, update)  # a counselling inbox
        return
    if message is None:
        # A button on an inline message: nothing to answer here but the tap itself.
        await answer_query(query)
        return
    await _answer(update, context, Input("button", query.data or ""))


async def on_group(update: Update, context: LotseContext) -> None:
    if await on_group_message(context.service, context.bot, update):
        return  # /inbox, or a counsellor's message in a case's topic
    chat = update.effective_chat
    if chat is None or not await context.service.first_group_notice(str(chat.id)):
        return
    user = update.effective_user
    t = context.service.translator_for(user.language_code if user else None)
    text = t.gettext(
        "I only work in private chats, to protect your data. Please write to me directly: @{bot}"
    ).format(bot=context.bot.username)
    await context.bot.send_message(chat.id, esc(text), parse_mode=ParseMode.HTML)


async def on_chat_member(update: Update, context: LotseContext) -> None:
    """A person blocked the bot (nothing more is sent to them) or unblocked it."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    person = str(change.chat.id)
    status = change.new_chat_member.status
    if status in ("kicked", "left"):
        await context.service.mark_blocked(CHANNEL, person)
        log.info("a person blocked the bot")
    elif status == "member":
        await context.service.mark_unblocked(CHANNEL, person)
        log.info("a person unblocked the bot")


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
    application.run_polling(allowed_updates=ALLOWED_UPDATES)
