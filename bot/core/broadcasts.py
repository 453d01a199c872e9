"""Broadcasts as the core sees them: who a segment reaches, what a draft holds, and what a
progress report counts. Pure: the service reads and writes them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.core.catalogue import Catalogue
from bot.core.person import MonthSpan, age_at
from bot.core.profile import Profile
from bot.core.report import AGE_BANDS, OTHER_AGE, UNKNOWN

DIMENSIONS = ("places", "ages", "statuses", "levels", "interests", "languages")
ACTIVE_CHOICES = (0, 7, 30, 90)  # "active in the last N days"; 0: everyone
EXPIRY_HOURS = 48
EXPIRY_CHOICES = (12, 24, 48, 72)  # the composer's button cycles through these
DUPLICATE_HOURS = 48
DAILY_CAP = 2  # broadcasts per person and day


@dataclass(frozen=True)
class Segment:
    """Who a broadcast is for, inside one district; an empty choice means everyone."""

    places: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()  # age bands, as in the needs report
    statuses: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    active_days: int = 0

    def toggled(self, dimension: str, value: str) -> Segment:
        chosen = getattr(self, dimension)
        changed = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
        return replace(self, **{dimension: tuple(sorted(changed))})

    def to_json(self) -> dict:
        return {name: list(getattr(self, name)) for name in DIMENSIONS} | {
            "active_days": self.active_days
        }

    @classmethod
    def from_json(cls, data: dict) -> Segment:
        values = {name: tuple(data.get(name) or ()) for name in DIMENSIONS}
        return cls(**values, active_days=int(data.get("active_days") or 0))

    def overlaps(self, other: Segment) -> bool:
        """Could one person be in both (for the duplicate guard)?"""
        return all(
            not getattr(self, d) or not getattr(other, d)
            or set(getattr(self, d)) & set(getattr(other, d))
            for d in DIMENSIONS
        )  # fmt: skip


@dataclass(frozen=True)
class Recipient:
    """A stored person as the segment sees them (the service adds the user id)."""

    user_id: int
    language: str
    profile: Profile
    active: date
    news: bool = True


def band_of(profile: Profile, today: date) -> str:
    birth = MonthSpan.parse(profile.get("birth"))
    if birth is not None:
        low, high = age_at(*birth.last, today), age_at(*birth.first, today)
    elif profile.age is not None:
        low = high = int(profile.age)
    else:
        return UNKNOWN
    for name, first, last in AGE_BANDS:
        if first <= low and high <= last:
            return name
    return OTHER_AGE


def in_segment(
    segment: Segment, district: str, catalogue: Catalogue, person: Recipient, today: date
) -> bool:
    profile = person.profile
    place = catalogue.places.get(profile.place or "")
    if place is None or place.district != district or not person.news:
        return False
    checks = (
        (segment.places, profile.place),
        (segment.statuses, profile.status or UNKNOWN),
        (segment.levels, profile.german_level or UNKNOWN),
        (segment.languages, (person.language or "").split("_")[0]),
    )
    if any(chosen and value not in chosen for chosen, value in checks):
        return False
    if segment.interests and not set(segment.interests) & set(profile.interests):
        return False
    if segment.ages and band_of(profile, today) not in segment.ages:
        return False
    return not segment.active_days or (today - person.active).days <= segment.active_days


def text_hash(texts: dict[str, str]) -> str:
    joined = "\x1f".join(f"{k}\x1e{' '.join(v.split())}" for k, v in sorted(texts.items()))
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True)
class Draft:
    """A broadcast as its author sees it, with what the service counted for it."""

    id: int
    district: str
    status: str  # draft, scheduled, sending, paused, cancelled, done, withdrawn
    segment: Segment
    base_language: str
    texts: dict[str, str]
    link: str = ""  # "offer:HE-001", "event:EV-HE-002"
    send_at: datetime | None = None
    created_at: datetime | None = None
    expires_hours: int = EXPIRY_HOURS
    # Counted by the service: recipients per language (with a base-text fallback).
    recipients: dict[str, int] = field(default_factory=dict)
    duplicate_of: int = 0  # a broadcast with the same text to an overlapping segment, 48 h
    progress: Progress | None = None

    @property
    def total(self) -> int:
        return sum(self.recipients.values())


@dataclass(frozen=True)
class Progress:
    """Rows of a broadcast by status, and per language (for the report at the end)."""

    by_status: dict[str, int]
    by_language: dict[str, dict[str, int]] = field(default_factory=dict)
    rate: float = 25.0  # messages per second, for the estimate

    @property
    def left(self) -> int:
        return self.by_status.get("pending", 0) + self.by_status.get("sending", 0) + (
            self.by_status.get("paused", 0))  # fmt: skip

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def seconds_left(self) -> float:
        return self.left / self.rate if self.rate else 0.0
