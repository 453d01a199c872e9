"""The onboarding conversation through the service, read like a chat transcript."""

from __future__ import annotations

from pathlib import Path

from bot.content import Content
from bot.core.person import birth_of_age
from bot.service import LotseService
from bot.storage.sqlite import SqliteStorage
from tests.conftest import TODAY
from tests.support.db import count, stored
from tests.support.transcript import Transcript


async def test_first_message_opens_the_language_picker(service: LotseService) -> None:
    chat = Transcript(service, language_hint="ar")
    await chat.send("hello")
    assert "Which language" in chat.text or "لغة" in chat.text
    # Telegram's language_code is suggested first, but every language is offered.
    assert chat.buttons[0].data == "fl:a:language:ar"
    languages = {"fl:a:language:de", "fl:a:language:en", "fl:a:language:ar"}
    assert languages <= {b.data for b in chat.buttons}


async def test_whole_onboarding_ends_with_fitting_offers(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(age="17", status="Asylum procedure", german="A1", place="Helmstedt")
    assert "Here are the offers for you" in chat.text
    # Fixture: 17, gestattung, A1 in Helmstedt. T-HE-2 needs B1 and a permit, T-HE-6 expired,
    # T-HE-7 needs A2, Krefeld offers are elsewhere (T-KR-2 is online, up to B1: it fits).
    assert sorted(chat.offer_ids()) == ["T-HE-1", "T-HE-3", "T-HE-4", "T-HE-5", "T-KR-2"]
    # German course is the interest: those come first.
    assert chat.offer_ids()[:2] == ["T-HE-1", "T-HE-5"]
    assert "Fits your interest “German course”" in chat.text


async def test_each_step_asks_again_on_an_answer_that_does_not_fit(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("very old")
    assert "Please type your birth month and year like 03.2009" in chat.text
    await chat.send("250")
    assert "or only your age like 17" in chat.text
    await chat.send("13.2008")  # no 13th month
    assert "Please type your birth month and year" in chat.text
    await chat.send("2008")  # a birth year alone
    assert "Do you agree that I save your answers" in chat.text
    await chat.agree()
    assert "Which paper do you have" in chat.text
    await chat.send("xyz qqq")
    assert "Please tap one of the buttons" in chat.text
    await chat.send("duldung")  # free text understood through the option labels
    assert "How good is your German" in chat.text
    session = await service.session("test", "u1")
    assert session is not None
    assert session.profile.get("birth") == "2008-01/2008-12"
    assert session.profile.status == "duldung"


async def test_back_returns_to_the_previous_question_and_keeps_answers(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("19")
    await chat.agree()
    await chat.tap("Refugee or subsidiary protection")
    await chat.tap("Back")
    assert "Which paper do you have" in chat.text
    # Back from the first question after consent goes to the age, not to consent again.
    await chat.tap("Back")
    assert "When were you born" in chat.text
    await chat.tap("Back")
    assert "Which language" in chat.text
    session = await service.session("test", "u1")
    assert session is not None and session.profile.get("birth") == birth_of_age(19, TODAY).text()


async def test_typed_back_works_like_the_button(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("19")
    await chat.send("back")
    assert "When were you born" in chat.text


async def test_a_button_of_an_earlier_question_is_answered_politely(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.press("fl:a:language:de")  # an old button from the language message
    assert "earlier question" in chat.text
    assert "When were you born" in chat.text


async def test_unknown_button_data_and_stickers_lose_nothing(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("20")
    await chat.agree()
    await chat.press("zz:garbage")
    assert "did not understand this button" in chat.text
    await chat._do(__import__("bot.core.dialogue_io", fromlist=["Input"]).Input("unsupported"))
    assert "only read text messages" in chat.text
    assert "Which paper do you have" in chat.text
    session = await service.session("test", "u1")
    assert session is not None and session.profile.get("birth") == birth_of_age(20, TODAY).text()


async def test_place_with_typo_postcode_and_location(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("22")
    await chat.agree()
    await chat.tap("EU citizen")
    await chat.tap("B1")
    await chat.send("Berlin")
    assert "I could not find this place" in chat.text
    assert "Landkreis Helmstedt" in chat.text
    await chat.send("Königslutr")
    assert chat.labels[0].startswith("Königslutter am Elm")
    await chat.send("47829")  # Krefeld and its part Uerdingen share it: asked which
    assert chat.labels[0].startswith("Krefeld")
    assert any(label.startswith("Uerdingen") for label in chat.labels)
    await chat.share_location(52.25, 10.82)  # near Königslutter
    assert chat.labels[0].startswith("Königslutter am Elm")
    await chat.tap("Königslutter")
    assert "What are you interested in" in chat.text
    session = await service.session("test", "u1")
    assert session is not None and session.profile.place == "koenigslutter"


async def test_an_exact_town_or_postcode_needs_no_tap(service: LotseService) -> None:
    typed_forms = {"a": "königslutter am elm", "b": "Koenigslutter", "c": "38154"}
    for user, typed in typed_forms.items():
        chat = Transcript(service, user=user)
        await chat.begin()
        await chat.send("22")
        await chat.agree()
        await chat.tap("EU citizen")
        await chat.tap("B1")
        await chat.send(typed)
        assert "What are you interested in" in chat.text, typed
        session = await service.session("test", user)
        assert session is not None and session.profile.place == "koenigslutter"


async def test_a_town_outside_the_districts_gets_what_works_everywhere(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("22")
    await chat.agree()
    await chat.tap("EU citizen")
    await chat.tap("B1")
    await chat.send("Berlin")
    assert "Type your postcode" in chat.text
    await chat.send("10115")
    assert "What are you interested in" in chat.text
    await chat.tap("German course")
    await chat.tap("Done")
    assert "Lotse does not know your town yet" in chat.text
    assert chat.offer_ids() == ["T-KR-2"]  # the fixture's online course; nothing local
    session = await service.session("test", "u1")
    assert session is not None and session.profile.place == "area:10"  # no finer than that
    async with service.storage.unit(write=False) as unit:
        assert await unit.counters.totals("outside_area") == {("bundesweit", "10"): 1}
    await chat.send("/profile")
    assert "outside the districts Lotse knows (postcode 10…)" in chat.text


async def test_interests_tick_untick_and_need_one(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(interests=())
    assert "Please tap at least one topic" in chat.text
    await chat.tap("Sport")
    assert "✅ Sport" in chat.labels
    assert chat.replies[0].replace  # Telegram edits the message instead of sending a new one
    await chat.tap("Sport")
    assert "Sport" in chat.labels and "✅ Sport" not in chat.labels
    await chat.send("sport, job")
    assert {"✅ Sport", "✅ Job"} <= set(chat.labels)
    await chat.tap("Done")
    session = await service.session("test", "u1")
    assert session is not None and session.profile.interests == ("job", "sport")


async def test_declining_consent_stores_nothing(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.send("/start")
    await chat.tap("English")
    await chat.send("17")
    await chat.tap("No, I do not agree")
    assert "I did not save anything" in chat.text
    assert await stored(service, "test", "u1") is None
    assert await count(service, "users") == 0


async def test_nothing_is_stored_before_consent(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.send("/start")
    await chat.tap("English")
    await chat.send("17")  # the age before the consent question: in memory only
    assert await count(service, "users") == 0
    await chat.tap("I agree")
    assert await count(service, "users") == 1


async def test_commands_before_consent_point_to_the_questions(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.send("/offers")
    assert "Please answer the questions first" in chat.text
    assert "Which language" in chat.text
    await chat.send("/privacy")
    assert "I have not saved anything about you" in chat.text


async def test_offer_pages_and_detail(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(age="17", status="I don't know", german="I don't know")
    # Unknown status and level never hide offers; the list points to counselling.
    assert "Jugendmigrationsdienst" in chat.text
    ids = chat.offer_ids()
    assert len(ids) == 5 and "More ›" in chat.labels
    await chat.tap("More")
    assert "Page 2 of 2" in chat.text
    second = chat.offer_ids()
    assert second and not set(second) & set(ids)
    await chat.press("of:o:T-HE-5:2")  # the detail remembers the page it was opened from
    assert "Integrationskurs" in chat.text
    assert "229" in chat.text and "Befreiung" in chat.text
    assert "may have changed" in chat.text  # needs_verification
    assert "example" in chat.text  # invented contact marked
    await chat.tap("Back to the list")
    assert "Page 2 of 2" in chat.text


async def test_profile_shows_and_edits_one_answer(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(age="17")
    await chat.send("/profile")
    assert "Age: 17" in chat.text
    await chat.tap("Change age")
    assert "When were you born" in chat.text
    await chat.send("21")
    assert "Saved." in chat.text and "Age: 21" in chat.text
    await chat.tap("Change German")
    await chat.tap("Back")  # leaving an edit without answering keeps the old answer
    assert "German: A1" in chat.text


async def test_privacy_erase_removes_every_row(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard()
    await chat.send("/privacy")
    assert "What I save about you" in chat.text and "Helmstedt" in chat.text
    await chat.tap("Delete all my data")
    await chat.tap("No, keep")
    assert "Nothing was deleted" in chat.text
    assert await stored(service, "test", "u1") is not None
    await chat.send("/privacy")
    await chat.tap("Delete all my data")
    await chat.tap("Yes, delete everything")
    assert "Everything is deleted" in chat.text
    for table in ("users", "profiles", "conversation_state"):
        assert await count(service, table) == 0, table


async def test_language_switch_keeps_the_open_question(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("/language")
    await chat.tap("Deutsch")
    assert "Deutsch" in chat.text
    session = await service.session("test", "u1")
    assert session is not None and session.language == "de" and session.step == "age"


async def test_start_payload_can_choose_the_language(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.send("/start lang_de")
    session = await service.session("test", "u1")
    assert session is not None and session.language == "de" and session.step == "age"


async def test_age_outside_the_focus_is_served_with_a_note(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(age="30", status="Refugee or subsidiary protection", german="B1")
    assert "made for young people from 14 to 27" in chat.text
    assert "T-KR-2" in chat.offer_ids()  # online course, no age limit
    assert "T-HE-3" not in chat.offer_ids()  # JMD is up to 26


async def test_typed_english_button_words_work_in_any_language(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(language="العربية", status="لا أعرف", german="A1", interests=())
    await chat.send("رياضة")  # "sport", typed in Arabic
    assert "✅ رياضة" in chat.labels
    await chat.send("done")
    assert chat.offer_ids()
    session = await service.session("test", "u1")
    assert session is not None and session.profile.interests == ("sport",)


async def test_an_erased_person_leaves_no_trace_in_the_sqlite_file(
    content: Content, db_path: Path
) -> None:
    """secure_delete: deleted rows are overwritten, not left in free pages of the file."""
    service = LotseService(await SqliteStorage.open(db_path), content)
    chat = Transcript(service, user="zz-erase-me-9431")
    await chat.onboard()
    await chat.send("/privacy")
    await chat.tap("Delete all my data")
    await chat.tap("Yes, delete everything")
    await service.close()  # checkpointed: the WAL is written back and removed
    assert b"zz-erase-me-9431" not in db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or b"zz-erase-me-9431" not in wal.read_bytes()
