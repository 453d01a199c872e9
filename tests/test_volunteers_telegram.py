"""Issue 16 as a new volunteer, a new young person and a counsellor would try it, through the
real python-telegram-bot stack and the fake Bot API: an invite with Arabic + Helmstedt, its QR
code decoded to the link, a young person who starts from it in Arabic, finishes the questions,
asks to talk to a person and shares their answers; the case as a forum topic; a counsellor's
reply and an answer back as copies; the case closed; the data erased, topic and mapping gone."""

from __future__ import annotations

import io
from pathlib import Path

import zxingcpp
from PIL import Image

from bot.channels.telegram import SERVICE
from bot.content import Content
from bot.core.access import COORDINATOR, VOLUNTEER, Grant
from bot.invitations import create_invitation
from tests.conftest import FIXTURE_DATA
from tests.support.db import rows
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram import User, asks, no_rejected_requests, running_bot, shows_offers

INBOX = -1001234567890


async def grant(service, role: str, user: User, username: str) -> None:  # type: ignore[no-untyped-def]
    made = await service.storage.run(lambda unit: create_invitation(
        unit, Grant(role, "helmstedt"), "cli", service.clock(), username
    ))  # fmt: skip
    await user.send(f"/start {made.code}", lambda m: f"st:a:{made.code}" in m["buttons"])
    await user.press(f"st:a:{made.code}", lambda m: "/help" in m["text"])


async def test_a_volunteer_brings_someone_in_who_then_talks_to_a_counsellor(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    volunteer = User(api, 801, language_code="de")
    coordinator = User(api, 802, language_code="de")
    young = User(api, 803, language_code="ar")
    counsellor = 804
    async with running_bot(api, content, database, data=FIXTURE_DATA) as application:
        service = application.bot_data[SERVICE]
        username = api.bot_user["username"]
        await grant(service, VOLUNTEER, volunteer, username)
        await grant(service, COORDINATOR, coordinator, username)

        # The volunteer makes an invite: Arabic, Helmstedt (their only district).
        await volunteer.send("/invite", lambda m: "vl:l" in m["buttons"])
        await volunteer.press("vl:l", lambda m: "vl:g:ar" in m["buttons"])
        await volunteer.press("vl:g:ar", lambda m: m.get("document") is not None)
        sent = api.sent_messages(801)
        photo = next(m for m in reversed(sent) if m.get("photo"))
        flyer = next(m for m in reversed(sent) if m.get("document"))
        assert flyer["document"]["file_name"] == "lotse-flyer.pdf"
        assert flyer["document"]["content"].startswith(b"%PDF")
        [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(photo["photo"]["content"])))
        link = decoded.text
        assert link.startswith(f"https://t.me/{username}?start=r_") and link in photo["text"]
        code = link.split("start=")[1]
        assert len(code) <= 64 and "801" not in code

        # The young person opens it: Lotse starts in Arabic, with Helmstedt's towns offered.
        await young.send(f"/start {code}", lambda m: bool(m["text"]))
        assert any("\u0600" <= ch <= "\u06ff" for ch in young.last()["text"])
        await young.send("17", asks("consent"))
        await young.press("fl:a:consent:agree", asks("residence_status"))
        await young.press("fl:a:residence_status:gestattung", asks("german_level"))
        await young.press("fl:a:german_level:A1", asks("place"))
        assert "fl:a:place:helmstedt" in young.last()["buttons"]
        await young.press("fl:a:place:helmstedt", asks("interests"))
        await young.press("fl:t:interests:german_course", asks("interests"))
        await young.press("fl:d:interests", lambda m: "vl:m" in m["buttons"])
        assert any(shows_offers(m) for m in api.sent_messages(803))
        counts = await rows(service, "SELECT started, finished FROM referrals")
        assert [tuple(r) for r in counts] == [(1, 1)]
        await volunteer.send("/invite", lambda m: "vl:l" in m["buttons"])
        assert "1" not in volunteer.last()["text"].split("3")[0]  # fewer than 3: not shown

        # A coordinator makes a forum group the JMD's inbox.
        api.create_group(INBOX, "JMD Helmstedt Beratung", forum=True, owner=802,
                         members=(counsellor,))  # fmt: skip
        api.send_message(802, "/inbox", chat_type="supergroup", chat_id=INBOX)
        await api.wait_for(lambda: any("ib:r:T-HE-3" in m["buttons"]
                                       for m in api.sent_messages(INBOX)), timeout=10)  # fmt: skip
        api.press_button(802, "ib:r:T-HE-3", chat_id=INBOX)
        await api.wait_for(lambda: len(api.sent_messages(INBOX)) >= 2, timeout=10)

        # The young person asks to talk to a person and shares their answers.
        await young.send("/talk", lambda m: "tk:s:T-HE-3" in m["buttons"])
        await young.press("tk:s:T-HE-3", lambda m: "tk:h:T-HE-3:a" in m["buttons"])
        await young.press("tk:h:T-HE-3:a", lambda m: True)
        await young.send("أين أتعلم الألمانية؟", lambda m: "tk:y" in m["buttons"])
        preview = young.last()["text"]
        assert "أين أتعلم الألمانية؟" in preview and "Frage" in preview
        await young.press("tk:y", lambda m: any(b.startswith("cs:w:") for b in m["buttons"]))
        [topic] = api.topics(INBOX)
        pseudonym = topic["name"].split(" ")[1]
        assert topic["name"].startswith(f"Fall {pseudonym} · ") and "16–17" in topic["name"]
        thread = topic["message_thread_id"]
        card = api.sent_messages(INBOX)[-1]
        assert card["message_thread_id"] == thread and "أين أتعلم الألمانية؟" in card["text"]
        assert "803" not in str(api.sent_messages(INBOX))  # no Telegram id of the person

        # The counsellor answers in the topic: the young person gets a copy and writes back.
        api.send_message(counsellor, "Komm am Montag um 10 Uhr.", chat_type="supergroup",
                         chat_id=INBOX, message_thread_id=thread)  # fmt: skip
        answer = await api.wait_for(lambda: next(
            (m for m in api.sent_messages(803) if m["method"] == "copyMessage"), None
        ), timeout=10)  # fmt: skip
        assert answer["text"] == "Komm am Montag um 10 Uhr."
        assert answer["buttons"] == [f"cs:w:{pseudonym}"]
        await young.press(f"cs:w:{pseudonym}", lambda m: "cs:d" in m["buttons"])
        await young.send("شكرا، سآتي.", lambda m: "cs:d" in m["buttons"])
        back = await api.wait_for(lambda: next(
            (m for m in api.sent_messages(INBOX) if m["method"] == "copyMessage"), None
        ), timeout=10)  # fmt: skip
        assert back["text"] == "شكرا، سآتي." and back["message_thread_id"] == thread
        stored = str([tuple(r) for r in await rows(service, "SELECT * FROM cases")])
        assert "Montag" not in stored and "شكرا" not in stored

        # The counsellor closes the case.
        api.press_button(counsellor, f"cs:c:{pseudonym}:advised", chat_id=INBOX)
        await api.wait_for(lambda: api.topics(INBOX)[0]["closed"], timeout=10)

        # The young person erases their data: the topic and the mapping are gone.
        await young.send("/privacy", lambda m: "pr:x:ask" in m["buttons"])
        await young.press("pr:x:ask", lambda m: "pr:x:yes" in m["buttons"])
        await young.press("pr:x:yes", lambda m: True)
        await api.wait_for(lambda: api.topics(INBOX) == [], timeout=10)
        assert await rows(service, "SELECT * FROM cases") == []
        assert pseudonym in api.sent_messages(INBOX)[-1]["text"]
        assert no_rejected_requests(api) == []


