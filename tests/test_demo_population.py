"""`lotse demo-population`: synthetic people, the same for the same seed, with only answers the
profile flow accepts, in the district's places, written to a separate database that holds no
real people, and distributed roughly as declared."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content import Content
from bot.core.person import MonthSpan, age_at
from bot.core.profile import Session
from bot.demo_population import (
    DEMO_CHANNEL,
    STATUS_WEIGHTS,
    DemoPerson,
    district_places,
    draw_people,
)
from bot.storage.sqlite import SqliteStorage

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def bundled() -> Content:
    from bot.config import ROOT

    return Content.load(ROOT / "conversations", ROOT / "data", ROOT / "locales")


@pytest.fixture(scope="module")
def people(bundled: Content) -> list[DemoPerson]:
    return draw_people("helmstedt", bundled.catalogue.places.values(), 2000, NOW, seed=1)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOTSE_DATABASE", str(tmp_path / "lotse.sqlite3"))
    monkeypatch.delenv("LOTSE_DATA", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def test_the_same_seed_gives_the_same_people(bundled: Content) -> None:
    places = list(bundled.catalogue.places.values())
    first = draw_people("helmstedt", places, 300, NOW, seed=7)
    assert first == draw_people("helmstedt", reversed(places), 300, NOW, seed=7)
    assert first != draw_people("helmstedt", places, 300, NOW, seed=8)
    assert [p.external_id for p in first[:3]] == ["demo-1", "demo-2", "demo-3"]


def test_every_answer_is_one_the_profile_flow_accepts(
    bundled: Content, people: list[DemoPerson]
) -> None:
    flow = next(f for f in bundled.flows.values() if f.fills == "profile")
    options = {s.field: {o.value for o in s.options} for s in flow.steps.values() if s.field}
    assert set(people[0].values) == set(bundled.profile_fields)
    languages = set(bundled.catalogues.codes)
    for person in people:
        values = person.values
        for name in ("status", "german_level", "reception"):
            assert values[name] in options[name], (name, values[name])
        interests = values["interests"]
        assert 1 <= len(interests) <= 3 and len(set(interests)) == len(interests)
        assert set(interests) <= options["interests"]
        birth = MonthSpan.parse(values["birth"])
        assert birth is not None and birth.exact
        assert 14 <= age_at(*birth.first, NOW.date()) <= 27
        if values["arrival"] != "unknown":
            arrival = MonthSpan.parse(values["arrival"])
            assert arrival is not None and arrival.exact
            assert arrival.first < (NOW.year, NOW.month)
            assert arrival.first >= (2022, 12)  # at most 48 months ago
        assert person.language in languages
        assert datetime(2026, 1, 1, tzinfo=UTC) <= person.created_at
        assert person.created_at <= person.active_at <= NOW
        session = person.session()
        assert session.consented and session.stack == [] and session.language == person.language
        assert session.profile.is_complete()


def test_places_are_the_districts_own(bundled: Content) -> None:
    places = bundled.catalogue.places
    for district in ("helmstedt", "krefeld"):
        drawn = draw_people(district, places.values(), 400, date(2026, 12, 2), seed=3)
        ids = {p.values["place"] for p in drawn}
        assert all(places[i].district == district and places[i].kind != "area" for i in ids)
        assert len(ids) > len(district_places(district, places.values())) / 2
    with pytest.raises(ValueError):
        draw_people("atlantis", places.values(), 1, NOW, seed=1)


def test_distributions_are_roughly_as_declared(people: list[DemoPerson]) -> None:
    n = len(people)

    def share(counter: Counter[str], *keys: str) -> float:
        return sum(counter[k] for k in keys) / n

    statuses = Counter(p.values["status"] for p in people)
    total = sum(STATUS_WEIGHTS.values())
    for status, weight in STATUS_WEIGHTS.items():
        assert abs(share(statuses, status) - weight / total) < 0.05, status
    ages = Counter(str(age_at(*MonthSpan.parse(p.values["birth"]).first, NOW.date()))
                   for p in people)  # fmt: skip
    assert share(ages, *(str(a) for a in range(16, 25))) > 0.75
    for person in people:  # Ukrainians, and only they, have § 24 protection
        assert (person.origin == "ukraine") == (person.values["status"] == "protection_24")
    ukrainians = Counter(p.language for p in people if p.origin == "ukraine")
    assert ukrainians["uk"] > ukrainians["ru"] > 0
    languages = Counter(p.language for p in people)
    assert languages.most_common(1)[0][0] in ("ar", "fa_AF", "ku")
    assert {"ar", "ku", "fa_AF", "ps", "tr", "uk", "ru", "so", "ti", "fr"} <= set(languages)
    levels = Counter(p.values["german_level"] for p in people)
    assert share(levels, "none", "A1", "A2") > 0.65 and share(levels, "C1") < 0.05
    interests = Counter(i for p in people for i in p.values["interests"])
    ranked = [i for i, _ in interests.most_common()]
    assert ranked[0] == "german_course"
    assert set(ranked[1:4]) == {"vocational_training", "job", "school_certificate"}
    receptions = Counter(p.values["reception"] for p in people)
    assert share(receptions, "no") > 0.75 and receptions["yes"] > 0
    months = Counter(p.created_at.strftime("%Y-%m") for p in people)
    assert len(months) == 12  # the last 11 full months and this one (2 days so far)
    assert min(n for month, n in months.items() if month != "2026-12") > 100
    active = Counter(p.active_at.strftime("%Y-%m") for p in people)
    assert len(active) == 12


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_command_writes_demo_people_into_the_given_database(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.demo_population.BATCH", 40)  # several transactions
    target = env / "demo" / "people.sqlite3"
    argv = ["demo-population", "--district", "helmstedt", "--people", "90",
            "--database", str(target), "--seed", "5"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "90 synthetic people" in out and "Landkreis Helmstedt" in out
    users = _rows(target, "SELECT channel, external_id, created_at FROM users ORDER BY id")
    assert len(users) == 90 and {u[0] for u in users} == {DEMO_CHANNEL}
    assert [u[1] for u in users] == [f"demo-{n}" for n in range(1, 91)]
    assert not (env / "lotse.sqlite3").exists()  # LOTSE_DATABASE is left alone
    places = _rows(target, "SELECT DISTINCT place FROM profiles")
    assert all(p[0] for p in places)
    # Activity is spread over the months, and never before joining.
    dated = _rows(target, "SELECT u.created_at, c.updated_at, p.updated_at, p.interests "
                          "FROM users u JOIN conversation_state c ON c.user_id = u.id "
                          "JOIN profiles p ON p.user_id = u.id")  # fmt: skip
    assert len({row[0][:7] for row in dated}) > 6
    assert all(created <= active == answered for created, active, answered, _ in dated)
    assert all(1 <= len(json.loads(row[3])) <= 3 for row in dated)
    # Again: the demo population is replaced, not added to.
    assert main([*argv[:4], "30", *argv[5:]]) == 0
    assert "replaced 90 earlier demo people" in capsys.readouterr().out
    assert _rows(target, "SELECT COUNT(*) FROM users") == [(30,)]


def test_the_default_database_is_the_demo_file_in_the_current_folder(env: Path) -> None:
    assert main(["demo-population", "--district", "helmstedt", "--people", "5"]) == 0
    assert _rows(env / "lotse-demo.sqlite3", "SELECT COUNT(*) FROM users") == [(5,)]
    assert not (env / "lotse.sqlite3").exists()


async def _store_a_real_person(path: Path, bundled: Content) -> None:
    storage = await SqliteStorage.open(path)
    try:
        session = Session(language="en", consented=True)
        await storage.run(lambda unit: unit.people.save(
            "telegram", "4711", session, bundled.profile_fields, NOW))  # fmt: skip
    finally:
        await storage.close()


def test_a_database_with_real_people_is_refused(
    env: Path, bundled: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    real = env / "lotse.sqlite3"
    asyncio.run(_store_a_real_person(real, bundled))
    argv = ["demo-population", "--district", "helmstedt", "--people", "10",
            "--database", str(real)]  # fmt: skip
    assert main(argv) == 2
    assert "outside the demo population" in capsys.readouterr().err
    assert _rows(real, "SELECT channel, external_id FROM users") == [("telegram", "4711")]
    assert main(["demo-population", "--district", "atlantis", "--people", "3"]) == 2
    assert "unknown district" in capsys.readouterr().err
