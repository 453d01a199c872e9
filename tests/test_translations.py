"""The catalogue gate: complete, not fuzzy, same placeholders, right plural forms, pot in sync."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.config import ROOT
from bot.core.bidi import FSI, PDI
from bot.i18n import Catalogues

LOCALES = ROOT / "locales"
PO_FILES = sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def keys(catalog: Catalog) -> set[tuple[str | None, str, str | None]]:
    result = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id, None)
        result.add((message.context, ids[0], ids[1]))
    return result


def language_of(path: Path) -> str:
    return path.parent.parent.name


def test_german_and_arabic_are_shipped() -> None:
    assert {"de", "ar"} <= {language_of(p) for p in PO_FILES}


def test_messages_pot_is_up_to_date_with_the_code_and_conversations(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "pyproject.toml", "--no-location", "-o", str(fresh),
         "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    assert keys(read(fresh)) == keys(read(LOCALES / "messages.pot")), (
        "locales/messages.pot is outdated: run `make messages` and translate the new entries"
    )


@pytest.mark.parametrize("path", PO_FILES, ids=language_of)
def test_catalogue_is_complete_and_consistent(path: Path) -> None:
    catalog = read(path)
    language = language_of(path)
    assert keys(catalog) == keys(read(LOCALES / "messages.pot")), f"{path}: run `make messages`"
    problems = []
    expected_plurals = get_plural(language).num_plurals
    if catalog.num_plurals != expected_plurals:
        problems.append(
            f"{path}: {catalog.num_plurals} plural forms, {language} has {expected_plurals}"
        )
    for message in catalog:
        if not message.id:
            continue
        where = f"{path}: {message.context or ''} {message.id!r}"
        if message.fuzzy:
            problems.append(f"{where}: fuzzy")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        if message.pluralizable and len(strings) != expected_plurals:
            problems.append(f"{where}: {len(strings)} forms instead of {expected_plurals}")
        for string in strings:
            if not string.strip():
                problems.append(f"{where}: not translated")
                continue
            found = set(PLACEHOLDER.findall(string))
            if found - wanted:
                problems.append(f"{where}: invents {sorted(found - wanted)}")
            # Plural forms may leave out {count} ("one offer"); everything else keeps all.
            if not message.pluralizable and found != wanted:
                problems.append(f"{where}: drops {sorted(wanted - found)}")
    assert problems == []


@pytest.mark.parametrize("path", PO_FILES, ids=language_of)
def test_catalogue_header_asks_for_native_review(path: Path) -> None:
    header = path.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "native speakers should review" in header


def test_arabic_plural_forms_follow_the_number() -> None:
    t = Catalogues(LOCALES).translator("ar")

    def offers(n: int) -> str:
        return t.ngettext("{count} offer fits you.", "{count} offers fit you.", n)

    assert "واحد" in offers(1)
    assert "عرضان" in offers(2)
    assert offers(3).startswith("{count} عروض")  # 3-10: plural
    assert offers(12).startswith("{count} عرضًا")  # 11-99: accusative singular
    assert offers(100) == "{count} عرض يناسبك."


def test_arabic_formats_numbers_and_isolates_german_names(world) -> None:
    from bot.core import detail_views
    from bot.core import offer_views as views
    from bot.core.profile import Profile, Session

    t = world.translator("ar")
    session = Session(
        language="ar", consented=True,
        profile=Profile(17, "gestattung", "A1", "helmstedt", ("german_course",)),
    )  # fmt: skip
    reply = views.offer_list(t, world, session, 1)
    assert f"{FSI}Integrationskurs{PDI}" in reply.html
    assert f"{FSI}Sprach- und Integrationsklasse (BES){PDI}" in reply.html
    detail = detail_views.offer_detail(t, world, world.catalogue.offers["T-HE-5"], session)
    assert f"{FSI}KVHS Helmstedt{PDI}" in detail.html
    assert "€" in detail.html and FSI in detail.html


def test_every_language_has_a_name_in_its_own_script() -> None:
    names = {lang.code: lang.name for lang in Catalogues(LOCALES).languages()}
    assert names["ar"] == "العربية" and names["de"] == "Deutsch" and names["en"] == "English"


# Letters each catalogue may use besides Latin (German official names stay in German).
SCRIPTS = {
    "ar": r"\u0600-\u06FF", "fa": r"\u0600-\u06FF", "ps": r"\u0600-\u06FF",
    "ckb": r"\u0600-\u06FF", "uk": r"\u0400-\u04FF", "ru": r"\u0400-\u04FF",
    "ti": r"\u1200-\u137F",
}  # fmt: skip
OTHER_SCRIPTS = re.compile(r"[\u0400-\u04FF\u0600-\u06FF\u1200-\u137F]")


@pytest.mark.parametrize("path", PO_FILES, ids=language_of)
def test_no_letters_from_another_script(path: Path) -> None:
    """A slip into another script (an Arabic letter in Tigrinya) is easy to miss by eye."""
    allowed = SCRIPTS.get(language_of(path), "")
    own = re.compile(f"[{allowed}]") if allowed else None
    strays = []
    for message in read(path):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            for letter in OTHER_SCRIPTS.findall(string or ""):
                if own is None or not own.match(letter):
                    strays.append((message.id, letter))
    assert strays == []
