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


async def test_one_process_sends_the_outbox_and_another_takes_over_when_it_goes(
    pg_dsn: str, content: Content, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from bot import delivery
    from bot.outbox import Sent
    from tests.test_outbox import due_reminders, outbox_statuses

    monkeypatch.setattr(delivery, "ELECT_SECONDS", 0.05)
    monkeypatch.setattr(delivery, "OUTBOX_POLL_SECONDS", 0.1)
    keys = await due_reminders(pg_dsn, 40)
    sent: dict[str, list[str]] = {"first": [], "second": []}

    def sender(name: str):  # type: ignore[no-untyped-def]
        async def send(row):  # type: ignore[no-untyped-def]
            sent[name].append(row.key)
            return Sent(str(len(sent[name])))

        return send

    def real_now() -> datetime:
        return datetime.now(UTC)

    services = []
    for _ in range(2):
        storage = await PostgresStorage.open(pg_dsn)
        services.append(LotseService(storage, content, clock=real_now, data=FIXTURE_DATA))
    first = delivery.Delivery(services[0], sender("first"), ("telegram",))
    second = delivery.Delivery(services[1], sender("second"), ("telegram",))
    try:
        await first.start()
        await second.start()
        for _ in range(400):
            if set((await outbox_statuses(pg_dsn)).values()) == {"sent"}:
                break
            await asyncio.sleep(0.02)
        assert set((await outbox_statuses(pg_dsn)).values()) == {"sent"}
        assert first.sending != second.sending  # exactly one of them sends
        by = "first" if first.sending else "second"
        other = "second" if by == "first" else "first"
        assert sorted(sent[by]) == sorted(keys) and sent[other] == []
        # The sender goes; the other takes over and sends what falls due next.
        gone, stays = (first, second) if first.sending else (second, first)
        await gone.stop()
        more = await due_reminders(pg_dsn, 5, first=40)
        for _ in range(400):
            if stays.sending and set((await outbox_statuses(pg_dsn)).values()) == {"sent"}:
                break
            await asyncio.sleep(0.02)
        assert stays.sending
        statuses = await outbox_statuses(pg_dsn)
        assert {statuses[k] for k in more} == {"sent"}
        everything = sent["first"] + sent["second"]
        assert len(everything) == len(set(everything)) == len(keys) + len(more)
    finally:
        for d in (first, second):
            await d.stop()
        for service in services:
            await service.close()


async def until(check, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.02)):
        if await check():
            return True
        await asyncio.sleep(0.02)
    return False


async def test_a_grant_and_a_catalogue_version_made_on_one_process_count_on_the_other_at_once(
    pg_dsn: str, content: Content
) -> None:
    """LISTEN/NOTIFY: the other process reads the change when it commits, not at its next
    poll; an input that arrives while it reads waits for the grant."""
    from bot.catalogue_store import commit, live
    from tests.test_coordinators import staff_member

    first = LotseService(await PostgresStorage.open(pg_dsn), content, clock=lambda: NOW,
                         data=FIXTURE_DATA)  # fmt: skip
    second = LotseService(await PostgresStorage.open(pg_dsn), content, clock=lambda: NOW,
                          data=FIXTURE_DATA)  # fmt: skip
    try:
        await first.live_catalogue()
        await second.refresh_catalogue()
        await second.watch_changes()
        on_second = Transcript(second, user="lena", language_hint="en")

        async def coordinator_on_second() -> bool:
            return (await second.actor("test", "lena")).has("coordinator", "helmstedt")

        assert not await coordinator_on_second()  # the second process read the grants: none
        await staff_member(first, "lena")  # accepted on the first process
        assert await until(coordinator_on_second, 2.0)
        await on_second.send("/template")
        assert on_second.replies[-1].attachment is not None  # her command, on the other process

        before = second.content.catalogue_version
        _, texts = await live(first.storage)
        places = next(name for name in texts if name.endswith("places.csv"))
        version = await commit(first.storage, {places: texts[places] + "\n"}, "cli", "t", NOW)

        async def caught_up() -> bool:
            return second.content.catalogue_version == version

        assert version == before + 1 and await until(caught_up, 2.0)
    finally:
        await first.close()
        await second.close()


async def test_a_broadcast_started_on_one_process_is_sent_by_the_other(
    pg_dsn: str, content: Content
) -> None:
    """The sender is whichever process was elected: it reads a broadcast it did not start
    (once) instead of cancelling its messages."""
    from tests.support.clock import Clock
    from tests.test_broadcasts import populate
    from tests.test_coordinators import drain, staff_member

    clock = Clock(NOW)
    first = LotseService(await PostgresStorage.open(pg_dsn), content, clock=clock,
                         data=FIXTURE_DATA)  # fmt: skip
    second = LotseService(await PostgresStorage.open(pg_dsn), content, clock=clock,
                          data=FIXTURE_DATA)  # fmt: skip
    try:
        await populate(first)
        lena = await staff_member(first, "lena")
        await lena.send("/broadcast")
        i = next(b.data.split(":")[2] for b in lena.buttons if b.data.startswith("bc:"))
        await lena.press(f"bc:x:{i}:de")
        await lena.send("Neue Kurse im Januar.")
        await lena.press(f"bc:s:{i}")
        await lena.press(f"bc:y:{i}:1")
        assert second.broadcaster.rows == {}  # the second process never saw it
        sent = [s for s in await drain(second, clock) if s[1] == "broadcast"]
        assert len(sent) == 18 and all("Neue Kurse im Januar." in s[2] for s in sent)
    finally:
        await first.close()
        await second.close()


async def test_each_listening_process_is_counted(pg_dsn: str) -> None:
    first, second = await PostgresStorage.open(pg_dsn), await PostgresStorage.open(pg_dsn)
    try:
        assert await first.processes() == 0
        await first.listen(lambda topic: None)
        await second.listen(lambda topic: None)
        assert await first.processes() == 2
        await second.close()
        assert await first.processes() == 1  # gone with its connection (also after kill -9)
    finally:
        await first.close()
        await second.close()
