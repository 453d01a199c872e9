"""Files: sendDocument."""

from __future__ import annotations

from typing import Any

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import JSON, MAX_CAPTION, bad_request
from tests.support.fake_bot_api.parse_mode import parse_text
from tests.support.fake_bot_api.wire import UploadedFile


class FilesMixin(BotAPIBase):
    """Files the bot sends."""

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

