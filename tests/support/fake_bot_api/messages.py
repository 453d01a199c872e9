"""Simulated users and the message methods: getUpdates, sendMessage, copyMessage, edits,
answerCallbackQuery, deleteMessage."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import (
    JSON,
    LONG_POLL_CAP,
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    APIError,
    bad_request,
    utf16_len,
)
from tests.support.fake_bot_api.markup import callback_data_of
from tests.support.fake_bot_api.parse_mode import parse_text

DELETE_WINDOW = 48 * 3600  # a bot can delete a message only within 48 hours of sending
# What copyMessage carries over: the content, never who sent it or where it came from.
_FILES = ("document", "photo")  # with a caption that copyMessage may replace
_COPIED = ("text", "entities", "caption", "caption_entities", "location", "sticker", *_FILES)


def _is_inline(message: JSON) -> bool:
    # Edits of an inline message answer True: the bot never sees that message itself.
    return "_inline_message_id" in message


class MessagesMixin(BotAPIBase):
    """Users who write, tap buttons and block the bot; the methods that answer them."""

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
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """Queue a text message from a user; a leading /command gets a bot_command entity.

        With ``reply_to_message_id`` it answers that message of the same chat (the bot's or
        anyone's), which it carries as reply_to_message; an unknown one raises AssertionError.
        """
        content: JSON = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?", text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
            ]
        return self._user_message(
            user_id,
            content,
            first_name,
            language_code,
            chat_type,
            chat_id,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
        )

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

    def add_user(
        self, user_id: int, *, first_name: str | None = None, language_code: str | None = None
    ) -> None:
        """A Telegram user who never wrote to the bot: sending to them answers 403."""
        with self._cond:
            self._user(user_id, first_name, language_code)

    def block_user(self, user_id: int) -> int | None:
        """The user blocks the bot: sending to them answers 403 from now on, and the bot gets a
        my_chat_member update (status kicked), as from Telegram. Returns its update_id."""
        with self._cond:
            if user_id in self._blocked:
                return None
            self._blocked.add(user_id)
            user = self._user(user_id, None, None)
            chat = self._private_chat(user_id)
            return self._queue_my_chat_member(chat, user, "member", "kicked")

    def unblock_user(self, user_id: int) -> int | None:
        """The user unblocks the bot (my_chat_member update, status member); its update_id."""
        with self._cond:
            if user_id not in self._blocked:
                return None
            self._blocked.discard(user_id)
            user = self._user(user_id, None, None)
            chat = self._private_chat(user_id)
            return self._queue_my_chat_member(chat, user, "kicked", "member")

    def rate_limit_next(self, n: int, retry_after: int = 1) -> None:
        """The next n send/edit requests answer 429 Too Many Requests with retry_after."""
        with self._cond:
            self._rate_limited = n
            self._retry_after = retry_after

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

    # --- internals: methods (called with the lock held) ----------------------------------------

    def _get_me(self, params: JSON, files: dict[str, Any]) -> JSON:
        return dict(self.bot_user)

    def _get_updates(self, params: JSON, files: dict[str, Any]) -> list[JSON]:
        if self._webhook is not None:
            raise APIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        allowed = self._allowed_updates_param(params)
        if allowed is not None:
            self._allowed_updates = allowed
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
        while True:
            if self._webhook is not None:  # set while this poll waited
                raise APIError(409, "Conflict: terminated by setWebhook request")
            self._drop_unwanted()
            remaining = deadline - time.monotonic()
            if self._updates or self._stopping or remaining <= 0:
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
        thread_id = self._thread_for_send(chat_id, params)
        thread_id, replied = self._reply_for_send(chat_id, params, thread_id)
        message = self._bot_message(chat_id, content, thread_id, replied)
        self._record("sendMessage", message, raw, params.get("parse_mode"))
        return self._public(message)

    def _copy_message(self, params: JSON, files: dict[str, Any]) -> JSON:
        """A copy without a link to the original (no forward origin, sent by the bot)."""
        chat_id = self._chat_for_send(params, "copyMessage")
        thread_id = self._thread_for_send(chat_id, params)
        thread_id, replied = self._reply_for_send(chat_id, params, thread_id)
        from_chat_id = params.get("from_chat_id")
        if not isinstance(from_chat_id, int) or from_chat_id not in self._chats:
            raise bad_request("chat not found")
        message_id = params.get("message_id")
        source = self._messages.get((from_chat_id, message_id or 0))
        if source is None:
            raise bad_request("message to copy not found")
        if source.get("_service"):
            raise bad_request("message can't be copied")
        content = {k: copy.deepcopy(v) for k, v in source.items() if k in _COPIED}
        has_file = any(kind in content for kind in _FILES)
        if has_file:
            content["_upload"] = self._upload_of(content)
        raw_caption = params.get("caption")
        if has_file and isinstance(raw_caption, str):  # a text or sticker has no caption
            content.pop("caption", None)
            content.pop("caption_entities", None)
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
        content["_copied_from"] = {"chat_id": from_chat_id, "message_id": message_id}
        message = self._bot_message(chat_id, content, thread_id, replied)
        self._record("copyMessage", message, raw_caption, params.get("parse_mode"))
        return {"message_id": message["message_id"]}

    def _upload_of(self, content: JSON) -> JSON:
        """What sent_messages() shows of a copied file: name, type and bytes, as known."""
        file_id = content["document"]["file_id"] if "document" in content else None
        file = self._files.get(file_id or content["photo"][-1]["file_id"], {})
        return {
            "file_name": file.get("file_name"),
            "mime_type": file.get("mime_type"),
            "content": file.get("content"),
        }

    def _edit_message_text(self, params: JSON, files: dict[str, Any]) -> JSON | bool:
        message = self._editable(params, "editMessageText")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise bad_request("message text is empty")
        text, entities = parse_text(raw, params.get("parse_mode"), limit=MAX_TEXT)
        markup = self._markup(params, inline_only=True, inline_message=_is_inline(message))
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
        message["edit_date"] = self._now()
        self._record("editMessageText", message, raw, params.get("parse_mode"))
        return True if _is_inline(message) else self._public(message)

    def _edit_message_reply_markup(self, params: JSON, files: dict[str, Any]) -> JSON | bool:
        message = self._editable(params, "editMessageReplyMarkup")
        markup = self._markup(params, inline_only=True, inline_message=_is_inline(message))
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if new_markup == message.get("reply_markup"):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.pop("reply_markup", None)
        if new_markup:
            message["reply_markup"] = new_markup
        message["edit_date"] = self._now()
        self._record("editMessageReplyMarkup", message, None, None)
        return True if _is_inline(message) else self._public(message)

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

    def _send_chat_action(self, params: JSON, files: dict[str, Any]) -> bool:
        self._chat_for_send(params, "sendChatAction")
        if not params.get("action"):
            raise bad_request("action is empty")
        return True

    def _delete_message(self, params: JSON, files: dict[str, Any]) -> bool:
        chat_id = self._chat_for_send(params, "deleteMessage")
        message_id = params.get("message_id")
        order = self._bot_message_order.get(chat_id, [])
        message = self._messages.get((chat_id, message_id or 0))
        private = self._chats[chat_id]["type"] == "private"
        rights = self._bot_admin_rights.get(chat_id)
        admin = rights is not None and rights.get("can_delete_messages", True)
        # Bots delete their own messages; the user's too in private chats; any as admins.
        if message is None or not (message_id in order or private or admin):
            raise bad_request("message to delete not found")
        if message.get("_service"):
            raise bad_request("message can't be deleted")
        if not admin and self._now() - message["date"] >= DELETE_WINDOW:
            raise bad_request(
                "message can't be deleted for everyone" if private else "message can't be deleted"
            )
        if message_id in order:
            order.remove(message_id)
        del self._messages[(chat_id, message_id)]
        return True
