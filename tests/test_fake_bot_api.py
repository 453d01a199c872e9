"""The fake Bot API must reject what Telegram rejects, and carry the real PTB stack end to end."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import struct
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    BotCommandScopeChatMember,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    MessageId,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    SwitchInlineQueryChosenChat,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from tests.support.fake_bot_api import (
    APIError,
    FakeBotAPI,
    FloodLimit,
    TelegramHTMLError,
    parse_telegram_html,
    parse_text,
    post_update,
    validate_reply_markup,
)
from tests.support.net import free_port

USER = 4242


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as client:
        yield client


class ManualClock:
    """Unix time that a test moves by hand (FakeBotAPI's clock)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- HTML parse mode -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "visible"),
    [
        ("plain text", "plain text"),
        ("<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins>", "b s i e u n"),
        ("<s>s</s> <strike>t</strike> <del>d</del>", "s t d"),
        ('<span class="tg-spoiler">secret</span> <tg-spoiler>too</tg-spoiler>', "secret too"),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', "link"),
        ("<code>x &lt; y</code> <pre>block</pre>", "x < y block"),
        ('<pre><code class="language-python">print(1)</code></pre>', "print(1)"),
        ("<blockquote>q</blockquote> <blockquote expandable>long</blockquote>", "q long"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("<b>bold <i>and italic</i></b>", "bold and italic"),
        ("&lt;&gt;&amp;&quot; &#228; &#xE4; 1 > 0", '<>&" ä ä 1 > 0'),
        ("<B>upper case tags</B>", "upper case tags"),
    ],
)
def test_valid_telegram_html_is_accepted(html: str, visible: str) -> None:
    text, _ = parse_telegram_html(html)
    assert text == visible


def test_html_entities_carry_links_and_languages() -> None:
    _, entities = parse_telegram_html(
        '<a href="https://a.de/?x=1&amp;y=2">a</a> <pre><code class="language-py">p</code></pre>'
        " <blockquote expandable>q</blockquote>"
    )
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 1, "url": "https://a.de/?x=1&y=2"},
        {"type": "pre", "offset": 2, "length": 1, "language": "py"},
        {"type": "expandable_blockquote", "offset": 4, "length": 1},
    ]


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("line<br>break", 'Unsupported start tag "br"'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("stray</b>", "Unexpected end tag"),
        ("1 < 2", 'Unsupported start tag ""'),
        ("a <3 b", 'Unsupported start tag "3"'),
        ("Tom &amp Jerry", "Unsupported HTML entity"),
        ("&nbsp;", "Unsupported HTML entity"),
        ("AT&T", "Unsupported HTML entity"),
        ("&#0;", "Unsupported HTML entity"),
        ("<span>no class</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<tg-emoji>👍</tg-emoji>", "emoji-id"),
    ],
)
def test_invalid_html_is_rejected(html: str, detail: str) -> None:
    with pytest.raises(TelegramHTMLError) as info:
        parse_telegram_html(html)
    assert detail in str(info.value)


def test_html_entities_have_utf16_offsets() -> None:
    text, entities = parse_telegram_html("😀 <b>fett</b> &amp; <i>ä</i>")
    assert text == "😀 fett & ä"
    # The emoji is two UTF-16 code units, so "fett" starts at 3.
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "italic", "offset": 10, "length": 1},
    ]


def test_error_positions_are_utf8_byte_offsets() -> None:
    with pytest.raises(TelegramHTMLError, match="byte offset 3"):
        parse_telegram_html("ä <x>")


def test_text_length_is_counted_after_parsing() -> None:
    visible = "a" * 4096
    text, _ = parse_text(f"<b>{visible}</b>", "HTML", limit=4096)
    assert text == visible
    with pytest.raises(APIError, match="message is too long"):
        parse_text("a" * 4097, None, limit=4096)
    with pytest.raises(APIError, match="message is too long"):
        parse_text("&amp;" * 4097, "HTML", limit=4096)  # 4097 visible characters
    with pytest.raises(APIError, match="message text is empty"):
        parse_text("<b> </b>\n", "HTML", limit=4096)


def test_callback_data_is_counted_in_utf8_bytes() -> None:
    def markup(data: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": "Go", "callback_data": data}]]}

    validate_reply_markup(markup("ä" * 32))  # 32 characters, 64 bytes
    with pytest.raises(APIError, match="BUTTON_DATA_INVALID"):
        validate_reply_markup(markup("ä" * 32 + "x"))  # only 33 characters, but 65 bytes
    with pytest.raises(APIError, match="BUTTON_DATA_INVALID"):
        validate_reply_markup(markup(""))


@pytest.mark.parametrize(
    ("button", "detail"),
    [
        ({"text": "", "callback_data": "x"}, "Text must be non-empty"),
        ({"text": "Go"}, "Text buttons are unallowed"),
        ({"text": "Go", "callback_data": "x", "url": "https://a.b"}, "exactly one"),
        ({"text": "Go", "url": "javascript:alert(1)"}, "BUTTON_URL_INVALID"),
    ],
)
def test_bad_inline_buttons_are_rejected(button: dict[str, object], detail: str) -> None:
    with pytest.raises(APIError, match=detail):
        validate_reply_markup({"inline_keyboard": [[button]]})


@pytest.mark.parametrize(
    ("button", "detail"),
    [
        ({"text": "Teilen", "switch_inline_query": 7}, 'Field "switch_inline_query" must be'),
        ({"text": "Suchen", "switch_inline_query_current_chat": None}, "must be of type String"),
        ({"text": "Teilen", "switch_inline_query_chosen_chat": "x"}, "must be of type Object"),
        (
            {"text": "Teilen", "switch_inline_query_chosen_chat": {"query": "Kurs"}},
            "at least one chat type must be allowed",
        ),
        (
            {
                "text": "Teilen",
                "switch_inline_query_chosen_chat": {"query": 1, "allow_user_chats": True},
            },
            'Field "query" must be of type String',
        ),
        ({"text": "Kopieren", "copy_text": {"text": ""}}, "COPY_TEXT_INVALID"),
        ({"text": "Kopieren", "copy_text": {"text": "x" * 257}}, "COPY_TEXT_INVALID"),
        ({"text": "Kopieren", "copy_text": "05351 1234"}, 'Field "copy_text" must be an Object'),
    ],
)
def test_bad_switch_and_copy_buttons_are_rejected(button: dict[str, object], detail: str) -> None:
    with pytest.raises(APIError, match=detail):
        validate_reply_markup({"inline_keyboard": [[button]]})


def test_inline_messages_cannot_carry_web_app_buttons() -> None:
    markup = {"inline_keyboard": [[{"text": "App", "web_app": {"url": "https://a.de"}}]]}
    validate_reply_markup(markup)
    with pytest.raises(APIError, match="BUTTON_TYPE_INVALID"):
        validate_reply_markup(markup, inline_message=True)


def test_at_most_100_inline_buttons() -> None:
    rows = [[{"text": str(i), "callback_data": str(i)}] for i in range(100)]
    validate_reply_markup({"inline_keyboard": rows})
    rows.append([{"text": "one too many", "callback_data": "x"}])
    with pytest.raises(APIError, match="reply markup is too long"):
        validate_reply_markup({"inline_keyboard": rows})


# --- over HTTP with PTB's own Bot ----------------------------------------------------------------
# PTB drops "Bad Request: " and capitalises the rest, hence the case-insensitive matches.


async def test_ptb_bot_raises_bad_request_for_invalid_html(api: FakeBotAPI, bot: Bot) -> None:
    api.send_message(USER, "hi")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Unsupported start tag"):
        await bot.send_message(USER, "<div>nope</div>", parse_mode="HTML")
    assert api.errors[-1][0] == "sendMessage"
    assert api.sent_messages(USER) == []

    message = await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert len(message.text) == 4096
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)


