"""Webhook mode: Telegram posts each update to us instead of being asked for it.

A small tornado server (python-telegram-bot's own webhook extra) with two routes: the webhook
path, which refuses a request without the right `X-Telegram-Bot-Api-Secret-Token` with 403
(compared in constant time) and handles the update before it answers, and `GET /healthz`,
which says whether the database answers. An update Telegram posts again (it does when an
answer was late) is handled once: the last day's update ids are kept.

Why handled before answering: Telegram posts a chat's next update only after the webhook
answered the one before (other chats' updates come meanwhile, on other connections). So with
several processes behind one URL, a person's second update cannot overtake their first on
another process; answering at once would let it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from urllib.parse import urlsplit

import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.channels.telegram import ALLOWED_UPDATES, SERVICE, build_application
from bot.config import Config, ConfigError
from bot.service import LotseService

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookHandler(tornado.web.RequestHandler):
    def initialize(self, lotse: Application, secret: str) -> None:
        self.application_, self.secret = lotse, secret.encode()

    async def post(self) -> None:
        given = (self.request.headers.get(SECRET_HEADER) or "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.info("a webhook request without the right secret was refused")
            raise tornado.web.HTTPError(403)
        try:
            data = json.loads(self.request.body or b"{}")
            update = Update.de_json(data, self.application_.bot)
        except (ValueError, TypeError, KeyError):
            raise tornado.web.HTTPError(400) from None
        if update is None:
            raise tornado.web.HTTPError(400)
        service: LotseService = self.application_.bot_data[SERVICE]
        if await service.seen_update(update.update_id):
            log.info("update %d came again; handled once", update.update_id)
            self.set_status(200)
            return
        await self.application_.process_update(update)  # errors go to the error handler
        self.set_status(200)

    def check_xsrf_cookie(self) -> None:  # Telegram sends no cookies
        return None


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, lotse: Application) -> None:
        self.application_ = lotse

    async def get(self) -> None:
        service: LotseService | None = self.application_.bot_data.get(SERVICE)
        ok = service is not None and await service.healthy()
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "text/plain")
        self.finish("ok\n" if ok else "not ready\n")


def listen_address(config: Config) -> tuple[str, int]:
    host, _, port = config.listen.rpartition(":")
    if not port.isdigit():
        raise ConfigError("LOTSE_LISTEN must be address:port, e.g. 127.0.0.1:8080.")
    return host or "127.0.0.1", int(port)


def web_app(application: Application, config: Config) -> tornado.web.Application:
    path = urlsplit(config.webhook_url).path or "/"
    return tornado.web.Application([
        (path, WebhookHandler, {"lotse": application, "secret": config.webhook_secret}),
        ("/healthz", HealthHandler, {"lotse": application}),
    ])  # fmt: skip


async def serve(application: Application, config: Config) -> tornado.httpserver.HTTPServer:
    """Start the application (without polling), the web server, and set the webhook."""
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.start()
    host, port = listen_address(config)
    server = web_app(application, config).listen(port, address=host)
    await application.bot.set_webhook(
        config.webhook_url, secret_token=config.webhook_secret,
        allowed_updates=ALLOWED_UPDATES,
    )  # fmt: skip
    log.info("Lotse listens for its webhook on %s:%d", host, port)
    return server


async def stop(application: Application, server: tornado.httpserver.HTTPServer) -> None:
    server.stop()
    await application.stop()
    assert application.post_stop is not None
    await application.post_stop(application)
    await application.shutdown()
    assert application.post_shutdown is not None
    await application.post_shutdown(application)


def run_webhook(config: Config) -> None:
    config.require_webhook()
    application = build_application(config)

    async def main() -> None:
        server = await serve(application, config)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        await stopping.wait()
        await stop(application, server)

    asyncio.run(main())
