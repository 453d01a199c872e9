"""An event as an iCalendar file (RFC 5545), for the person's own calendar app."""

from __future__ import annotations

from datetime import datetime

from bot.core.events import Event

PRODUCT = "-//Lotse//Events//EN"
_LINE_OCTETS = 75


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space; never inside a
    UTF-8 character."""
    parts, current = [], ""
    for char in line:
        limit = _LINE_OCTETS if not parts else _LINE_OCTETS - 1
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%SZ}"


def calendar_file(event: Event, title: str, description: str, now: datetime) -> bytes:
    """`title` in the reader's language (with the German name), `description` plain text."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.id.lower()}@lotse.invalid",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(event.start)}",
        f"DTEND:{_utc(event.end)}",
        f"SUMMARY:{_escape(title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
    ]
    if event.place:
        lines.append(f"LOCATION:{_escape(event.place)}")
    if event.lat is not None and event.lon is not None:
        lines.append(f"GEO:{event.lat:.5f};{event.lon:.5f}")
    if event.online_url:
        lines.append(f"URL:{event.online_url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
