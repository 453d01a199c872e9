"""The HTTP side: decoding PTB's form and multipart requests, and the threaded server."""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from tests.support.fake_bot_api.common import bad_request

if TYPE_CHECKING:
    from tests.support.fake_bot_api.server import FakeBotAPI

# Fields that PTB sends JSON-encoded; everything else is a plain string or JSON scalar.
_JSON_FIELDS = frozenset(
    {
        "results",
        "button",
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
    }
)
# Fields that must stay strings even when they look like numbers or booleans.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "parse_mode",
        "description",
        "short_description",
        "name",
        "action",
        "emoji",
        "document",
        "photo",
        "file_id",
        "inline_query_id",
        "next_offset",
        "icon_custom_emoji_id",
        "secret_token",
        "ip_address",
    }
)
_SCALAR_RE = re.compile(r"^(-?\d+|true|false)$")


def decode_value(key: str, value: str) -> Any:
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {key} JSON object") from exc
    if key not in _STRING_FIELDS and _SCALAR_RE.match(value):
        return json.loads(value)
    return value


class UploadedFile(dict[str, Any]):
    """A multipart file part: {"filename", "content" (bytes), "mime_type"}."""


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    # A small parser instead of `cgi` (deprecated, and warnings are errors here) or `email`
    # (mangles raw UTF-8 file names, which httpx sends unencoded).
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise bad_request("multipart boundary missing")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, Any] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = head.decode("utf-8", "replace")
        name_m = re.search(r'\bname="((?:[^"\\]|\\.)*)"', headers)
        if name_m is None:
            continue
        name = unquote(name_m.group(1))
        file_m = re.search(r'\bfilename="((?:[^"\\]|\\.)*)"', headers)
        if file_m is None:
            fields[name] = data.decode("utf-8")
            continue
        type_m = re.search(r"(?im)^content-type:\s*(\S+)", headers)
        files[name] = UploadedFile(
            filename=unquote(file_m.group(1)),
            content=data,
            mime_type=type_m.group(1) if type_m else None,
        )
    return fields, files


# --- the server --------------------------------------------------------------------------------


class APIServer(ThreadingHTTPServer):
    # Join the handler threads on server_close so nothing is left running after stop().
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    # A bot with concurrent updates opens dozens of connections at once; the default backlog
    # of 5 would refuse them (Telegram's servers do not).
    request_queue_size = 256

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        super().__init__(("127.0.0.1", 0), APIHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (cancelled long poll at shutdown) is normal, not an error.
        pass


class APIHandler(BaseHTTPRequestHandler):
    server: APIServer
    # HTTP/1.0: one request per connection, so no idle keep-alive socket blocks the shutdown.
    protocol_version = "HTTP/1.0"
    timeout = 10

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        if self.path.startswith("/file/"):  # a download (PTB's base_file_url)
            status, body, content_type = self.server.api.serve_file(self.path)
            self._answer(status, body, content_type)
        else:
            self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, payload = self.server.api.handle_http(
            self.path, self.headers.get("Content-Type", ""), body
        )
        self._answer(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _answer(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet
