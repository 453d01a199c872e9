"""The coordinators' side through the service: invitations (one use, 7 days, hashed), the
template, an uploaded spreadsheet's preview and Confirm while a young person is mid-way,
problems listed all at once, a provider's own rows, small edits, rollback, erase."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl

from bot.content.changes import parse_csv
from bot.core.access import COORDINATOR, PROVIDER, Grant
from bot.core.dialogue_io import Input, Upload
from bot.invitations import Invitation, code_hash, create_invitation
from bot.outbox import Sender
from bot.service import LotseService
from tests.conftest import NOW
from tests.support.clock import Clock
from tests.support.db import count, rows
from tests.support.transcript import Transcript, plain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def invite(service: LotseService, grant: Grant) -> Invitation:
    return await service.storage.run(
        lambda unit: create_invitation(unit, grant, "cli", service.clock(), "lotse_test_bot")
    )


HELMSTEDT = Grant(COORDINATOR, "helmstedt")


def confirm_button(chat: Transcript) -> str:
    return next(b.data for b in chat.buttons if b.data.startswith("ct:y:"))


async def staff_member(service: LotseService, user: str, grant: Grant = HELMSTEDT) -> Transcript:
    made = await invite(service, grant)
    chat = Transcript(service, user=user, language_hint="en")
    await chat.send(f"/start {made.code}")
    await chat.press(f"st:a:{made.code}")
    assert "Welcome" in chat.text, chat.text
    return chat


async def send_file(chat: Transcript, name: str, content: bytes, mime: str = XLSX) -> None:
    await chat._do(Input("file", upload=Upload(name, mime, content)))


async def stage_offer(chat: Transcript, offer: dict[str, str]) -> None:
    """The district's template with one more offer, sent back: its preview is on screen."""
    await chat.send("/template")
    attachment = chat.replies[-1].attachment
    assert attachment is not None
    book = workbook_of(attachment.content)
    add_row(book["offers"], offer)
    await send_file(chat, "a.xlsx", saved(book))


