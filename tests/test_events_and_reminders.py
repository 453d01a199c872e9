"""Events from data/events/ and the pure reminder plan, with a controllable clock."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content.catalogue import load_catalogue
from bot.content.events import load_events, local_to_utc, parse_duration
from bot.core.catalogue import CatalogueError
from bot.core.reminders import decide, plan
from tests.conftest import FIXTURE_DATA

BERLIN = ZoneInfo("Europe/Berlin")
HEADER = (
    "id,district,offer,title_de,title_en,start,end,place,online_url,lat,lon,categories,"
    "min_age,max_age,reminders,cancelled\n"
)
ROWS = [
    "EV-1,helmstedt,T-HE-5,Infoabend Integrationskurs,Information evening,2026-12-03T18:00,"
    '2026-12-03T20:00,"Markt 1, 38350 Helmstedt",,52.23,11.01,german_course,,,,no',
    # The last Sunday of October: clocks go back at 03:00 CEST to 02:00 CET.
    "EV-2,helmstedt,,Fußball-Schnuppertraining,Football taster,2026-10-25T10:00,"
    '2026-10-25T12:00,"Sportplatz, 38154 Königslutter",,,,sport,14,27,24h;2h,no',
    "EV-3,helmstedt,,Online-Info,Online info,2027-03-28T02:30,2027-03-28T04:00,,"
    "https://example.org/info,,,counselling,,,30m,yes",
]


def data_with_events(tmp_path: Path, rows: list[str]) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, folder)
    (folder / "events").mkdir(exist_ok=True)
    (folder / "events" / "helmstedt.csv").write_text(HEADER + "\n".join(rows) + "\n", "utf-8")
    return folder


def events(tmp_path: Path, rows: list[str] = ROWS) -> dict:
    folder = data_with_events(tmp_path, rows)
    return load_events(folder, load_catalogue(folder))


def test_events_load_with_utc_times_and_reminders(tmp_path: Path) -> None:
    loaded = events(tmp_path)
    info = loaded["EV-1"]
    assert info.start == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # 18:00 CET
    assert info.reminders == (timedelta(hours=24), timedelta(hours=2))  # the default
    assert info.titles == {"en": "Information evening"}
    football = loaded["EV-2"]
    assert football.start == datetime(
        2026, 10, 25, 9, 0, tzinfo=UTC
    )  # 10:00 CET, after the change
    assert loaded["EV-3"].cancelled and loaded["EV-3"].reminders == (timedelta(minutes=30),)


def test_a_time_skipped_by_the_spring_change_moves_on_like_the_clock() -> None:
    # 2027-03-28 02:30 does not exist in Berlin; it becomes 03:30 CEST = 01:30 UTC.
    assert local_to_utc("2027-03-28T02:30", BERLIN) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_a_time_that_happens_twice_in_autumn_is_the_first_one() -> None:
    assert local_to_utc("2026-10-25T02:30", BERLIN) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",no\n", ",maybe\n", "cancelled: 'maybe' is not one of"),
        ("2026-12-03T20:00", "2026-12-03T17:00", "end: must be after start"),
        (",T-HE-5,", ",T-XX-9,", "offer: unknown offer 'T-XX-9'"),
        ("24h;2h", "24x", "reminders: 24x is not a duration"),
        ("2026-12-03T18:00", "3.12.2026 18 Uhr", "start: '3.12.2026 18 Uhr' is not a time"),
        ("https://example.org/info", "", "place: give either a place or an online_url"),
    ],
)
def test_broken_event_rows_name_file_row_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    rows = "\n".join(ROWS) + "\n"
    assert old in rows
    broken = rows.replace(old, new, 1).strip("\n").split("\n")
    with pytest.raises(CatalogueError) as error:
        events(tmp_path, broken)
    assert any(message in p and "events/helmstedt.csv:" in p for p in error.value.problems), (
        error.value.problems
    )


def test_durations() -> None:
    assert parse_duration("24h") == timedelta(hours=24)
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("2d") == timedelta(days=2)
    for bad in ("", "0h", "h", "24", "1w", "-2h"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_plan_skips_moments_already_past_and_cancelled_events(tmp_path: Path) -> None:
    loaded = events(tmp_path)
    info = loaded["EV-1"]
    early = plan(info, datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    assert [r.due for r in early] == [
        datetime(2026, 12, 2, 17, 0, tzinfo=UTC),
        datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
    ]
    # Subscribing 3 hours before the start: only the 2-hour reminder is still ahead.
    late = plan(info, datetime(2026, 12, 3, 14, 0, tzinfo=UTC))
    assert [r.offset for r in late] == [timedelta(hours=2)]
    assert plan(loaded["EV-3"], datetime(2026, 11, 22, tzinfo=UTC)) == []
    assert len({r.key for r in early}) == 2 and all(r.key.startswith("rem:EV-1:") for r in early)


def test_daylight_saving_change_before_an_event(tmp_path: Path) -> None:
    football = events(tmp_path)["EV-2"]
    reminders = plan(football, datetime(2026, 10, 1, tzinfo=UTC))
    day_before = reminders[0].due
    # 24 real hours before 10:00 CET is 09:00 UTC the day before, 11:00 CEST on the wall clock.
    assert day_before == datetime(2026, 10, 24, 9, 0, tzinfo=UTC)
    assert day_before.astimezone(BERLIN).hour == 11
    assert reminders[1].due.astimezone(BERLIN).hour == 8  # 2h before 10:00, same day


def test_a_moved_event_gets_new_reminder_keys(tmp_path: Path) -> None:
    info = events(tmp_path)["EV-1"]
    from dataclasses import replace

    moved = replace(info, start=info.start + timedelta(days=1))
    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert {r.key for r in plan(info, now)}.isdisjoint(r.key for r in plan(moved, now))


def test_grace_time_decides_between_send_and_missed() -> None:
    due = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert decide(due, due - timedelta(seconds=1)) == "wait"
    assert decide(due, due) == "send"
    assert decide(due, due + timedelta(minutes=30)) == "send"
    assert decide(due, due + timedelta(minutes=31)) == "missed"
    assert decide(due, due + timedelta(minutes=50), grace=timedelta(hours=1)) == "send"
