"""Webhooks: setWebhook, deleteWebhook, getWebhookInfo, and delivery as Telegram does it.

While a webhook is set, getUpdates answers 409 and background threads POST the queued updates
to the webhook as JSON, with the X-Telegram-Bot-Api-Secret-Token header when a secret is set,
as Telegram's Bot API server does (its WebhookActor): updates of one chat one at a time and in
order, the next only after the webhook answered the one before; different chats at once, up to
``max_connections`` (at most DELIVERY_THREADS here). An update leaves the queue only when the
webhook answers 2xx; otherwise it is tried again after ``webhook_retry_delay`` seconds and
getWebhookInfo shows the error. Telegram accepts only https URLs (ports 443, 80, 88, 8443);
this fake also accepts ``http://127.0.0.1:<any port>/...`` and only ever connects there
(nothing leaves the machine).
`post_update` lets a test post to the bot's webhook itself, with a wrong or no secret.
"""

from __future__ import annotations

import copy
import http.client
import json
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.support.fake_bot_api.base import BotAPIBase
from tests.support.fake_bot_api.common import JSON, bad_request

WEBHOOK_PORTS = (443, 80, 88, 8443)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_SECRET = 256
_SECRET = re.compile(r"[A-Za-z0-9_-]*")
_LOOPBACK = "127.0.0.1"
POST_TIMEOUT = 5.0  # seconds the fake waits for the webhook's answer
DELIVERY_THREADS = 8  # connections at once (Telegram's default max_connections is 40)


def chat_of(update: JSON) -> object:
    """What Telegram orders updates by: the chat (or the user, for inline queries); an update
    without one is ordered with nothing."""
    for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
        chat = update.get(kind, {}).get("chat", {}).get("id")
        if chat is not None:
            return chat
    query = update.get("callback_query") or {}
    chat = (query.get("message") or {}).get("chat", {}).get("id")
    if chat is None:
        chat = query.get("from", {}).get("id")
    if chat is not None:
        return chat
    user = update.get("inline_query", {}).get("from", {}).get("id")
    return user if user is not None else ("update", update.get("update_id"))


def check_webhook_url(url: str) -> None:
    """Refuse a URL Telegram would refuse (http://127.0.0.1 is allowed here for tests)."""
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname == _LOOPBACK:
        return
    if parts.scheme != "https" or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parts.port or 443) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


def check_secret_token(secret: Any) -> str | None:
    if secret in (None, ""):
        return None
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if len(secret) > MAX_SECRET:
        raise bad_request("secret token is too long")
    return secret


async def post_update(
    url: str,
    update: JSON,
    *,
    secret_token: str | None = None,
    content_type: str = "application/json",
) -> httpx.Response:
    """POST an update to a webhook on 127.0.0.1 as Telegram would, or as an impostor would
    (a wrong or missing ``secret_token``). Async, so a webhook server on the test's own event
    loop (PTB's) can answer."""
    if urlsplit(url).hostname != _LOOPBACK:
        raise ValueError("post_update only posts to 127.0.0.1")
    headers = {"Content-Type": content_type}
    if secret_token is not None:
        headers[SECRET_HEADER] = secret_token
    async with httpx.AsyncClient(trust_env=False) as client:  # never through a proxy
        return await client.post(url, content=json.dumps(update), headers=headers)


