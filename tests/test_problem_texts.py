"""An upload's problems in the coordinator's language: every common kind the loaders report is
recognised (tested on the loaders' own output), keeps its file, row, field and value, and reads
in German; anything else stays as it was."""

from __future__ import annotations

import csv

import pytest

from bot.content import Content
from bot.content.catalogue import load_catalogue
from bot.content.files import FolderFiles, MemoryFiles, all_texts
from bot.core.catalogue import CatalogueError
from bot.core.problem_texts import problem_text
from tests.conftest import FIXTURE_DATA


def loader_problems() -> list[str]:
    texts = all_texts(FolderFiles(FIXTURE_DATA))
    header, *rows = texts["offers/helmstedt.csv"].splitlines()
    columns = header.split(",")
    broken = []
    for number, change in enumerate(
        (("min_age", "x"), ("max_age", "500"), ("category", "cooking"), ("title_de", ""),
         ("cost_eur", "free?"), ("valid_until", "31.12.2026"), ("lat", "10.0")),
    ):  # fmt: skip
        cells = next(csv.reader([rows[number]]))
        cells[columns.index(change[0])] = change[1]
        broken.append(",".join(f'"{c}"' for c in cells))
    texts["offers/helmstedt.csv"] = "\n".join([header, *broken, *rows[len(broken):]]) + "\n"
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(MemoryFiles(texts))
    return list(caught.value.problems)


def test_every_common_problem_reads_in_german_and_keeps_where_field_and_value(
    content: Content,
) -> None:
    problems = loader_problems()
    assert len(problems) >= 7, problems
    german = content.catalogues.translator("de")
    for problem in problems:
        where_field = ": ".join(problem.split(": ")[:2])
        said = problem_text(german, problem)
        assert said != problem, f"not recognised: {problem}"
        assert said.startswith(where_field + ": "), said
    by_field = {p.split(": ")[1]: problem_text(german, p) for p in problems}
    assert "'x'" in by_field["min_age"] and "Zahl" in by_field["min_age"]
    assert "'cooking'" in by_field["category"] and "german_course" in by_field["category"]
    assert "31.12.2026" in by_field["valid_until"] and "2026-08-01" in by_field["valid_until"]


def test_an_unknown_problem_is_shown_as_it_is(content: Content) -> None:
    german = content.catalogues.translator("de")
    text = "angebote.csv: send an Excel file (.xlsx) or a CSV file"
    assert problem_text(german, text) == text
