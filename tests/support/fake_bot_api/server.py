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
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

JSON = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_COMMANDS = 100
LONG_POLL_CAP = 50.0  # Telegram caps getUpdates' timeout at 50 seconds.


class APIError(Exception):
    """An error answer; raised inside method handlers and turned into a JSON reply."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(detail: str) -> APIError:
    return APIError(400, f"Bad Request: {detail}")


class TelegramHTMLError(ValueError):
    """The text is not valid for parse_mode=HTML; str(exc) is Telegram's detail message."""


def utf16_len(text: str) -> int:
    # Telegram measures offsets and lengths in UTF-16 code units (an emoji often counts 2).
    return len(text.encode("utf-16-le")) // 2


# --- HTML parse mode ---------------------------------------------------------------------------

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAME = r"[a-zA-Z][a-zA-Z0-9-]*"
_ATTR = r"""[a-zA-Z][a-zA-Z0-9_-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
_START_TAG_RE = re.compile(rf"<({_NAME})((?:\s+{_ATTR})*)\s*>")
_END_TAG_RE = re.compile(rf"</({_NAME})\s*>")
_ATTR_RE = re.compile(
    r"""([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)
_TAG_NAME_RE = re.compile(r"</?([^\s>/]*)")


def _byte_offset(text: str, index: int) -> int:
    # Telegram reports positions as UTF-8 byte offsets.
    return len(text[:index].encode("utf-8"))


def _decode_entities(text: str, where: int, source: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "&":
            out.append(text[i])
            i += 1
            continue
        match = _ENTITY_RE.match(text, i)
        code = None
        if match and match.group(1):
            out.append(_NAMED_ENTITIES[match.group(1)])
        elif match:
            code = int(match.group(2) or match.group(3), 10 if match.group(2) else 16)
        if match is None or (code is not None and not _valid_code_point(code)):
            raise TelegramHTMLError(
                f"Unsupported HTML entity at byte offset {_byte_offset(source, where + i)}"
            )
        if code is not None:
            out.append(chr(code))
        i = match.end()
    return "".join(out)


def _valid_code_point(code: int) -> bool:
    return 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def parse_telegram_html(source: str) -> tuple[str, list[JSON]]:
    """Parse text like Telegram does for parse_mode=HTML: (visible text, message entities).

    Raises TelegramHTMLError for unknown tags, misnested or unclosed tags, a raw ``<``, and any
    ``&`` that is not one of &lt; &gt; &amp; &quot; or a numeric character reference.
    """
    out: list[str] = []
    pos = 0  # UTF-16 position in the visible text
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[JSON] = []
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "&":
            match = _ENTITY_RE.match(source, i)
            end = match.end() if match else i + 1
            decoded = _decode_entities(source[i:end], i, source)
            out.append(decoded)
            pos += utf16_len(decoded)
            i = end
            continue
        if char != "<":
            # Copy a run of plain characters at once.
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            out.append(source[i:j])
            pos += utf16_len(source[i:j])
            i = j
            continue
        offset = _byte_offset(source, i)
        if source.startswith("</", i):
            match = _END_TAG_RE.match(source, i)
            if match is None:
                raise TelegramHTMLError(f"Unexpected end tag at byte offset {offset}")
            name = match.group(1).lower()
            if not stack:
                raise TelegramHTMLError(f"Unexpected end tag at byte offset {offset}")
            open_name, attrs, start = stack.pop()
            if open_name != name:
                raise TelegramHTMLError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{open_name}>", '
                    f'found "</{name}>"'
                )
            _close_entity(open_name, attrs, start, pos, stack, entities)
            i = match.end()
            continue
        match = _START_TAG_RE.match(source, i)
        if match is None or match.group(1).lower() not in _ENTITY_TYPES:
            bad = _TAG_NAME_RE.match(source, i)
            name = bad.group(1) if bad else ""
            raise TelegramHTMLError(f'Unsupported start tag "{name}" at byte offset {offset}')
        name = match.group(1).lower()
        attrs = {
            a.group(1).lower(): _decode_entities(
                next((g for g in a.group(2, 3, 4) if g is not None), ""), i, source
            )
            for a in _ATTR_RE.finditer(match.group(2))
        }
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise TelegramHTMLError('Tag "span" must have class "tg-spoiler"')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise TelegramHTMLError('Tag "tg-emoji" must have attribute "emoji-id"')
        stack.append((name, attrs, pos))
        i = match.end()
    if stack:
        raise TelegramHTMLError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_entity(
    name: str,
    attrs: dict[str, str],
    start: int,
    end: int,
    stack: list[tuple[str, dict[str, str], int]],
    entities: list[JSON],
) -> None:
    kind = _ENTITY_TYPES[name]
    entity: JSON = {"type": kind, "offset": start, "length": end - start}
    if name == "a":
        if not attrs.get("href"):
            return  # Telegram keeps the text and drops a link without a target.
        entity["url"] = attrs["href"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            # <pre><code class="language-x"> is one pre entity with a language.
            stack[-1][1]["language"] = language.removeprefix("language-")
            return
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    if entity["length"] > 0:
        entities.append(entity)


def _strip(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    # Telegram trims leading and trailing whitespace and shifts/clips the entities to match.
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[JSON] = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def parse_text(
    raw: str, parse_mode: str | None, *, limit: int, caption: bool = False
) -> tuple[str, list[JSON]]:
    """Visible text and entities of a message text or caption, validated like Telegram."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            text, entities = parse_telegram_html(raw)
        except TelegramHTMLError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is not parsed (Lotse uses HTML); the raw text is what gets counted.
        text, entities = raw, []
    else:
        raise bad_request("unsupported parse_mode")
    text, entities = _strip(text, entities)
    if not text and not caption:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return text, entities


# --- reply markup ------------------------------------------------------------------------------

_BUTTON_KINDS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_RE = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> JSON:
    """Check a parsed reply_markup the way Telegram does; returns it unchanged."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "inline_keyboard" must be an Array of Arrays')
        buttons = [button for row in rows for button in row]
        if len(buttons) > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        for button in buttons:
            _validate_inline_button(button)
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" must be an Array of Arrays')
        for button in (button for row in rows for button in row):
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str) or not text:
                raise bad_request("can't parse keyboard button: Text must be non-empty")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request('can\'t find field "inline_keyboard"')


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: button must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    kinds = [kind for kind in _BUTTON_KINDS if kind in button]
    if not kinds:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(kinds) > 1:
        raise bad_request(
            f"can't parse inline keyboard button: exactly one of {kinds} must be used"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (isinstance(button["url"], str) and _URL_RE.match(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def callback_data_of(markup: JSON | None) -> list[str]:
    """All callback_data values of an inline keyboard, row by row."""
    rows = (markup or {}).get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


# --- request decoding --------------------------------------------------------------------------

# Fields that PTB sends JSON-encoded; everything else is a plain string or JSON scalar.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
    }
)
# Fields that must stay strings even when they look like numbers or booleans.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "parse_mode",
        "description",
        "short_description",
        "name",
        "action",
        "emoji",
        "document",
    }
)
_SCALAR_RE = re.compile(r"^(-?\d+|true|false)$")


def _decode_value(key: str, value: str) -> Any:
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {key} JSON object") from exc
    if key not in _STRING_FIELDS and _SCALAR_RE.match(value):
        return json.loads(value)
    return value


class UploadedFile(dict[str, Any]):
    """A multipart file part: {"filename", "content" (bytes), "mime_type"}."""


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    # A small parser instead of `cgi` (deprecated, and warnings are errors here) or `email`
    # (mangles raw UTF-8 file names, which httpx sends unencoded).
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise bad_request("multipart boundary missing")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, Any] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = head.decode("utf-8", "replace")
        name_m = re.search(r'\bname="((?:[^"\\]|\\.)*)"', headers)
        if name_m is None:
            continue
        name = unquote(name_m.group(1))
        file_m = re.search(r'\bfilename="((?:[^"\\]|\\.)*)"', headers)
        if file_m is None:
            fields[name] = data.decode("utf-8")
            continue
        type_m = re.search(r"(?im)^content-type:\s*(\S+)", headers)
        files[name] = UploadedFile(
            filename=unquote(file_m.group(1)),
            content=data,
            mime_type=type_m.group(1) if type_m else None,
        )
    return fields, files


