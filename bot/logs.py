"""Logging: one line per event with its level; Lotse's own loggers at the configured level,
libraries at WARNING (python-telegram-bot and httpx log request URLs and parameters, which hold
the bot token and people's answers), and the token removed from every line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

OWN_LOGGERS = ("bot", "lotse")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces each secret (also inside tracebacks) by a placeholder."""

    def __init__(self, secrets: Iterable[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text


class StartupRetryLine(logging.Filter):
    """python-telegram-bot logs a failed start (Telegram unreachable, a wrong token) with its
    whole traceback before raising; `lotse run` then says what to fix in one sentence, so the
    library's record keeps its one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and "Network Retry Loop" in record.getMessage():
            record.exc_info = None
            record.exc_text = None
        return True


def setup(level: str, secrets: Iterable[str] = (), stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    handler.addFilter(StartupRetryLine())
    handler.set_name("lotse")
    root = logging.getLogger()
    # Replace only our own handler (a second call, or main() run by a test, keeps the others).
    root.handlers = [h for h in root.handlers if h.get_name() != "lotse"] + [handler]
    root.setLevel(logging.WARNING)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
