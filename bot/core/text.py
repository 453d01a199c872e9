"""The translator seam and the small helpers every reply builder needs."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Protocol

from bot.core.bidi import is_rtl, isolate


class Translator(Protocol):
    """Messages and formats in one language; built by `bot.i18n`, passed in, never global."""

    language: str

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def pgettext(self, context: str, message: str) -> str: ...

    def format_number(self, number: float) -> str: ...

    def format_currency(self, amount: float, currency: str) -> str: ...

    def format_date(self, day: date) -> str: ...

    def format_month(self, day: date) -> str:
        """The month and year of a day: "March 2009"."""
        ...

    def format_day(self, day: date) -> str:
        """With the weekday: "Thursday, 3 December 2026"."""
        ...

    def format_time(self, moment: datetime) -> str:
        """The wall-clock time of an aware datetime, in its own zone: "18:00"."""
        ...

    def format_clock(self, moment: time) -> str:
        """A time of day: "08:30" (or "8:30 AM")."""
        ...

    def weekday_name(self, weekday: int) -> str:
        """The short name of a weekday, 0 = Monday: "Mon"."""
        ...

    def month_name(self, month: int) -> str:
        """The name of a month on its own, 1 = January: "February"."""
        ...

    def format_duration(self, span: timedelta) -> str:
        """A rounded duration: "1 day", "2 hours"."""
        ...

    def territory_name(self, code: str) -> str:
        """A country's name from its ISO code: "GE" -> "Georgien" in German."""
        ...

    def format_list(self, items: Sequence[str]) -> str:
        """ "24 hours and 2 hours", joined as the language joins a list."""
        ...


def N_(message: str) -> str:
    """Mark a message id for extraction; it is translated where it is shown."""
    return message


def esc(text: str) -> str:
    """Escape for Telegram's HTML parse mode (it accepts only &lt; &gt; &amp; &quot;)."""
    return html.escape(text, quote=True).replace("&#x27;", "'")


def ltr(t: Translator, fragment: str) -> str:
    """Isolate a left-to-right fragment when the reader's language runs right to left."""
    return isolate(fragment) if is_rtl(t.language) else fragment


def bold(text_html: str) -> str:
    return f"<b>{text_html}</b>"


def html_format(template: str, **values: str) -> str:
    """Fill a translated template; the template and every value are escaped for HTML. A value
    that ends with a dot (Ukrainian and Russian dates: "1 грудня 2026 р.") takes the place of
    the sentence's own full stop, so that no ".." appears."""
    escaped = esc(template)
    for name, value in values.items():
        if str(value).endswith("."):
            escaped = escaped.replace(f"{{{name}}}.", f"{{{name}}}")
    return escaped.format(**{name: esc(str(value)) for name, value in values.items()})
