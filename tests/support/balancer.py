"""A round-robin HTTP proxy on 127.0.0.1, as an operator puts one in front of two Lotse webhook
processes (nginx `upstream` with `proxy_next_upstream error`): each POST goes to the next
backend; a backend that refuses the connection is skipped, so a killed process costs nothing
but the request it was answering (that one gets 502 and Telegram posts it again).

`pin(i)` sends everything to one backend, so that a test knows which process got an update.
"""

from __future__ import annotations

import http.client
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TIMEOUT = 10.0


class Balancer:
    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.pinned: int | None = None
        self.served = [0] * len(ports)  # requests each backend answered
        self._turn = itertools.count()
        self._lock = threading.Lock()
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, payload = balancer.forward(self.path, dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Balancer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def pin(self, index: int | None) -> None:
        self.pinned = index

    def _order(self) -> list[int]:
        if self.pinned is not None:
            return [self.pinned]
        with self._lock:
            first = next(self._turn) % len(self.ports)
        return [(first + i) % len(self.ports) for i in range(len(self.ports))]

    def forward(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        for index in self._order():
            port = self.ports[index]
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            try:
                connection.request("POST", path, body, headers)
                answer = connection.getresponse()
                payload = answer.read()
            except ConnectionRefusedError:
                continue  # that process is gone: the next one
            except (OSError, http.client.HTTPException):
                return 502, b"bad gateway"  # it died while answering: Telegram tries again
            finally:
                connection.close()
            with self._lock:
                self.served[index] += 1
            return answer.status, payload
        return 502, b"no backend"