def workbook_of(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def set_cell(sheet, row_id: str, column: str, value: str) -> None:  # type: ignore[no-untyped-def]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == row_id:
            row[header.index(column)].value = value
            return
    raise AssertionError(f"no row {row_id}")


def add_row(sheet, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    header = [c.value for c in sheet[1]]
    sheet.append([values.get(str(h), "") for h in header])


def saved(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


NEW_OFFER = {
    "id": "T-HE-99", "district": "helmstedt", "municipality": "helmstedt",
    "title_de": "Sprachcafé am Abend", "summary_de": "Deutsch sprechen mit anderen.",
    "provider": "KVHS Helmstedt", "category": "german_course", "online": "no",
    "min_age": "14", "statuses": "all", "cost_eur": "0", "schedule_de": "Di 18–20 Uhr",
    "contact": "cafe@example.org", "contact_is_example": "yes",
    "source_url": "https://www.example.org/", "needs_verification": "no",
}  # fmt: skip


# -- invitations --------------------------------------------------------------------------


async def test_an_invitation_is_shown_accepted_once_and_stored_only_as_its_hash(
    lotse: LotseService,
) -> None:
    made = await invite(lotse, Grant(COORDINATOR, "helmstedt"))
    assert made.link == f"https://t.me/lotse_test_bot?start={made.code}"
    assert len(made.code) >= len("inv_") + 16  # 96 random bits
    stored = await rows(lotse, "SELECT code_hash FROM invitations")
    assert [r["code_hash"] for r in stored] == [code_hash(made.code)]
    assert made.code not in await _dump(lotse)

    chat = Transcript(lotse, user="c1", language_hint="en")
    await chat.send(f"/start {made.code}")
    assert "coordinator" in chat.text
    assert "Landkreis Helmstedt" in chat.text
    assert await count(lotse, "staff") == 0  # nothing granted before Accept
    await chat.press(f"st:a:{made.code}")
    assert await count(lotse, "staff") == 1
    assert (await lotse.actor("test", "c1")).has(COORDINATOR, "helmstedt")
    await chat.send("/help")
    assert "/template" in chat.text and "/staff" in chat.text

    other = Transcript(lotse, user="c2", language_hint="en")
    await other.send(f"/start {made.code}")
    assert "used already" in other.text
    await other.press(f"st:a:{made.code}")  # an old button: still refused
    assert not (await lotse.actor("test", "c2")).is_staff
    assert await count(lotse, "staff") == 1


async def test_an_expired_or_unknown_code_says_so_and_grants_nothing(
    lotse: LotseService, clock: Clock
) -> None:
    made = await invite(lotse, Grant(COORDINATOR, "krefeld"))
    clock.now = NOW + timedelta(days=7, minutes=1)
    chat = Transcript(lotse, user="late")
    await chat.send(f"/start {made.code}")
    assert "expired" in chat.text
    await chat.press(f"st:a:{made.code}")
    await chat.send("/start inv_doesnotexist1234")
    assert "not valid" in chat.text
    assert await count(lotse, "staff") == 0


async def test_staff_see_their_commands_and_young_people_do_not(lotse: LotseService) -> None:
    young = Transcript(lotse, user="y1")
    await young.onboard()
    await young.send("/help")
    for command in ("/template", "/staff", "/upkeep", "/versions", "/edit"):
        assert command not in young.text
    coordinator = await staff_member(lotse, "c1")
    await coordinator.send("/start")
    assert "Landkreis Helmstedt" in coordinator.text and "/template" in coordinator.text


# -- template, upload, preview, Confirm ---------------------------------------------------


async def test_template_upload_preview_and_confirm_reach_a_young_person_without_restart(
    lotse: LotseService, clock: Clock
) -> None:
    young = Transcript(lotse, user="amira")
    await young.onboard(age="17", interests=("German course", "Sport"))
    await young.press("ev:r:EV-T-1")  # a subscriber of the event that will move
    coordinator = await staff_member(lotse, "c1")

    await coordinator.send("/template")
    attachment = coordinator.replies[-1].attachment
    assert attachment is not None and attachment.filename == "lotse-helmstedt.xlsx"
    book = workbook_of(attachment.content)
    assert {"offers", "events"} <= set(book.sheetnames)
    ids = [row[0].value for row in book["offers"].iter_rows(min_row=2) if row[0].value]
    assert ids and all(str(i).startswith("T-HE-") for i in ids)  # only Helmstedt's rows

    set_cell(book["events"], "EV-T-1", "start", "2026-12-10T18:00")
    set_cell(book["events"], "EV-T-1", "end", "2026-12-10T19:30")
    add_row(book["offers"], NEW_OFFER)
    await send_file(coordinator, "lotse-helmstedt.xlsx", saved(book))
    preview = coordinator.text
    assert "Offers added (1)" in preview, preview
    assert "T-HE-99" in preview and "EV-T-1" in preview
    assert "start" in preview and "end" in preview
    assert "1 subscriber will be told" in preview
    before = lotse.content.catalogue_version
    assert "T-HE-99" not in lotse.content.catalogue.offers  # nothing changes before Confirm

    confirm = next(b.data for b in coordinator.buttons if b.data.startswith("ct:y:"))
    await coordinator.press(confirm)
    assert lotse.content.catalogue_version == before + 1
    assert "T-HE-99" in lotse.content.catalogue.offers
    assert lotse.world.events["EV-T-1"].start.day == 10

    # The young person, mid-conversation, sees the new offer at the next input.
    await young.send("/offers")
    listed = young.offer_ids()
    await young.press("of:p:2") if "T-HE-99" not in listed and any(
        b.data == "of:p:2" for b in young.buttons
    ) else None
    assert "T-HE-99" in listed + young.offer_ids()

    # The subscriber is told once, now, that the event moved.
    sent: list[str] = []

    async def phone(row) -> str:  # type: ignore[no-untyped-def]
        reply = await lotse.render(row)
        if reply is not None:
            sent.append(f"{row.kind}:{plain(reply.html)}")
        return "sent"

    await Sender(lotse.queue, phone, clock, clock.sleep).drain()
    changes = [s for s in sent if s.startswith("change:")]
    assert len(changes) == 1 and "10" in changes[0]


async def test_five_broken_rows_are_all_listed_and_nothing_changes(lotse: LotseService) -> None:
    coordinator = await staff_member(lotse, "c1")
    _version, live = await lotse.live_catalogue()
    columns, offer_rows = parse_csv(live["offers/helmstedt.csv"])
    broken = [dict(r) for r in offer_rows]
    broken[0]["min_age"] = "x17"
    broken[1]["category"] = "flying"
    broken[2]["statuses"] = "none_such"
    broken[3]["cost_eur"] = "free?"
    broken[4]["title_de"] = ""
    # German Excel's CSV: ";" and Windows-1252 (which has no Arabic: those columns stay out).
    columns = [c for c in columns if not c.endswith("_ar")]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(broken)
    text = out.getvalue().encode("cp1252")
    before = await _dump(lotse)
    await send_file(coordinator, "angebote.csv", text, "text/csv")
    problems = [line for line in coordinator.text.splitlines() if line.startswith("• ")]
    assert len(problems) == 5, coordinator.text
    for row_number, field in ((2, "min_age"), (3, "category"), (4, "statuses"),
                              (5, "cost_eur"), (6, "title_de")):  # fmt: skip
        assert any(f":{row_number}: {field}" in p for p in problems), problems
    assert not any(b.data.startswith("ct:y:") for b in coordinator.buttons)
    assert await _dump(lotse) == before


async def test_a_provider_changes_only_their_own_rows(lotse: LotseService) -> None:
    provider = await staff_member(lotse, "p1", Grant(PROVIDER, "helmstedt", "KVHS Helmstedt"))
    await provider.send("/template")
    attachment = provider.replies[-1].attachment
    assert attachment is not None
    book = workbook_of(attachment.content)
    header = [c.value for c in book["offers"][1]]
    providers = {
        row[header.index("provider")].value for row in book["offers"].iter_rows(min_row=2)
        if row[0].value
    }  # fmt: skip
    assert providers == {"KVHS Helmstedt"}
    # Someone else's row typed into the sheet is refused with its row.
    add_row(book["offers"], {**NEW_OFFER, "id": "T-HE-98", "provider": "BBS Helmstedt"})
    await send_file(provider, "kvhs.xlsx", saved(book))
    assert "provider" in provider.text and "BBS Helmstedt" not in lotse.content.catalogue.offers
    assert not any(b.data.startswith("ct:y:") for b in provider.buttons)

    # Their own change keeps everyone else's rows as they are.
    book = workbook_of(attachment.content)
    own = next(r[0].value for r in book["offers"].iter_rows(min_row=2) if r[0].value)
    set_cell(book["offers"], str(own), "schedule_de", "Mo–Do 9–12 Uhr")
    await send_file(provider, "kvhs.xlsx", saved(book))
    await provider.press(next(b.data for b in provider.buttons if b.data.startswith("ct:y:")))
    offers = lotse.content.catalogue.offers
    assert offers[str(own)].schedule_de == "Mo–Do 9–12 Uhr"
    assert "T-HE-1" in offers and offers["T-HE-1"].provider == "BBS Helmstedt"


async def test_confirm_is_only_for_the_one_who_staged_and_cancel_changes_nothing(
    lotse: LotseService,
) -> None:
    first = await staff_member(lotse, "c1")
    second = await staff_member(lotse, "c2")
    await stage_offer(first, NEW_OFFER)
    confirm = next(b.data for b in first.buttons if b.data.startswith("ct:y:"))
    cancel = next(b.data for b in first.buttons if b.data.startswith("ct:n:"))
    await second.press(confirm)
    assert "T-HE-99" not in lotse.content.catalogue.offers
    await first.press(cancel)
    await first.press(confirm)  # cancelled: gone
    assert "T-HE-99" not in lotse.content.catalogue.offers
    assert await count(lotse, "catalogue_versions") == 1


async def test_a_preview_made_before_another_change_asks_for_the_file_again(
    lotse: LotseService,
) -> None:
    first = await staff_member(lotse, "c1")
    await stage_offer(first, NEW_OFFER)
    stale = next(b.data for b in first.buttons if b.data.startswith("ct:y:"))
    await first.press("ct:e:EV-T-2")
    await first.press("ct:c:EV-T-2")
    await first.press(next(b.data for b in first.buttons if b.data.startswith("ct:y:")))
    await first.press(stale)
    assert "T-HE-99" not in lotse.content.catalogue.offers
    assert "changed since" in first.text


# -- small edits --------------------------------------------------------------------------


async def test_moving_an_event_in_the_chat_is_a_version_and_keeps_its_length(
    lotse: LotseService,
) -> None:
    coordinator = await staff_member(lotse, "c1")
    event = lotse.world.events["EV-T-1"]
    length = event.end - event.start
    await coordinator.send("/edit")
    assert any(b.data == "ct:e:EV-T-1" for b in coordinator.buttons)
    await coordinator.press("ct:e:EV-T-1")
    await coordinator.press("ct:m:EV-T-1")
    await coordinator.send("gestern 18:00")  # not in the future: asked again
    assert not any(b.data.startswith("ct:y:") for b in coordinator.buttons)
    await coordinator.send("10.12.2026 18:00")
    assert "EV-T-1" in coordinator.text
    await coordinator.press(confirm_button(coordinator))
    moved = lotse.world.events["EV-T-1"]
    assert (moved.start.day, moved.end - moved.start) == (10, length)
    versions = await rows(lotse, "SELECT actor, summary FROM catalogue_versions ORDER BY version")
    assert versions[-1]["actor"].startswith("staff:")
    assert "events changed" in versions[-1]["summary"]


async def test_pausing_an_offer_says_so_to_young_people(lotse: LotseService) -> None:
    coordinator = await staff_member(lotse, "c1")
    await coordinator.press("ct:o:T-HE-5")
    await coordinator.press("ct:a:T-HE-5:stopped")
    await coordinator.press(confirm_button(coordinator))
    assert lotse.content.catalogue.offers["T-HE-5"].availability == "stopped"
    young = Transcript(lotse, user="y1")
    await young.onboard(age="20", interests=("German course",))
    await young.press("of:o:T-HE-5:1")
    assert "no new places" in young.text.lower() or "stopped" in young.text.lower(), young.text


# -- history and undo ---------------------------------------------------------------------


async def test_a_rollback_restores_the_earlier_catalogue_exactly(lotse: LotseService) -> None:
    admin = await staff_member(lotse, "a1", Grant("admin"))
    _version, original = await lotse.live_catalogue()
    await admin.send("/template")
    await admin.tap("Landkreis Helmstedt")
    attachment = admin.replies[-1].attachment
    assert attachment is not None
    book = workbook_of(attachment.content)
    add_row(book["offers"], NEW_OFFER)
    set_cell(book["events"], "EV-T-1", "title_de", "Infoabend (neu)")
    await send_file(admin, "a.xlsx", saved(book))
    await admin.press(next(b.data for b in admin.buttons if b.data.startswith("ct:y:")))
    _version, changed = await lotse.live_catalogue()
    assert changed != original

    await admin.send("/versions")
    assert any(b.data == "ct:r:1" for b in admin.buttons)
    await admin.press("ct:r:1")
    assert "T-HE-99" in admin.text  # the preview says what goes
    await admin.press(next(b.data for b in admin.buttons if b.data.startswith("ct:y:")))
    version, restored = await lotse.live_catalogue()
    assert version == 3 and restored == original
    assert "T-HE-99" not in lotse.content.catalogue.offers


async def test_erasing_a_staff_member_removes_their_grants(lotse: LotseService) -> None:
    coordinator = await staff_member(lotse, "c1")
    await coordinator.send("/privacy")
    assert "coordinator for Landkreis Helmstedt" in coordinator.text
    assert "Telegram id" in coordinator.text
    await coordinator.press("pr:x:yes")
    assert await count(lotse, "staff") == 0
    assert not (await lotse.actor("test", "c1")).is_staff


async def _dump(service: LotseService) -> str:
    tables = ("staff", "invitations", "catalogue_versions", "catalogue_files", "staged_changes",
              "outbox", "users")  # fmt: skip
    parts = []
    for table in tables:
        found = await rows(service, f"SELECT * FROM {table} ORDER BY 1")
        parts.append(f"{table}: {[tuple(r) for r in found]}")
    return "\n".join(parts)


# -- what a change does for people --------------------------------------------------------


async def drain(service: LotseService, clock: Clock) -> list[tuple[str, str, str]]:
    sent: list[tuple[str, str, str]] = []

    async def phone(row) -> str:  # type: ignore[no-untyped-def]
        reply = await service.render(row)
        if reply is None:
            return "cancelled"
        sent.append((row.external_id, row.kind, plain(reply.html)))
        return "sent"

    await Sender(service.queue, phone, clock, clock.sleep).drain()
    return sent


async def add_offer(service: LotseService, coordinator: Transcript, offer: dict) -> None:
    await stage_offer(coordinator, offer)
    await coordinator.press(confirm_button(coordinator))


async def test_new_offers_are_announced_once_only_to_who_asked_and_once_a_day(
    lotse: LotseService, clock: Clock
) -> None:
    asked = Transcript(lotse, user="asked")
    await asked.onboard(age="20", interests=("German course",))
    await asked.send("/profile")
    assert "🔕 Tell me about new offers: off" in asked.labels  # off by default
    await asked.tap("Tell me about new offers")
    assert "🔔 Tell me about new offers: on" in asked.labels
    quiet = Transcript(lotse, user="quiet")
    await quiet.onboard(age="20", interests=("German course",))
    coordinator = await staff_member(lotse, "c1")

    await add_offer(lotse, coordinator, NEW_OFFER)
    first = await drain(lotse, clock)
    news = [(who, text) for who, kind, text in first if kind == "new_offers"]
    assert len(news) == 1 and news[0][0] == "asked"
    assert "Sprachcafé am Abend" in news[0][1] and "/profile" in news[0][1]

    # A second new offer the same day waits for the next day, and only the new one is told.
    await add_offer(lotse, coordinator, {**NEW_OFFER, "id": "T-HE-97",
                                         "title_de": "Lesekreis Deutsch"})  # fmt: skip
    assert [s for s in await drain(lotse, clock) if s[1] == "new_offers"] == []
    clock.now = NOW + timedelta(days=1, hours=1)
    second = [s for s in await drain(lotse, clock) if s[1] == "new_offers"]
    assert len(second) == 1 and "Lesekreis Deutsch" in second[0][2]
    assert "Sprachcafé am Abend" not in second[0][2]

    # Turned off: nothing more.
    await asked.send("/profile")
    await asked.tap("Tell me about new offers")
    await add_offer(lotse, coordinator, {**NEW_OFFER, "id": "T-HE-96", "title_de": "Chor"})
    clock.now = NOW + timedelta(days=3)
    assert [s for s in await drain(lotse, clock) if s[1] == "new_offers"] == []


async def test_coordinators_get_the_upkeep_list_on_monday_once(
    lotse: LotseService, clock: Clock
) -> None:
    await staff_member(lotse, "c1")
    await staff_member(lotse, "kr", Grant(COORDINATOR, "krefeld"))
    clock.now = NOW  # a Sunday
    assert await lotse.desk.weekly_upkeep() == 0
    clock.now = NOW + timedelta(days=1)  # Monday, 11:00 in Helmstedt
    assert await lotse.desk.weekly_upkeep() == 2
    assert await lotse.desk.weekly_upkeep() == 0  # once a week
    sent = [s for s in await drain(lotse, clock) if s[1] == "upkeep"]
    assert sorted(who for who, _, _ in sent) == ["c1", "kr"]
    helmstedt = next(text for who, _, text in sent if who == "c1")
    assert "Landkreis Helmstedt" in helmstedt and "Stadt Krefeld" not in helmstedt
