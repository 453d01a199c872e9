"""What the needs report reads (the only SQL for it): the stored profiles of a district's
places as aggregates-to-be (no ids leave this module), the counters of a period, the marks,
and the monthly snapshots that keep trends after people erase their data."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from bot.core.catalogue import NATIONWIDE
from bot.core.profile import Profile
from bot.core.report import PersonFacts, Usage
from bot.storage.people import LIST_TYPES, _columns
from bot.storage.sql import Tx, to_datetime

PAGE = 10_000
DEMO_CHANNEL = "demo"  # the demo population's made-up people (lotse demo-population)


def _day(value: object) -> date:
    moment = to_datetime(value)
    assert moment is not None
    return moment.date()


def _shared(words: dict, value):  # type: ignore[no-untyped-def]
    return words.setdefault(value, value)


class ReportRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def people(self, places: Sequence[str], fields: Mapping[str, str]) -> list[PersonFacts]:
        """Everyone stored whose town is one of `places` (a district's), without ids. Read in
        pages, with repeated words shared, so that a large district fits in little memory."""
        if not places:
            return []
        columns = _columns(fields)
        selected = ", ".join(f"p.{name} AS p_{name}" for name in columns)
        lists = [n for n in columns if fields[n] in LIST_TYPES]
        found: list[PersonFacts] = []
        words: dict[object, object] = {}  # one object per distinct value (a cheap intern)
        after = 0
        while True:
            rows = await self.tx.fetchall(
                f"""
                SELECT u.id, u.channel, u.language, u.created_at, u.opened_offer,
                       COALESCE(c.updated_at, p.updated_at, u.created_at) AS active_at,
                       EXISTS (SELECT 1 FROM offer_marks m WHERE m.user_id = u.id
                               AND m.mark = 'saved')
                       OR EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id)
                       AS engaged,
                       {selected}
                FROM users u
                JOIN profiles p ON p.user_id = u.id
                LEFT JOIN conversation_state c ON c.user_id = u.id
                WHERE p.place IN ({", ".join("?" for _ in places)}) AND u.id > ?
                ORDER BY u.id LIMIT ?
                """,
                (*places, after, PAGE),
            )
            if not rows:
                return found
            after = int(rows[-1]["id"])
            for row in rows:
                profile = Profile()
                for name in columns:
                    value = row[f"p_{name}"]
                    if name in lists:
                        value = tuple(json.loads(value or "[]"))
                    profile.set(name, _shared(words, value))
                found.append(
                    PersonFacts(
                        profile,
                        _shared(words, row["language"] or ""),
                        _shared(words, _day(row["created_at"])),
                        _shared(words, _day(row["active_at"])),
                        bool(row["opened_offer"]),
                        bool(row["engaged"]),
                        synthetic=row["channel"] == DEMO_CHANNEL,
                    )
                )

    async def usage(self, district: str, start: date, end: date) -> Usage:
        rows = await self.tx.fetchall(
            "SELECT name, district, key, SUM(count) AS n FROM counters "
            "WHERE district IN (?, '', ?) AND day >= ? AND day <= ? "
            "GROUP BY name, district, key",
            (district, NATIONWIDE, start, end),
        )
        searches: dict[tuple[str, str], int] = {}
        by_name: dict[str, dict[str, int]] = {}
        started = 0
        for row in rows:
            name, key, count = row["name"], row["key"], int(row["n"])
            if name == "started":
                started += count  # before a town is known: for every district
            elif name == "outside_area":
                by_name.setdefault(name, {})[key] = by_name.get(name, {}).get(key, 0) + count
            elif row["district"] != district:
                continue
            elif name == "search_miss":
                concept, _, language = key.partition("|")
                pair = (concept or "unknown", language or "unknown")
                searches[pair] = searches.get(pair, 0) + count
            else:
                by_name.setdefault(name, {})[key] = count
        marks = await self.tx.fetchall(
            "SELECT mark, offer_id, COUNT(*) AS n FROM offer_marks "
            "WHERE mark IN ('saved', 'dismissed') GROUP BY mark, offer_id"
        )
        saved = {r["offer_id"]: int(r["n"]) for r in marks if r["mark"] == "saved"}
        dismissed = {r["offer_id"]: int(r["n"]) for r in marks if r["mark"] == "dismissed"}
        subscribers = await self.tx.fetchall(
            "SELECT event_id, COUNT(*) AS n FROM subscriptions GROUP BY event_id"
        )
        went_rows = await self.tx.fetchall(
            "SELECT event_id, answer, SUM(count) AS n FROM event_outcomes "
            "GROUP BY event_id, answer"
        )
        went: dict[str, dict[str, int]] = {}
        for row in went_rows:
            went.setdefault(row["event_id"], {})[row["answer"]] = int(row["n"])
        return Usage(
            searches=searches, cards=by_name.get("card", {}),
            outside=by_name.get("outside_area", {}), opened=by_name.get("offer_opened", {}),
            saved=saved, dismissed=dismissed,
            subscribers={r["event_id"]: int(r["n"]) for r in subscribers}, went=went,
            started=started, cases=by_name.get("case_outcome", {}),
        )  # fmt: skip

    async def snapshots(self, district: str) -> dict[str, tuple[int | None, int | None]]:
        rows = await self.tx.fetchall(
            "SELECT month, new_people, active_people FROM report_snapshots WHERE district = ?",
            (district,),
        )
        return {r["month"]: (r["new_people"], r["active_people"]) for r in rows}

    async def keep_snapshot(
        self, district: str, month: str, new: int | None, active: int | None, now: datetime
    ) -> None:
        await self.tx.execute(
            "INSERT INTO report_snapshots (district, month, new_people, active_people, "
            "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (district, month) DO NOTHING",
            (district, month, new, active, now),
        )
