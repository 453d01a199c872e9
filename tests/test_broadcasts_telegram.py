"""Broadcasts through the real python-telegram-bot stack and the fake Bot API: a coordinator
composes for Helmstedt, 16-20, Ausbildung, in German with an Arabic version, previews, sends one
and cancels it halfway (watching the progress message being edited), schedules another in two
minutes and lets it finish; every recipient gets each at most once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.channels.telegram import SERVICE
from bot.content import Content
from bot.core.access import COORDINATOR, Grant
from bot.core.profile import Profile, Session
from bot.invitations import create_invitation
from tests.conftest import FIXTURE_DATA, NOW
from tests.support.clock import Clock
from tests.support.db import rows
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram import User, no_rejected_requests, running_bot

PEOPLE = range(9001, 9021)  # 20 young people in Helmstedt, 12 with Arabic


async def populate(service, api: FakeBotAPI) -> None:  # type: ignore[no-untyped-def]
    for n in PEOPLE:
        language = "ar" if n < 9013 else "uk"
        api.known_user(n, language)
        profile = Profile(None, "duldung", "A2", "helmstedt", ("vocational_training",),
                          birth="2008-05")  # fmt: skip
        session = Session(language=language, consented=True, profile=profile)
        await service.storage.run(
            lambda unit, s=session, n=n: unit.people.save(
                "telegram", str(n), s, service.fields, NOW - timedelta(days=1)
            )
        )


def has(prefix: str):  # type: ignore[no-untyped-def]
    return lambda m: any(b.startswith(prefix) for b in m["buttons"])


async def test_compose_send_cancel_halfway_schedule_and_finish(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    clock = Clock(NOW)
    lena = User(api, 701, language_code="en")
    async with running_bot(api, content, database, clock=clock, data=FIXTURE_DATA,
                           bulk_rate=4) as application:  # fmt: skip
        service = application.bot_data[SERVICE]
        await populate(service, api)
        made = await service.storage.run(lambda unit: create_invitation(
            unit, Grant(COORDINATOR, "helmstedt"), "cli", clock(), "lotse_test_bot"))  # fmt: skip
        await lena.send(f"/start {made.code}", has("st:a:"))
        await lena.press(f"st:a:{made.code}", lambda m: "/help" in m["text"])

        async def compose() -> str:
            composer = await lena.send("/broadcast", has("bc:d:"))
            i = next(b for b in composer["buttons"] if b.startswith("bc:")).split(":")[2]
            await lena.press(f"bc:d:{i}:interests:1", has(f"bc:t:{i}:interests:"))
            await lena.press(f"bc:t:{i}:interests:vocational_training:1",
                             lambda m: "20 people with this choice" in m["text"])  # fmt: skip
            await lena.press(f"bc:o:{i}", has(f"bc:x:{i}:"))
            await lena.press(f"bc:x:{i}:de", lambda m: "Write the message" in m["text"])
            await lena.send("Neue Ausbildungsplätze bei der BBS.", has(f"bc:x:{i}:"))
            await lena.press(f"bc:l:{i}", has(f"bc:x:{i}:ar"))
            await lena.press(f"bc:x:{i}:ar", lambda m: "Write the message" in m["text"])
            text = await lena.send("أماكن تدريب جديدة.", has(f"bc:x:{i}:"))
            assert "20 people get it" in text["text"] and "(own text)" in text["text"]
            return i

        first = await compose()
        await lena.press(f"bc:p:{first}", lambda m: "أماكن تدريب جديدة" in m["text"])
        await lena.press(f"bc:s:{first}", has(f"bc:y:{first}:"))
        progress = await lena.press(f"bc:y:{first}:1", has(f"bc:h:{first}"))
        progress_messages = [m for m in api.sent_messages(701) if "Broadcast 1" in m["text"]]
        assert len({m["message_id"] for m in progress_messages}) == 1

        def delivered(i: str) -> list[int]:
            return [m["chat_id"] for m in api.sent_messages() if m["chat_id"] in PEOPLE
                    and ("Neue Ausbildungsplätze" in m["text"] or "أماكن" in m["text"])
                    ]  # fmt: skip

        # Watch the progress message being edited, then cancel halfway.
        edited = await api.wait_for(lambda: next(
            (m for m in api.sent_messages(701) if m["edited"] and "Sent " in m["text"]
             and "Sent 0," not in m["text"]), None), timeout=15)  # fmt: skip
        assert edited["message_id"] == progress["message_id"]  # one message, edited live
        await lena.press(f"bc:c:{first}", lambda m: "Cancelled" in m["text"])
        halfway = len(delivered(first))
        assert 0 < halfway < 20

        second = await compose()
        local = (clock() + timedelta(minutes=2)).astimezone(service.zone)
        await lena.press(f"bc:w:{second}", lambda m: "When should it go out" in m["text"])
        await lena.send(f"{local:%d.%m.%Y %H:%M}", lambda m: "Scheduled" in m["text"])
        clock.now = NOW + timedelta(minutes=3)
        done = await api.wait_for(lambda: next(
            (m for m in api.sent_messages(701) if "Finished" in m["text"]), None), timeout=30)
        # The delivery report, per language.
        assert "sent 12 of 12" in done["text"] and "sent 8 of 8" in done["text"]
        statuses = await rows(
            service, "SELECT broadcast_id, status, COUNT(*) AS n FROM outbox "
            "WHERE kind = 'broadcast' GROUP BY broadcast_id, status",
        )  # fmt: skip
    by = {(r["broadcast_id"], r["status"]): r["n"] for r in statuses}
    assert by[(int(first), "sent")] + by.get((int(first), "cancelled"), 0) == 20
    assert by[(int(second), "sent")] == 20
    per_chat = [m["chat_id"] for m in api.sent_messages() if m["chat_id"] in PEOPLE]
    assert all(per_chat.count(chat) <= 2 for chat in PEOPLE)  # at most once per broadcast
    assert no_rejected_requests(api) == []
