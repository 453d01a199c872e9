"""The content can be replaced while the bot runs: between two inputs of a person, in the middle
of the questions and after the offer list, with a place and a saved offer gone, and with a
changed conversation. The person is mended with a short note, never a KeyError."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.content import Content
from bot.content.flows import load_flows
from bot.service import ContentError, LotseService
from tests.support.db import stored
from tests.support.transcript import Transcript


def without(
    content: Content, *, places: frozenset[str] = frozenset(), offers: frozenset[str] = frozenset()
) -> Content:
    catalogue = content.catalogue
    smaller = dataclasses.replace(
        catalogue,
        places={k: v for k, v in catalogue.places.items() if k not in places},
        offers={k: v for k, v in catalogue.offers.items() if k not in offers},
    )
    return Content.build(content.flows, smaller, content.events, content.catalogues)


async def test_a_swap_in_the_middle_of_the_questions(
    service: LotseService, content: Content
) -> None:
    chat = Transcript(service)
    await chat.begin()
    await chat.send("22")
    await chat.agree()
    await chat.tap("EU citizen")
    await chat.tap("B1")
    await chat.send("Königslutr")  # candidates are on screen now
    assert chat.labels[0].startswith("Königslutter am Elm")
    version = await service.replace_content(without(content, places=frozenset({"koenigslutter"})))
    assert version == content.version + 1
    # The old button points to a place that is gone: asked again, nothing breaks.
    await chat.press("fl:a:place:koenigslutter")
    assert "Where do you live" in chat.text or "Is it one of these" in chat.text
    await chat.send("Königslutter")
    assert not any("Königslutter" in label for label in chat.labels)
    await chat.send("Helmstedt")  # exactly one place: taken without a tap
    assert "What are you interested in" in chat.text


async def test_a_swap_after_the_offer_list_removes_the_town_and_a_saved_offer(
    service: LotseService, content: Content
) -> None:
    chat = Transcript(service)
    await chat.onboard(age="17", status="Asylum procedure", german="A1", place="Helmstedt")
    assert "T-HE-1" in chat.offer_ids()
    await chat.press("of:s:T-HE-1:1")  # saved
    await service.replace_content(
        without(content, places=frozenset({"helmstedt"}), offers=frozenset({"T-HE-1"}))
    )
    await chat.send("/offers")
    assert "An offer you saved is no longer available." in chat.text
    assert "Lotse does not know your town any more" in chat.text
    assert "Where do you live" in chat.text
    await chat.send("Schöningen")
    session = await stored(service, "test", "u1")
    assert session is not None and session.profile.place == "schoeningen"
    assert session.saved == []
    await chat.send("/offers")
    assert "offers fit you" in chat.text or "offer fits you" in chat.text
    assert "T-HE-1" not in chat.offer_ids()
    await chat.press("of:o:T-HE-1:1")  # an old button of a removed offer
    assert "This offer is no longer available" in chat.text


async def test_a_changed_conversation_asks_again_where_a_step_is_gone(
    service: LotseService, content: Content, tmp_path: Path
) -> None:
    chat = Transcript(service)
    await chat.onboard()
    await chat.send("/feedback")
    await chat.tap("4")
    assert "Do you want to tell us more" in chat.text
    folder = tmp_path / "conversations"
    folder.mkdir()
    for path in (ROOT / "conversations").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "feedback.toml":  # the comment step is gone: rating only
            text = text[: text.index('[[steps]]\nid = "comment"')]
            text = text.replace('next = "comment"\n', "").replace('comment = "text"\n', "")
        (folder / path.name).write_text(text, encoding="utf-8")
    changed = dataclasses.replace(content, flows=load_flows(folder))
    await service.replace_content(Content.build(changed.flows, content.catalogue,
                                                content.events, content.catalogues))  # fmt: skip
    await chat.send("great bot")
    assert "This question has changed, so I ask again." in chat.text
    assert "How helpful is Lotse for you" in chat.text


async def test_content_that_needs_a_missing_column_is_refused(
    service: LotseService, content: Content, tmp_path: Path
) -> None:
    folder = tmp_path / "conversations"
    folder.mkdir()
    for path in (ROOT / "conversations").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "onboarding.toml":
            text = text.replace('interests = "keys"\n', 'interests = "keys"\nshoe_size = "int"\n')
            text += (
                '\n[[steps]]\nid = "shoe"\nkind = "number"\nprompt = "Shoe size?"\n'
                'validator = "age_or_birth_year"\nfield = "shoe_size"\n'
            )
            text = text.replace('field = "interests"', 'field = "interests"\nnext = "shoe"', 1)
            text = text.replace('next = "end"\n', "", 1)
        (folder / path.name).write_text(text, encoding="utf-8")
    flows = load_flows(folder)
    new = Content.build(flows, content.catalogue, content.events, content.catalogues)
    with pytest.raises(ContentError, match="shoe_size"):
        await service.replace_content(new)
    assert service.content.version == content.version  # nothing was swapped
