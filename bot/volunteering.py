"""Volunteers' invites as the service carries them out: a random code with presets (no name,
no user id), its link, QR code and A6 flyer; the counts a volunteer may see."""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING

from bot.core import effects as fx
from bot.core import summary_views, volunteer_views
from bot.core.desk import ReferralInfo, ReferralStats
from bot.core.dialogue_io import Reply
from bot.core.links import REFERRAL_PREFIX, start_link
from bot.core.text import Translator
from bot.invitations import qr_png
from bot.pdf_pages import Block, flyer_pdf
from bot.storage.unit import Unit

if TYPE_CHECKING:
    from bot.service import LotseService

log = logging.getLogger(__name__)
Key = tuple[str, str]


def new_referral_code() -> str:
    """`r_` and 16 URL-safe characters (96 random bits): a /start payload, names nobody."""
    return REFERRAL_PREFIX + secrets.token_urlsafe(12)


async def referral_info(service: LotseService, code: str) -> ReferralInfo | None:
    row = await service.storage.run(lambda unit: unit.volunteers.referral(code), write=False)
    if row is None:
        return None
    return ReferralInfo(row.id, row.kind, row.language, row.district, row.service)


async def referral_stats(service: LotseService, key: Key) -> ReferralStats:
    async def read(unit: Unit) -> ReferralStats:
        rows = await unit.volunteers.referrals_of(key)
        told = await unit.volunteers.told_names(key)
        return ReferralStats(
            sum(r.started for r in rows), sum(r.finished for r in rows), len(rows),
            tuple(name for name, _ in told),
        )  # fmt: skip

    return await service.storage.run(read, write=False)


async def make_referral(
    service: LotseService, key: Key, effect: fx.CreateReferral, t: Translator
) -> list[Reply]:
    code = new_referral_code()
    now = service.clock()
    await service.storage.run(lambda unit: unit.volunteers.add_referral(
        code, key, effect.kind, effect.language, effect.district, effect.service, now
    ))  # fmt: skip
    log.info("a %s invite was made", effect.kind)
    world = service.world
    link = start_link(service.desk.username, code)
    qr = qr_png(link or code)
    counselling = ""
    if effect.service in world.catalogue.offers:
        counselling = world.catalogue.offers[effect.service].title_de
    made = volunteer_views.invite_made(
        t, world, link, code, effect.language, effect.district, qr, counselling
    )
    codes = ["de", *(c for c in effect.flyer_languages if c != "de")]
    paragraphs = summary_views.flyer([world.translator(c) for c in codes])
    blocks = [Block(p.text, p.language, p.style) for p in paragraphs]
    # A fifth of a second of layout: in a thread, so that other people's replies go on.
    flyer = await asyncio.to_thread(flyer_pdf, qr, link or f"/start {code}", blocks)
    return [made, volunteer_views.flyer_made(t, flyer)]
