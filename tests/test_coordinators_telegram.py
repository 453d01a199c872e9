"""The coordinators' side through the real python-telegram-bot stack and the fake Bot API: an
invitation link opened with /start, the chat's own command menu, the template downloaded with
getFile and the file URL, an edited spreadsheet uploaded as a document, the preview, Confirm,
and the subscriber's "event moved" message, all while the bot runs."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import openpyxl

from bot.channels.telegram import SERVICE
from bot.content import Content
from bot.core.access import COORDINATOR, Grant
from bot.invitations import create_invitation
from tests.conftest import FIXTURE_DATA
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram import User, no_rejected_requests, onboard, running_bot, shows_offers
from tests.test_coordinators import NEW_OFFER, add_row, saved, set_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def download(api: FakeBotAPI, file_id: str) -> bytes:
    """What a Telegram client does with a document: getFile, then the file URL."""
    async with httpx.AsyncClient() as client:
        answer = (await client.post(f"{api.base_url}{api.token}/getFile",
                                    data={"file_id": file_id})).json()  # fmt: skip
        assert answer["ok"], answer
        path = answer["result"]["file_path"]
        response = await client.get(f"{api.base_file_url}{api.token}/{path}")
        assert response.status_code == 200
        return response.content


async def test_a_new_coordinator_keeps_the_catalogue_from_telegram(
    api: FakeBotAPI, content: Content, database: Path | str
) -> None:
    amira = User(api, 601, language_code="en")
    lena = User(api, 701, language_code="de")
    async with running_bot(api, content, database, data=FIXTURE_DATA) as application:
        service = application.bot_data[SERVICE]
        # A young person subscribes to an event that will move, and stays mid-conversation.
        await onboard(amira)
        await amira.send("/events", lambda m: "ev:o:EV-T-1" in m["buttons"])
        await amira.press("ev:o:EV-T-1", lambda m: "ev:r:EV-T-1" in m["buttons"])
        await amira.press("ev:r:EV-T-1", lambda m: "ev:u:EV-T-1" in m["buttons"])
        await amira.send("/profile", lambda m: True)

        # Granted from the command line (the same function), opened as a link on Telegram.
        username = api.bot_user["username"]
        made = await service.storage.run(
            lambda unit: create_invitation(
                unit, Grant(COORDINATOR, "helmstedt"), "cli", service.clock(), username
            )
        )
        assert made.link == f"https://t.me/{username}?start={made.code}"
        accept = f"st:a:{made.code}"
        offer = await lena.send(f"/start {made.code}", lambda m: accept in m["buttons"])
        assert "Landkreis Helmstedt" in offer["text"]
        await lena.press(f"st:a:{made.code}", lambda m: "/help" in m["text"])
        menu = api.menu_for(701, language_code="de")
        assert "template" in {c["command"] for c in menu}
        assert "template" not in {c["command"] for c in api.menu_for(601, language_code="en")}

        sheet = await lena.send("/template", lambda m: "document" in m)
        assert sheet["document"]["file_name"] == "lotse-helmstedt.xlsx"
        stored = next(
            m for m in api.current_messages(701) if m.get("message_id") == sheet["message_id"]
        )
        content_bytes = await download(api, stored["document"]["file_id"])
        assert content_bytes == sheet["document"]["content"]
        book = openpyxl.load_workbook(io.BytesIO(content_bytes))
        set_cell(book["events"], "EV-T-1", "start", "2026-12-10T18:00")
        set_cell(book["events"], "EV-T-1", "end", "2026-12-10T20:00")
        add_row(book["offers"], NEW_OFFER)

        before = len(api.sent_messages(701))
        api.send_document(701, "lotse-helmstedt.xlsx", saved(book), mime_type=XLSX,
                          language_code="de")  # fmt: skip
        preview = await api.wait_for(
            lambda: next((m for m in api.sent_messages(701)[before:]
                          if any(b.startswith("ct:y:") for b in m["buttons"])), None),
            timeout=10,
        )  # fmt: skip
        assert "T-HE-99" in preview["text"] and "EV-T-1" in preview["text"]
        confirm = next(b for b in preview["buttons"] if b.startswith("ct:y:"))
        told_before = len(api.sent_messages(601))
        await lena.press(confirm, lambda m: "2" in m["text"] and "ct:y:" not in str(m["buttons"]))

        # Without a restart: the subscriber is told, the young person sees the new offer.
        moved = await api.wait_for(
            lambda: next((m for m in api.sent_messages(601)[told_before:]
                          if "has changed" in m["text"]), None),
            timeout=10,
        )  # fmt: skip
        assert "10" in moved["text"] and "Information evening" in moved["text"]
        assert moved is not None
        offers = await amira.send("/offers", shows_offers)
        assert "of:o:T-HE-99:1" in offers["buttons"] or "T-HE-99" in str(offers["buttons"])
    assert no_rejected_requests(api) == []
