"""The rules that are data (data/conditions.csv, rules.csv, school_obligation.csv,
safe_countries.csv): bad rows are rejected with file, row and field, all at once, by the loader
and by `lotse check-data`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import ROOT
from bot.content.catalogue import load_catalogue
from bot.core.catalogue import CatalogueError


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    return folder


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def first_row(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[1]


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(CatalogueError) as error:
        load_catalogue(folder)
    return error.value.problems


def test_the_bundled_rules_load() -> None:
    catalogue = load_catalogue(ROOT / "data")
    assert {"IK-STOP-2026", "IK-STOP-2026-AE"} <= catalogue.rules.keys()
    assert {"NI", "NW"} <= catalogue.school_rules.keys()
    assert catalogue.safe_countries
    bvb = catalogue.offers["HE-009"].conditions
    assert bvb["duldung"].min_months == 9 and bvb["gestattung"].min_months == 15


def test_three_bad_rows_are_all_named_with_file_row_and_field(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    conditions, rules = data / "conditions.csv", data / "rules.csv"
    # An unknown status key, and (in the next row) a condition without its source.
    row = first_row(conditions)
    replace_in(conditions, row, row.replace(",gestattung,", ",asylum_seeker,", 1))
    second = conditions.read_text(encoding="utf-8").splitlines()[2]
    source = next(part for part in second.split(",") if part.startswith("https://"))
    replace_in(conditions, second, second.replace(source, ""))
    # A dated rule without its date.
    replace_in(rules, ",2026-02-09,", ",,")
    problems = problems_of(data)
    assert f"{conditions}:2: status: 'asylum_seeker' is not one of" in "\n".join(problems)
    assert f"{conditions}:3: source: is required" in problems
    assert f"{rules}:2: from: is required" in problems
    assert len(problems) == 3, problems

    monkeypatch.setenv("LOTSE_DATA", str(data))
    assert main(["check-data"]) == 1
    err = capsys.readouterr().err
    assert "asylum_seeker" in err and "3 problem(s) found." in err


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("conditions.csv", "HE-003,", "HE-999,", "offer: unknown offer 'HE-999'"),
        ("conditions.csv", ",https://", ",http://", "source: must start with https://"),
        ("rules.csv", "gestattung;duldung", "gestattung;tolerated", "'tolerated' is not one of"),
        ("rules.csv", "obligation;self_payer", "obligation;lottery", "'lottery' is not one of"),
        ("rules.csv", ",2026-02-09,,", ",2026-02-09,2026-01-01,", "until: is before from"),
        ("school_obligation.csv", "NI,", "XX,", "state: 'XX' is not one of"),
        ("safe_countries.csv", "GH,1993-07-01,", "GH,,", "since: is required"),
        ("safe_countries.csv", "GH,", "Ghana,", "'Ghana' is not a two-letter country code"),
    ],
)
def test_single_bad_rule_fields(data: Path, file: str, old: str, new: str, expected: str) -> None:
    replace_in(data / file, old, new)
    problems = problems_of(data)
    assert any(p.startswith(str(data / file)) and expected in p for p in problems), problems


def test_an_offer_naming_an_unknown_rule_is_rejected_on_its_row(data: Path) -> None:
    offers = data / "offers" / "helmstedt.csv"
    replace_in(offers, "IK-STOP-2026;", "IK-STOP-2025;")
    problems = problems_of(data)
    assert any(
        p.startswith(str(offers)) and "rules: unknown rule 'IK-STOP-2025'" in p for p in problems
    ), problems


def test_check_data_reports_bad_facts_cards_translations_and_words(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other data people edit: offer facts, answer cards, translations, typed words."""
    offers, cards = data / "offers" / "krefeld.csv", data / "cards"
    replace_in(offers, "mon-thu@17:30-20:45", "mon-thu@17:30")  # KR-006: a window without end
    replace_in(offers, ",700h,", ",700x,")  # an unknown unit
    replace_in(cards / "cards.toml", 'checked_on = 2026-12-01\nneeds_verification = false\n'
               'category = "vocational_training"', 'needs_verification = false\n'
               'category = "vocational_training"')  # fmt: skip
    (data / "translations" / "uk.csv").write_text(
        (data / "translations" / "uk.csv").read_text(encoding="utf-8") + "XX-999,Назва,,\n",
        encoding="utf-8",
    )
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    words = locales / "en" / "answers.toml"
    replace_in(words, 'no = ["no",', 'no = ["yes", "no",')  # "yes" in two keys
    monkeypatch.setenv("LOTSE_DATA", str(data))
    monkeypatch.setattr("bot.config.ROOT", ROOT)
    from bot.__main__ import check_data

    assert check_data(data, ROOT / "conversations", locales) == 1
    err = capsys.readouterr().err
    assert f"{offers}:7: times_or: 'mon-thu@17:30' is not days@HH:MM-HH:MM" in err
    assert "duration: '700x' is not a number with a unit" in err
    assert "cards.toml: ausbildung_duldung.checked_on: must be a date" in err
    assert "uk.csv" in err and "'XX-999' is no offer or event" in err
    assert "answers.toml: meanings.no: 'yes' is already in meanings.yes" in err
