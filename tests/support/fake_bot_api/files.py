"""Files up and down: users send documents and photos, the bot sends them and downloads them.

Every file the fake knows is in ``_files`` by file_id, with its bytes. ``getFile`` gives it a
``file_path``; PTB then downloads ``GET /file/bot<token>/<file_path>`` (its ``base_file_url``).
Telegram's limits for bots: uploads up to 50 MB, downloads (getFile) up to 20 MB; PTB uses the
same decimal megabytes (``telegram.constants.FileSizeLimit``).
"""

from __future__ import annotations

import json
import mimetypes
import os.path
import struct
from typing import Any
from urllib.parse import unquote

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import JSON, MAX_CAPTION, APIError, bad_request
from tests.support.fake_bot_api.parse_mode import parse_text
from tests.support.fake_bot_api.wire import UploadedFile

MAX_UPLOAD = 50_000_000
MAX_DOWNLOAD = 20_000_000
# Telegram keeps a photo's sides at most 10000 together and at most 20:1.
MAX_PHOTO_SIDES = 10_000
MAX_PHOTO_RATIO = 20
# The longest side of each size Telegram makes of a photo (s, m, x, y), then the photo itself.
_PHOTO_SIDES = (90, 320, 800, 1280)
_MAX_PHOTO_SIDE = 2560


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or BMP; None for a WebP (accepted, size unknown).

    Raises IMAGE_PROCESS_FAILED for bytes that are no image, as Telegram does for sendPhoto.
    """
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return width, height
    if content.startswith(b"BM") and len(content) >= 26:
        width, height = struct.unpack("<ii", content[18:26])
        return abs(width), abs(height)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return None
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 <= len(content) and content[i] == 0xFF:
            marker = content[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return width, height
            i += 2 + struct.unpack(">H", content[i + 2 : i + 4])[0]
    raise bad_request("IMAGE_PROCESS_FAILED")


def _too_large() -> APIError:
    # Telegram's front server refuses the request itself, before the Bot API sees it.
    return APIError(413, "Request Entity Too Large")


class FilesMixin(BotAPIBase):
    """Documents and photos from users and from the bot; getFile and the download URL."""

    # --- simulated users ----------------------------------------------------------------------

    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        """Queue a message with a document (any size; getFile refuses more than 20 MB)."""
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        with self._cond:
            file = self._register_file("document", content, name=filename, mime_type=mime_type)
        document: JSON = {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        message: JSON = {"document": document}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(
            user_id,
            message,
            first_name,
            language_code,
            chat_type,
            chat_id,
            message_thread_id=message_thread_id,
        )

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
        with self._cond:
            file = self._register_file("sticker", bytes(20480), extension=".webp")
        sticker: JSON = {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
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
        content: bytes | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        """Queue a photo message; without ``content``, three sizes of placeholder bytes."""
        with self._cond:
            if content is None:
                number = next(self._file_ids)
                sizes = []
                for side in (90, 320, 800):
                    file = self._register_file(
                        "photo",
                        bytes(side * 100),
                        file_id=f"photo-{number}-{side}",
                        file_unique_id=f"uphoto{number}{side}",
                        extension=".jpg",
                    )
                    sizes.append(self._photo_size(file, side, side * 3 // 4, side * 100))
            else:
                sizes = self._photo_sizes(content)
        message: JSON = {"photo": sizes}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(
            user_id,
            message,
            first_name,
            language_code,
            chat_type,
            chat_id,
            message_thread_id=message_thread_id,
        )

    # --- methods (called with the lock held) --------------------------------------------------

    def _send_document(self, params: JSON, files: dict[str, Any]) -> JSON:
        chat_id = self._chat_for_send(params, "sendDocument")
        document = self._input_file(params, files, "document")
        if isinstance(document, UploadedFile):
            content = self._upload_content(document)
            file = self._register_file(
                "document", content, name=document["filename"], mime_type=document["mime_type"]
            )
            upload = {
                "file_name": document["filename"],
                "mime_type": document["mime_type"],
                "content": content,
            }
        else:
            file = self._known_file(document, "document")
            upload = {
                "file_name": file.get("file_name"),
                "mime_type": file.get("mime_type"),
                "content": file["content"],
                "file_id": document,
            }
        attributes = {k: v for k, v in upload.items() if k in ("file_name", "mime_type") and v}
        content_json: JSON = {
            "document": {
                "file_id": file["file_id"],
                "file_unique_id": file["file_unique_id"],
                **attributes,
                "file_size": len(file["content"] or b""),
            },
            "_upload": upload,
        }
        return self._send_media("sendDocument", chat_id, params, content_json)

    def _send_photo(self, params: JSON, files: dict[str, Any]) -> JSON:
        chat_id = self._chat_for_send(params, "sendPhoto")
        photo = self._input_file(params, files, "photo")
        if isinstance(photo, UploadedFile):
            content = self._upload_content(photo)
            sizes = self._photo_sizes(content)
            upload = {
                "file_name": photo["filename"],
                "mime_type": photo["mime_type"],
                "content": content,
            }
        else:
            file = self._known_file(photo, "photo")
            sizes = [dict(s) for s in file["sizes"]]
            upload = {"file_name": None, "mime_type": None, "content": file["content"]}
            upload["file_id"] = photo
        content_json: JSON = {"photo": sizes, "_upload": upload}
        return self._send_media("sendPhoto", chat_id, params, content_json)

    def _get_file(self, params: JSON, files: dict[str, Any]) -> JSON:
        file = self._files.get(str(params.get("file_id", "")))
        if file is None or file["content"] is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if len(file["content"]) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        if file["file_path"] is None:
            file["file_path"] = f"{file['kind']}s/file_{next(self._file_paths_made)}{file['ext']}"
            self._file_paths[file["file_path"]] = file["file_id"]
        return {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "file_size": len(file["content"]),
            "file_path": file["file_path"],
        }

    # --- the download URL ---------------------------------------------------------------------

    def serve_file(self, path: str) -> tuple[int, bytes, str]:
        """Answer ``GET /file/bot<token>/<file_path>``: (status, body, content type)."""
        prefix = f"/file/bot{self.token}/"
        path = unquote(path.split("?", 1)[0])  # PTB quotes the URL (the token's ":" too)
        file_path = path.removeprefix(prefix)
        with self._cond:
            file_id = self._file_paths.get(file_path) if path.startswith(prefix) else None
            if file_id is None:
                code, description = (404, "Not Found")
                if not path.startswith(prefix):
                    code, description = (401, "Unauthorized")
                self.errors.append(("download", description))
                answer = {"ok": False, "error_code": code, "description": description}
                return code, json.dumps(answer).encode(), "application/json"
            file = self._files[file_id]
            kind = file["mime_type"] or mimetypes.guess_type(file_path)[0]
            return 200, bytes(file["content"]), kind or "application/octet-stream"

    # --- internals ----------------------------------------------------------------------------

    def _register_file(
        self,
        kind: str,
        content: bytes | None,
        *,
        name: str | None = None,
        mime_type: str | None = None,
        file_id: str | None = None,
        file_unique_id: str | None = None,
        extension: str | None = None,
    ) -> JSON:
        """Remember a file by its file_id; getFile gives it a path like documents/file_3.pdf."""
        number = next(self._file_ids)
        file: JSON = {
            "file_id": file_id or f"{kind}-{number}",
            "file_unique_id": file_unique_id or f"u{kind}{number}",
            "kind": kind,
            "content": content,
            "file_name": name,
            "mime_type": mime_type,
            "ext": os.path.splitext(name or "")[1].lower() if extension is None else extension,
            "file_path": None,
        }
        self._files[file["file_id"]] = file
        return file

    @staticmethod
    def _photo_size(file: JSON, width: int, height: int, size: int) -> JSON:
        return {
            "file_id": file["file_id"],
            "file_unique_id": file["file_unique_id"],
            "width": width,
            "height": height,
            "file_size": size,
        }

    def _photo_sizes(self, content: bytes) -> list[JSON]:
        """The sizes Telegram makes of a photo, smallest first; every one serves the original
        bytes here (the fake does not scale images)."""
        dimensions = image_size(content) or (512, 512)
        width, height = dimensions
        if width < 1 or height < 1 or width + height > MAX_PHOTO_SIDES:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        if max(width, height) > MAX_PHOTO_RATIO * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        longest = max(width, height)
        sides = [s for s in _PHOTO_SIDES if s < longest] + [min(longest, _MAX_PHOTO_SIDE)]
        number = next(self._file_ids)
        sizes: list[JSON] = []
        files: list[JSON] = []
        for side in sides:
            scale = side / longest
            w, h = max(1, round(width * scale)), max(1, round(height * scale))
            file = self._register_file(
                "photo",
                content,
                file_id=f"photo-{number}-{side}",
                file_unique_id=f"uphoto{number}{side}",
                extension=".jpg",
            )
            files.append(file)
            sizes.append(self._photo_size(file, w, h, max(1, round(len(content) * scale**2))))
        for file in files:  # so a photo sent again by any of its file_ids keeps all sizes
            file["sizes"] = sizes
        return [dict(s) for s in sizes]

    def _input_file(self, params: JSON, files: dict[str, Any], field: str) -> Any:
        """An InputFile parameter: an upload (multipart part), a file_id or a URL."""
        value = params.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            value = files.get(value.removeprefix("attach://"))
        elif value is None:
            value = files.get(field)
        if value is None or value == "":
            raise bad_request(f"there is no {field} in the request")
        return value

    @staticmethod
    def _upload_content(upload: UploadedFile) -> bytes:
        content: bytes = upload["content"]
        if not content:
            raise bad_request("file must be non-empty")
        if len(content) > MAX_UPLOAD:
            raise _too_large()
        return content

    def _known_file(self, file_id: str, kind: str) -> JSON:
        """A file sent again by file_id, or by URL (which this offline fake cannot fetch)."""
        if isinstance(file_id, str) and file_id.startswith(("http://", "https://")):
            file = self._register_file(kind, None)
            file["sizes"] = [self._photo_size(file, 512, 512, 0)]
            return file
        file = self._files.get(file_id) if isinstance(file_id, str) else None
        if file is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if file["kind"] != kind:
            raise bad_request(f"can't use file of type {file['kind'].title()} as {kind.title()}")
        return file

    def _send_media(self, method: str, chat_id: int, params: JSON, content: JSON) -> JSON:
        raw_caption = params.get("caption")
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
        thread_id = self._thread_for_send(chat_id, params)
        thread_id, replied = self._reply_for_send(chat_id, params, thread_id)
        message = self._bot_message(chat_id, content, thread_id, replied)
        self._record(method, message, raw_caption, params.get("parse_mode"))
        return self._public(message)
