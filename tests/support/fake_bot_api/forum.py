"""Groups, and forum supergroups with topics (staff groups: one topic per case).

A topic's message_thread_id is the message_id of its "topic created" service message, as on
Telegram. Messages sent with message_thread_id go into that topic; without it, into General.
Error texts checked against real reports: "message thread not found", "TOPIC_CLOSED",
"TOPIC_NOT_MODIFIED", "the chat is not a forum"; the others follow Telegram's style.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import JSON, bad_request

MAX_TOPIC_NAME = 128
# The colours Telegram allows for a topic icon (telegram.constants.ForumIconColor).
TOPIC_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
# A member's ChatMember kinds (not simulated: "restricted"; anyone else is "left").
MEMBER_STATUSES = ("creator", "administrator", "member")


class ForumMixin(BotAPIBase):
    """Groups with members, forum topics and the topic methods."""

    # --- simulated set-up ---------------------------------------------------------------------

    def create_group(
        self,
        chat_id: int,
        title: str = "Test group",
        *,
        forum: bool = False,
        owner: int = 1,
        members: Iterable[int] = (),
        bot_is_admin: bool = True,
        can_manage_topics: bool = True,
    ) -> int:
        """A supergroup (a forum with ``forum=True``) that ``owner`` created and added the bot
        to, as administrator unless ``bot_is_admin=False``. Queues the bot's my_chat_member
        update, as Telegram does, and returns its update_id."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative (supergroups: -100...)")
        with self._cond:
            chat: JSON = {"id": chat_id, "type": "supergroup", "title": title}
            if forum:
                chat["is_forum"] = True
            self._chats[chat_id] = chat
            owner_user = self._user(owner, None, None)
            self._members[chat_id] = {owner: "creator"}
            for member in members:
                self._user(member, None, None)
                self._members[chat_id].setdefault(member, "member")
            rights = {"can_manage_topics": can_manage_topics} if bot_is_admin else None
            self._bot_admin_rights[chat_id] = rights
            status = "administrator" if bot_is_admin else "member"
            return self._queue_my_chat_member(chat, owner_user, "left", status)

    def add_member(
        self,
        chat_id: int,
        user_id: int,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        status: str = "member",
    ) -> None:
        """Make a user a member (or "administrator", "creator") of a group, as getChatMember
        then answers; anyone never added is "left"."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status is one of {MEMBER_STATUSES}, not {status!r}")
        with self._cond:
            if chat_id not in self._members:
                raise AssertionError(f"no group {chat_id}: create_group() first")
            self._user(user_id, first_name, language_code)
            self._members[chat_id][user_id] = status

    # --- inspection ---------------------------------------------------------------------------

    def topics(self, chat_id: int) -> list[JSON]:
        """The forum's topics now: message_thread_id, name, icon_color, closed."""
        with self._cond:
            return [
                {"message_thread_id": thread, **copy.deepcopy(topic)}
                for (chat, thread), topic in sorted(self._topics.items())
                if chat == chat_id
            ]

    def topic_messages(self, chat_id: int, message_thread_id: int) -> list[JSON]:
        """Every message in a topic now (users' and the bot's, service messages too)."""
        with self._cond:
            return [
                self._public(message)
                for (chat, _), message in sorted(self._messages.items())
                if chat == chat_id and message.get("message_thread_id") == message_thread_id
            ]

    # --- methods (called with the lock held) --------------------------------------------------

    def _create_forum_topic(self, params: JSON, files: dict[str, Any]) -> JSON:
        chat_id = self._forum(params, "createForumTopic")
        name = self._topic_name(params.get("name"))
        if not name:
            raise bad_request("TOPIC_TITLE_EMPTY")
        color = params.get("icon_color", TOPIC_COLORS[0])
        if color not in TOPIC_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        topic: JSON = {"name": name, "icon_color": color, "closed": False}
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = str(params["icon_custom_emoji_id"])
        thread_id = self._next_message_id(chat_id)
        created = {k: v for k, v in topic.items() if k != "closed"}
        self._messages[(chat_id, thread_id)] = {
            "message_id": thread_id,
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "date": self._now(),
            "chat": dict(self._chats[chat_id]),
            "from": dict(self.bot_user),
            "forum_topic_created": created,
            "_service": True,
        }
        self._topics[(chat_id, thread_id)] = topic
        return {"message_thread_id": thread_id, **created}

    def _edit_forum_topic(self, params: JSON, files: dict[str, Any]) -> bool:
        chat_id = self._forum(params, "editForumTopic")
        topic = self._topic(chat_id, params)
        new = dict(topic)
        name = self._topic_name(params.get("name"))
        if name:  # empty or absent: the name stays
            new["name"] = name
        if "icon_custom_emoji_id" in params:  # empty: back to the coloured icon
            new.pop("icon_custom_emoji_id", None)
            if params["icon_custom_emoji_id"]:
                new["icon_custom_emoji_id"] = str(params["icon_custom_emoji_id"])
        if new == topic:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.clear()
        topic.update(new)
        return True

    def _close_forum_topic(self, params: JSON, files: dict[str, Any]) -> bool:
        return self._set_closed(params, "closeForumTopic", True)

    def _reopen_forum_topic(self, params: JSON, files: dict[str, Any]) -> bool:
        return self._set_closed(params, "reopenForumTopic", False)

    def _delete_forum_topic(self, params: JSON, files: dict[str, Any]) -> bool:
        chat_id = self._forum(params, "deleteForumTopic")
        self._topic(chat_id, params)
        thread_id = params["message_thread_id"]
        del self._topics[(chat_id, thread_id)]
        # The topic goes with all its messages.
        gone = [
            key
            for key, message in self._messages.items()
            if key[0] == chat_id and message.get("message_thread_id") == thread_id
        ]
        for key in gone:
            del self._messages[key]
        order = self._bot_message_order.get(chat_id, [])
        order[:] = [mid for mid in order if (chat_id, mid) not in gone]
        return True

    # --- internals ----------------------------------------------------------------------------

    def _forum(self, params: JSON, method: str) -> int:
        chat_id = self._chat_for_send(params, method)
        if not self._chats[chat_id].get("is_forum"):
            raise bad_request("the chat is not a forum")
        rights = self._bot_admin_rights.get(chat_id)
        if not rights or not rights.get("can_manage_topics"):
            raise bad_request("not enough rights to manage topics")
        return chat_id

    def _topic(self, chat_id: int, params: JSON) -> JSON:
        topic = self._topics.get((chat_id, params.get("message_thread_id") or 0))
        if topic is None:
            raise bad_request("TOPIC_ID_INVALID")
        return topic

    @staticmethod
    def _topic_name(name: Any) -> str:
        name = name.strip() if isinstance(name, str) else ""
        if len(name) > MAX_TOPIC_NAME:
            raise bad_request("TOPIC_TITLE_TOO_LONG")
        return name

    def _set_closed(self, params: JSON, method: str, closed: bool) -> bool:
        chat_id = self._forum(params, method)
        topic = self._topic(chat_id, params)
        if topic["closed"] == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic["closed"] = closed
        return True
