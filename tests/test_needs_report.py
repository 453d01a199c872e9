"""The needs report: the figures of a hand-built population of 60 people equal hand-counted
tables; no shown count is under 5 and no hidden one can be worked out (also for random
populations made to leak); the suppression on its own."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import Content
from bot.content.catalogue import load_catalogue
from bot.core.catalogue import CatalogueError
from bot.core.detail_views import next_steps
from bot.core.profile import Profile
from bot.core.report import Period, PersonFacts, Report, Usage, build_report
from bot.core.suppression import Constraint, leaks, suppress
from tests.conftest import COUNSELLOR_DAY, COUNSELLOR_NOW, FIXTURE_DATA, TODAY

NOVEMBER = Period(date(2026, 11, 1), TODAY)


def people(count: int, birth: str, status: str, level: str, interests: tuple[str, ...],
           place: str = "helmstedt", **flags: bool) -> list[PersonFacts]:  # fmt: skip
    profile = Profile(None, status, level, place, interests, birth=birth)
    return [
        PersonFacts(profile, "ar", date(2026, 11, 10), date(2026, 11, 20),
                    opened=flags.get("opened", False) and i < 10,
                    engaged=flags.get("engaged", False) and i < 5)
        for i in range(count)
    ]


def sixty() -> list[PersonFacts]:
    return [
        *people(25, "2009-05", "gestattung", "A1", ("german_course",), opened=True, engaged=True),
        *people(20, "2006-03", "duldung", "A1", ("vocational_training",)),
        *people(12, "2002-06", "aufenthaltserlaubnis", "B1", ("job", "german_course")),
        *people(3, "2000-01", "eu_citizen", "none", ("sport",)),
        # Someone in Krefeld is not in Helmstedt's report.
        *people(7, "2008-01", "duldung", "A2", ("sport",), place="krefeld"),
    ]


def report_of(
    content: Content, population: list[PersonFacts], usage: Usage | None = None
) -> Report:
    return build_report(
        content.catalogue, content.events, "helmstedt", population, usage or Usage(), NOVEMBER,
        TODAY,
    )


def values(report: Report, table: str) -> dict[tuple[str, ...], int | None]:
    return {row.keys: row.value for row in report.table(table).rows if row.value != 0}


def test_sixty_people_give_the_hand_counted_tables(content: Content) -> None:
    report = report_of(content, sixty(), Usage(started=80, opened={"T-HE-1": 14}))
    assert report.people == 60
    # 3 people aged 25-27 are hidden, and so is the next smallest (else 60-25-20-12 = 3).
    assert values(report, "age") == {("16–17",): 25, ("18–20",): 20, ("21–24",): None,
                                     ("25–27",): None}  # fmt: skip
    assert report.table("age").total == 60
    assert values(report, "status") == {("gestattung",): 25, ("duldung",): 20,
                                        ("aufenthaltserlaubnis",): None, ("eu_citizen",): None}
    assert values(report, "german") == {("A1",): 45, ("B1",): None, ("none",): None}
    assert values(report, "with_interest") == {("german_course",): 37,
                                               ("vocational_training",): 20, ("job",): 12,
                                               ("sport",): None}  # fmt: skip
    # Ausbildung: the only one (T-HE-7) needs A2, they have A1; jobs: no offer at all.
    assert values(report, "no_fit") == {("vocational_training",): 20, ("job",): 12}
    assert values(report, "almost_only") == {("vocational_training",): 20}
    assert report.gaps == (
        (("vocational_training", "duldung", "18–20", "A1"), 20),
        (("job", "aufenthaltserlaubnis", "21–24", "B1"), 12),
    )
    assert values(report, "blocked") == {("german",): 20}
    assert [(o.offer, o.rule, o.have, o.need, o.people) for o in report.openers] == [
        ("T-HE-7", "min_german", "A1", "A2", 20)
    ]
    # In whose list each offer is: T-HE-1 (16-18) the 25 teenagers; T-HE-5 (up to A2) all but
    # the 12 with B1; T-HE-6 ran out in 2025.
    assert values(report, "offer_in_list") == {
        ("T-HE-1",): 25, ("T-HE-2",): 12, ("T-HE-3",): 60, ("T-HE-4",): 60, ("T-HE-5",): 48,
        ("T-HE-7",): 12,
    }
    assert values(report, "offer_opened") == {("T-HE-1",): 14}
    assert values(report, "funnel") == {("started",): 80, ("agreed",): 60, ("finished",): 60,
                                        ("opened",): 10, ("engaged",): 5}  # fmt: skip
    assert values(report, "new_by_month") == {("2026-11",): 60}


def test_a_small_breakdown_is_hidden_with_the_cell_that_would_give_it_away(
    content: Content,
) -> None:
    # 12 people without a fitting Ausbildung: 10 with a Duldung and 2 with a permit. The 2 are
    # hidden; since 12 is shown, the 10 must be hidden too (12 - 10 = 2).
    population = [
        *people(10, "2006-03", "duldung", "A1", ("vocational_training",)),
        *people(2, "2006-03", "aufenthaltserlaubnis", "A1", ("vocational_training",)),
        *people(40, "2009-05", "gestattung", "A1", ("german_course",)),
    ]
    report = report_of(content, population)
    assert values(report, "no_fit") == {("vocational_training",): 12}
    assert values(report, "no_fit_by_group") == {
        ("vocational_training", "aufenthaltserlaubnis", "18–20", "A1"): None,
        ("vocational_training", "duldung", "18–20", "A1"): None,
    }
    # Only the coarse groups that do not split the 12: by age band and by German level.
    assert report.gaps == (
        (("vocational_training", "", "", "A1"), 12),
        (("vocational_training", "", "18–20", ""), 12),
    )
    assert values(report, "no_fit_by_status") == {
        ("vocational_training", "aufenthaltserlaubnis"): None,
        ("vocational_training", "duldung"): None,
    }
    assert_no_leaks(report)


def assert_no_leaks(report: Report) -> None:
    """No shown count from 1 to 4; no sum with exactly one hidden part."""
    for table in report.tables.values():
        for row in table.rows:
            assert row.value is None or row.value == 0 or row.value >= 5, (table.name, row)
        if table.has_total and table.total is not None:
            hidden = [row for row in table.rows if row.value is None]
            assert len(hidden) != 1, (table.name, hidden)
    no_fit = {row.keys[0]: row.value for row in report.table("no_fit").rows}
    fine = report.table("no_fit_by_group").rows
    for interest, total in no_fit.items():
        for table in ("no_fit_by_group", "no_fit_by_status", "no_fit_by_age", "no_fit_by_level"):
            parts = [r for r in report.table(table).rows if r.keys[0] == interest]
            if total is not None and parts:
                assert sum(1 for r in parts if r.value is None) != 1, (interest, table)
    # A coarse group is the sum of its fine ones: never exactly one of them hidden.
    for position, table in ((1, "no_fit_by_status"), (2, "no_fit_by_age"), (3, "no_fit_by_level")):
        for row in report.table(table).rows:
            if row.value is None:
                continue
            inside = [r for r in fine if r.keys[0] == row.keys[0]
                      and r.keys[position] == row.keys[1]]  # fmt: skip
            assert sum(1 for r in inside if r.value is None) != 1, (table, row)
    assert report.people is None or report.people == 0 or report.people >= 5


GROUP = st.tuples(
    st.integers(1, 9),  # how many
    st.sampled_from(["2009-05", "2006-03", "2002-06", "2000-01", "2011-02"]),
    st.sampled_from(["gestattung", "duldung", "aufenthaltserlaubnis", "eu_citizen", "unknown"]),
    st.sampled_from(["none", "A1", "A2", "B1", "unknown"]),
    st.lists(st.sampled_from(["german_course", "vocational_training", "job", "sport",
                              "counselling"]), min_size=1, max_size=2, unique=True),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(GROUP, min_size=1, max_size=12))
def test_random_small_populations_never_leak_a_count_under_5(content: Content, groups) -> None:  # type: ignore[no-untyped-def]
    population = [
        p for n, birth, status, level, interests in groups
        for p in people(n, birth, status, level, tuple(interests))
    ]  # fmt: skip
    assert_no_leaks(report_of(content, population))


def test_suppression_hides_the_next_smallest_cell_and_spreads_over_shared_values() -> None:
    values = {"total": 20, "a": 3, "b": 9, "c": 8, "b1": 6, "b2": 3}
    rules = [Constraint("total", ("a", "b", "c")), Constraint("b", ("b1", "b2"))]
    hidden = suppress(values, rules)
    assert {"a", "b2"} <= hidden
    assert leaks(values, rules, hidden) == []
    # b2 hidden forces b1 or b; then "total" sees a and maybe b hidden, never one alone.
    assert sum(1 for m in ("total", "a", "b", "c") if m in hidden) != 1
    # A table whose only hidden cell has no other cell to hide with: the total goes.
    alone = {"t": 7, "x": 7, "y": 0, "z": 0}
    assert suppress(alone, [Constraint("t", ("x", "y", "z"))]) == set()
    single = {"t": 3, "x": 3}
    assert suppress(single, [Constraint("t", ("x",))]) == {"t", "x"}
    lonely = {"t": 9, "x": 4, "y": 5}
    assert suppress(lonely, [Constraint("t", ("x", "y"))]) == {"x", "y"}


def test_an_offer_says_where_it_can_lead_in_the_readers_language(bundled: Content) -> None:
    world = bundled.world(COUNSELLOR_DAY, COUNSELLOR_NOW)
    bes = world.catalogue.offers["HE-001"]
    assert bes.leads_to == ("HE-002",)
    text = next_steps(world.translator("en"), world, bes)
    lines = text.splitlines()
    assert lines[0] == "<b>Where this can lead</b>"
    # BES -> BES Klasse 2 -> EQ and BvB -> (EQ leads to Ausbildung): three steps deep at most.
    assert "Klasse 2" in lines[1] and lines[1].startswith("→ ")
    assert any(line.startswith("   → ") for line in lines)
    assert max(len(line) - len(line.lstrip()) for line in lines) <= 6
    assert next_steps(world.translator("en"), world, world.catalogue.offers["HE-012"]) == ""


def test_leads_to_must_name_another_offer_of_the_district(tmp_path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    path = tmp_path / "data" / "offers" / "helmstedt.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",leads_to"
    lines[1] += ",T-KR-1"  # another district
    lines[2] += ",T-HE-2"  # itself
    lines[3] += ",T-HE-1"  # fine
    lines[4:] = [line + "," for line in lines[4:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path / "data")
    problems = [p for p in caught.value.problems if "leads_to" in p]
    assert len(problems) == 2
    assert "helmstedt.csv:2: leads_to: 'T-KR-1'" in problems[0]
    assert "helmstedt.csv:3: leads_to: 'T-HE-2'" in problems[1]
