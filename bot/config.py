"""Settings from environment variables, read in one place (`from_env`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENT = {
    "TELEGRAM_BOT_TOKEN": "the bot token from @BotFather; needed only for `lotse run`",
    "TELEGRAM_API_BASE_URL": "optional self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot",
    "LOTSE_DATABASE": "SQLite file (default: lotse.sqlite3 in the current folder), or a "
    "postgresql:// URL",
    "LOTSE_DATA": "catalogue folder (default: the repository's data/)",
    "LOTSE_TIMEZONE": "time zone of the district (default: Europe/Berlin)",
    "LOTSE_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR (default: INFO)",
    "LOTSE_ADMINS": "Telegram user ids of the admins, comma-separated (all districts)",
    "LOTSE_BOT_USERNAME": "the bot's @username for invitation links when no token is set",
    "LOTSE_OVERALL_RATE": "messages per second to Telegram in all (default 30)",
    "LOTSE_BULK_RATE": "of those, messages per second for broadcasts and reminders (default 25)",
    "LOTSE_WEBHOOK_URL": "webhook mode: the public https URL Telegram posts updates to",
    "LOTSE_LISTEN": "webhook mode: address:port to listen on (default 127.0.0.1:8080)",
    "LOTSE_WEBHOOK_SECRET": "webhook mode (required): the secret Telegram sends with each update",
    "LOTSE_OPERATOR_NAME": "who runs this Lotse, shown in /privacy (e.g. Landkreis Helmstedt)",
    "LOTSE_OPERATOR_CONTACT": "how to reach them about data protection, shown in /privacy",
    "LOTSE_RETENTION_DAYS": "erase a person after this many days without use (default 365)",
    "LOTSE_BROADCASTS_PER_DAY": "at most this many broadcasts reach one person a day (default 2)",
}


class ConfigError(ValueError):
    """A missing or wrong setting; the message is one sentence naming the variable."""


@dataclass(frozen=True)
class Config:
    telegram_token: str = field(default="", repr=False)
    api_base_url: str = ""
    database: Path | str = Path("lotse.sqlite3")  # a SQLite file, or a postgresql:// URL
    data: Path = ROOT / "data"
    timezone: str = "Europe/Berlin"
    log_level: str = "INFO"
    conversations: Path = ROOT / "conversations"
    locales: Path = ROOT / "locales"
    admins: tuple[str, ...] = ()  # Telegram user ids
    bot_username: str = ""
    overall_rate: float = 30.0
    bulk_rate: float = 25.0
    broadcasts_per_day: int = 2
    retention_days: int = 365
    operator_name: str = ""
    operator_contact: str = ""
    webhook_url: str = ""
    listen: str = "127.0.0.1:8080"
    webhook_secret: str = ""

    def __repr__(self) -> str:
        token = "set (hidden)" if self.telegram_token else "not set"
        return (
            f"Config(telegram_token={token}, api_base_url={self.api_base_url!r}, "
            f"database={shown_database(self.database)!r}, data={str(self.data)!r}, "
            f"timezone={self.timezone!r})"
        )

    def require_webhook(self) -> None:
        """Webhook mode needs a token, the public URL and a secret (1-256 of A-Za-z0-9_-)."""
        self.require_token()
        if not self.webhook_url:
            raise ConfigError("LOTSE_WEBHOOK_URL is not set: the https URL Telegram posts to.")
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", self.webhook_secret):
            raise ConfigError(
                "LOTSE_WEBHOOK_SECRET must be set: 16 to 256 characters of A-Z, a-z, 0-9, _ and -."
            )

    def require_token(self) -> str:
        if not self.telegram_token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it."
            )
        return self.telegram_token


def shown_database(database: Path | str) -> str:
    """The database for logs: a PostgreSQL URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", str(database))


def from_env(env: Mapping[str, str]) -> Config:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token and (":" not in token or " " in token):
        raise ConfigError("TELEGRAM_BOT_TOKEN looks wrong: a token looks like 123456:ABC-def.")
    base_url = env.get("TELEGRAM_API_BASE_URL", "").strip()
    if base_url:
        parsed = urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(
                "TELEGRAM_API_BASE_URL must be an http(s) address, e.g. http://127.0.0.1:8081/bot."
            )
    data = Path(env.get("LOTSE_DATA") or ROOT / "data")
    if not (data / "districts.csv").is_file():
        raise ConfigError(f"LOTSE_DATA points to {data}, which has no districts.csv.")
    timezone = env.get("LOTSE_TIMEZONE", "").strip() or "Europe/Berlin"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"LOTSE_TIMEZONE {timezone!r} is not a known time zone.") from exc
    log_level = (env.get("LOTSE_LOG_LEVEL", "").strip() or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("LOTSE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR.")
    raw_database = env.get("LOTSE_DATABASE", "").strip() or "lotse.sqlite3"
    database: Path | str = (
        raw_database if raw_database.startswith(("postgresql://", "postgres://"))
        else Path(raw_database)
    )  # fmt: skip
    admins = tuple(a.strip() for a in env.get("LOTSE_ADMINS", "").split(",") if a.strip())
    if not all(a.isdigit() for a in admins):
        raise ConfigError("LOTSE_ADMINS must be Telegram user ids (numbers), comma-separated.")
    username = env.get("LOTSE_BOT_USERNAME", "").strip().lstrip("@")
    rates = []
    for name, default in (("LOTSE_OVERALL_RATE", 30.0), ("LOTSE_BULK_RATE", 25.0)):
        try:
            rates.append(float(env.get(name, "").strip() or default))
        except ValueError:
            raise ConfigError(f"{name} must be a number of messages per second.") from None
    if not 0 < rates[1] <= rates[0]:
        raise ConfigError("LOTSE_BULK_RATE must be above 0 and at most LOTSE_OVERALL_RATE.")
    per_day = env.get("LOTSE_BROADCASTS_PER_DAY", "").strip() or "2"
    if not per_day.isdigit() or int(per_day) < 1:
        raise ConfigError("LOTSE_BROADCASTS_PER_DAY must be a whole number, 1 or more.")
    retention = env.get("LOTSE_RETENTION_DAYS", "").strip() or "365"
    if not retention.isdigit() or int(retention) < 30:
        raise ConfigError("LOTSE_RETENTION_DAYS must be a whole number of days, 30 or more.")
    return Config(
        telegram_token=token,
        api_base_url=base_url,
        database=database,
        data=data,
        timezone=timezone,
        log_level=log_level,
        admins=admins,
        bot_username=username,
        overall_rate=rates[0],
        bulk_rate=rates[1],
        broadcasts_per_day=int(per_day),
        retention_days=int(retention),
        operator_name=env.get("LOTSE_OPERATOR_NAME", "").strip(),
        operator_contact=env.get("LOTSE_OPERATOR_CONTACT", "").strip(),
        webhook_url=env.get("LOTSE_WEBHOOK_URL", "").strip(),
        listen=env.get("LOTSE_LISTEN", "").strip() or "127.0.0.1:8080",
        webhook_secret=env.get("LOTSE_WEBHOOK_SECRET", "").strip(),
    )
