"""Broadcasts through the service: compose for a segment with a live count per language, a base
text and an Arabic version, preview, send; each recipient gets it once in their language;
pause, resume, cancel; the duplicate guard and the daily cap; scheduling; news turned off."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.content import Content
from bot.core.profile import Profile, Session
from bot.service import LotseService
from bot.storage.base import open_storage
from tests.conftest import FIXTURE_DATA, NOW
from tests.support import outbox_worker as worker
from tests.support.clock import Clock
from tests.support.db import rows
from tests.support.transcript import Transcript, plain
from tests.test_coordinators import drain, staff_member

GROUPS = (  # (how many, language, birth, interests, place)
    (6, "ar", "2008-05", ("vocational_training",), "helmstedt"),  # 18
    (4, "fa", "2009-05", ("vocational_training",), "koenigslutter"),  # 17
    (5, "uk", "2006-01", ("german_course",), "helmstedt"),  # 20
    (3, "ar", "2001-01", ("vocational_training",), "helmstedt"),  # 25: outside 16-20
    (4, "ar", "2008-05", ("vocational_training",), "krefeld"),  # another district
)


async def populate(service: LotseService) -> None:
    number = 0
    for count, language, birth, interests, place in GROUPS:
        for _ in range(count):
            number += 1
            profile = Profile(None, "duldung", "A2", place, interests, birth=birth)
            session = Session(language=language, consented=True, profile=profile)
            await service.storage.run(
                lambda unit, s=session, n=number: unit.people.save(
                    "test", f"p{n}", s, service.fields, NOW - timedelta(days=1)
                )
            )


async def broadcasts_sent(service: LotseService, clock: Clock) -> list[tuple[str, str, str]]:
    """What the outbox sends now that is a broadcast: (who, kind, text)."""
    return [s for s in await drain(service, clock) if s[1] == "broadcast"]


def broadcast_id(chat: Transcript) -> str:
    return next(b.data.split(":")[2] for b in chat.buttons if b.data.startswith("bc:"))


async def compose(chat: Transcript) -> str:
    """Helmstedt, 16-20, Ausbildung; a German text and an Arabic version."""
    await chat.send("/broadcast")
    i = broadcast_id(chat)
    assert "22 people get it" not in chat.text and "18 people get it" in chat.text
    await chat.press(f"bc:d:{i}:interests:1")
    await chat.press(f"bc:t:{i}:interests:vocational_training:1")
    assert "13 people with this choice" in chat.text
    await chat.press(f"bc:d:{i}:ages:1")
    await chat.press(f"bc:t:{i}:ages:16-17:1")
    await chat.press(f"bc:t:{i}:ages:18-20:1")
    assert "10 people with this choice" in chat.text
    await chat.press(f"bc:o:{i}")
    await chat.press(f"bc:x:{i}:de")
    await chat.send("Neue Ausbildungsplätze bei der BBS.\nInfoabend am Montag.")
    await chat.press(f"bc:x:{i}:ar")
    await chat.send("أماكن تدريب جديدة.")
    text = chat.text
    assert "10 people get it" in text
    assert "العربية: 6 (own text)" in text  # languages in their own names
    assert re.search(r"فارسی.*: 4 \(base text with a translated line\)", text), text
    return i


async def test_compose_preview_send_and_everyone_gets_it_once_in_their_language(
    lotse: LotseService, clock: Clock
) -> None:
    await populate(lotse)
    coordinator = await staff_member(lotse, "c1")
    i = await compose(coordinator)
    await coordinator.press(f"bc:p:{i}")
    previews = [plain(r.html) for r in coordinator.replies]
    arabic = next(p for p in previews if "أماكن تدريب جديدة" in p)
    assert "Landkreis Helmstedt" in arabic
    persian = next(p for p in previews if p.startswith("Preview for فارسی"))
    # The German text, with one line in Farsi on top.
    farsi = lotse.translator_for("fa").gettext("News from {district}, in German:")
    assert farsi.format(district="Landkreis Helmstedt") in persian
    assert "Neue Ausbildungsplätze" in persian
    await coordinator.press(f"bc:s:{i}")
    assert "Send this to 10 people now?" in coordinator.text
    await coordinator.press(f"bc:y:{i}:1")
    assert "Sent 0, left 10" in coordinator.text and "⏸ Pause" in coordinator.labels
    sent = await broadcasts_sent(lotse, clock)
    assert len(sent) == 10 and len({who for who, _, _ in sent}) == 10
    by_text = [text for _, _, text in sent]
    assert sum("أماكن تدريب جديدة" in text for text in by_text) == 6
    assert sum("Neue Ausbildungsplätze" in text for text in by_text) == 4
    assert await drain(lotse, clock) == []  # never twice
    await lotse.broadcaster.tick()
    await coordinator.send("/broadcasts")
    assert "Finished" in coordinator.text and "sent 10" in coordinator.text


async def test_pause_resume_cancel(lotse: LotseService, clock: Clock) -> None:
    await populate(lotse)
    coordinator = await staff_member(lotse, "c1")
    i = await compose(coordinator)
    await coordinator.press(f"bc:y:{i}:1")
    await coordinator.press(f"bc:h:{i}")
    assert "Paused" in coordinator.text
    assert await broadcasts_sent(lotse, clock) == []
    await coordinator.press(f"bc:r:{i}")
    await coordinator.press(f"bc:c:{i}")
    assert "Cancelled" in coordinator.text
    assert await broadcasts_sent(lotse, clock) == []
    statuses = await rows(lotse, "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    assert {r["status"]: r["n"] for r in statuses} == {"cancelled": 10}


async def test_the_same_text_again_asks_twice_and_the_daily_cap_holds(
    lotse: LotseService, clock: Clock
) -> None:
    await populate(lotse)
    coordinator = await staff_member(lotse, "c1")
    for round_ in range(3):
        i = await compose(coordinator)
        await coordinator.press(f"bc:s:{i}")
        if round_:
            assert "The same text went to an overlapping group" in coordinator.text
            await coordinator.press(f"bc:y:{i}:0")
            assert "Yes, send" in " ".join(coordinator.labels)
        await coordinator.press(f"bc:y:{i}:1")
        await drain(lotse, clock)
    counted = await rows(
        lotse, "SELECT status, COUNT(*) AS n FROM outbox WHERE kind = 'broadcast' GROUP BY status"
    )
    # The third one is the third of the day: skipped for everyone, recorded as such.
    assert {r["status"]: r["n"] for r in counted} == {"sent": 20, "skipped": 10}


async def test_a_scheduled_broadcast_starts_on_time_with_who_is_there_then(
    lotse: LotseService, clock: Clock
) -> None:
    await populate(lotse)
    coordinator = await staff_member(lotse, "c1")
    i = await compose(coordinator)
    await coordinator.press(f"bc:w:{i}")
    await coordinator.send("22.11.2026 12:30")  # local time (UTC+1): 11:30 UTC
    assert "Scheduled" in coordinator.text and "12:30" in coordinator.text
    late = Transcript(lotse, user="late")  # joins after composing, before the time
    await late.onboard(age="17", interests=("Vocational training",), status="Duldung")
    await lotse.broadcaster.tick()
    assert await broadcasts_sent(lotse, clock) == []
    clock.now = NOW + timedelta(hours=1, minutes=31)
    await lotse.broadcaster.tick()
    sent = await broadcasts_sent(lotse, clock)
    assert "late" in {who for who, _, _ in sent} and len(sent) == 11


async def test_news_turned_off_is_respected(lotse: LotseService, clock: Clock) -> None:
    await populate(lotse)
    young = Transcript(lotse, user="y1")
    await young.onboard(age="17", interests=("Vocational training",), status="Duldung")
    await young.send("/profile")
    await young.tap("News from your district")
    assert "🔇 News from your district: off" in young.labels
    coordinator = await staff_member(lotse, "c1")
    i = await compose(coordinator)
    await coordinator.press(f"bc:y:{i}:1")
    sent = await broadcasts_sent(lotse, clock)
    assert "y1" not in {who for who, _, _ in sent} and len(sent) == 10


async def test_kill_9_during_a_broadcast_sends_nobody_anything_twice(
    content: Content, database, tmp_path  # type: ignore[no-untyped-def]
) -> None:
    """Real processes, really killed while they send a broadcast's rows; each start recovers
    and goes on. Everyone has exactly one message, or is the one row in doubt of a kill."""
    from datetime import UTC, datetime


    now = datetime.now(UTC)  # the worker sends on the real clock (rows expire after 48 h)
    service = LotseService(await open_storage(database), content, clock=lambda: now,
                           data=FIXTURE_DATA)  # fmt: skip
    people = set()
    for n in range(80):
        profile = Profile(None, "duldung", "A2", "helmstedt", ("vocational_training",),
                          birth="2008-05")  # fmt: skip
        user_id = await service.storage.run(
            lambda unit, n=n, p=profile: unit.people.save(
                "telegram", str(9000 + n), Session(language="ar", consented=True, profile=p),
                service.fields, now,
            )
        )  # fmt: skip
        people.add(user_id)
    made = await service.storage.run(
        lambda unit: unit.broadcasts.create("helmstedt", "staff:1", ("telegram", "1"), "de", now)
    )
    await service.storage.run(
        lambda unit: unit.broadcasts.update(made, now, texts={"de": "Neu: ein Kurs."})
    )
    assert await service.broadcaster.start(made) == 80
    await service.close()
    log = tmp_path / "handed-to-telegram.log"
    log.touch()

    kills = await worker.kill_after(database, log, (5, 25, 45, 65), by_person=True)
    sent_to = [int(line.split(":", 1)[0]) for line in worker.handed(log)]
    assert len(sent_to) == len(set(sent_to))  # nobody twice
    db = await open_storage(database)
    try:
        async with db.transaction(write=False) as tx:
            status = {r["user_id"]: r["status"] for r in await tx.fetchall(
                "SELECT user_id, status FROM outbox WHERE broadcast_id = ?", (made,))}  # fmt: skip
    finally:
        await db.close()
    assert set(status) == people and set(status.values()) <= {"sent", "unknown"}
    in_doubt = {u for u, s in status.items() if s == "unknown"}
    assert len(in_doubt) <= kills
    assert set(sent_to) | in_doubt == people


async def test_unsent_messages_expire_and_the_daily_cap_is_a_setting(
    lotse: LotseService, clock: Clock
) -> None:
    await populate(lotse)
    coordinator = await staff_member(lotse, "c1")
    i = await compose(coordinator)
    assert "Not sent after 48 hours: dropped." in coordinator.text
    await coordinator.press(f"bc:v:{i}")
    await coordinator.press(f"bc:v:{i}")
    assert "Not sent after 12 hours: dropped." in coordinator.text  # 48 -> 72 -> 12
    await coordinator.press(f"bc:y:{i}:1")
    await coordinator.press(f"bc:h:{i}")  # paused, then resumed too late
    await coordinator.press(f"bc:r:{i}")
    clock.now = NOW + timedelta(hours=12, minutes=1)
    assert await broadcasts_sent(lotse, clock) == []
    statuses = await rows(lotse, "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    assert {r["status"]: r["n"] for r in statuses} == {"expired": 10}

    lotse.broadcaster.daily_cap = 1  # LOTSE_BROADCASTS_PER_DAY=1
    clock.now = NOW + timedelta(days=1)
    for _ in range(2):
        j = await compose(coordinator)
        await coordinator.press(f"bc:y:{j}:1")
        await drain(lotse, clock)
    counted = await rows(lotse, "SELECT status, COUNT(*) AS n FROM outbox "
                         "WHERE status IN ('sent', 'skipped') GROUP BY status")  # fmt: skip
    assert {r["status"]: r["n"] for r in counted} == {"sent": 10, "skipped": 10}
