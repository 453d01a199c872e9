"""“My offers” to take along: a short message and a one-page PDF in the person's language and
in German."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.core import interpreter, summary_views
from bot.core.dialogue_io import Attachment, Reply
from bot.core.profile import Session
from bot.core.text import Translator
from bot.core.turn import Turn
from bot.pdf_pages import Block, summary_pdf

if TYPE_CHECKING:
    from bot.service import LotseService


async def summary_reply(service: LotseService, session: Session, t: Translator) -> Reply:
    world = service.world
    shown = interpreter.shown_steps(Turn(session, world))
    paragraphs = summary_views.my_offers(t, world.translator("de"), world, session, shown)
    # A quarter of a second of layout: in a thread, so that other people's replies go on.
    pdf = await asyncio.to_thread(
        summary_pdf, [Block(p.text, p.language, p.style) for p in paragraphs]
    )
    text = summary_views.summary_message(t, world, session)
    return Reply(text, attachment=Attachment("lotse-my-offers.pdf", pdf, "application/pdf"))
