"""The rules as a young person meets them in the chat, on the bundled catalogue, on the
counsellor's day (1 December 2026): the reason lines say the real condition."""

from __future__ import annotations

from bot.service import LotseService
from tests.support.transcript import Transcript


async def onboard(
    chat: Transcript,
    *,
    birth: str,
    status: str,
    german: str,
    place: str,
    arrival: str | None = None,
    reception: str | None = None,
    interest: str,
    language: str = "en",
) -> None:
    await chat.send("/start")
    await chat.press(f"fl:a:language:{language}")
    await chat.send(birth)
    await chat.press("fl:a:consent:agree")
    await chat.press(f"fl:a:residence_status:{status}")
    await chat.press(f"fl:a:german_level:{german}")
    await chat.send(place)  # an exact name: taken without a tap
    for step, answer in (("arrival", arrival), ("reception", reception)):
        asked = any(b.data.startswith(f"fl:a:{step}:") for b in chat.buttons)
        assert asked == (answer is not None), (step, chat.text)
        if answer is not None and answer.startswith("fl:"):
            await chat.press(answer)
        elif answer is not None:
            await chat.send(answer)
    await chat.press(f"fl:t:interests:{interest}")
    await chat.press("fl:d:interests")


async def all_pages(chat: Transcript) -> str:
    """The text of every page of the offer list."""
    texts = [chat.text]
    while "More ›" in chat.labels:
        await chat.tap("More")
        texts.append(chat.text)
    return "\n\n".join(texts)


async def test_duldung_for_five_months_wanting_an_ausbildung(
    bundled_service: LotseService,
) -> None:
    chat = Transcript(bundled_service)
    await onboard(
        chat, birth="03.2006", status="duldung", german="A2", place="Helmstedt",
        arrival="07.2026", reception="fl:a:reception:no", interest="vocational_training",
    )  # fmt: skip
    listing = await all_pages(chat)
    # An Ausbildung is open from the first day of a Duldung outside a reception centre, with
    # the conditions said, never a bare "Open for your papers".
    assert "Ausbildung Friseur/in" in listing
    assert "you need a permission (Beschäftigungserlaubnis) from the Ausländerbehörde" in listing
    assert "Open for your papers" not in listing
    # BvB waits 9 months with a Duldung: 4 are missing.
    assert (
        "Open for Duldung after 9 months in Germany; you have been here 5 months: in 4 months."
        in listing
    )
    # The Integrationskurs: the 2026 admission stop, and what remains.
    await chat.press("of:o:HE-003:1")
    assert "new places are stopped for Duldung (§ 44 Abs. 4 AufenthG)" in chat.text
    assert "an office obliges you to take part" in chat.text
    # The detail of an Ausbildung names the safe countries of origin.
    await chat.press("of:o:HE-007:1")
    assert "Not for people from a safe country of origin: " in chat.text
    assert "Georgia" in chat.text and "Senegal" in chat.text
    # The information evening of the Integrationskurs follows its offer: almost within reach,
    # and the event says what is missing.
    await chat.send("/events")
    assert "ev:o:EV-HE-002" in [b.data for b in chat.buttons]
    await chat.press("ev:o:EV-HE-002")
    assert "→ Since February 9, 2026, new places are stopped for Duldung" in chat.text


async def test_a_school_obliged_sixteen_year_old_in_helmstedt(
    bundled_service: LotseService,
) -> None:
    chat = Transcript(bundled_service)
    await onboard(
        chat, birth="05.2010", status="aufenthaltserlaubnis", german="A1", place="Helmstedt",
        reception="fl:a:reception:no", interest="german_course",
    )  # fmt: skip
    # School placement first, and until when school is compulsory in Niedersachsen.
    assert chat.offer_ids()[0] == "HE-042"
    assert "In Niedersachsen you still have to go to school until July 31, 2027" in chat.text
    listing = await all_pages(chat)
    # The BES language class is for pupils: it fits. The Integrationskurs excludes pupils; the
    # obligation ends within a year, so it is almost within reach, from 1 August 2027.
    assert "For young people who still have to go to school." in listing
    assert "For young people who no longer have to go to school: from August 1, 2027." in listing
    fitting = [b.data for b in chat.buttons if b.data.startswith("of:o:")]
    assert "of:o:HE-003:" not in " ".join(fitting[:-3])
    # A refugee is entitled to the Integrationskurs: the Ausländerbehörde gives the
    # Berechtigungsschein (the offer's own first step is an admission by the BAMF).
    await chat.press("of:o:HE-003:1")
    assert "you get a certificate (Berechtigungsschein) from the Ausländerbehörde" in chat.text
    assert "admission (Zulassung) from the BAMF" not in chat.text


async def test_protection_24_wanting_university(bundled_service: LotseService) -> None:
    chat = Transcript(bundled_service)
    await onboard(
        chat, birth="06.2004", status="protection_24", german="B1", place="Krefeld",
        interest="university",
    )  # fmt: skip
    listing = await all_pages(chat)
    assert "Garantiefonds" in listing
    assert "Open for your papers" not in listing
    await chat.press("of:o:KR-006:1")  # the Integrationskurs in Krefeld
    assert "new places are stopped for Protection (Ukraine)" in chat.text
    # While admissions are stopped, "ask the BAMF for an admission" is no first step.
    assert "admission (Zulassung) from the BAMF" not in chat.text


async def test_the_jobcenter_event_follows_its_offer(bundled_service: LotseService) -> None:
    """EV-KR-005 (Jobcenter info morning) belongs to KR-013, which is not for a Duldung."""
    tolerated = Transcript(bundled_service, user="a")
    await onboard(
        tolerated, birth="05.2009", status="duldung", german="A1", place="Krefeld",
        arrival="unknown", reception="fl:a:reception:no", interest="vocational_training",
    )  # fmt: skip
    await tolerated.send("/events")
    assert "ev:o:EV-KR-005" not in [b.data for b in tolerated.buttons]
    refugee = Transcript(bundled_service, user="b")
    await onboard(
        refugee, birth="05.2005", status="aufenthaltserlaubnis", german="A1", place="Krefeld",
        interest="vocational_training",
    )  # fmt: skip
    await refugee.send("/events")
    assert "ev:o:EV-KR-005" in [b.data for b in refugee.buttons]
