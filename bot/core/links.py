"""Links into the bot: `https://t.me/<bot>?start=<payload>`. A payload is at most 64
characters of A-Za-z0-9_- (Telegram's deep-link rule); it never carries a name or a user id."""

from __future__ import annotations

import re

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
REFERRAL_PREFIX = "r_"  # a volunteer's invite, or a coordinator's counselling referral
OFFER_PREFIX = "o_"  # a shared offer


def start_link(username: str, payload: str = "") -> str:
    """The deep link; "" when the bot's username is not known."""
    if not username:
        return ""
    if payload and not PAYLOAD.match(payload):
        raise ValueError(f"not a deep-link payload: {payload!r}")
    return f"https://t.me/{username}" + (f"?start={payload}" if payload else "")


def offer_payload(offer_id: str) -> str:
    return OFFER_PREFIX + offer_id
