"""Command menus: setMyCommands, getMyCommands, deleteMyCommands, per scope and language.

`menu_for` answers which menu a person sees, in Telegram's order ("Determining list of
commands" in the Bot API docs): the first list that is set wins, from the narrowest scope
with the person's language down to the default scope without a language.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import JSON, MAX_COMMANDS, bad_request

SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# (scope type, chat_id, user_id): what tells one stored menu from another.
ScopeKey = tuple[str, int | None, int | None]


def scope_key(scope: JSON | None) -> ScopeKey:
    scope = scope or {"type": "default"}
    return (scope["type"], scope.get("chat_id"), scope.get("user_id"))


class CommandsMixin(BotAPIBase):
    """The command menu per scope and language, as the bot set it."""

    # --- inspection ---------------------------------------------------------------------------

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        """The list set for exactly this scope and language ([] if none)."""
        with self._cond:
            return copy.deepcopy(self._commands.get((language_code, scope_key(scope)), []))

    def menu_for(
        self, user_id: int, *, chat_id: int | None = None, language_code: str | None = None
    ) -> list[JSON]:
        """The menu ``user_id`` sees in their private chat with the bot (or, with ``chat_id``,
        in that group), in the user's language unless ``language_code`` is given."""
        with self._cond:
            if language_code is None:
                language_code = self._users.get(user_id, {}).get("language_code", "")
            language = (language_code or "").split("-")[0].lower()
            if chat_id is None or chat_id == user_id:
                scopes: list[ScopeKey] = [
                    ("chat", user_id, None),
                    ("all_private_chats", None, None),
                ]
            else:
                admin = self._members.get(chat_id, {}).get(user_id) in ("administrator", "creator")
                scopes = [("chat_member", chat_id, user_id)]
                scopes += [("chat_administrators", chat_id, None)] if admin else []
                scopes += [("chat", chat_id, None)]
                scopes += [("all_chat_administrators", None, None)] if admin else []
                scopes += [("all_group_chats", None, None)]
            scopes.append(("default", None, None))
            for scope in scopes:
                for code in (language, ""):
                    if (code, scope) in self._commands:
                        return copy.deepcopy(self._commands[(code, scope)])
            return []

    # --- methods (called with the lock held) --------------------------------------------------

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
        if not commands:  # an empty list is no list: the next scope's menu shows
            self._commands.pop(key, None)
            return True
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: JSON, files: dict[str, Any]) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._commands_params(params), []))

    def _delete_my_commands(self, params: JSON, files: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_params(params), None)
        return True

    # --- internals ----------------------------------------------------------------------------

    def _commands_params(self, params: JSON) -> tuple[str, ScopeKey]:
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("LANG_CODE_INVALID")
        scope = params.get("scope")
        if scope is None:
            return language, scope_key(None)
        if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
            raise bad_request("can't parse BotCommandScope")
        kind, chat_id = scope["type"], scope.get("chat_id")
        if kind.startswith("chat"):
            # BotCommandScopeChat for a person needs their private chat with the bot.
            chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
            if chat is None:
                raise bad_request("chat not found")
            if kind != "chat" and chat["type"] == "private":
                raise bad_request(f"can't use {kind} scope in a private chat")
            members = self._members.get(chat_id, {})
            if kind == "chat_member" and scope.get("user_id") not in members:
                raise bad_request("user not found")
        return language, scope_key(scope)