async def test_unknown_chat_and_blocked_user(api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "who?")
    api.send_message(USER, "hi")
    api.block_user(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "still there?")
    api.unblock_user(USER)
    await bot.send_message(USER, "welcome back")
    assert [m["text"] for m in api.sent_messages(USER)] == ["welcome back"]


async def test_callback_data_over_64_bytes_is_rejected_over_http(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.send_message(USER, "hi")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("ä", callback_data="ä" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "pick", reply_markup=too_long)


async def test_switch_inline_and_copy_text_buttons_from_ptb(api: FakeBotAPI, bot: Bot) -> None:
    api.send_message(USER, "hi")
    buttons = [
        InlineKeyboardButton("Teilen", switch_inline_query="Deutschkurs Helmstedt"),
        InlineKeyboardButton("Hier suchen", switch_inline_query_current_chat=""),
        InlineKeyboardButton(
            "An eine Gruppe",
            switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat(
                "Deutschkurs", allow_group_chats=True
            ),
        ),
        InlineKeyboardButton("Nummer kopieren", copy_text=CopyTextButton("05351 1234")),
    ]
    sent = await bot.send_message(USER, "Angebot", reply_markup=InlineKeyboardMarkup([buttons]))
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][3].copy_text == CopyTextButton("05351 1234")
    nowhere = InlineKeyboardButton(
        "Teilen", switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat("Deutschkurs")
    )
    with pytest.raises(BadRequest, match=r"(?i)at least one chat type must be allowed"):
        await bot.send_message(USER, "Angebot", reply_markup=InlineKeyboardMarkup([[nowhere]]))


async def test_rate_limit_answers_429_with_retry_after(
    api: FakeBotAPI, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without PTB_TIMEDELTA, PTB 22 warns about int retry_after, and warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.send_message(USER, "hi")
    api.rate_limit_next(1, retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "first")
    assert info.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(USER, "second")  # only the next one was limited
    assert api.errors == [("sendMessage", "Too Many Requests: retry after 3")]


async def test_commands_are_stored_per_language(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("start", "Los geht's")], language_code="de")
    assert api.commands() == [{"command": "start", "description": "Start"}]
    assert api.commands("de") == [{"command": "start", "description": "Los geht's"}]
    german = await bot.get_my_commands(language_code="de")
    assert [(c.command, c.description) for c in german] == [("start", "Los geht's")]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start-Now", "no capitals or dashes")])
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMANDS_TOO_MUCH"):
        await bot.set_my_commands([BotCommand(f"c{i}", "x") for i in range(101)])
    await bot.delete_my_commands(language_code="de")
    assert await bot.get_my_commands(language_code="de") == ()


async def test_send_document_records_name_and_bytes(api: FakeBotAPI, bot: Bot) -> None:
    api.send_message(USER, "/export")
    payload = "Übersicht\n".encode() * 100
    sent = await bot.send_document(
        USER, InputFile(payload, filename="Übersicht.txt"), caption="<b>Deine</b> Daten"
    )
    assert sent.document is not None and sent.document.file_name == "Übersicht.txt"
    (record,) = api.sent_messages(USER)
    assert record["document"]["file_name"] == "Übersicht.txt"
    assert record["document"]["content"] == payload
    assert record["caption"] == "<b>Deine</b> Daten"  # no parse_mode: tags stay literal


async def test_user_updates_deserialise_in_ptb(api: FakeBotAPI, bot: Bot) -> None:
    first = api.send_message(USER, "/start@lotse_test_bot hallo", language_code="de")
    api.send_location(USER, 52.52, 13.40)
    api.send_sticker(USER)
    last = api.send_photo(USER, caption="mein Zeugnis")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == list(range(first, last + 1))
    command, location, sticker, photo = (u.message for u in updates)
    assert command is not None and command.from_user is not None
    assert command.from_user.language_code == "de"
    assert command.entities[0].type == "bot_command" and command.entities[0].length == 21
    assert location is not None and location.location is not None
    assert location.location.latitude == 52.52
    assert sticker is not None and sticker.sticker is not None
    assert photo is not None and len(photo.photo) == 3 and photo.caption == "mein Zeugnis"
    # The offset confirms what was fetched, like Telegram.
    assert await bot.get_updates(offset=last + 1, timeout=0) == ()
    assert api.pending_updates() == 0


