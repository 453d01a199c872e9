"""Every shipped language, end to end through the terminal channel, plus right-to-left safety."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.channels.console import run_console
from bot.config import ROOT
from bot.core import detail_views
from bot.core import offer_views as views
from bot.core.bidi import FSI, PDI, RTL_LANGUAGES
from bot.core.person import birth_of_age
from bot.core.profile import Profile, Session
from bot.core.world import World
from bot.service import LotseService
from tests.conftest import TODAY

SHIPPED = ("de", "en", "ar", "fa", "fa_AF", "ps", "uk", "ru", "tr", "ku", "ckb", "ti", "so", "fr")

# The whole bot once: the age, consent, every question, offers, a detail, profile, privacy, help.
SCRIPT = [
    "17",
    "1",  # I agree
    "1",  # asylum procedure
    "2",  # A1
    "Helmstedt",  # exactly one town: no choice to make
    "1",  # German course
    "8",  # Sport
    "12",  # Done
    "1",  # the first offer
    "1",  # save it
    "3",  # back to the list
    "/saved",
    "football",  # a free-text search
    "astronaut",  # a search that finds nothing
    "/profile",
    "1",  # change age
    "18",
    "/privacy",
    "/help",
    "/language",
    "/start",
]


def english_fragments(language: str) -> list[str]:
    """English source texts long enough that finding one means it was left untranslated.

    A text its translation keeps as it is ("Protection (Ukraine)" in French) is not counted.
    """
    catalogue = "fa" if language == "fa_AF" else language
    with (ROOT / "locales" / catalogue / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    fragments = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            if not text or text in strings:
                continue
            for line in re.split(r"\{[a-z_]*\}|\n", text):
                if len(line.strip()) >= 14:
                    fragments.add(line.strip())
    return sorted(fragments)


@pytest.mark.parametrize("language", SHIPPED)
async def test_a_whole_conversation_in_each_language(service: LotseService, language: str) -> None:
    assert language in {lang.code for lang in service.world.languages}
    out = io.StringIO()
    stdin = io.StringIO("".join(f"{line}\n" for line in SCRIPT))
    await run_console(service, f"user-{language}", language, stdin=stdin, stdout=out)
    transcript = out.getvalue()
    session = await service.session("console", f"user-{language}")
    assert session is not None and session.language == language
    assert session.profile.get("birth") == birth_of_age(18, TODAY).text()
    assert session.profile.interests == ("german_course", "sport")
    assert len(session.saved) == 1
    assert "Traceback" not in transcript
    if language != "en":
        leftovers = [f for f in english_fragments(language) if f in transcript]
        assert leftovers == [], f"untranslated in {language}: {leftovers}"


def test_dari_uses_the_persian_catalogue_with_afghan_formats(world: World) -> None:
    farsi, dari = world.translator("fa"), world.translator("fa_AF")
    assert dari.gettext("Language") == farsi.gettext("Language") != "Language"
    assert (
        dari.pgettext("onboarding.age", "Age") == farsi.pgettext("onboarding.age", "Age") != "Age"
    )
    names = {lang.code: lang.name for lang in world.languages}
    assert "Dari" in names["fa_AF"] and "Farsi" in names["fa"]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("uk-UA", "uk"), ("ru", "ru"), ("prs", "fa_AF"), ("fa-AF", "fa_AF"), ("kmr", "ku"),
     ("be", "ru"), ("ckb-IQ", "ckb"), ("ti-ER", "ti"), ("pt-BR", None), (None, None)],
)  # fmt: skip
def test_telegram_language_codes_map_to_the_closest_shipped_language(
    world: World, tag: str | None, expected: str | None
) -> None:
    assert world.closest_language(tag) == expected


@pytest.mark.parametrize("language", sorted(RTL_LANGUAGES & set(SHIPPED)))
def test_right_to_left_text_isolates_every_left_to_right_fragment(
    world: World, language: str
) -> None:
    t = world.translator(language)
    session = Session(
        language=language, consented=True,
        profile=Profile(17, "gestattung", "A1", "helmstedt", ("german_course",)),
    )  # fmt: skip
    listing = views.offer_list(t, world, session, 1)
    assert f"{FSI}Integrationskurs{PDI}" in listing.html
    offer_buttons = [b.label for row in listing.buttons for b in row if b.data.startswith("of:o:")]
    assert offer_buttons and all(FSI in label and PDI in label for label in offer_buttons)
    detail = detail_views.offer_detail(t, world, world.catalogue.offers["T-HE-1"], session)
    assert f"{FSI}Ernst-Koch-Str. 1, 38350 Helmstedt{PDI}" in detail.html
    assert f"{FSI}https://www.bamf.de/{PDI}" in detail.html
    assert detail.html.count(FSI) == detail.html.count(PDI)


@pytest.mark.parametrize("language", ["uk", "ru", "de", "fr"])
def test_left_to_right_text_has_no_isolates(world: World, language: str) -> None:
    t = world.translator(language)
    detail = detail_views.offer_detail(t, world, world.catalogue.offers["T-HE-1"], Session())
    assert FSI not in detail.html


def test_every_language_is_named_in_its_own_script(world: World) -> None:
    names = {lang.code: lang.name for lang in world.languages}
    assert names["uk"] == "Українська" and names["ti"] == "ትግርኛ" and names["ps"] == "پښتو"
    assert names["ckb"].startswith("کوردی") and names["ku"].startswith("Kurdî")


def test_a_new_catalogue_appears_in_the_picker_without_code_changes(tmp_path: Path) -> None:
    from bot.i18n import Catalogues

    (tmp_path / "sq" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "sq" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr "Language: sq\\n"\n\nmsgid "Age"\nmsgstr "Mosha"\n', encoding="utf-8"
    )
    catalogues = Catalogues(tmp_path)
    assert "sq" in catalogues.codes
    assert catalogues.translator("sq").gettext("Age") == "Mosha"
