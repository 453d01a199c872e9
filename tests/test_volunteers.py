"""Volunteers through the service: invites with presets whose codes reveal nobody, counts
shown only from 3, "Tell my mentor" only when the young person chooses it (and taken back in
/privacy), a forwarded contact answered without storing anything, the district's volunteer
code for self-registration, and refusals to everyone else."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from bot.core.access import COORDINATOR, VOLUNTEER, Grant
from bot.service import LotseService
from tests.support.db import rows
from tests.support.transcript import Transcript
from tests.test_coordinators import staff_member


async def make_invite(volunteer: Transcript, language: str = "ar") -> str:
    await volunteer.send("/invite")
    await volunteer.press("vl:l")
    await volunteer.press(f"vl:g:{language}")
    photo, flyer = volunteer.replies[-2:]
    assert photo.attachment is not None and photo.attachment.mime_type == "image/png"
    assert flyer.attachment is not None and flyer.attachment.content.startswith(b"%PDF")
    found = await rows(volunteer.service, "SELECT code FROM referrals ORDER BY id DESC")
    return str(found[0]["code"])


async def test_an_invites_code_is_random_and_names_nobody(lotse: LotseService) -> None:
    volunteer = await staff_member(lotse, "vol-1", Grant(VOLUNTEER, "helmstedt"))
    codes = {await make_invite(volunteer) for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert code.startswith("r_") and len(code) <= 64
        assert all(c.isalnum() or c in "_-" for c in code)
        assert "vol" not in code and "helmstedt" not in code
    young = Transcript(lotse, user="young-1")
    await young.send(f"/start {next(iter(codes))}")
    assert "vol-1" not in young.text  # the young person learns nothing about who made it


async def test_counts_show_only_from_three_and_never_who(lotse: LotseService) -> None:
    volunteer = await staff_member(lotse, "vol", Grant(VOLUNTEER, "helmstedt"))
    code = await make_invite(volunteer, "en")
    for number in range(1, 5):
        young = Transcript(lotse, user=f"young-{number}")
        await young.send(f"/start {code}")
        await young.send("17")
        await young.press("fl:a:consent:agree")
        await volunteer.send("/invite")
        if number < 3:
            assert "fewer than 3 started" in volunteer.text
        else:
            assert f"{number} started" in volunteer.text
        assert "young-" not in volunteer.text
    # Starting again through the same code counts nobody twice.
    await young.send(f"/start {code}")
    found = await rows(lotse, "SELECT started, finished FROM referrals")
    assert [tuple(r) for r in found] == [(4, 0)]


async def test_the_mentor_is_told_only_when_the_young_person_chooses_it(
    lotse: LotseService,
) -> None:
    volunteer = await staff_member(lotse, "vol", Grant(VOLUNTEER, "helmstedt"))
    code = await make_invite(volunteer, "en")
    young = Transcript(lotse, user="young")
    await young.send(f"/start {code}")
    await young.send("17")
    await young.press("fl:a:consent:agree")
    await young.tap("Asylum procedure")
    await young.tap("A1")
    assert "fl:a:place:helmstedt" in [b.data for b in young.buttons]  # the invite's towns
    await young.press("fl:a:place:helmstedt")
    await young.tap("German course")
    await young.press("fl:d:interests")
    assert "vl:m" in [b.data for b in young.buttons]
    assert await rows(lotse, "SELECT * FROM mentor_links") == []
    assert await rows(lotse, "SELECT * FROM outbox WHERE kind = 'mentor'") == []
    await young.press("vl:m")
    await young.send("Amal")
    assert "Amal is here and uses Lotse" in young.text
    [message] = await rows(lotse, "SELECT payload FROM outbox WHERE kind = 'mentor'")
    assert message["payload"] == '{"name": "Amal"}'  # the first name, nothing else
    await volunteer.send("/invite")
    assert "They told you that they are here: Amal" in volunteer.text
    # Taken back in /privacy.
    await young.send("/privacy")
    assert "vl:w" in [b.data for b in young.buttons]
    await young.press("vl:w")
    await volunteer.send("/invite")
    assert "Amal" not in volunteer.text


async def test_someone_without_an_invite_gets_no_mentor_button(lotse: LotseService) -> None:
    young = Transcript(lotse, user="young")
    await young.onboard()
    assert "vl:m" not in [b.data for b in young.buttons]
    await young.press("vl:m")
    assert "not for you" in young.text
    assert await rows(lotse, "SELECT * FROM mentor_links") == []


async def test_a_forwarded_contact_is_answered_and_nothing_about_it_is_stored(
    lotse: LotseService,
) -> None:
    volunteer = await staff_member(lotse, "vol", Grant(VOLUNTEER, "helmstedt"))
    await volunteer.forward()
    assert "cannot write to anyone first" in volunteer.text
    assert any(r.attachment and r.attachment.mime_type == "image/png" for r in volunteer.replies)
    coordinator = await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    await coordinator.forward()
    assert "vl:c:T-HE-3" in [b.data for b in coordinator.buttons]
    await coordinator.press("vl:c:T-HE-3")
    [referral] = await rows(lotse, "SELECT kind, service FROM referrals WHERE kind != 'volunteer'")
    assert tuple(referral) == ("counselling", "T-HE-3")
    young = Transcript(lotse, user="young")
    await young.onboard()
    await young.forward()
    assert "cannot write to anyone first" in young.text
    people = await rows(lotse, "SELECT external_id FROM users ORDER BY id")
    assert [r["external_id"] for r in people] == ["vol", "coord", "young"]


async def test_a_counselling_referral_leads_to_the_service_after_consent(
    lotse: LotseService,
) -> None:
    coordinator = await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    await coordinator.forward()
    await coordinator.press("vl:c:T-HE-3")
    [found] = await rows(lotse, "SELECT code FROM referrals")
    young = Transcript(lotse, user="young")
    await young.send(f"/start {found['code']}")
    assert "tk:h:T-HE-3:a" not in [b.data for b in young.buttons]  # not before they agree
    await young.tap("English")
    await young.send("17")
    await young.press("fl:a:consent:agree")
    await young.tap("Asylum procedure")
    await young.tap("A1")
    await young.press("fl:a:place:helmstedt")
    await young.tap("German course")
    await young.press("fl:d:interests")
    assert "tk:h:T-HE-3:a" in [b.data for b in young.buttons]


async def test_a_districts_volunteer_code_registers_many_volunteers(lotse: LotseService) -> None:
    coordinator = await staff_member(lotse, "coord", Grant(COORDINATOR, "helmstedt"))
    await coordinator.send("/staff")
    await coordinator.press("st:i:volunteers")
    [row] = await rows(lotse, "SELECT reusable, role FROM invitations WHERE reusable = 1")
    assert row["role"] == "volunteer"
    link = re.search(r"inv_[A-Za-z0-9_-]+", coordinator.text).group()  # type: ignore[union-attr]
    for user in ("v1", "v2", "v3"):
        chat = Transcript(lotse, user=user, language_hint="en")
        await chat.send(f"/start {link}")
        await chat.press(f"st:a:{link}")
        assert "Welcome" in chat.text
        assert (await lotse.actor("test", user)).has(VOLUNTEER, "helmstedt")


async def test_my_offers_comes_as_one_page_in_the_persons_language_and_in_german(
    lotse: LotseService,
) -> None:
    young = Transcript(lotse, user="young")
    await young.onboard()
    await young.send("/language")
    await young.tap("العربية")
    offer = young.service.world.catalogue.offers["T-HE-3"]
    await young.press("of:s:T-HE-3:1")
    await young.send("/saved")
    assert "of:m" in [b.data for b in young.buttons]
    await young.press("of:m")
    [reply] = [r for r in young.replies if r.attachment is not None]
    assert reply.attachment.mime_type == "application/pdf"
    pdf = PdfReader(io.BytesIO(reply.attachment.content))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Meine Angebote" in text and offer.title_de.split()[0] in text
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)  # and in Arabic
