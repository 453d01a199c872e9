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
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.fake_bot_api.common import (
    JSON,
    LONG_POLL_CAP,
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_COMMANDS,
    MAX_TEXT,
    APIError,
    bad_request,
    utf16_len,
)
from tests.support.fake_bot_api.markup import callback_data_of, validate_reply_markup
from tests.support.fake_bot_api.parse_mode import parse_text
from tests.support.fake_bot_api.wire import APIServer, UploadedFile, decode_value, parse_multipart

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
        self._server: APIServer | None = None
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
        self._server = APIServer(self)
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
                fields, files = parse_multipart(content_type, body)
                raw.update(fields)
            elif body:
                raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            known = self._methods.get(method_name.lower())
            method_name = known[0] if known else method_name
            params = {key: decode_value(key, value) for key, value in raw.items()}
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