async def test_unknown_method_and_wrong_token(api: FakeBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{api.base_url}{api.token}/sendTelepathy", data={"a": "1"})
        wrong = await client.post(f"{api.base_url}999:nope/getMe")
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert wrong.status_code == 401
    assert ("sendTelepathy", "Not Found") in api.errors


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotAPI, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    api.send_message(USER, "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert time.monotonic() - started < 2


async def test_stop_releases_a_pending_long_poll() -> None:
    api = FakeBotAPI().start()
    async with httpx.AsyncClient() as client:
        poll = asyncio.create_task(
            client.post(f"{api.base_url}{api.token}/getUpdates", data={"timeout": "30"})
        )
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await asyncio.to_thread(api.stop)
        answer = await poll
    assert time.monotonic() - started < 2
    assert answer.json() == {"ok": True, "result": []}
    assert not any(t.name.startswith("FakeBotAPI") for t in threading.enumerate())


async def test_wait_for_times_out_with_a_dump(api: FakeBotAPI) -> None:
    with pytest.raises(AssertionError, match="waiting for 1 messages to chat 4242"):
        await api.wait_for_messages(USER, 1, timeout=0.05)


def test_press_button_needs_a_button_on_screen(api: FakeBotAPI) -> None:
    with pytest.raises(AssertionError, match="has a button 'nope'"):
        api.press_button(USER, "nope")


# --- end to end with telegram.ext.Application ----------------------------------------------------


async def test_application_end_to_end(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Ja", callback_data="yes")],
                [InlineKeyboardButton("Nein", callback_data="no")],
            ]
        )
        await update.effective_message.reply_text(
            "<b>Willkommen</b> bei Lotse!", parse_mode="HTML", reply_markup=keyboard
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Danke")
        await query.edit_message_text(f"Du hast <i>{query.data}</i> gewählt.", parse_mode="HTML")

    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            api.send_message(USER, "/start", first_name="Amina", language_code="ar")
            (welcome,) = await api.wait_for_messages(USER, 1)
            assert welcome["text"] == "Willkommen bei Lotse!"
            assert welcome["buttons"] == ["yes", "no"]

            pressed = api.press_button(USER, "yes")
            _, edited = await api.wait_for_messages(USER, 2)
            await api.wait_for(lambda: api.callback_answer(pressed))
        finally:
            stopping = time.monotonic()
            await app.updater.stop()
            await app.stop()
    assert time.monotonic() - stopping < 2

    assert edited["method"] == "editMessageText"
    assert edited["message_id"] == welcome["message_id"]
    assert edited["text"] == "Du hast yes gewählt."
    assert edited["reply_markup"] is None  # editing without a keyboard removes it
    assert api.callback_answer(pressed) == {
        "callback_query_id": str(4_000_000_000 + pressed),
        "text": "Danke",
    }
    assert api.unanswered_callback_queries() == []
    assert api.errors == []
    assert api.pending_updates() == 0  # PTB confirmed everything on shutdown
    assert [name for name, _ in api.calls if name != "getUpdates"] == [
        "getMe",
        "deleteWebhook",
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
    ]


# --- users who never started the bot, blocking, the 48-hour deletion limit -----------------------


async def test_a_bot_cannot_start_a_conversation(api: FakeBotAPI, bot: Bot) -> None:
    api.add_user(USER, first_name="Amina")
    api.send_message(USER + 1, "hello group", chat_type="group", chat_id=-1005)
    for stranger in (USER, USER + 1):  # known to Telegram, but never wrote to the bot
        with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
            await bot.send_message(stranger, "hi")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(USER + 2, "nobody")  # no such user at all
    api.send_message(USER, "/start")
    await bot.send_message(USER, "welcome")
    assert [m["text"] for m in api.sent_messages(USER)] == ["welcome"]


async def test_blocking_and_unblocking_send_my_chat_member_updates(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.send_message(USER, "/start", first_name="Omar")
    blocked = api.block_user(USER)
    assert api.block_user(USER) is None  # already blocked: nothing new happens
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "still there?")
    unblocked = api.unblock_user(USER)
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates][-2:] == [blocked, unblocked]
    kicked, member = (u.my_chat_member for u in updates[-2:])
    assert kicked is not None and member is not None
    assert kicked.chat.id == USER and kicked.chat.type == "private"
    assert kicked.from_user.id == USER
    assert (kicked.old_chat_member.status, kicked.new_chat_member.status) == ("member", "kicked")
    assert kicked.new_chat_member.user.id == bot.id
    assert (member.old_chat_member.status, member.new_chat_member.status) == ("kicked", "member")
    await bot.send_message(USER, "welcome back")


async def test_a_message_can_be_deleted_only_within_48_hours() -> None:
    clock = ManualClock()
    with FakeBotAPI(clock=clock) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            api.send_message(USER, "hi")
            first = await bot.send_message(USER, "one")
            second = await bot.send_message(USER, "two")
            assert first.date.timestamp() == clock.now
            clock.now += 48 * 3600 - 1
            assert await bot.delete_message(USER, first.message_id)
            assert await bot.delete_message(USER, 1)  # the user's own message, in private
            clock.now += 1
            with pytest.raises(BadRequest, match=r"(?i)message can't be deleted for everyone"):
                await bot.delete_message(USER, second.message_id)
            with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
                await bot.delete_message(USER, first.message_id)
    assert [m["text"] for m in api.current_messages(USER)] == ["two"]


# --- documents and photos, up and down -----------------------------------------------------------


def tiny_png(width: int, height: int) -> bytes:
    """A valid grey PNG of that size (what a phone camera would send, only smaller)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def file_bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def test_a_user_document_is_downloaded_through_get_file(
    api: FakeBotAPI, file_bot: Bot
) -> None:
    # Lotse derives the file URL from the API URL the same way (bot/channels/telegram.py).
    assert api.base_url.removesuffix("/bot") + "/file/bot" == api.base_file_url
    payload = "Zeugnis, Seite 1 📄\n".encode() * 2000
    api.send_document(USER, "Zeugnis.pdf", payload, caption="mein Zeugnis")
    (update,) = await file_bot.get_updates(timeout=0)
    assert update.message is not None and update.message.caption == "mein Zeugnis"
    document = update.message.document
    assert document is not None
    assert (document.file_name, document.mime_type) == ("Zeugnis.pdf", "application/pdf")
    assert document.file_size == len(payload)
    file = await file_bot.get_file(document.file_id)
    assert file.file_unique_id == document.file_unique_id and file.file_size == len(payload)
    assert file.file_path is not None and file.file_path.endswith(".pdf")
    assert bytes(await file.download_as_bytearray()) == payload
    # The path stays the same when asked again, as on Telegram.
    assert (await file_bot.get_file(document.file_id)).file_path == file.file_path


async def test_get_file_refuses_more_than_20_mb(api: FakeBotAPI, file_bot: Bot) -> None:
    api.send_document(USER, "exactly.bin", bytes(20_000_000))
    api.send_document(USER, "too-big.mp4", bytes(20_000_001))
    exactly, too_big = (u.message.document for u in await file_bot.get_updates(timeout=0))
    assert exactly is not None and too_big is not None
    assert (await file_bot.get_file(exactly.file_id)).file_size == 20_000_000
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await file_bot.get_file(too_big.file_id)
    with pytest.raises(BadRequest, match=r"(?i)wrong file_id"):
        await file_bot.get_file("no-such-file")


async def test_uploads_over_50_mb_are_refused(api: FakeBotAPI, file_bot: Bot) -> None:
    api.send_message(USER, "/export")
    with pytest.raises(NetworkError, match="Request Entity Too Large"):
        await file_bot.send_document(USER, InputFile(bytes(50_000_001), filename="big.zip"))
    assert api.errors == [("sendDocument", "Request Entity Too Large")]
    assert api.sent_messages(USER) == []


async def test_files_the_bot_sent_can_be_downloaded_and_sent_again(
    api: FakeBotAPI, file_bot: Bot
) -> None:
    api.send_message(USER, "/export")
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    sent = await file_bot.send_document(USER, InputFile(ics, filename="event.ics"))
    assert sent.document is not None
    file = await file_bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == ics
    again = await file_bot.send_document(USER, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == sent.document.file_unique_id
    assert api.sent_messages(USER)[-1]["document"]["content"] == ics
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await file_bot.send_document(USER, "made-up-file-id")


async def test_send_photo_answers_sizes_and_is_recorded(api: FakeBotAPI, file_bot: Bot) -> None:
    api.send_message(USER, "/map")
    picture = tiny_png(1000, 500)
    upload = InputFile(picture, filename="map.png")
    caption = "<b>Weg</b> zur KVHS"
    sent = await file_bot.send_photo(USER, upload, caption=caption, parse_mode="HTML")
    sizes = [(p.width, p.height) for p in sent.photo]
    assert sizes == [(90, 45), (320, 160), (800, 400), (1000, 500)]
    assert sent.caption == "Weg zur KVHS"
    largest = await file_bot.get_file(sent.photo[-1].file_id)
    assert bytes(await largest.download_as_bytearray()) == picture
    (record,) = api.sent_messages(USER)
    assert record["method"] == "sendPhoto"
    assert record["caption"] == "Weg zur KVHS"
    assert record["photo"]["content"] == picture
    again = await file_bot.send_photo(USER, sent.photo[-1].file_id)
    assert [p.file_unique_id for p in again.photo] == [p.file_unique_id for p in sent.photo]
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type Photo as Document"):
        await file_bot.send_document(USER, sent.photo[0].file_id)


async def test_send_photo_is_validated_like_telegram(api: FakeBotAPI, file_bot: Bot) -> None:
    api.send_message(USER, "/map")
    picture = tiny_png(20, 20)
    await file_bot.send_photo(USER, picture, caption=f"<i>{'x' * 1024}</i>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await file_bot.send_photo(USER, picture, caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await file_bot.send_photo(USER, InputFile(b"%PDF-1.7 not a picture", filename="a.png"))
    with pytest.raises(BadRequest, match=r"(?i)PHOTO_INVALID_DIMENSIONS"):
        await file_bot.send_photo(USER, tiny_png(21, 1))  # wider than 20:1
    assert len(api.sent_messages(USER)) == 1


async def test_downloads_need_the_token_and_a_known_path(api: FakeBotAPI) -> None:
    api.send_document(USER, "a.txt", b"hello")
    async with Bot(api.token, base_url=api.base_url) as plain:
        (update,) = await plain.get_updates(timeout=0)
        assert update.message is not None and update.message.document is not None
        file = await plain.get_file(update.message.document.file_id)
    assert file.file_path is not None
    path = file.file_path.rsplit("/", 2)[-2:]  # "documents", "file_1.txt"
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{api.port}") as client:
        good = await client.get(f"/file/bot{api.token}/{'/'.join(path)}")
        wrong_token = await client.get(f"/file/bot999:nope/{'/'.join(path)}")
        unknown = await client.get(f"/file/bot{api.token}/documents/file_99.txt")
    assert (good.status_code, good.content) == (200, b"hello")
    assert good.headers["content-type"] == "text/plain"
    assert (wrong_token.status_code, unknown.status_code) == (401, 404)


# --- groups and forum topics ---------------------------------------------------------------------

FORUM = -1001234567890
STAFF = 4343


async def test_a_forum_topic_from_creation_to_deletion(api: FakeBotAPI, bot: Bot) -> None:
    added = api.create_group(FORUM, "Lotse staff", forum=True, owner=STAFF)
    topic = await bot.create_forum_topic(FORUM, "Fall 17: Amina")
    thread = topic.message_thread_id
    assert (topic.name, topic.icon_color) == ("Fall 17: Amina", 0x6FB9F0)
    sent = await bot.send_message(FORUM, "Neue Anfrage", message_thread_id=thread)
    assert (sent.message_thread_id, sent.is_topic_message) == (thread, True)
    api.send_message(
        STAFF, "Ich übernehme", chat_type="supergroup", chat_id=FORUM, message_thread_id=thread
    )
    updates = await bot.get_updates(timeout=0)
    assert updates[0].update_id == added and updates[0].my_chat_member is not None
    admin = updates[0].my_chat_member.new_chat_member
    assert admin.status == "administrator" and getattr(admin, "can_manage_topics", False)
    reply = updates[-1].message
    assert reply is not None and reply.chat.is_forum
    assert (reply.message_thread_id, reply.is_topic_message) == (thread, True)

    assert await bot.edit_forum_topic(FORUM, thread, name="Fall 17: erledigt")
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_NOT_MODIFIED"):
        await bot.edit_forum_topic(FORUM, thread, name="Fall 17: erledigt")
    assert await bot.close_forum_topic(FORUM, thread)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_CLOSED"):
        await bot.send_message(FORUM, "noch was", message_thread_id=thread)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(FORUM, thread)
    assert api.topics(FORUM) == [
        {
            "message_thread_id": thread,
            "name": "Fall 17: erledigt",
            "icon_color": 0x6FB9F0,
            "closed": True,
        }
    ]
    assert await bot.reopen_forum_topic(FORUM, thread)
    await bot.send_document(
        FORUM, InputFile(b"notes", filename="notes.txt"), message_thread_id=thread
    )
    texts = [m.get("text") for m in api.topic_messages(FORUM, thread)]
    assert texts == [None, "Neue Anfrage", "Ich übernehme", None]  # created, ..., document
    assert api.sent_messages(FORUM)[-1]["message_thread_id"] == thread

    assert await bot.delete_forum_topic(FORUM, thread)
    assert api.topics(FORUM) == [] and api.topic_messages(FORUM, thread) == []
    assert api.current_messages(FORUM) == []
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM, "hallo?", message_thread_id=thread)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_ID_INVALID"):
        await bot.close_forum_topic(FORUM, thread)


async def test_topic_methods_need_a_forum_and_the_right(api: FakeBotAPI, bot: Bot) -> None:
    api.create_group(-1001, "Ordinary group")
    api.create_group(-1002, "Forum, bot without rights", forum=True, can_manage_topics=False)
    api.create_group(FORUM, "Lotse staff", forum=True)
    api.send_message(USER, "/start")
    for chat_id in (-1001, USER):
        with pytest.raises(BadRequest, match=r"(?i)the chat is not a forum"):
            await bot.create_forum_topic(chat_id, "Fall 1")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.create_forum_topic(-1002, "Fall 1")
    assert (await bot.create_forum_topic(FORUM, "x" * 128)).name == "x" * 128
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_TITLE_TOO_LONG"):
        await bot.create_forum_topic(FORUM, "x" * 129)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_TITLE_EMPTY"):
        await bot.create_forum_topic(FORUM, " ")
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM, "where to?", message_thread_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(-1001, "not a forum", message_thread_id=1)
    general = await bot.send_message(FORUM, "into General")
    assert general.message_thread_id is None


async def test_an_admin_bot_deletes_any_message_in_its_group() -> None:
    clock = ManualClock()
    with FakeBotAPI(clock=clock) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            api.create_group(FORUM, "Lotse staff", forum=True, members=[STAFF])
            api.send_message(STAFF, "old note", chat_type="supergroup", chat_id=FORUM)
            (update,) = (await bot.get_updates(timeout=0))[-1:]
            assert update.message is not None
            clock.now += 72 * 3600
            assert await bot.delete_message(FORUM, update.message.message_id)
            api.create_group(-1003, "Bot is a member only", bot_is_admin=False, members=[STAFF])
            api.send_message(STAFF, "not yours", chat_type="supergroup", chat_id=-1003)
            with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
                await bot.delete_message(-1003, 1)


# --- copyMessage ---------------------------------------------------------------------------------


async def test_copy_message_relays_text_and_files_without_the_sender(
    api: FakeBotAPI, file_bot: Bot
) -> None:
    api.create_group(FORUM, "Lotse staff", forum=True, members=[STAFF])
    thread = (await file_bot.create_forum_topic(FORUM, "Fall 3")).message_thread_id
    pdf, png = b"%PDF-1.7 Zeugnis", tiny_png(40, 30)
    api.send_message(USER, "Ich brauche <Hilfe> & Rat", first_name="Amina")
    api.send_document(USER, "Zeugnis.pdf", pdf, caption="Zeugnis")
    api.send_photo(USER, "Aufenthalt", content=png)
    text, document, photo = (u.message for u in (await file_bot.get_updates(timeout=0))[-3:])
    assert text is not None and document is not None and photo is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Übernehmen", callback_data="case:3")]])

    copied = [
        await file_bot.copy_message(FORUM, USER, text.message_id, message_thread_id=thread),
        await file_bot.copy_message(
            FORUM,
            USER,
            document.message_id,
            message_thread_id=thread,
            caption="<b>Zeugnis</b> von Fall 3",
            parse_mode="HTML",
            reply_markup=keyboard,
        ),
        await file_bot.copy_message(FORUM, USER, photo.message_id, message_thread_id=thread),
    ]
    assert all(isinstance(c, MessageId) for c in copied)
    records = api.sent_messages(FORUM)
    assert [r["method"] for r in records] == ["copyMessage"] * 3
    assert [r["copied_from"]["message_id"] for r in records] == [
        text.message_id,
        document.message_id,
        photo.message_id,
    ]
    assert records[0]["text"] == "Ich brauche <Hilfe> & Rat"
    assert records[1]["caption"] == "Zeugnis von Fall 3" and records[1]["buttons"] == ["case:3"]
    assert records[1]["document"]["content"] == pdf
    assert records[2]["caption"] == "Aufenthalt" and records[2]["photo"]["content"] == png
    in_topic = api.topic_messages(FORUM, thread)[-3:]
    assert [m["message_id"] for m in in_topic] == [c.message_id for c in copied]
    for message in in_topic:  # nothing shows who sent the original
        assert message["from"]["id"] == file_bot.id and "forward_origin" not in message
        assert message["is_topic_message"]
    assert in_topic[1]["document"]["file_unique_id"] == document.document.file_unique_id


async def test_copy_message_needs_a_message_the_bot_can_see(api: FakeBotAPI, bot: Bot) -> None:
    api.create_group(FORUM, "Lotse staff", forum=True)
    thread = (await bot.create_forum_topic(FORUM, "Fall 4")).message_thread_id
    api.send_message(USER, "hallo")
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(FORUM, USER, 99)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.copy_message(FORUM, -100999, 1)
    with pytest.raises(BadRequest, match=r"(?i)message can't be copied"):
        await bot.copy_message(USER, FORUM, thread)  # the "topic created" service message
    await bot.close_forum_topic(FORUM, thread)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_CLOSED"):
        await bot.copy_message(FORUM, USER, 1, message_thread_id=thread)
    assert (await bot.copy_message(USER, USER, 1)).message_id == 2  # into the same chat
    assert api.sent_messages(USER)[-1]["text"] == "hallo"


# --- inline mode ---------------------------------------------------------------------------------


def article(
    result_id: str, text: str = "<b>Deutschkurs</b> bei der KVHS"
) -> InlineQueryResultArticle:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Mehr", callback_data="more:T-HE-1")]])
    return InlineQueryResultArticle(
        result_id,
        "Deutschkurs",
        InputTextMessageContent(text, parse_mode="HTML"),
        reply_markup=keyboard,
    )


@pytest.fixture
async def inline_api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI(inline_mode=True) as server:
        yield server


async def test_inline_mode_end_to_end(inline_api: FakeBotAPI) -> None:
    api = inline_api
    chosen: list[str] = []

    async def on_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.inline_query is not None
        await update.inline_query.answer(
            [article("o:T-HE-1")], cache_time=0, is_personal=True, next_offset="o:T-HE-2"
        )

    async def on_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.chosen_inline_result is not None
        chosen.append(update.chosen_inline_result.result_id)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is None and query.inline_message_id
        await query.answer()
        await query.edit_message_text("<b>Deutschkurs</b>: montags 17 Uhr", parse_mode="HTML")

    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(InlineQueryHandler(on_query))
    app.add_handler(ChosenInlineResultHandler(on_chosen))
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            assert (await app.bot.get_me()).supports_inline_queries
            asked = api.inline_query(USER, "deutsch", chat_type="group", language_code="uk")
            answer = await api.wait_for(lambda: api.inline_answer(asked))
            picked = api.choose_inline_result(USER, "o:T-HE-1")
            await api.wait_for(lambda: chosen)
            inline_id = api.queued_update(picked)["chosen_inline_result"]["inline_message_id"]
            assert api.inline_message(inline_id)["text"] == "Deutschkurs bei der KVHS"
            pressed = api.press_inline_button(USER, inline_id, "more:T-HE-1")
            (edit,) = await api.wait_for(1)
            await api.wait_for(lambda: api.callback_answer(pressed))
        finally:
            await app.updater.stop()
            await app.stop()
    assert answer["is_personal"] is True and answer["next_offset"] == "o:T-HE-2"
    assert answer["cache_time"] == 0
    assert [r["id"] for r in answer["results"]] == ["o:T-HE-1"]
    assert chosen == ["o:T-HE-1"]
    assert (edit["method"], edit["inline_message_id"], edit["chat_id"]) == (
        "editMessageText",
        inline_id,
        None,
    )
    assert edit["text"] == "Deutschkurs: montags 17 Uhr"
    assert api.inline_message(inline_id)["buttons"] == []  # edited without a keyboard
    assert api.errors == [] and api.unanswered_callback_queries() == []


async def test_answer_inline_query_is_validated_like_telegram() -> None:
    clock = ManualClock()
    with FakeBotAPI(inline_mode=True, clock=clock) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:

            async def query_id(text: str = "kurs") -> str:
                api.inline_query(USER, text)
                updates = await bot.get_updates(timeout=0)
                api_updates = [u for u in updates if u.inline_query is not None]
                await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
                assert api_updates[-1].inline_query is not None
                return api_updates[-1].inline_query.id

            for results, detail in [
                ([article(str(i)) for i in range(51)], "RESULTS_TOO_MUCH"),
                ([article("a"), article("a")], "RESULT_ID_DUPLICATE"),
                ([article("x" * 65)], "RESULT_ID_INVALID"),
                ([article("a", "<b>unclosed")], "can't parse entities"),
                ([article("a", "x" * 4097)], "message is too long"),
            ]:
                with pytest.raises(BadRequest, match=rf"(?i){detail}"):
                    await bot.answer_inline_query(await query_id(), results)
            with pytest.raises(BadRequest, match=r"(?i)NEXT_OFFSET_INVALID"):
                await bot.answer_inline_query(await query_id(), [], next_offset="x" * 65)

            first = await query_id()
            assert await bot.answer_inline_query(first, [article(str(i)) for i in range(50)])
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await bot.answer_inline_query(first, [])  # answered already
            late = await query_id()
            clock.now += 11
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await bot.answer_inline_query(late, [])
            with pytest.raises(BadRequest, match=r"(?i)MESSAGE_ID_INVALID"):
                await bot.edit_message_text("x", inline_message_id="inline-404")


def test_inline_queries_need_inline_mode(api: FakeBotAPI) -> None:
    with pytest.raises(AssertionError, match="inline mode is off"):
        api.inline_query(USER, "kurs")


# --- command menus per chat ----------------------------------------------------------------------


def names(menu: list[dict[str, str]]) -> list[str]:
    return [c["command"] for c in menu]


async def test_command_menus_resolve_like_telegram(api: FakeBotAPI, bot: Bot) -> None:
    coordinator, young = 501, 502
    api.send_message(coordinator, "/start", language_code="de")
    api.send_message(young, "/start", language_code="uk")
    await bot.set_my_commands([BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("hilfe", "Hilfe")], language_code="de")
    assert names(api.menu_for(young)) == ["help"]  # no Ukrainian list anywhere: default
    assert names(api.menu_for(coordinator)) == ["hilfe"]

    private = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(
        [BotCommand("start", "Start"), BotCommand("offers", "Offers")], private
    )
    assert names(api.menu_for(young)) == ["start", "offers"]  # beats default with language
    assert names(api.menu_for(coordinator)) == ["start", "offers"]

    own = BotCommandScopeChat(coordinator)
    await bot.set_my_commands([BotCommand("broadcast", "Broadcast")], own)
    await bot.set_my_commands([BotCommand("rundbrief", "Rundbrief")], own, language_code="de")
    assert names(api.menu_for(coordinator)) == ["rundbrief"]
    assert names(api.menu_for(coordinator, language_code="en")) == ["broadcast"]
    assert names(api.menu_for(young)) == ["start", "offers"]  # others keep theirs
    got = await bot.get_my_commands(own, language_code="de")
    assert [c.command for c in got] == ["rundbrief"]

    await bot.delete_my_commands(own, language_code="de")
    assert names(api.menu_for(coordinator)) == ["broadcast"]
    await bot.set_my_commands([], own)  # an empty list unsets it too
    assert names(api.menu_for(coordinator)) == ["start", "offers"]


async def test_chat_scopes_need_the_chat_and_the_member(api: FakeBotAPI, bot: Bot) -> None:
    api.add_user(USER)  # never wrote to the bot: no private chat to scope to
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.set_my_commands([BotCommand("x", "x")], BotCommandScopeChat(USER))
    api.send_message(USER, "/start")
    with pytest.raises(BadRequest, match=r"(?i)in a private chat"):
        await bot.set_my_commands([BotCommand("x", "x")], BotCommandScopeChatMember(USER, USER))
    api.create_group(FORUM, "Lotse staff", forum=True, owner=STAFF, members=[STAFF + 1])
    with pytest.raises(BadRequest, match=r"(?i)user not found"):
        await bot.set_my_commands([BotCommand("x", "x")], BotCommandScopeChatMember(FORUM, USER))

    await bot.set_my_commands([BotCommand("start", "Start")], BotCommandScopeAllGroupChats())
    staff_only = [BotCommand("cases", "Open cases")]
    await bot.set_my_commands(staff_only, BotCommandScopeChatAdministrators(FORUM))
    mine = [BotCommand("mine", "My cases")]
    await bot.set_my_commands(mine, BotCommandScopeChatMember(FORUM, STAFF + 1))
    assert names(api.menu_for(STAFF, chat_id=FORUM)) == ["cases"]  # the owner is an admin
    assert names(api.menu_for(STAFF + 1, chat_id=FORUM)) == ["mine"]
    api.add_member(FORUM, STAFF + 2)
    assert names(api.menu_for(STAFF + 2, chat_id=FORUM)) == ["start"]
    assert api.menu_for(STAFF + 2) == []  # nothing set for private chats or default


# --- webhooks ------------------------------------------------------------------------------------


class FlakyWebhook:
    """A webhook on 127.0.0.1 that fails the first ``failures`` requests with 500, and takes
    ``slow`` seconds to answer an update from one of the ``slow_chats``."""

    def __init__(self, failures: int, slow_chats: tuple[int, ...] = (), slow: float = 0.0) -> None:
        self.received: list[tuple[int, str | None]] = []  # (update_id, secret header)
        self.times: dict[int, tuple[float, float]] = {}  # update_id -> (arrived, answered)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                secret = self.headers.get("X-Telegram-Bot-Api-Secret-Token")
                update = json.loads(body)
                arrived = time.monotonic()
                outer.received.append((update["update_id"], secret))
                ok = len(outer.received) > failures
                if update.get("message", {}).get("chat", {}).get("id") in slow_chats:
                    time.sleep(slow)
                outer.times[update["update_id"]] = (arrived, time.monotonic())
                self.send_response(200 if ok else 500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FlakyWebhook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("url", "secret", "detail"),
    [
        ("http://lotse.example/hook", None, "An HTTPS URL must be provided"),
        ("https://lotse.example:8080/hook", None, "only on ports 80, 88, 443 or 8443"),
        ("https://lotse.example/hook", "not allowed!", "secret token contains unallowed"),
        ("https://lotse.example/hook", "x" * 257, "secret token is too long"),
    ],
)
async def test_set_webhook_refuses_what_telegram_refuses(
    api: FakeBotAPI, bot: Bot, url: str, secret: str | None, detail: str
) -> None:
    with pytest.raises(BadRequest, match=rf"(?i){detail}"):
        await bot.set_webhook(url, secret_token=secret)
    assert (await bot.get_webhook_info()).url == ""


async def test_a_webhook_blocks_get_updates_until_deleted(api: FakeBotAPI, bot: Bot) -> None:
    first = api.send_message(USER, "first")
    assert await bot.set_webhook("https://lotse.example/hook", secret_token="a" * 256)
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates(timeout=0)
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("https://lotse.example/hook", 1)
    # This fake never connects outside 127.0.0.1, and says so where Telegram shows errors.
    for _ in range(200):
        info = await bot.get_webhook_info()
        if info.last_error_message:
            break
        await asyncio.sleep(0.01)
    assert info.last_error_message == "fake Bot API: delivers to http://127.0.0.1 only"
    assert api.webhook_attempts() == []
    assert await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates(timeout=0) if u.message] == ["first"]
    waiting = asyncio.create_task(bot.get_updates(offset=first + 1, timeout=5))
    await asyncio.sleep(0.1)
    await bot.set_webhook("https://lotse.example/hook")  # ends a long poll that was waiting
    with pytest.raises(Conflict, match="terminated by setWebhook request"):
        await asyncio.wait_for(waiting, 2)
    api.send_message(USER, "while the webhook is set")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    await bot.set_webhook("https://lotse.example:8443/hook", drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_webhook_delivery_retries_until_2xx_in_order(api: FakeBotAPI, bot: Bot) -> None:
    with FlakyWebhook(failures=2) as hook:
        await bot.set_webhook(hook.url, secret_token="lotse-Secret_1", allowed_updates=["message"])
        first = api.send_message(USER, "eins")
        api.queue_update({"edited_message": {"text": "not asked for"}})
        second = api.send_message(USER, "zwei")
        await api.wait_for(lambda: len(hook.received) == 4)
        info = await bot.get_webhook_info()
    # Each update is posted until the webhook takes it, and the next one only after that.
    assert hook.received == [
        (first, "lotse-Secret_1"),
        (first, "lotse-Secret_1"),
        (first, "lotse-Secret_1"),
        (second, "lotse-Secret_1"),
    ]
    assert api.webhook_attempts() == [(first, 500), (first, 500), (first, 200), (second, 200)]
    assert info.pending_update_count == 0
    assert info.allowed_updates == ("message",)
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None


@pytest.mark.parametrize(("connections", "parallel"), [(40, True), (1, False)])
async def test_webhook_delivery_is_parallel_across_chats_and_in_order_within_one(
    api: FakeBotAPI, bot: Bot, connections: int, parallel: bool
) -> None:
    """As Telegram's Bot API server: a chat's next update only after its last was answered;
    another chat's meanwhile, if max_connections allows."""
    with FlakyWebhook(failures=0, slow_chats=(USER,), slow=0.4) as hook:
        await bot.set_webhook(hook.url, max_connections=connections)
        ids = {"a1": api.send_message(USER, "eins"), "a2": api.send_message(USER, "zwei"),
               "b1": api.send_message(USER + 1, "hallo")}  # fmt: skip
        await api.wait_for(lambda: len(hook.times) == 3)
    arrived = {name: hook.times[number][0] for name, number in ids.items()}
    answered = {name: hook.times[number][1] for name, number in ids.items()}
    assert arrived["a2"] >= answered["a1"]  # one chat: the next only after the answer
    # Another chat: meanwhile with 40 connections, after the slow chat's two with one.
    assert (arrived["b1"] < answered["a1"]) is parallel
    if not parallel:
        assert arrived["b1"] >= answered["a2"]


async def test_ptb_webhook_server_gets_updates_and_refuses_a_wrong_secret(
    api: FakeBotAPI,
) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url=url,
            secret_token="lotse-Secret_1",
        )
        try:
            hallo = api.send_message(USER, "hallo")
            (reply,) = await api.wait_for_messages(USER, 1)
            message = {**api.queued_update(hallo)["message"], "text": "fake"}
            impostor = {"update_id": hallo + 1, "message": message}
            wrong = await post_update(url, impostor, secret_token="guessed")
            missing = await post_update(url, impostor)
            right = await post_update(url, impostor, secret_token="lotse-Secret_1")
            await api.wait_for_messages(USER, 2)
        finally:
            await app.updater.stop()
            await app.stop()
    assert reply["text"] == "echo: hallo"
    assert (wrong.status_code, missing.status_code, right.status_code) == (403, 403, 200)
    assert [m["text"] for m in api.sent_messages(USER)] == ["echo: hallo", "echo: fake"]
    assert api.calls_to("setWebhook")[0]["secret_token"] == "lotse-Secret_1"
    assert api.pending_updates() == 0
    assert api.errors == []


