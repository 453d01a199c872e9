"""Staff invitations: a one-time code (96 random bits, `inv_` and 16 URL-safe characters, a
/start payload) stored only as its SHA-256 hash, valid 7 days, shown once as a t.me link and a
QR code."""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno

from bot.core.access import Grant
from bot.core.desk import InvitationInfo
from bot.core.sides.staff import INVITE_PREFIX
from bot.storage.unit import Unit

INVITATION_DAYS = 7
VOLUNTEER_CODE_DAYS = 90


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_code() -> str:
    """96 random bits, URL-safe: `inv_` and 16 characters of A-Za-z0-9_- (a /start payload)."""
    return INVITE_PREFIX + secrets.token_urlsafe(12)


def invitation_link(username: str, code: str) -> str:
    return f"https://t.me/{username}?start={code}" if username else ""


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


@dataclass(frozen=True)
class Invitation:
    code: str
    link: str  # "" when the bot's username is unknown
    expires: datetime


async def create_invitation(
    unit: Unit, grant: Grant, created_by: str, now: datetime, username: str,
    reusable: bool = False,
) -> Invitation:  # fmt: skip
    """A one-time code; `reusable`: a district's volunteer code, valid for many people and
    VOLUNTEER_CODE_DAYS."""
    code = new_code()
    expires = now + timedelta(days=VOLUNTEER_CODE_DAYS if reusable else INVITATION_DAYS)
    await unit.staff.invite(
        code_hash(code),
        grant.role,
        grant.district,
        grant.provider,
        created_by,
        now,
        expires,
        reusable,
    )
    return Invitation(code, invitation_link(username, code), expires)


async def invitation_info(unit: Unit, code: str, now: datetime) -> InvitationInfo:
    row = await unit.staff.invitation(code_hash(code))
    if row is None:
        return InvitationInfo(code, "unknown")
    used = row.used_at is not None and not row.reusable
    state = "used" if used else "expired" if row.expires_at <= now else "valid"
    return InvitationInfo(code, state, row.role, row.district, row.provider)