async def test_an_offer_shared_into_a_chat_opens_in_lotse(
    content: Content, database: Path | str
) -> None:
    with FakeBotAPI(inline_mode=True) as api:
        sharer = User(api, 811, language_code="en")
        friend = User(api, 812, language_code="ar")
        async with running_bot(api, content, database, data=FIXTURE_DATA):
            username = api.bot_user["username"]
            # The "Share" button on an offer's detail asks for a chat and fills in the query.
            await sharer.send("/start", asks("language"))
            await sharer.press("fl:a:language:en", lambda m: "born" in m["text"])
            await sharer.send("17", asks("consent"))
            await sharer.press("fl:a:consent:agree", asks("residence_status"))
            await sharer.press("fl:a:residence_status:gestattung", asks("german_level"))
            await sharer.press("fl:a:german_level:A1", lambda m: True)
            await sharer.send("Helmstedt", asks("interests"))
            await sharer.press("fl:t:interests:german_course", asks("interests"))
            listed = await sharer.press("fl:d:interests", shows_offers)
            offer = next(b for b in listed["buttons"] if b.startswith("of:o:"))
            detail = await sharer.press(offer, lambda m: "of:s:" in str(m["buttons"]))
            offer_id = offer.split(":")[2]
            [share] = [b for row in detail["reply_markup"]["inline_keyboard"] for b in row
                       if "switch_inline_query_chosen_chat" in b]  # fmt: skip
            assert share["switch_inline_query_chosen_chat"]["query"] == offer_id

            # The sharer's client sends the inline query; the card carries "Open in Lotse".
            update = api.inline_query(811, offer_id, chat_type="group")
            answer = await api.wait_for(lambda: api.inline_answer(update), timeout=10)
            [result] = answer["results"]
            [[button]] = result["reply_markup"]["inline_keyboard"]
            assert button["url"] == f"https://t.me/{username}?start=o_{offer_id}"
            # Typed words find offers too, narrowed to the district named.
            update = api.inline_query(811, "deutschkurs helmstedt", chat_type="private")
            answer = await api.wait_for(lambda: api.inline_answer(update), timeout=10)
            found = [r["id"] for r in answer["results"]]
            assert found and all(i.startswith("T-HE-") for i in found), found

            # The friend opens the link: the offer in short, then Lotse starts as usual.
            await friend.send(f"/start o_{offer_id}", asks("language"))
            texts = [m["text"] for m in api.sent_messages(812)]
            assert any("📍" in text for text in texts)
        assert no_rejected_requests(api) == []