# --- flood control -------------------------------------------------------------------------------


async def test_flood_limit_refuses_too_fast_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta
    clock = ManualClock()
    start = int(clock.now)
    limit = FloodLimit(per_second=3, per_chat_per_second=1, per_group_per_minute=2, retry_after=2)
    with FakeBotAPI(flood_limit=limit, clock=clock) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            for user in (1, 2, 3, 4):
                api.send_message(user, "/start")
            for user in (1, 2, 3):
                await bot.send_message(user, "news")
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(4, "news")  # the fourth in one second
            assert info.value.retry_after == dtm.timedelta(seconds=2)
            for _ in range(5):  # neither polling nor chat actions count
                await bot.get_updates(timeout=0)
                await bot.send_chat_action(4, "typing")
            clock.now += 0.5
            with pytest.raises(RetryAfter):
                await bot.send_message(1, "again")  # one chat: once a second
            clock.now += 0.5
            await bot.copy_message(4, 1, 1)  # the window has moved on; copies count too
            await bot.send_message(1, "again")
            api.create_group(-1001, "Eltern")
            for _ in range(2):
                clock.now += 1
                await bot.send_message(-1001, "Elternabend")
            clock.now += 1
            with pytest.raises(RetryAfter):
                await bot.send_message(-1001, "Elternabend")  # a group: 20 (here 2) a minute
            stats = api.flood_stats()
    assert (stats.accepted, stats.rejected) == (7, 3)
    assert stats.per_second[start] == 3 and stats.per_second[start + 1] == 2
    assert stats.max_in_one_second == 3
    assert stats.max_to_one_chat_in_one_second == 1
    assert [e for e in api.errors if e[1].startswith("Too Many")] == [
        ("sendMessage", "Too Many Requests: retry after 2"),
    ] * 3


