"""State, lifecycle and shared plumbing of the fake Bot API; each feature is a mixin on it.

All state lives in `BotAPIBase.__init__`, behind one lock (``_cond``): the HTTP threads and the
test's event loop both touch it. Method handlers run with the lock held.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from tests.support.fake_bot_api.common import JSON, APIError, bad_request
from tests.support.fake_bot_api.flood import COUNTED, FloodControl, FloodLimit, FloodStats
from tests.support.fake_bot_api.markup import callback_data_of, validate_reply_markup
from tests.support.fake_bot_api.wire import APIServer, decode_value, parse_multipart

Handler = Callable[[JSON, dict[str, Any]], Any]

_SEND_OR_EDIT = re.compile(r"^(send|edit|copy|forward)", re.IGNORECASE)
# Without allowed_updates, Telegram sends every update type but these.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def _update_type(update: JSON) -> str | None:
    return next((key for key in update if key != "update_id"), None)


# Every field of ChatMemberAdministrator besides status and user.
ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)


class BotAPIBase:
    """The shared state and plumbing; `FakeBotAPI` adds the methods (see `server`)."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_first_name: str = "Lotse",
        bot_username: str = "lotse_test_bot",
        clock: Callable[[], float] = time.time,
        inline_mode: bool = False,
        webhook_retry_delay: float = 0.1,
        flood_limit: FloodLimit | None = None,
    ) -> None:
        """``clock``: Unix time, for message dates, deletion and query age (a test may move
        it); ``inline_mode``: the bot has inline mode on (BotFather); ``webhook_retry_delay``:
        seconds before a failed webhook delivery is tried again; ``flood_limit``: answer 429
        above these send rates (None: never)."""
        self.token = token
        # Waiting (long polls, webhook retries) uses real time, whatever the clock says.
        self.clock = clock
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": inline_mode,
        }
        self.calls: list[tuple[str, JSON]] = []
        self.errors: list[tuple[str, str]] = []
        self.callback_answers: list[JSON] = []
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1000)
        self._updates: list[JSON] = []  # queued, not yet confirmed by the bot
        self._queued: dict[int, JSON] = {}  # every update ever queued, by update_id
        self._users: dict[int, JSON] = {}
        self._chats: dict[int, JSON] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._bot_message_order: dict[int, list[int]] = {}
        self._events: list[JSON] = []
        self._queries: dict[str, JSON] = {}
        # (language_code, (scope type, chat_id, user_id)) -> commands; see commands.py
        self._commands: dict[tuple[str, tuple[Any, ...]], list[JSON]] = {}
        self._blocked: set[int] = set()
        # Groups (see forum.py): members by chat, the bot's admin rights (None: a member).
        self._members: dict[int, dict[int, str]] = {}
        self._bot_admin_rights: dict[int, JSON | None] = {}
        self._topics: dict[tuple[int, int], JSON] = {}  # (chat_id, message_thread_id) -> topic
        # Inline mode (see inline.py): queries by id, inline messages by inline_message_id.
        self._inline_queries: dict[str, JSON] = {}
        self._inline_messages: dict[str, JSON] = {}
        self._inline_ids = itertools.count(1)
        # Update types the bot asked for (getUpdates/setWebhook allowed_updates; None: default).
        self._allowed_updates: list[str] | None = None
        # The webhook (see webhook.py): its settings, last error, retry time and attempts.
        self._webhook: JSON | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._webhook_next_try = 0.0
        self._webhook_attempts: list[tuple[int, int | None]] = []
        self._webhook_threads: list[threading.Thread] = []
        self._in_flight: set[object] = set()  # the chats whose update is being posted
        self.webhook_retry_delay = webhook_retry_delay
        # Counts every send; refuses with 429 over flood_limit (None: never). See flood.py.
        self._flood = FloodControl(flood_limit)
        self._rate_limited = 0
        self._retry_after = 1
        self._file_ids = itertools.count(1)
        self._files: dict[str, JSON] = {}  # file_id -> file, with its bytes (see files.py)
        self._file_paths: dict[str, str] = {}  # file_path (from getFile) -> file_id
        self._file_paths_made = itertools.count(1)
        self._stopping = False
        self._server: APIServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        # Lower-case method name -> (canonical name, handler), from FakeBotAPI's table.
        self._methods = {name.lower(): (name, h) for name, h in self._handlers().items()}

    def _handlers(self) -> dict[str, Handler]:
        """The Bot API methods this server answers: name -> handler (see FakeBotAPI)."""
        return {}

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token itself."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``: downloads of getFile's file_path."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("FakeBotAPI is already running")
        with self._cond:
            self._stopping = False
        self._server = APIServer(self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # how fast stop() gets through
            name=f"FakeBotAPI:{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._start_background()
        return self

    def stop(self) -> None:
        """Release pending long polls, stop serving and join every server thread."""
        if self._server is None or self._thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stop_background()
        self._server.shutdown()
        self._server.server_close()  # joins the request handler threads
        self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start_background(self) -> None:
        """Start a feature's own threads (the webhook's); joined by _stop_background."""

    def _stop_background(self) -> None:
        """Join what _start_background started; called with _stopping set."""

    # --- inspection ---------------------------------------------------------------------------

    def sent_messages(self, chat_id: int | None = None) -> list[JSON]:
        """Every message the bot sent, copied or edited (oldest first), optionally in one chat.

        Each entry: method, chat_id, message_id, text (visible, after parsing; a caption for
        files), raw_text (as sent), parse_mode, entities, reply_markup (parsed), buttons
        (callback data), edited, message_thread_id (a forum topic, or None),
        reply_to_message_id (the message it answered with reply_parameters, or None). Files
        also have caption and document or photo {file_name, mime_type, content (bytes)};
        copyMessage entries copied_from {chat_id, message_id}; edits of an inline message have
        chat_id and message_id None and its inline_message_id.
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

    def queued_update(self, update_id: int) -> JSON:
        """An update as it was queued (also after the bot confirmed it)."""
        with self._cond:
            return copy.deepcopy(self._queued[update_id])

    def flood_stats(self) -> FloodStats:
        """Sends accepted (per second, most in any one-second window) and refused with 429."""
        with self._cond:
            return copy.deepcopy(self._flood.stats)

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

    def known_user(self, user_id: int, language_code: str | None = None) -> None:
        """A user who started the bot earlier: their private chat exists, so the bot may write
        to them (as for people stored by the bot before this run)."""
        with self._cond:
            user = self._user(user_id, None, language_code)
            chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
            self._chats[user_id] = chat

    # --- internals: users, chats, updates -----------------------------------------------------

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
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """Queue a message from a user. A reply names a message in the same chat (a client
        offers no other); it goes into that message's topic, as Telegram clients do it."""
        with self._cond:
            user = self._user(user_id, first_name, language_code)
            if chat_type == "private":
                chat: JSON = {"id": user_id, "type": "private", "first_name": user["first_name"]}
            else:
                group_id = chat_id if chat_id is not None else -user_id
                chat = self._chats.get(group_id) or {
                    "id": group_id,
                    "type": chat_type,
                    "title": "Test group",
                }
                self._members.setdefault(group_id, {}).setdefault(user_id, "member")
            replied = None
            if reply_to_message_id is not None:
                replied = self._messages.get((chat["id"], reply_to_message_id))
                if replied is None:  # a client can only reply to a message it shows
                    raise AssertionError(
                        f"no message {reply_to_message_id} in chat {chat['id']} to reply to"
                    )
                replied_thread = replied.get("message_thread_id")
                if message_thread_id is None:
                    message_thread_id = replied_thread
                elif replied_thread != message_thread_id:
                    raise AssertionError(
                        f"message {reply_to_message_id} is not in topic {message_thread_id}"
                    )
            if message_thread_id is not None:
                topic = self._topics.get((chat["id"], message_thread_id))
                if topic is None or topic["closed"]:  # a client offers no way to post there
                    raise AssertionError(f"no open topic {message_thread_id} in {chat['id']}")
            self._chats[chat["id"]] = chat
            message = {
                "message_id": self._next_message_id(chat["id"]),
                "date": self._now(),
                "chat": dict(chat),
                "from": user,
                **content,
            }
            self._thread_and_reply(message, message_thread_id, replied)
            self._messages[(chat["id"], message["message_id"])] = message
            return self._queue({"update_id": next(self._update_ids), "message": message})

    def _now(self) -> int:
        return int(self.clock())

    def _queue(self, update: JSON) -> int:
        self._updates.append(update)
        self._queued[update["update_id"]] = update
        self._cond.notify_all()  # wake a waiting long poll
        return int(update["update_id"])

    def _drop_unwanted(self) -> None:
        """Forget queued updates of types the bot did not ask for, as Telegram does."""
        allowed = self._allowed_updates
        self._updates = [
            u
            for u in self._updates
            if not (kind := _update_type(u))
            or (kind in allowed if allowed else kind not in _NOT_BY_DEFAULT)
        ]

    def _allowed_updates_param(self, params: JSON) -> list[str] | None:
        allowed = params.get("allowed_updates")
        if allowed is None:
            return None  # "If not specified, the previous setting will be used."
        if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
            raise bad_request("can't parse allowed_updates JSON object")
        return allowed

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _private_chat(self, user_id: int) -> JSON:
        user = self._users[user_id]
        return {"id": user_id, "type": "private", "first_name": user["first_name"]}

    def _bot_membership(self, status: str, rights: JSON | None = None) -> JSON:
        """The bot as a ChatMember with this status."""
        return self._chat_member(self.bot_user, status, rights)

    @staticmethod
    def _chat_member(user: JSON, status: str, rights: JSON | None = None) -> JSON:
        """A ChatMember with this status (PTB needs every field of the kind); an administrator
        has the rights of a bot made admin (manage chat, delete messages) plus ``rights``."""
        member: JSON = {"status": status, "user": dict(user)}
        if status == "creator":
            member["is_anonymous"] = False
        if status == "kicked":
            member["until_date"] = 0  # forever
        if status == "administrator":
            member.update(dict.fromkeys(ADMIN_RIGHTS, False))
            member.update(can_manage_chat=True, can_delete_messages=True)
            member.update(rights or {})
        return member

    def _queue_my_chat_member(self, chat: JSON, by: JSON, old: str, new: str) -> int:
        """Telegram tells the bot when its own membership in a chat changes."""
        change = {
            "chat": dict(chat),
            "from": dict(by),
            "date": self._now(),
            "old_chat_member": self._bot_membership(old),
            "new_chat_member": self._bot_membership(new, self._bot_admin_rights.get(chat["id"])),
        }
        return self._queue({"update_id": next(self._update_ids), "my_chat_member": change})

    def _visible_buttons(self, chat_id: int) -> dict[int, list[str]]:
        return {
            mid: callback_data_of(self._messages[(chat_id, mid)].get("reply_markup"))
            for mid in self._bot_message_order.get(chat_id, [])
        }

    # --- internals: HTTP ----------------------------------------------------------------------

    def handle_http(self, path: str, content_type: str, body: bytes) -> tuple[int, JSON]:
        """Answer one Bot API request: (HTTP status, JSON answer). Called by the HTTP thread."""
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
                counted = self._flood_target(method_name, params)
                if counted is not None:
                    self._flood.check(*counted, self.clock())
                result = known[1](params, files)
                if counted is not None:
                    self._flood.accept(*counted, self.clock())
                return 200, {"ok": True, "result": result}
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

    def _flood_target(self, method: str, params: JSON) -> tuple[int | None, bool] | None:
        """(chat_id, is a group) of a send that flood control counts; None for other calls."""
        if not COUNTED.match(method):
            return None
        chat_id = params.get("chat_id")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            return None, False
        return chat_id, chat["type"] in ("group", "supergroup", "channel")

    # --- internals: shared by the method handlers (called with the lock held) -----------------

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
        if isinstance(chat_id, int) and chat_id not in self._chats and chat_id in self._users:
            # A real user, but no private chat: only the user can start one.
            raise APIError(403, "Forbidden: bot can't initiate conversation with a user")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise bad_request("chat not found")
        if chat_id in self._blocked:
            raise APIError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _thread_for_send(self, chat_id: int, params: JSON) -> int | None:
        """The forum topic a message goes to (None: General, or not a forum)."""
        thread_id = params.get("message_thread_id")
        if thread_id is None:
            return None
        topic = self._topics.get((chat_id, thread_id)) if isinstance(thread_id, int) else None
        if topic is None:  # never created, deleted, or not a forum at all
            raise bad_request("message thread not found")
        if topic["closed"]:
            raise bad_request("TOPIC_CLOSED")
        return thread_id

    def _markup(
        self, params: JSON, *, inline_only: bool = False, inline_message: bool = False
    ) -> JSON | None:
        if params.get("reply_markup") in (None, ""):
            return None
        return validate_reply_markup(
            params["reply_markup"], inline_only=inline_only, inline_message=inline_message
        )

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
            "message_thread_id": message.get("message_thread_id"),
            "reply_to_message_id": message.get("_replied_to"),
        }
        if "_upload" in message:  # a file: its caption, name, type and bytes
            event["caption"] = message.get("caption")
            event["document" if "document" in message else "photo"] = message["_upload"]
        if "_inline_message_id" in message:
            event["inline_message_id"] = message["_inline_message_id"]
        if "_copied_from" in message:
            event["copied_from"] = dict(message["_copied_from"])
        self._events.append(event)

    def _bot_message(
        self,
        chat_id: int,
        content: JSON,
        thread_id: int | None = None,
        replied: JSON | None = None,
    ) -> JSON:
        """Store a message the bot sent: in topic ``thread_id``, as a reply to ``replied``."""
        message_id = self._next_message_id(chat_id)
        message = {
            "message_id": message_id,
            "date": self._now(),
            "chat": dict(self._chats[chat_id]),
            "from": dict(self.bot_user),
            **content,
        }
        self._thread_and_reply(message, thread_id, replied)
        if replied is not None:
            message["_replied_to"] = replied["message_id"]
        self._messages[(chat_id, message_id)] = message
        self._bot_message_order.setdefault(chat_id, []).append(message_id)
        return message

    @staticmethod
    def _public(message: JSON) -> JSON:
        # Internal keys (prefixed "_") never go over the wire.
        return {k: copy.deepcopy(v) for k, v in message.items() if not k.startswith("_")}

    def _thread_and_reply(
        self, message: JSON, thread_id: int | None, replied: JSON | None
    ) -> None:
        """Put a new message into its topic and nest what it replies to, as Telegram does.

        A reply carries the replied message without that one's own reply_to_message. In a
        topic, a message that replies to nothing else replies to the topic's "topic created"
        service message (a topic is the thread of that message), so bots see that too.
        """
        if thread_id is not None:
            message.update(message_thread_id=thread_id, is_topic_message=True)
            if replied is None:
                replied = self._messages.get((message["chat"]["id"], thread_id))
        if replied is not None:
            nested = self._public(replied)
            nested.pop("reply_to_message", None)
            message["reply_to_message"] = nested

    def _reply_for_send(
        self, chat_id: int, params: JSON, thread_id: int | None
    ) -> tuple[int | None, JSON | None]:
        """(topic, replied message) of a send with reply_parameters (or the older
        reply_to_message_id): the reply goes into the replied message's topic."""
        reply = params.get("reply_parameters")
        if reply in (None, ""):
            legacy = params.get("reply_to_message_id")
            reply = None if legacy in (None, "") else {"message_id": legacy}
        if reply is None:
            return thread_id, None
        if not isinstance(reply, dict):
            raise bad_request("can't parse reply parameters JSON object")
        if reply.get("chat_id") not in (None, chat_id):
            return thread_id, None  # a reply into another chat: not simulated
        replied = self._messages.get((chat_id, reply.get("message_id") or 0))
        if replied is None:
            if reply.get("allow_sending_without_reply"):
                return thread_id, None
            raise bad_request("message to be replied not found")
        replied_thread = replied.get("message_thread_id")
        if thread_id is None and replied_thread is not None:
            if self._topics[(chat_id, replied_thread)]["closed"]:
                raise bad_request("TOPIC_CLOSED")
            thread_id = replied_thread
        return thread_id, replied

    def _editable(self, params: JSON, method: str) -> JSON:
        """The message an edit method names: by inline_message_id, or by chat and id."""
        if params.get("inline_message_id"):
            inline = self._inline_messages.get(str(params["inline_message_id"]))
            if inline is None:
                raise bad_request("MESSAGE_ID_INVALID")
            return inline
        chat_id = self._chat_for_send(params, method)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        message = self._messages.get((chat_id, message_id))
        if message is None or message_id not in self._bot_message_order.get(chat_id, []):
            raise bad_request("message to edit not found")
        return message