def _post(url: str, update: JSON, secret: str | None) -> tuple[int | None, str]:
    """One delivery attempt: (HTTP status or None, the error Telegram would report)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(_LOOPBACK, parts.port or 80, timeout=POST_TIMEOUT)
    headers = {"Content-Type": "application/json"}
    if secret:
        headers[SECRET_HEADER] = secret
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=json.dumps(update).encode(), headers=headers)
        response = connection.getresponse()
        response.read()
        return (
            response.status,
            f"Wrong response from the webhook: {response.status} {response.reason}",
        )
    except ConnectionRefusedError:
        return None, "Connection refused"
    except TimeoutError:
        return None, "Read timeout expired"
    except OSError as exc:
        return None, f"Connection failed: {exc}"
    finally:
        connection.close()


class WebhookMixin(BotAPIBase):
    """setWebhook, deleteWebhook, getWebhookInfo and the delivery thread."""

    # --- inspection ---------------------------------------------------------------------------

    def webhook_attempts(self) -> list[tuple[int, int | None]]:
        """Every delivery attempt so far: (update_id, HTTP status, None if no answer)."""
        with self._cond:
            return list(self._webhook_attempts)

    # --- methods (called with the lock held) --------------------------------------------------

    def _set_webhook(self, params: JSON, files: dict[str, Any]) -> bool:
        url = params.get("url")
        if not isinstance(url, str):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if url == "":  # Telegram: an empty URL removes the webhook
            return self._delete_webhook(params, files)
        check_webhook_url(url)
        secret = check_secret_token(params.get("secret_token"))
        max_connections = params.get("max_connections", 40)
        if not isinstance(max_connections, int) or not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = self._allowed_updates_param(params)
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._webhook = {"url": url, "secret_token": secret, "max_connections": max_connections}
        self._webhook_error = None
        self._webhook_next_try = 0.0
        if allowed is not None:
            self._allowed_updates = allowed
        self._cond.notify_all()  # wake the delivery thread
        return True

    def _delete_webhook(self, params: JSON, files: dict[str, Any]) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSON, files: dict[str, Any]) -> JSON:
        self._drop_unwanted()
        webhook = self._webhook
        info: JSON = {
            "url": webhook["url"] if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if webhook:
            info["max_connections"] = webhook["max_connections"]
            info["ip_address"] = _LOOPBACK
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        if self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    # --- the delivery thread ------------------------------------------------------------------

    def _start_background(self) -> None:
        super()._start_background()
        self._webhook_threads = [
            threading.Thread(target=self._deliver_forever, daemon=True,
                             name=f"FakeBotAPI-webhook:{self.port}:{n}")
            for n in range(DELIVERY_THREADS)
        ]  # fmt: skip
        for thread in self._webhook_threads:
            thread.start()

    def _stop_background(self) -> None:
        # Called with _stopping set: each thread ends after its current attempt.
        with self._cond:
            self._cond.notify_all()
        for thread in self._webhook_threads:
            thread.join()
        self._webhook_threads = []
        super()._stop_background()

    def _deliver_forever(self) -> None:
        while True:
            with self._cond:
                job = self._next_delivery()
                while job is None:
                    if self._stopping:
                        return
                    wait = max(0.01, self._webhook_next_try - time.monotonic())
                    self._cond.wait(min(wait, 0.5))
                    job = self._next_delivery()
            update, url, secret, queued = job
            chat = chat_of(queued)
            status, error = _post(url, update, secret)  # without the lock: it may take a while
            with self._cond:
                self._in_flight.discard(chat)
                self._webhook_attempts.append((update["update_id"], status))
                if status is not None and 200 <= status < 300:
                    self._updates = [u for u in self._updates if u is not queued]
                else:
                    self._webhook_error = (self._now(), error)
                    self._webhook_next_try = time.monotonic() + self.webhook_retry_delay
                self._cond.notify_all()  # that chat's next update may go now

    def _next_delivery(self) -> tuple[JSON, str, str | None, JSON] | None:
        """The next update to post (a copy, the URL, the secret, the queued original)."""
        if self._stopping or self._webhook is None or time.monotonic() < self._webhook_next_try:
            return None
        self._drop_unwanted()
        if not self._updates:
            return None
        url = self._webhook["url"]
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname != _LOOPBACK:
            # A real https URL: this offline fake never connects to it.
            self._webhook_error = (self._now(), "fake Bot API: delivers to http://127.0.0.1 only")
            self._webhook_next_try = time.monotonic() + self.webhook_retry_delay
            return None
        if len(self._in_flight) >= self._webhook["max_connections"]:
            return None
        # The oldest update of a chat that has none on the way: a chat's updates stay in order.
        first = next((u for u in self._updates if chat_of(u) not in self._in_flight), None)
        if first is None:
            return None
        self._in_flight.add(chat_of(first))
        return copy.deepcopy(first), url, self._webhook["secret_token"], first