async def test_flood_stats_show_zero_429s_under_a_correct_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What a benchmark does: a sender paced below 30 a second gets no 429 at all.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    clock = ManualClock()
    with FakeBotAPI(flood_limit=FloodLimit(), clock=clock) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            for user in range(1, 36):
                api.send_message(user, "/start")
            for user in range(1, 36):
                await bot.send_message(user, "Erinnerung")
                clock.now += 0.034  # 29.4 a second
            paced = api.flood_stats()
            clock.now += 2
            for user in range(1, 36):  # a burst: 35 at once
                with contextlib.suppress(RetryAfter):
                    await bot.send_message(user, "zu schnell")
            burst = api.flood_stats()
    assert (paced.accepted, paced.rejected) == (35, 0)
    assert paced.max_in_one_second == 30 and max(paced.per_second.values()) <= 30
    assert (burst.accepted, burst.rejected) == (65, 5)


async def test_without_a_flood_limit_sends_are_only_counted(api: FakeBotAPI, bot: Bot) -> None:
    api.send_message(USER, "/start")
    for _ in range(5):
        await bot.send_message(USER, "schnell")
    stats = api.flood_stats()
    assert (stats.accepted, stats.rejected, stats.max_to_one_chat_in_one_second) == (5, 0, 5)


# --- forwards, contact cards and replies ---------------------------------------------------------


