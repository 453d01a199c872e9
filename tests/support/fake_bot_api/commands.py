"""Command menus: setMyCommands, getMyCommands, deleteMyCommands and their scopes."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import JSON, MAX_COMMANDS, bad_request


class CommandsMixin(BotAPIBase):
    """The command menu per scope and language, as the bot set it."""

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        with self._cond:
            return copy.deepcopy(self._commands.get(self._commands_key(language_code, scope), []))

    @staticmethod
    def _commands_key(language_code: str | None, scope: JSON | None) -> tuple[str, str]:
        return (language_code or "", json.dumps(scope or {"type": "default"}, sort_keys=True))

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
