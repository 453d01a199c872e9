"""Inline mode: inline queries, answerInlineQuery, chosen results and inline messages.

A user types ``@bot query`` in any chat (`inline_query`); the bot answers with results; the user
picks one (`choose_inline_result`), which sends it as an inline message: a message the bot can
only reach by its inline_message_id (buttons on it give callback queries without ``message``,
editMessageText with inline_message_id edits it). Telegram sends the inline_message_id only
when the result has an inline keyboard. Needs ``FakeBotAPI(inline_mode=True)``, as a bot needs
inline mode switched on with @BotFather.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import JSON, MAX_TEXT, APIError, bad_request
from tests.support.fake_bot_api.markup import callback_data_of, validate_reply_markup
from tests.support.fake_bot_api.parse_mode import parse_text

MAX_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_NEXT_OFFSET_BYTES = 64
MAX_QUERY = 256  # characters a user can type after @bot
ANSWER_WINDOW = 10.0  # seconds the bot has to answer an inline query
CHAT_TYPES = ("sender", "private", "group", "supergroup", "channel")
RESULT_TYPES = frozenset(
    {
        "article",
        "audio",
        "contact",
        "document",
        "game",
        "gif",
        "location",
        "mpeg4_gif",
        "photo",
        "sticker",
        "venue",
        "video",
        "voice",
    }
)
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


def _missing(field: str) -> APIError:
    return bad_request(f"can't parse inline query result: Can't find field \"{field}\"")


def validate_inline_results(results: Any) -> list[JSON]:
    """Check answerInlineQuery's results like Telegram. Returns them, each article with
    ``_message``: the text and entities of the message a user sends by choosing it."""
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    checked: list[JSON] = []
    for result in results:
        if not isinstance(result, dict):
            raise bad_request("can't parse inline query result: result must be an Object")
        if result.get("type") not in RESULT_TYPES:
            raise bad_request("RESULT_TYPE_INVALID")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        result = copy.deepcopy(result)
        if result.get("reply_markup") is not None:
            validate_reply_markup(result["reply_markup"], inline_message=True)
        if result["type"] == "article":
            if not isinstance(result.get("title"), str) or not result["title"]:
                raise _missing("title")
            if not isinstance(result.get("input_message_content"), dict):
                raise _missing("input_message_content")
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            raw = content["message_text"]
            if not isinstance(raw, str) or not raw:
                raise bad_request("message text is empty")
            text, entities = parse_text(raw, content.get("parse_mode"), limit=MAX_TEXT)
            result["_message"] = {"text": text, "entities": entities}
        checked.append(result)
    return checked


class InlineMixin(BotAPIBase):
    """Users' inline queries and chosen results; answerInlineQuery; inline messages."""

    # --- simulated users ----------------------------------------------------------------------

    def inline_query(
        self,
        user_id: int,
        query: str,
        offset: str = "",
        *,
        chat_type: str = "private",
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> int:
        """Queue an inline query ("@bot query" typed in a chat of ``chat_type``)."""
        if not self.bot_user["supports_inline_queries"]:
            raise AssertionError("inline mode is off: use FakeBotAPI(inline_mode=True)")
        if len(query) > MAX_QUERY or chat_type not in CHAT_TYPES:
            raise AssertionError(f"no client sends a {chat_type!r} query of {len(query)} chars")
        with self._cond:
            user = self._user(user_id, first_name, language_code)
            update_id = next(self._update_ids)
            query_id = str(5_000_000_000 + update_id)
            self._inline_queries[query_id] = {
                "update_id": update_id,
                "user_id": user_id,
                "query": query,
                "date": self.clock(),
                "answer": None,
            }
            inline = {
                "id": query_id,
                "from": user,
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            }
            return self._queue({"update_id": update_id, "inline_query": inline})

    def choose_inline_result(
        self, user_id: int, result_id: str, *, query_update_id: int | None = None
    ) -> int:
        """The user taps a result of the bot's answer (to ``query_update_id``, else to their
        latest answered query): queues chosen_inline_result and returns its update_id. A
        result with an inline keyboard becomes an inline message (see `inline_message`)."""
        with self._cond:
            answered = [
                q
                for q in self._inline_queries.values()
                if q["user_id"] == user_id
                and q["answer"] is not None
                and query_update_id in (None, q["update_id"])
            ]
            if not answered:
                raise AssertionError(f"user {user_id} has no answered inline query")
            query = answered[-1]
            result = next((r for r in query["results"] if r["id"] == result_id), None)
            if result is None:
                shown = [r["id"] for r in query["results"]]
                raise AssertionError(f"no result {result_id!r} to choose; shown: {shown}")
            chosen: JSON = {
                "result_id": result_id,
                "from": self._user(user_id, None, None),
                "query": query["query"],
            }
            if result.get("reply_markup"):
                inline_message_id = f"inline-{next(self._inline_ids)}"
                self._inline_messages[inline_message_id] = {
                    # Shaped like a message so edits and sent_messages() treat it alike.
                    "message_id": None,
                    "chat": {"id": None},
                    **copy.deepcopy(result.get("_message", {})),
                    "reply_markup": copy.deepcopy(result["reply_markup"]),
                    "_inline_message_id": inline_message_id,
                    "_chat_instance": str(9_000_000 + next(self._inline_ids)),
                    "_result_id": result_id,
                }
                chosen["inline_message_id"] = inline_message_id
            update = {"update_id": next(self._update_ids), "chosen_inline_result": chosen}
            return self._queue(update)

    def press_inline_button(self, user_id: int, inline_message_id: str, callback_data: str) -> int:
        """Queue a callback query from a button on an inline message (it has no ``message``)."""
        with self._cond:
            message = self._inline_messages.get(inline_message_id)
            if message is None:
                raise AssertionError(f"no inline message {inline_message_id!r}")
            shown = callback_data_of(message.get("reply_markup"))
            if callback_data not in shown:
                raise AssertionError(f"no button {callback_data!r}; its buttons: {shown}")
            update_id = next(self._update_ids)
            query_id = str(4_000_000_000 + update_id)
            self._queries[query_id] = {"update_id": update_id, "answered": False}
            query = {
                "id": query_id,
                "from": self._user(user_id, None, None),
                "inline_message_id": inline_message_id,
                "chat_instance": message["_chat_instance"],
                "data": callback_data,
            }
            return self._queue({"update_id": update_id, "callback_query": query})

    # --- inspection ---------------------------------------------------------------------------

    def inline_answer(self, update_id: int) -> JSON | None:
        """The answerInlineQuery params (results parsed) for the query queued as update_id."""
        with self._cond:
            for query in self._inline_queries.values():
                if query["update_id"] == update_id:
                    return copy.deepcopy(query["answer"])
        raise KeyError(update_id)

    def inline_message(self, inline_message_id: str) -> JSON:
        """An inline message as users see it now: text, entities, reply_markup, buttons."""
        with self._cond:
            message = self._inline_messages[inline_message_id]
            return {
                "inline_message_id": inline_message_id,
                "result_id": message["_result_id"],
                "text": message.get("text"),
                "entities": copy.deepcopy(message.get("entities", [])),
                "reply_markup": copy.deepcopy(message.get("reply_markup")),
                "buttons": callback_data_of(message.get("reply_markup")),
            }

    # --- methods (called with the lock held) --------------------------------------------------

    def _answer_inline_query(self, params: JSON, files: dict[str, Any]) -> bool:
        query = self._inline_queries.get(str(params.get("inline_query_id", "")))
        if query is None or query["answer"] is not None:
            raise bad_request(_TOO_OLD)
        if self.clock() - query["date"] > ANSWER_WINDOW:
            raise bad_request(_TOO_OLD)
        results = validate_inline_results(params.get("results"))
        next_offset = params.get("next_offset", "")
        if not isinstance(next_offset, str) or len(next_offset.encode()) > MAX_NEXT_OFFSET_BYTES:
            raise bad_request("NEXT_OFFSET_INVALID")
        cache_time = params.get("cache_time", 300)
        if not isinstance(cache_time, int) or isinstance(cache_time, bool) or cache_time < 0:
            raise bad_request("can't parse cache_time")
        if not isinstance(params.get("is_personal", False), bool):
            raise bad_request("can't parse is_personal")
        button = params.get("button")
        start = button.get("start_parameter") if isinstance(button, dict) else None
        if start is not None and not _START_PARAMETER.fullmatch(str(start)):
            raise bad_request("START_PARAM_INVALID")  # the /start payload of a deep link
        query["results"] = results  # with the message each one sends
        public = [{k: v for k, v in r.items() if k != "_message"} for r in results]
        query["answer"] = {**params, "results": public}
        return True