async def test_forwards_carry_each_kind_of_origin(api: FakeBotAPI, bot: Bot) -> None:
    api.forward_message(
        USER,
        "Termin am Montag",
        origin_user_id=5151,
        origin_name="Frau Keller",
        origin_date=1_700_000_000,
        first_name="Amina",
    )
    api.forward_message(USER, "Kurs ab 1.9.", origin="hidden_user", origin_name="Jobcenter")
    api.forward_message(
        USER, "Elternabend", origin="chat", origin_chat_id=-100777, origin_name="Eltern 5b"
    )
    api.forward_message(
        USER,
        "Neue Kurse",
        origin="channel",
        origin_chat_id=-100888,
        origin_name="VHS Helmstedt",
        origin_message_id=42,
    )
    api.send_message(USER, "Was heißt das?")
    updates = await bot.get_updates(timeout=0)
    user, hidden, chat, channel, plain = (u.message for u in updates)
    assert user is not None and hidden is not None and chat is not None and channel is not None
    assert all(filters.FORWARDED.check_update(u) for u in updates[:4])
    assert plain is not None and plain.forward_origin is None
    assert not filters.FORWARDED.check_update(updates[4])

    assert isinstance(user.forward_origin, MessageOriginUser)
    assert user.forward_origin.sender_user.id == 5151
    assert user.forward_origin.sender_user.first_name == "Frau Keller"
    assert user.forward_origin.date == dtm.datetime.fromtimestamp(1_700_000_000, dtm.UTC)
    assert user.from_user is not None and user.from_user.id == USER
    assert (user.chat.id, user.text) == (USER, "Termin am Montag")
    assert isinstance(hidden.forward_origin, MessageOriginHiddenUser)
    assert hidden.forward_origin.sender_user_name == "Jobcenter"
    assert isinstance(chat.forward_origin, MessageOriginChat)
    sender_chat = chat.forward_origin.sender_chat
    assert (sender_chat.id, sender_chat.type, sender_chat.title) == (
        -100777,
        "supergroup",
        "Eltern 5b",
    )
    assert isinstance(channel.forward_origin, MessageOriginChannel)
    assert (channel.forward_origin.chat.type, channel.forward_origin.chat.title) == (
        "channel",
        "VHS Helmstedt",
    )
    assert channel.forward_origin.message_id == 42

    with pytest.raises(ValueError, match="origin_user_id"):
        api.forward_message(USER, "von wem?")
    with pytest.raises(ValueError, match="origin is one of"):
        api.forward_message(USER, "x", origin="bot", origin_user_id=1)
    with pytest.raises(ValueError, match="origin_chat_id"):
        api.forward_message(USER, "x", origin="channel", origin_chat_id=5)


