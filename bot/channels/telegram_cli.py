"""Telegram for the command line: a bot for one-off calls (`lotse doctor`, `lotse grant`) and
the sentence for what stopped `lotse run` before it could start."""

from __future__ import annotations

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.config import Config


def plain_bot(config: Config) -> Bot:
    """A Bot for one-off calls from the command line (getMe), on TELEGRAM_API_BASE_URL when
    it is set."""
    if config.api_base_url:
        return Bot(config.telegram_token, base_url=config.api_base_url.rstrip("/"))
    return Bot(config.telegram_token)


def telegram_problem(exc: BaseException) -> tuple[str, str] | None:
    """What went wrong talking to Telegram and what to fix, when the operator can fix it."""
    if isinstance(exc, InvalidToken):
        return "Telegram refuses TELEGRAM_BOT_TOKEN", "copy it again from @BotFather"
    if isinstance(exc, NetworkError):
        return (f"Telegram cannot be reached ({exc.message})",
                "check the network, a proxy, or TELEGRAM_API_BASE_URL")  # fmt: skip
    return None


def startup_problem(exc: BaseException) -> str | None:
    """One sentence for what stopped `lotse run` that the operator can fix, or None."""
    problem = telegram_problem(exc)
    return f"{problem[0]}; {problem[1]}." if problem else None