# --- the server --------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    # Join the handler threads on server_close so nothing is left running after stop().
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (cancelled long poll at shutdown) is normal, not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0: one request per connection, so no idle keep-alive socket blocks the shutdown.
    protocol_version = "HTTP/1.0"
    timeout = 10

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, payload = self.server.api._handle_http(
            self.path, self.headers.get("Content-Type", ""), body
        )
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet


_SEND_OR_EDIT = re.compile(r"^(send|edit|copy|forward)", re.IGNORECASE)


class FakeBotAPI:
    """A Telegram Bot API server on 127.0.0.1 with simulated users; see the module docstring."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_first_name: str = "Lotse",
        bot_username: str = "lotse_test_bot",
    ) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[tuple[str, JSON]] = []
        self.errors: list[tuple[str, str]] = []
        self.callback_answers: list[JSON] = []
        # One lock for all state: the HTTP threads and the test's event loop both touch it.
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1000)
        self._updates: list[JSON] = []
        self._users: dict[int, JSON] = {}
        self._chats: dict[int, JSON] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._bot_message_order: dict[int, list[int]] = {}
        self._events: list[JSON] = []
        self._queries: dict[str, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._blocked: set[int] = set()
        self._rate_limited = 0
        self._retry_after = 1
        self._file_ids = itertools.count(1)
        self._stopping = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._methods: dict[str, tuple[str, Callable[[JSON, dict[str, Any]], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "deleteWebhook": self._delete_webhook,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "answerCallbackQuery": self._answer_callback_query,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendDocument": self._send_document,
                "sendChatAction": self._send_chat_action,
                "deleteMessage": self._delete_message,
                "setChatMenuButton": self._true,
                "close": self._true,
                "logOut": self._true,
            }.items()
        }

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token itself."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotAPI:
        if self._server is not None:
            raise RuntimeError("FakeBotAPI is already running")
        with self._cond:
            self._stopping = False
        self._server = _Server(self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeBotAPI:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release pending long polls, stop serving and join every server thread."""
        if self._server is None or self._thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()  # joins the request handler threads
        self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- simulated users ----------------------------------------------------------------------

    def send_message(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        """Queue a text message from a user; a leading /command gets a bot_command entity."""
        content: JSON = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?", text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
            ]
        return self._user_message(user_id, content, first_name, language_code, chat_type, chat_id)

    def send_location(
        self,
        user_id: int,
        latitude: float,
        longitude: float,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        content: JSON = {"location": {"latitude": latitude, "longitude": longitude}}
        return self._user_message(user_id, content, first_name, language_code, chat_type, chat_id)

    def send_sticker(
        self,
        user_id: int,
        emoji: str = "👍",
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        number = next(self._file_ids)
        sticker: JSON = {
            "file_id": f"sticker-{number}",
            "file_unique_id": f"usticker{number}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 20480,
        }
        content: JSON = {"sticker": sticker}
        return self._user_message(user_id, content, first_name, language_code, chat_type, chat_id)

    def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        number = next(self._file_ids)
        content: JSON = {
            "photo": [
                {
                    "file_id": f"photo-{number}-{size}",
                    "file_unique_id": f"uphoto{number}{size}",
                    "width": size,
                    "height": size * 3 // 4,
                    "file_size": size * 100,
                }
                for size in (90, 320, 800)
            ]
        }
        if caption is not None:
            content["caption"] = caption
        return self._user_message(user_id, content, first_name, language_code, chat_type, chat_id)

    def press_button(
        self,
        user_id: int,
        callback_data: str,
        message_id: int | None = None,
        *,
        chat_id: int | None = None,
        check_keyboard: bool = True,
    ) -> int:
        """Queue a callback query as if the user tapped an inline button.

        The message is ``message_id`` in the chat, or else the newest bot message whose keyboard
        has that button. With ``check_keyboard`` (default) the button must really be on that
        message's current keyboard, since a user cannot tap a button that is not shown.
        """
        chat = user_id if chat_id is None else chat_id
        with self._cond:
            order = self._bot_message_order.get(chat, [])
            if message_id is not None:
                message = self._messages.get((chat, message_id))
                if message is None or message_id not in order:
                    raise AssertionError(f"no bot message {message_id} in chat {chat}")
            else:
                with_button = [
                    m
                    for m in (self._messages[(chat, mid)] for mid in reversed(order))
                    if callback_data in callback_data_of(m.get("reply_markup"))
                ]
                newest = [self._messages[(chat, order[-1])]] if order else []
                found = with_button or ([] if check_keyboard else newest)
                if not found:
                    raise AssertionError(
                        f"no bot message in chat {chat} has a button {callback_data!r}; "
                        f"buttons on screen: {self._visible_buttons(chat)}"
                    )
                message = found[0]
            shown = callback_data_of(message.get("reply_markup"))
            if check_keyboard and callback_data not in shown:
                raise AssertionError(
                    f"message {message['message_id']} has no button {callback_data!r}; "
                    f"its buttons: {shown}"
                )
            update_id = next(self._update_ids)
            query_id = str(4_000_000_000 + update_id)
            self._queries[query_id] = {"update_id": update_id, "answered": False}
            query = {
                "id": query_id,
                "from": self._user(user_id, None, None),
                "message": self._public(message),
                "chat_instance": str(8_000_000 + abs(chat)),
                "data": callback_data,
            }
            return self._queue({"update_id": update_id, "callback_query": query})

    def queue_update(self, update: JSON) -> int:
        """Queue a raw update (any shape); its update_id is assigned here."""
        with self._cond:
            return self._queue({"update_id": next(self._update_ids), **update})

    def block_user(self, user_id: int) -> None:
        """From now on, sending to this user's chat answers 403 like a bot blocked by the user."""
        with self._cond:
            self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        with self._cond:
            self._blocked.discard(user_id)

    def rate_limit_next(self, n: int, retry_after: int = 1) -> None:
        """The next n send/edit requests answer 429 Too Many Requests with retry_after."""
        with self._cond:
            self._rate_limited = n
            self._retry_after = retry_after

    # --- inspection ---------------------------------------------------------------------------

    def sent_messages(self, chat_id: int | None = None) -> list[JSON]:
        """Every message the bot sent or edited (oldest first), optionally only in one chat.

        Each entry: method, chat_id, message_id, text (visible, after parsing), raw_text (as
        sent), parse_mode, entities, reply_markup (parsed), buttons (callback data), edited;
        sendDocument entries also have caption and document {file_name, mime_type, content}.
        """
        with self._cond:
            return [
                copy.deepcopy(e)
                for e in self._events
                if chat_id is None or e["chat_id"] == chat_id
            ]

    def last_message(self, chat_id: int) -> JSON:
        messages = self.sent_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def current_messages(self, chat_id: int) -> list[JSON]:
        """The bot's messages in a chat as the user sees them now (after edits/deletes)."""
        with self._cond:
            return [
                copy.deepcopy(self._messages[(chat_id, mid)])
                for mid in self._bot_message_order.get(chat_id, [])
            ]

    def calls_to(self, method: str) -> list[JSON]:
        """The params of every call to one method."""
        with self._cond:
            return [params for name, params in self.calls if name == method]

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        with self._cond:
            return copy.deepcopy(self._commands.get(self._commands_key(language_code, scope), []))

    def callback_answer(self, update_id: int) -> JSON | None:
        """The answerCallbackQuery params for the query queued as ``update_id``, if answered."""
        with self._cond:
            for query in self._queries.values():
                if query["update_id"] == update_id:
                    return query.get("answer")
        raise KeyError(update_id)

    def unanswered_callback_queries(self) -> list[int]:
        """Update ids of callback queries the bot never answered (the client keeps spinning)."""
        with self._cond:
            return [q["update_id"] for q in self._queries.values() if not q["answered"]]

    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet (via getUpdates offset)."""
        with self._cond:
            return len(self._updates)

    async def wait_for(
        self, predicate_or_count: Callable[[], Any] | int, timeout: float = 5.0
    ) -> Any:
        """Wait until predicate() is truthy (returns its value), or until at least n messages
        were sent/edited in total (returns them). Raises AssertionError with a dump on timeout."""
        if isinstance(predicate_or_count, int):
            count = predicate_or_count

            def check() -> tuple[bool, Any]:
                events = self.sent_messages()
                return len(events) >= count, events

            return await self._poll(check, timeout, f"{count} sent messages")
        predicate = predicate_or_count

        def check_predicate() -> tuple[bool, Any]:
            value = predicate()
            return bool(value), value

        what = getattr(predicate, "__name__", repr(predicate))
        return await self._poll(check_predicate, timeout, what)

    async def wait_for_messages(self, chat_id: int, n: int, timeout: float = 5.0) -> list[JSON]:
        """Wait until the bot sent/edited at least n messages in the chat; returns them all."""

        def check() -> tuple[bool, list[JSON]]:
            events = self.sent_messages(chat_id)
            return len(events) >= n, events

        result: list[JSON] = await self._poll(check, timeout, f"{n} messages to chat {chat_id}")
        return result

    async def _poll(self, check: Callable[[], tuple[bool, Any]], timeout: float, what: str) -> Any:
        # Polling keeps this independent of the server thread; 10 ms is fast enough for tests.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            done, value = check()
            if done:
                return value
            if loop.time() >= deadline:
                dump = self.dump()
                raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{dump}")
            await asyncio.sleep(0.01)

    def dump(self) -> str:
        """A readable summary of the traffic, for failure messages."""
        with self._cond:
            calls = [c for c in self.calls if c[0] != "getUpdates"][-20:]
            lines = ["calls (without getUpdates, last 20):"]
            lines += [f"  {method} {params}" for method, params in calls]
            lines.append("messages:")
            lines += [
                f"  [{e['chat_id']}#{e['message_id']}] {e['method']}: {e['text']!r} "
                f"buttons={e['buttons']}"
                for e in self._events
            ]
            lines.append(f"errors: {self.errors}")
            lines.append(f"pending updates: {len(self._updates)}")
            return "\n".join(lines)

    # --- internals: users, chats, messages ----------------------------------------------------

    def _user(self, user_id: int, first_name: str | None, language_code: str | None) -> JSON:
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": "Test"}
        )
        if first_name is not None:
            user["first_name"] = first_name
        if language_code is not None:
            user["language_code"] = language_code
        return dict(user)

    def _user_message(
        self,
        user_id: int,
        content: JSON,
        first_name: str | None,
        language_code: str | None,
        chat_type: str,
        chat_id: int | None,
    ) -> int:
        with self._cond:
            user = self._user(user_id, first_name, language_code)
            if chat_type == "private":
                chat: JSON = {"id": user_id, "type": "private", "first_name": user["first_name"]}
            else:
                chat = {"id": chat_id if chat_id is not None else -user_id, "type": chat_type}
                chat["title"] = "Test group"
            self._chats[chat["id"]] = chat
            message = {
                "message_id": self._next_message_id(chat["id"]),
                "date": int(time.time()),
                "chat": dict(chat),
                "from": user,
                **content,
            }
            self._messages[(chat["id"], message["message_id"])] = message
            return self._queue({"update_id": next(self._update_ids), "message": message})

    def _queue(self, update: JSON) -> int:
        self._updates.append(update)
        self._cond.notify_all()  # wake a waiting long poll
        return int(update["update_id"])

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _visible_buttons(self, chat_id: int) -> dict[int, list[str]]:
        return {
            mid: callback_data_of(self._messages[(chat_id, mid)].get("reply_markup"))
            for mid in self._bot_message_order.get(chat_id, [])
        }

    @staticmethod
    def _commands_key(language_code: str | None, scope: JSON | None) -> tuple[str, str]:
        return (language_code or "", json.dumps(scope or {"type": "default"}, sort_keys=True))

    # --- internals: HTTP ----------------------------------------------------------------------

    def _handle_http(self, path: str, content_type: str, body: bytes) -> tuple[int, JSON]:
        url = urlsplit(path)
        prefix = f"/bot{self.token}/"
        method_name = url.path.rsplit("/", 1)[-1]
        params: JSON = {}
        files: dict[str, Any] = {}
        try:
            raw = dict(parse_qsl(url.query, keep_blank_values=True))
            if content_type.startswith("multipart/form-data"):
                fields, files = _parse_multipart(content_type, body)
                raw.update(fields)
            elif body:
                raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            known = self._methods.get(method_name.lower())
            method_name = known[0] if known else method_name
            params = {key: _decode_value(key, value) for key, value in raw.items()}
            with self._cond:
                self.calls.append((method_name, {**params, **files}))
            if not url.path.startswith(prefix):
                code = 401 if url.path.startswith("/bot") else 404
                raise APIError(code, "Unauthorized" if code == 401 else "Not Found")
            if known is None:
                raise APIError(404, "Not Found")
            with self._cond:
                return 200, {"ok": True, "result": known[1](params, files)}
        except APIError as exc:
            answer: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                answer["parameters"] = exc.parameters
            with self._cond:
                self.errors.append((method_name, exc.description))
            return exc.code, answer
        except Exception as exc:  # a bug in the fake: make it loud instead of hanging PTB
            with self._cond:
                self.errors.append((method_name, f"Internal Server Error: {exc!r}"))
            return 500, {"ok": False, "error_code": 500, "description": f"fake server: {exc!r}"}

    def _chat_for_send(self, params: JSON, method: str) -> int:
        """Common checks of send/edit methods: flood control, chat exists, not blocked."""
        if self._rate_limited > 0 and _SEND_OR_EDIT.match(method):
            self._rate_limited -= 1
            raise APIError(
                429,
                f"Too Many Requests: retry after {self._retry_after}",
                {"retry_after": self._retry_after},
            )
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise bad_request("chat not found")
        if chat_id in self._blocked:
            raise APIError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _markup(self, params: JSON, *, inline_only: bool = False) -> JSON | None:
        if params.get("reply_markup") in (None, ""):
            return None
        return validate_reply_markup(params["reply_markup"], inline_only=inline_only)

    def _record(self, method: str, message: JSON, raw_text: str | None, parse_mode: Any) -> None:
        markup = message.get("reply_markup")
        event: JSON = {
            "method": method,
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "text": message.get("text", message.get("caption")),
            "raw_text": raw_text,
            "parse_mode": parse_mode,
            "entities": message.get("entities", message.get("caption_entities", [])),
            "reply_markup": markup,
            "buttons": callback_data_of(markup),
            "edited": method.startswith("edit"),
        }
        if "document" in message:
            event["caption"] = message.get("caption")
            event["document"] = message["_upload"]
        self._events.append(event)

    def _bot_message(self, chat_id: int, content: JSON) -> JSON:
        message_id = self._next_message_id(chat_id)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": dict(self._chats[chat_id]),
            "from": dict(self.bot_user),
            **content,
        }
        self._messages[(chat_id, message_id)] = message
        self._bot_message_order.setdefault(chat_id, []).append(message_id)
        return message

    @staticmethod
    def _public(message: JSON) -> JSON:
        # Internal keys (prefixed "_") never go over the wire.
        return {k: copy.deepcopy(v) for k, v in message.items() if not k.startswith("_")}

    def _editable(self, params: JSON, method: str) -> JSON:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # no inline mode in this fake
        chat_id = self._chat_for_send(params, method)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        message = self._messages.get((chat_id, message_id))
        if message is None or message_id not in self._bot_message_order.get(chat_id, []):
            raise bad_request("message to edit not found")
        return message

    # --- internals: methods (called with the lock held) ----------------------------------------

    def _true(self, params: JSON, files: dict[str, Any]) -> bool:
        return True

    def _get_me(self, params: JSON, files: dict[str, Any]) -> JSON:
        return dict(self.bot_user)

    def _delete_webhook(self, params: JSON, files: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _get_updates(self, params: JSON, files: dict[str, Any]) -> list[JSON]:
        offset = params.get("offset")
        limit = params.get("limit")
        limit = limit if isinstance(limit, int) and 1 <= limit <= 100 else 100
        timeout = params.get("timeout", 0)
        timeout = min(float(timeout), LONG_POLL_CAP) if isinstance(timeout, int | float) else 0.0
        if isinstance(offset, int) and offset < 0:
            del self._updates[: max(0, len(self._updates) + offset)]
        elif isinstance(offset, int):
            # An offset confirms (and forgets) every update below it.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and not self._stopping:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(remaining)
        return copy.deepcopy(self._updates[:limit])

    def _send_message(self, params: JSON, files: dict[str, Any]) -> JSON:
        chat_id = self._chat_for_send(params, "sendMessage")
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise bad_request("message text is empty")
        text, entities = parse_text(raw, params.get("parse_mode"), limit=MAX_TEXT)
        markup = self._markup(params)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        if markup and markup.get("inline_keyboard"):
            content["reply_markup"] = markup  # Telegram only echoes inline keyboards
        message = self._bot_message(chat_id, content)
        self._record("sendMessage", message, raw, params.get("parse_mode"))
        return self._public(message)

    def _edit_message_text(self, params: JSON, files: dict[str, Any]) -> JSON:
        message = self._editable(params, "editMessageText")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise bad_request("message text is empty")
        text, entities = parse_text(raw, params.get("parse_mode"), limit=MAX_TEXT)
        markup = self._markup(params, inline_only=True)
        # Without reply_markup Telegram removes the keyboard, as a real edit does.
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if (
            text == message["text"]
            and entities == message.get("entities", [])
            and new_markup == message.get("reply_markup")
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message["text"] = text
        message.pop("entities", None)
        message.pop("reply_markup", None)
        if entities:
            message["entities"] = entities
        if new_markup:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        self._record("editMessageText", message, raw, params.get("parse_mode"))
        return self._public(message)

    def _edit_message_reply_markup(self, params: JSON, files: dict[str, Any]) -> JSON:
        message = self._editable(params, "editMessageReplyMarkup")
        markup = self._markup(params, inline_only=True)
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if new_markup == message.get("reply_markup"):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.pop("reply_markup", None)
        if new_markup:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        self._record("editMessageReplyMarkup", message, None, None)
        return self._public(message)

    def _answer_callback_query(self, params: JSON, files: dict[str, Any]) -> bool:
        query = self._queries.get(str(params.get("callback_query_id", "")))
        if query is None or query["answered"]:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        query["answer"] = dict(params)
        self.callback_answers.append(dict(params))
        return True

    def _commands_params(self, params: JSON) -> tuple[str, str]:
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("LANG_CODE_INVALID")
        scope = params.get("scope")
        if scope is not None:
            kinds = {
                "default",
                "all_private_chats",
                "all_group_chats",
                "all_chat_administrators",
                "chat",
                "chat_administrators",
                "chat_member",
            }
            if not isinstance(scope, dict) or scope.get("type") not in kinds:
                raise bad_request("can't parse BotCommandScope")
            if scope["type"].startswith("chat") and scope.get("chat_id") not in self._chats:
                raise bad_request("chat not found")
        return self._commands_key(language, scope)

    def _set_my_commands(self, params: JSON, files: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(
                r"[a-z0-9_]{1,32}", str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_params(params)
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: JSON, files: dict[str, Any]) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._commands_params(params), []))

    def _delete_my_commands(self, params: JSON, files: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_params(params), None)
        return True

    def _send_document(self, params: JSON, files: dict[str, Any]) -> JSON:
        chat_id = self._chat_for_send(params, "sendDocument")
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = files.get(document.removeprefix("attach://"))
        elif document is None:
            document = files.get("document")
        if document is None or document == "":
            raise bad_request("there is no document in the request")
        number = next(self._file_ids)
        if isinstance(document, UploadedFile):
            if not document["content"]:
                raise bad_request("file must be non-empty")
            upload = {
                "file_name": document["filename"],
                "mime_type": document["mime_type"],
                "content": document["content"],
            }
        else:  # a file_id or URL: nothing is uploaded
            upload = {"file_name": None, "mime_type": None, "content": None, "file_id": document}
        raw_caption = params.get("caption")
        content: JSON = {
            "document": {
                "file_id": f"document-{number}",
                "file_unique_id": f"udocument{number}",
                **{k: v for k, v in upload.items() if k in ("file_name", "mime_type") and v},
                "file_size": len(upload["content"] or b""),
            },
            "_upload": upload,
        }
        if isinstance(raw_caption, str) and raw_caption:
            caption, entities = parse_text(
                raw_caption, params.get("parse_mode"), limit=MAX_CAPTION, caption=True
            )
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        markup = self._markup(params)
        if markup and markup.get("inline_keyboard"):
            content["reply_markup"] = markup
        message = self._bot_message(chat_id, content)
        self._record("sendDocument", message, raw_caption, params.get("parse_mode"))
        return self._public(message)

    def _send_chat_action(self, params: JSON, files: dict[str, Any]) -> bool:
        self._chat_for_send(params, "sendChatAction")
        if not params.get("action"):
            raise bad_request("action is empty")
        return True

    def _delete_message(self, params: JSON, files: dict[str, Any]) -> bool:
        chat_id = self._chat_for_send(params, "deleteMessage")
        message_id = params.get("message_id")
        order = self._bot_message_order.get(chat_id, [])
        if message_id not in order:
            raise bad_request("message to delete not found")
        order.remove(message_id)
        del self._messages[(chat_id, message_id)]
        return True
