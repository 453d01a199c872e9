"""Search, almost-fitting offers, saved and "not for me", and newly fitting offers."""

from __future__ import annotations

from bot.service import LotseService
from tests.support.db import count, rows, search_misses, stored
from tests.support.transcript import Transcript


async def test_free_text_finds_offers_and_says_what_it_understood(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(age="17", status="Asylum procedure", german="A1", interests=("Sport",))
    await chat.send("I want to play footbal")  # a typo
    assert "You searched for: football" in chat.text
    assert chat.offer_ids() == ["T-HE-4"]
    await chat.send("ich will Deutsch lernen")
    assert "You searched for: German course" in chat.text
    assert set(chat.offer_ids()) == {"T-HE-1", "T-HE-5", "T-KR-2"}
    misses = await search_misses(service)
    assert misses == {}


async def test_a_search_without_result_is_counted_per_district_without_the_person(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.onboard(place="Helmstedt")
    await chat.send("astronaut")
    assert "I did not understand “astronaut”" in chat.text
    assert "Jugendmigrationsdienst" in chat.text
    await chat.send("nurse")  # understood, but nothing in the fixture catalogue fits
    assert "No offer for “nursing” fits your answers right now" in chat.text
    assert await search_misses(service) == {"helmstedt": 2}
    found = await rows(service, "SELECT * FROM counters WHERE name = 'search_miss' ORDER BY key")
    assert list(found[0].keys()) == ["name", "district", "day", "key", "count"]  # nobody in it
    # By what was looked for (the concept, or "unknown") and the language, for the report.
    # (The day is a date in PostgreSQL, ISO text in SQLite.)
    assert [(*r[:2], str(r[2]), *r[3:]) for r in found] == [
        ("search_miss", "helmstedt", "2026-11-22", f"{found[0]['key'].split('|')[0]}|en", 1),
        ("search_miss", "helmstedt", "2026-11-22", "unknown|en", 1),
    ]
    assert found[0]["key"] != "unknown|en"


async def test_almost_fitting_offers_name_the_missing_condition_and_the_way(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.onboard(
        age="20", status="Refugee or subsidiary", german="A2", interests=("German course",)
    )
    # T-HE-2 needs B1: almost, with the fitting German courses as the way there.
    assert "Almost within reach" in chat.text
    assert "Needs German B1; you have A2" in chat.text
    assert "Integrationskurs" in chat.text.split("Almost within reach")[1]
    assert "of:o:T-HE-2:1" in [b.data for b in chat.buttons]
    assert "T-HE-2" not in chat.offer_ids()[:5] or chat.labels[-3].startswith("→")


async def test_an_offer_from_a_minimum_age_is_almost_a_year_before(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(age="15", status="Duldung", german="A2", interests=("Sport",))
    # T-HE-1 and T-HE-7 start at 16. A typed age leaves the birth month open:
    assert "Open from age 16: from your birthday when you turn 16." in chat.text
    later = Transcript(service, user="u2")
    await later.onboard(age="05.2011", status="Duldung", german="A2", interests=("Sport",))
    # With the month the day is known: 16 on 1 May 2027.
    assert "Open from age 16; you are 15. You can join from May 1, 2027." in later.text


async def test_save_unsave_and_saved_list(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard()
    await chat.press("of:o:T-HE-4:1")
    assert "openstreetmap.org/?mlat=" in chat.text
    await chat.tap("⭐ Save")
    assert chat.replies[0].replace and "Saved" in chat.replies[0].notice
    assert "★ Saved" in chat.labels[0]
    await chat.send("/saved")
    assert chat.offer_ids() == ["T-HE-4"]
    await chat.press("of:o:T-HE-4:1")
    await chat.tap("★ Saved")
    await chat.send("/saved")
    assert "You have not saved any offers yet" in chat.text


async def test_not_for_me_offers_stop_appearing(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard()
    assert "T-HE-4" in chat.offer_ids()
    await chat.press("of:o:T-HE-4:1")
    await chat.tap("Not for me")
    assert "I will not show you this offer again" in chat.text
    assert "T-HE-4" not in chat.offer_ids()
    await chat.send("/offers")
    assert "T-HE-4" not in chat.offer_ids()
    await chat.send("football")
    assert "T-HE-4" not in chat.offer_ids()
    session = await service.session("test", "u1")
    assert session is not None and session.dismissed == ["T-HE-4"]


async def test_a_changed_answer_announces_newly_fitting_offers_once(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.onboard(age="20", status="Refugee or subsidiary protection", german="A2")
    await chat.send("/profile")
    await chat.tap("Change German")
    await chat.tap("B1")
    assert "Good news: 1 more offer fits you now." in chat.text
    assert "of:o:T-HE-2:1" in [b.data for b in chat.buttons]
    await chat.tap("Change German")
    await chat.tap("A2")
    assert "Good news" not in chat.text
    await chat.tap("Change German")
    await chat.tap("B1")
    assert "Good news" not in chat.text  # told once


async def test_marks_survive_a_restart_and_are_erased(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard()
    await chat.press("of:s:T-HE-4:1")
    await chat.press("of:n:T-HE-3:1")
    session = await stored(service, "test", "u1")
    assert session is not None
    assert (session.saved, session.dismissed) == (["T-HE-4"], ["T-HE-3"])
    await chat.press("pr:x:yes")
    assert await count(service, "offer_marks") == 0


async def test_when_nothing_named_fits_the_same_field_is_offered(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(age="20", status="Refugee or subsidiary", german="A2", interests=("Job",))
    await chat.send("I want to become a nurse")
    assert "No offer for “nursing” fits your answers right now" in chat.text
    # The fixture has no nursing offer; the Einstiegsqualifizierung is Ausbildung too.
    assert chat.offer_ids() == ["T-HE-7"]
    assert "Jugendmigrationsdienst" in chat.text
    assert await search_misses(service) == {"helmstedt": 1}
