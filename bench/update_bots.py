"""The two bots of bench_updates.py, each run as its own process so that its CPU time can be
read alone: `lotse` (the real application) or `echo` (a bare python-telegram-bot echo bot).
Both poll the fake Bot API given by TELEGRAM_API_BASE_URL, with concurrent updates and without
a rate limiter, until SIGINT."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


def echo_application(token: str, base: str) -> Application:
    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None:
            await message.reply_text(message.text or "ok")

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None:
            return
        await query.answer()
        await context.bot.send_message(query.message.chat.id, query.data or "ok")

    application = ApplicationBuilder().token(token).base_url(base).concurrent_updates(64).build()
    application.add_handler(MessageHandler(filters.ALL, on_message))
    application.add_handler(CallbackQueryHandler(on_button))
    return application


def lotse_application() -> Application:
    from bot.channels.telegram import build_application
    from bot.config import from_env

    if os.environ.get("BENCH_STUB"):  # Lotse's channel with a service that only says "ok"
        from bot.core.dialogue_io import Reply
        from bot.service import LotseService

        async def handle(self, channel, external_id, event, hint=None, deliver=None):
            replies = [Reply("ok")]
            if deliver is not None:
                await deliver(replies)
            return replies

        if os.environ["BENCH_STUB"] == "storage":  # the real core, sessions only in memory
            sessions: dict = {}

            async def load(self, key):
                return sessions.get(key)

            async def carry_out(self, channel, external_id, session, snapshot, outcome, world):
                sessions[(channel, external_id)] = (session, snapshot)

            LotseService._load = load  # type: ignore[method-assign]
            LotseService._carry_out = carry_out  # type: ignore[method-assign]
        else:
            LotseService.handle = handle  # type: ignore[method-assign]
    return build_application(from_env(os.environ), rate_limiter=None)


def webhook(application: Application) -> None:
    """Lotse in webhook mode (LOTSE_WEBHOOK_URL, LOTSE_LISTEN, LOTSE_WEBHOOK_SECRET) until
    SIGINT, as `lotse run --webhook` but without a rate limiter, like the polling bot here."""
    import signal

    from bot.channels.webhook import serve, stop
    from bot.config import from_env

    config = from_env(os.environ)

    async def run() -> None:
        server = await serve(application, config)
        stopping = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stopping.set)
        await stopping.wait()
        await stop(application, server)

    asyncio.run(run())


def main(kind: str) -> None:
    if kind == "lotse-webhook":
        webhook(lotse_application())
        return
    token, base = os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_API_BASE_URL"]
    application = echo_application(token, base) if kind == "echo" else lotse_application()
    asyncio.set_event_loop(asyncio.new_event_loop())
    application.run_polling(
        allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY], poll_interval=0.0, timeout=1
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if os.environ.get("BENCH_PROFILE"):  # where to write cProfile statistics of the bot
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            main(sys.argv[1])
        finally:
            profiler.disable()
            profiler.dump_stats(os.environ["BENCH_PROFILE"])
    else:
        main(sys.argv[1])
