"""What the bot may ask about a chat: getChat (a ChatFullInfo) and getChatMember.

The bot knows the private chats of users who wrote to it and the groups it is in (see
`forum`); any other chat is "chat not found". ChatFullInfo carries what Bot API 9 requires
(id, type, accent_color_id, max_reaction_count, accepted_gift_types) and the name: title for
groups, first_name (last_name, username) for private chats, is_forum for forums. getChatMember
answers a member's status as the ChatMember of that kind; a user Telegram knows who is not in
the chat is "left", and a user the bot never saw is "user not found" (tdlib/telegram-bot-api
#332: "only if the user never contacted the bot").
"""

from __future__ import annotations

from typing import Any

from tests.support.fake_bot_api.base import ADMIN_RIGHTS, BotAPIBase
from tests.support.fake_bot_api.common import JSON, bad_request

# Telegram's limit for a chat without boosts and a user without Premium.
MAX_REACTIONS = 11
# Telegram's default accent colour of a peer that chose none: one of the 7 basic colours.
BASIC_ACCENT_COLORS = 7
# A human administrator's rights: all of them, but no bot promoted them (can_be_edited).
_PERSON_ADMIN = {**dict.fromkeys(ADMIN_RIGHTS, True), "can_be_edited": False}
_PERSON_ADMIN["is_anonymous"] = False


class ChatsMixin(BotAPIBase):
    """getChat and getChatMember for the chats the bot knows."""

    # --- methods (called with the lock held) --------------------------------------------------

    def _get_chat(self, params: JSON, files: dict[str, Any]) -> JSON:
        chat = self._known_chat(params)
        info: JSON = {
            **chat,
            "accent_color_id": abs(chat["id"]) % BASIC_ACCENT_COLORS,
            "max_reaction_count": MAX_REACTIONS,
        }
        private = chat["type"] == "private"
        if private:
            user = self._users.get(chat["id"], {})
            info.update({k: user[k] for k in ("last_name", "username") if k in user})
        # Users take every kind of gift; groups none (only users and channels get gifts).
        info["accepted_gift_types"] = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            private,
        )
        return info

    def _get_chat_member(self, params: JSON, files: dict[str, Any]) -> JSON:
        chat = self._known_chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int) or user_id <= 0:
            raise bad_request("invalid user_id specified")
        chat_id = chat["id"]
        if user_id == self.bot_user["id"]:
            rights = self._bot_admin_rights.get(chat_id)
            status = "administrator" if rights is not None else "member"
            return self._bot_membership(status, rights)
        user = self._users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if chat["type"] == "private":
            status = "member" if user_id == chat_id else "left"
        else:
            status = self._members.get(chat_id, {}).get(user_id, "left")
        rights = _PERSON_ADMIN if status == "administrator" else None
        return self._chat_member(user, status, rights)

    # --- internals ----------------------------------------------------------------------------

    def _known_chat(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:  # also a user who never started the bot: no chat with them yet
            raise bad_request("chat not found")
        return dict(chat)
