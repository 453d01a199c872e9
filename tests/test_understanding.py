"""A bot that understands people: the words they type instead of tapping, in their language;
a short help line when an answer does not fit; a button's label typed; questions answered by
a checked card before the offer search; a move to another district."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.content import Content
from bot.core.keys import INTERESTS
from bot.service import LotseService
from tests.support.transcript import Transcript

SHIPPED_CARD_LANGUAGES = {"de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ku", "ckb", "ti",
                          "so", "fr"}  # fmt: skip


async def at_papers(service: LotseService, language: str, user: str = "u1") -> Transcript:
    chat = Transcript(service, user=user)
    await chat.send("/start")
    await chat.press(f"fl:a:language:{language}")
    await chat.send("2008")
    await chat.press("fl:a:consent:agree")
    return chat


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("en", "idk", "unknown"),
        ("en", "Duldung", "duldung"),
        ("ar", "لا أعرف", "unknown"),
        ("fa", "نمیدونم", "unknown"),
        ("uk", "не знаю", "unknown"),
        ("tr", "bilmiyorum", "unknown"),
        ("de", "Ukraine", "protection_24"),
    ],
)
async def test_typed_papers_in_many_languages(
    service: LotseService, language: str, typed: str, value: str
) -> None:
    chat = await at_papers(service, language)
    await chat.send(typed)
    session = await service.session("test", "u1")
    assert session is not None and session.profile.status == value
    assert session.step == "german_level"


@pytest.mark.parametrize(
    ("language", "typed", "level"),
    [("en", "a little", "A1"), ("en", "fluent", "C1"), ("uk", "трохи", "A1"),
     ("de", "ein bisschen", "A1"), ("en", "not sure", "unknown")],
)  # fmt: skip
async def test_typed_german_levels(
    service: LotseService, language: str, typed: str, level: str
) -> None:
    chat = await at_papers(service, language)
    await chat.press("fl:a:residence_status:duldung")
    await chat.send(typed)
    session = await service.session("test", "u1")
    assert session is not None and session.profile.german_level == level


@pytest.mark.parametrize(("language", "typed"), [("ar", "نعم"), ("fa", "بله"), ("uk", "так"),
                                                 ("tr", "evet"), ("en", "ok")])  # fmt: skip
async def test_a_typed_yes_agrees(service: LotseService, language: str, typed: str) -> None:
    chat = Transcript(service)
    await chat.send("/start")
    await chat.press(f"fl:a:language:{language}")
    await chat.send("17")
    await chat.send(typed)
    session = await service.session("test", "u1")
    assert session is not None and session.consented and session.step == "residence_status"


async def test_refugee_asks_which_paper_instead_of_guessing(service: LotseService) -> None:
    chat = await at_papers(service, "en")
    await chat.send("refugee")
    assert "Which one is it?" in chat.text
    shown = {b.data.rsplit(":", 1)[1] for b in chat.buttons if b.data.startswith("fl:a:")}
    assert shown == {"gestattung", "duldung", "aufenthaltserlaubnis", "ae_other"}
    session = await service.session("test", "u1")
    assert session is not None and session.profile.status is None  # nothing guessed
    await chat.tap("Duldung")
    session = await service.session("test", "u1")
    assert session is not None and session.profile.status == "duldung"


async def test_a_refused_answer_gets_the_short_help_line_only(service: LotseService) -> None:
    chat = await at_papers(service, "en")
    await chat.send("xyz qqq")
    assert chat.text == "Please tap one of the buttons. If you are not sure, tap “I don't know”."
    assert len(chat.buttons) >= 8  # the buttons stay, to tap
    await chat.send("back")  # a typed meaning works too
    assert "When were you born" in chat.text


async def test_typed_words_finish_the_interests(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard(interests=())
    await chat.send("football")
    await chat.send("ok")  # "ok" after a tick means done
    session = await service.session("test", "u1")
    assert session is not None and session.profile.interests == ("sport",)


async def test_a_typed_button_label_works_like_the_button(service: LotseService) -> None:
    chat = Transcript(service)
    await chat.onboard()
    await chat.send("/events")
    await chat.press("ev:o:EV-T-1")
    await chat.send("remind me")  # "🔔 Remind me" without its emoji
    assert "🔔 You get a reminder." in chat.text or "remind you" in chat.text
    await chat.send("Calendar fle")  # a typo, and never an offer search
    assert chat.replies[0].attachment is not None
    assert "You searched for" not in chat.text


def test_every_card_in_every_language_with_its_basis_source_and_date(bundled: Content) -> None:
    cards = bundled.catalogue.cards
    assert len(cards) >= 8
    topics = {card.category for card in cards.values()}
    assert {"vocational_training", "job", "german_course", "recognition", "university",
            "counselling"} <= topics  # fmt: skip
    assert topics <= set(INTERESTS)
    for card in cards.values():
        assert set(card.texts) == SHIPPED_CARD_LANGUAGES, card.id
        assert card.legal_basis and card.sources and card.checked_on.year >= 2026, card.id
        assert all(source.startswith("https://") for source in card.sources)


def test_the_search_finds_each_card_for_its_own_questions(bundled: Content) -> None:
    """At least three phrasings per card in at least five languages; every example finds
    its card and no other."""
    cards, index = bundled.catalogue.cards, bundled.cards
    wrong = []
    phrased: Counter[str] = Counter()
    for card in cards.values():
        for language, texts in card.texts.items():
            if len(texts.examples) >= 3:
                phrased[card.id] += 1
            for example in texts.examples:
                found = index.find(example)
                if found is None or found.id != card.id:
                    wrong.append((card.id, language, example, found and found.id))
    assert wrong == []
    assert all(phrased[card_id] >= 5 for card_id in cards), phrased


@pytest.mark.parametrize(
    "text", ["Ausbildung", "Deutschkurs", "football in Helmstedt", "I want to become a nurse",
             "Ausbildung Kfz", "hello", "job"],
)  # fmt: skip
def test_a_plain_offer_search_selects_no_card(bundled: Content, text: str) -> None:
    assert bundled.cards.find(text) is None


async def test_a_question_gets_the_card_then_the_fitting_offers(
    bundled_service: LotseService,
) -> None:
    chat = Transcript(bundled_service)
    await chat.onboard(age="03.2006", status="Duldung", german="A2", place="Helmstedt",
                       interests=("Vocational training",), arrival="07.2026")  # fmt: skip
    await chat.send("Can I do Ausbildung with Duldung?")
    card, offers = chat.replies[0], chat.replies[1]
    assert "Ausbildungsduldung (§ 60c AufenthG)" in card.html
    assert "Legal basis:" in card.html and "Checked on" in card.html
    assert "Counselling checks your own case" in card.html
    assert any(b.data.startswith("of:o:HE-012") for row in card.buttons for b in row)  # JMD
    assert "Offers for you in “Vocational training (Ausbildung)”" in offers.html
    assert "Ausbildung Friseur/in" in offers.html


async def test_a_move_to_another_district_says_the_offers_changed(
    service: LotseService,
) -> None:
    chat = Transcript(service)
    await chat.onboard(place="Helmstedt")
    await chat.send("/profile")
    await chat.tap("Change town")
    await chat.send("Krefeld")
    assert "Your offers changed" in chat.text
    assert "more offer" not in chat.text