async def test_forwarded_photos_and_contact_cards(api: FakeBotAPI, file_bot: Bot) -> None:
    png = tiny_png(40, 30)
    api.forward_message(USER, "Zeugnis", origin="hidden_user", origin_name="Schule", photo=png)
    card = {"phone_number": "+49 5351 1234", "first_name": "Frau", "last_name": "Keller"}
    api.forward_message(USER, None, origin_user_id=5151, contact=card)
    api.send_contact(USER, "+4915112345678", "Amina", contact_user_id=USER)
    api.send_contact(USER, "05351 9876", "Beratung", contact_last_name="Caritas")
    updates = await file_bot.get_updates(timeout=0)
    photo, forwarded_card, own, other = (u.message for u in updates)
    assert photo is not None and forwarded_card is not None
    assert own is not None and other is not None

    assert isinstance(photo.forward_origin, MessageOriginHiddenUser)
    assert photo.caption == "Zeugnis" and photo.photo
    downloaded = await (await file_bot.get_file(photo.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == png
    assert isinstance(forwarded_card.forward_origin, MessageOriginUser)
    assert forwarded_card.contact is not None and forwarded_card.text is None
    assert forwarded_card.contact.phone_number == "+49 5351 1234"
    assert forwarded_card.contact.last_name == "Keller"

    assert all(filters.CONTACT.check_update(u) for u in updates[1:])
    assert own.forward_origin is None and own.contact is not None
    assert own.contact.phone_number == "+4915112345678"
    assert own.from_user is not None and own.contact.user_id == own.from_user.id == USER
    assert other.contact is not None and other.contact.user_id is None
    assert (other.contact.first_name, other.contact.last_name) == ("Beratung", "Caritas")

    with pytest.raises(ValueError, match="no text"):
        api.forward_message(USER, "x", origin_user_id=5151, contact=card)
    with pytest.raises(ValueError, match="first name"):
        api.send_contact(USER, "0123", "")


async def test_a_user_replies_to_a_message(api: FakeBotAPI, bot: Bot) -> None:
    api.send_message(USER, "/start")
    question = await bot.send_message(USER, "Wie alt bist du?")
    api.send_message(USER, "17", reply_to_message_id=question.message_id)
    first = await bot.get_updates(timeout=0)
    start, answer = (u.message for u in first)
    assert start is not None and start.reply_to_message is None
    assert answer is not None and answer.reply_to_message is not None
    assert answer.reply_to_message.message_id == question.message_id
    assert answer.reply_to_message.text == "Wie alt bist du?"
    assert answer.reply_to_message.from_user is not None
    assert answer.reply_to_message.from_user.id == bot.id

    # A reply to a reply carries it without its own reply_to_message, as Telegram nests.
    api.send_message(USER, "genau 17", reply_to_message_id=answer.message_id)
    (update,) = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.message_id == answer.message_id
    assert update.message.reply_to_message.reply_to_message is None
    with pytest.raises(AssertionError, match="no message 99 in chat 4242"):
        api.send_message(USER, "?", reply_to_message_id=99)


async def test_the_bot_replies_with_reply_parameters(api: FakeBotAPI, bot: Bot) -> None:
    api.send_message(USER, "Wo ist der Kurs?")
    reply = await bot.send_message(USER, "In Helmstedt.", reply_to_message_id=1)
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "Wo ist der Kurs?"
    assert api.last_message(USER)["reply_to_message_id"] == 1
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(USER, "Hä?", reply_to_message_id=99)
    anyway = await bot.send_message(
        USER, "Trotzdem", reply_to_message_id=99, allow_sending_without_reply=True
    )
    assert anyway.reply_to_message is None
    assert api.last_message(USER)["reply_to_message_id"] is None


# --- relaying between private chats and forum topics ---------------------------------------------


async def test_a_case_is_relayed_between_a_user_and_a_staff_topic(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.create_group(FORUM, "Lotse staff", forum=True, owner=STAFF)
    thread = (await bot.create_forum_topic(FORUM, "Fall 5: Amina")).message_thread_id
    api.send_message(USER, "Ich suche einen Deutschkurs", first_name="Amina")
    (update,) = [u for u in await bot.get_updates(timeout=0) if u.message]
    assert update.message is not None
    relayed = await bot.copy_message(
        FORUM, USER, update.message.message_id, message_thread_id=thread
    )
    in_general = await bot.send_message(FORUM, "Neuer Fall: 5")
    assert in_general.reply_to_message is None and in_general.message_thread_id is None

    # In a topic, a message that replies to nothing else replies to the "topic created" one.
    api.send_message(
        STAFF,
        "Ab Montag gibt es Plätze",
        chat_type="supergroup",
        chat_id=FORUM,
        message_thread_id=thread,
    )
    # A reply to a message in the topic lands in that topic.
    api.send_message(
        STAFF,
        "Welche Stadt?",
        chat_type="supergroup",
        chat_id=FORUM,
        reply_to_message_id=relayed.message_id,
    )
    updates = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    staff, staff_reply = (u.message for u in updates)
    assert staff is not None and staff_reply is not None
    assert (staff.message_thread_id, staff.is_topic_message) == (thread, True)
    assert staff.reply_to_message is not None
    assert staff.reply_to_message.message_id == thread
    assert staff.reply_to_message.forum_topic_created is not None
    assert staff.reply_to_message.forum_topic_created.name == "Fall 5: Amina"
    assert staff_reply.message_thread_id == thread and staff_reply.reply_to_message is not None
    assert staff_reply.reply_to_message.message_id == relayed.message_id
    assert staff_reply.reply_to_message.text == "Ich suche einen Deutschkurs"
    with pytest.raises(AssertionError, match="is not in topic"):
        api.send_message(
            STAFF,
            "falsch",
            chat_type="supergroup",
            chat_id=FORUM,
            message_thread_id=thread,
            reply_to_message_id=in_general.message_id,
        )

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Antworten", callback_data="re:5")]])
    back = await bot.copy_message(USER, FORUM, staff.message_id, reply_markup=keyboard)
    record = api.last_message(USER)
    assert (record["message_id"], record["method"]) == (back.message_id, "copyMessage")
    assert (record["text"], record["buttons"]) == ("Ab Montag gibt es Plätze", ["re:5"])
    assert record["message_thread_id"] is None
    assert record["copied_from"] == {"chat_id": FORUM, "message_id": staff.message_id}
    (shown,) = api.current_messages(USER)
    assert shown["from"]["id"] == bot.id
    assert not {"forward_origin", "reply_to_message", "message_thread_id"} & set(shown)
    api.press_button(USER, "re:5")  # the keyboard is on screen

    assert await bot.delete_forum_topic(FORUM, thread)
    assert api.topic_messages(FORUM, thread) == []
    assert [m["message_id"] for m in api.current_messages(FORUM)] == [in_general.message_id]
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(USER, FORUM, staff.message_id)
    with pytest.raises(AssertionError, match="no open topic"):
        api.send_message(
            STAFF, "noch da?", chat_type="supergroup", chat_id=FORUM, message_thread_id=thread
        )
    assert [m["message_id"] for m in api.current_messages(USER)] == [back.message_id]
    assert [e for e in api.errors if "not found" not in e[1]] == []


# --- getChat and getChatMember -------------------------------------------------------------------


async def test_get_chat_answers_full_info_for_known_chats(api: FakeBotAPI, bot: Bot) -> None:
    api.create_group(FORUM, "Lotse staff", forum=True, owner=STAFF)
    api.create_group(-1001, "Eltern")
    api.send_message(USER, "/start", first_name="Amina")
    forum = await bot.get_chat(FORUM)
    assert isinstance(forum, ChatFullInfo)
    assert (forum.id, forum.type, forum.title, forum.is_forum) == (
        FORUM,
        "supergroup",
        "Lotse staff",
        True,
    )
    assert forum.max_reaction_count == 11 and forum.accent_color_id is not None
    group = await bot.get_chat(-1001)
    assert group.title == "Eltern" and not group.is_forum
    private = await bot.get_chat(USER)
    assert (private.type, private.first_name, private.title) == ("private", "Amina", None)

    api.add_user(777)  # a Telegram user who never started the bot
    for unknown in (-100999, 777):
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.get_chat(unknown)


async def test_get_chat_member_answers_each_kind_of_member(api: FakeBotAPI, bot: Bot) -> None:
    api.create_group(FORUM, "Lotse staff", forum=True, owner=STAFF, members=[STAFF + 1])
    api.add_member(FORUM, STAFF + 2, status="administrator")
    api.create_group(-1001, "Eltern", bot_is_admin=False)
    api.create_group(-1002, "Ohne Themenrecht", forum=True, can_manage_topics=False)
    api.send_message(USER, "/start")

    me = await bot.get_chat_member(FORUM, bot.id)
    assert isinstance(me, ChatMemberAdministrator) and me.user.id == bot.id
    assert me.can_manage_topics and me.can_delete_messages and not me.can_promote_members
    limited = await bot.get_chat_member(-1002, bot.id)
    assert isinstance(limited, ChatMemberAdministrator) and not limited.can_manage_topics
    assert isinstance(await bot.get_chat_member(-1001, bot.id), ChatMemberMember)

    owner = await bot.get_chat_member(FORUM, STAFF)
    assert isinstance(owner, ChatMemberOwner) and owner.status == "creator"
    assert owner.user.id == STAFF and not owner.is_anonymous
    member = await bot.get_chat_member(FORUM, STAFF + 1)
    assert isinstance(member, ChatMemberMember) and member.user.id == STAFF + 1
    admin = await bot.get_chat_member(FORUM, STAFF + 2)
    assert isinstance(admin, ChatMemberAdministrator) and admin.can_manage_topics
    assert not admin.can_be_edited  # the bot did not promote them

    outsider = await bot.get_chat_member(FORUM, USER)  # known to Telegram, never added
    assert isinstance(outsider, ChatMemberLeft) and outsider.status == "left"
    api.send_message(USER, "Hallo", chat_type="supergroup", chat_id=FORUM)
    assert (await bot.get_chat_member(FORUM, USER)).status == "member"  # wrote there
    assert (await bot.get_chat_member(USER, USER)).status == "member"

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat_member(-100999, STAFF)
    with pytest.raises(BadRequest, match=r"(?i)user not found"):
        await bot.get_chat_member(FORUM, 999_999)  # a user the bot never saw
    with pytest.raises(ValueError, match="status is one of"):
        api.add_member(FORUM, USER, status="restricted")
