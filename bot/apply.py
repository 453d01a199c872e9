"""Carry out what one input changed, inside its unit of work: the session, and each effect.

One function per effect type; a new effect is one function in `APPLY`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.core import effects as fx
from bot.storage.unit import Unit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """Who the effects are about, and when."""

    channel: str
    external_id: str
    user_id: int | None  # None: not stored (no consent)
    district: str
    now: datetime
    today: date


Runner = Callable[[Unit, Context, object], Awaitable[bool]]  # True: the outbox changed


async def _count(unit: Unit, ctx: Context, effect: fx.Count) -> bool:
    await unit.counters.add(effect.name, effect.district or ctx.district, ctx.today, effect.key)
    return False


async def _comment(unit: Unit, ctx: Context, effect: fx.KeepComment) -> bool:
    await unit.counters.keep_comment(effect.comment, effect.language, ctx.now)
    return False


async def _upload(unit: Unit, ctx: Context, effect: fx.KeepUpload) -> bool:
    await unit.uploads.keep(effect.key, effect.name, effect.mime_type, effect.content, ctx.now)
    return False


async def _subscribe(unit: Unit, ctx: Context, effect: fx.Subscribe) -> bool:
    if ctx.user_id is None:
        return False
    await unit.outbox.subscribe(ctx.user_id, effect.event_id, effect.messages, ctx.now)
    return True


async def _unsubscribe(unit: Unit, ctx: Context, effect: fx.Unsubscribe) -> bool:
    if ctx.user_id is None:
        return False
    await unit.outbox.unsubscribe(ctx.user_id, effect.event_id, ctx.now)
    return False


async def _plan(unit: Unit, ctx: Context, effect: fx.Plan) -> bool:
    if ctx.user_id is None:
        return False
    await unit.outbox.plan(ctx.user_id, effect.topic, effect.messages, ctx.now)
    return True


async def _notify(unit: Unit, ctx: Context, effect: fx.Notify) -> bool:
    user_id = await unit.people.user_id(effect.channel, effect.external_id)
    if user_id is None:
        log.info("a notice has no stored recipient; dropped")
        return False
    await unit.outbox.plan(user_id, effect.topic, (effect.message,), ctx.now)
    return True


async def _answer(unit: Unit, ctx: Context, effect: fx.RecordAnswer) -> bool:
    if ctx.user_id is not None:
        await unit.events.record_went(ctx.user_id, effect.event_id, effect.answer)
    return False


async def _keep(unit: Unit, ctx: Context, effect: fx.KeepData) -> bool:
    if ctx.user_id is not None:
        await unit.people.mark_kept(ctx.user_id, ctx.now)
    return False


async def _referral(unit: Unit, ctx: Context, effect: fx.CountReferral) -> bool:
    await unit.volunteers.count(effect.referral, effect.what)
    return False


async def _tell_mentor(unit: Unit, ctx: Context, effect: fx.TellMentor) -> bool:
    """The link, and one message to the volunteer with the first name (nothing else)."""
    referral = await unit.volunteers.referral_by_id(effect.referral)
    if ctx.user_id is None or referral is None or not referral.owner_external_id:
        return False
    await unit.volunteers.link_mentor(ctx.user_id, referral.id, effect.first_name, ctx.now)
    owner = await unit.people.user_id(referral.owner_channel, referral.owner_external_id)
    if owner is None:
        return False
    message = fx.Message(
        f"mentor:{ctx.user_id}:{ctx.now:%Y%m%d%H%M%S}", "mentor",
        {"name": effect.first_name}, ctx.now,
    )  # fmt: skip
    await unit.outbox.plan(owner, "mentor", (message,), ctx.now)
    return True


async def _forget_mentor(unit: Unit, ctx: Context, effect: fx.ForgetMentor) -> bool:
    if ctx.user_id is not None:
        await unit.volunteers.unlink_mentor(ctx.user_id)
    return False


APPLY: dict[type, Runner] = {
    fx.CountReferral: _referral,  # type: ignore[dict-item]
    fx.TellMentor: _tell_mentor,  # type: ignore[dict-item]
    fx.ForgetMentor: _forget_mentor,  # type: ignore[dict-item]
    fx.KeepData: _keep,  # type: ignore[dict-item]
    fx.Count: _count,  # type: ignore[dict-item]
    fx.KeepComment: _comment,  # type: ignore[dict-item]
    fx.KeepUpload: _upload,  # type: ignore[dict-item]
    fx.Subscribe: _subscribe,  # type: ignore[dict-item]
    fx.Unsubscribe: _unsubscribe,  # type: ignore[dict-item]
    fx.Plan: _plan,  # type: ignore[dict-item]
    fx.Notify: _notify,  # type: ignore[dict-item]
    fx.RecordAnswer: _answer,  # type: ignore[dict-item]
}


async def apply_effects(unit: Unit, ctx: Context, effects: list[fx.Effect]) -> bool:
    """Every effect but Erase (the service handles it first); True when the outbox changed."""
    changed = False
    for effect in effects:
        if isinstance(effect, fx.Erase):
            continue
        changed |= await APPLY[type(effect)](unit, ctx, effect)
    return changed
