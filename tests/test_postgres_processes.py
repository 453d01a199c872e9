"""Two Lotse processes on one PostgreSQL database (here: two services with pools of their
own): one person's inputs handled by both at once lose nothing, because each input holds the
person's advisory lock from reading the session to saving it."""

from __future__ import annotations

import asyncio

from bot.content import Content
from bot.core.dialogue_io import Input
from bot.service import LotseService
from bot.storage.postgres import PostgresStorage
from tests.conftest import FIXTURE_DATA, NOW
from tests.support.transcript import Transcript


async def test_one_persons_inputs_on_two_processes_lose_nothing(
    pg_dsn: str, content: Content
) -> None:
    first = LotseService(await PostgresStorage.open(pg_dsn), content, clock=lambda: NOW,
                         data=FIXTURE_DATA)  # fmt: skip
    second = LotseService(await PostgresStorage.open(pg_dsn), content, clock=lambda: NOW,
                          data=FIXTURE_DATA)  # fmt: skip
    try:
        chat = Transcript(first, user="amira")
        await chat.onboard()
        offers = chat.offer_ids()
        assert len(offers) >= 4
        for round_ in range(5):
            # Two taps at the same moment, one on each process: save two offers.
            await asyncio.gather(*(
                service.handle("test", "amira", Input("button", f"of:s:{offer}:1"))
                for service, offer in zip((first, second) * 2, offers[:4], strict=True)
            ))  # fmt: skip
            session = await second.session("test", "amira")
            assert session is not None
            expected = set(offers[:4]) if round_ % 2 == 0 else set()
            assert set(session.saved) == expected, round_  # every tap counted, none lost
    finally:
        await first.close()
        await second.close()
