"""Broadcasts and their outbox rows (the only SQL for them): drafts, the audience of a
district, the recipients' rows made when sending starts, progress in one indexed query, pause,
resume, cancel, and the message ids a withdrawal deletes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.broadcasts import Recipient, Segment
from bot.storage.people import _columns, profile_of
from bot.storage.sql import Tx, to_datetime

LIVE = ("pending", "sending", "paused")


@dataclass(frozen=True)
class BroadcastRow:
    id: int
    district: str
    created_by: str
    author_channel: str
    author_id: str
    segment: Segment
    base_language: str
    texts: dict[str, str]
    link: str
    status: str
    send_at: datetime | None
    expires_hours: int
    started_at: datetime | None
    finished_at: datetime | None
    progress_message: str | None
    created_at: datetime


def _row(r) -> BroadcastRow:  # type: ignore[no-untyped-def]
    return BroadcastRow(
        int(r["id"]), r["district"], r["created_by"], r["author_channel"], r["author_id"],
        Segment.from_json(json.loads(r["segment"])), r["base_language"], json.loads(r["texts"]),
        r["link"], r["status"], to_datetime(r["send_at"]), int(r["expires_hours"]),
        to_datetime(r["started_at"]), to_datetime(r["finished_at"]), r["progress_message"],
        to_datetime(r["created_at"]),  # type: ignore[arg-type]
    )  # fmt: skip


class BroadcastRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def create(
        self, district: str, created_by: str, author: tuple[str, str], base_language: str,
        now: datetime,
    ) -> int:  # fmt: skip
        await self.tx.execute(
            """
            INSERT INTO broadcasts (district, created_by, author_channel, author_id, segment,
                                    base_language, texts, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, '{}', 'draft', ?, ?)
            """,
            (district, created_by, *author, json.dumps(Segment().to_json()), base_language,
             now, now),
        )  # fmt: skip
        row = await self.tx.fetchone("SELECT MAX(id) AS id FROM broadcasts")
        assert row is not None
        return int(row["id"])

    async def get(self, broadcast_id: int) -> BroadcastRow | None:
        row = await self.tx.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _row(row) if row else None

    async def update(self, broadcast_id: int, now: datetime, **changes: object) -> None:
        """segment, texts, link, status, send_at, base_language, started_at, finished_at,
        progress_message."""
        allowed = {"segment", "texts", "link", "status", "send_at", "base_language",
                   "started_at", "finished_at", "progress_message", "expires_hours"}  # fmt: skip
        names = sorted(changes)
        if not set(names) <= allowed:
            raise ValueError(f"cannot change {set(names) - allowed}")
        values = [
            json.dumps(changes[n].to_json()) if isinstance(changes[n], Segment)  # type: ignore[union-attr]
            else json.dumps(changes[n], ensure_ascii=False) if isinstance(changes[n], dict)
            else changes[n]
            for n in names
        ]  # fmt: skip
        assignments = ", ".join(f"{n} = ?" for n in names)
        await self.tx.execute(
            f"UPDATE broadcasts SET {assignments}, updated_at = ? WHERE id = ?",
            (*values, now, broadcast_id),
        )

    async def of_districts(
        self, districts: Sequence[str] | None, limit: int
    ) -> list[BroadcastRow]:
        """The latest broadcasts of these districts (None: all), newest first."""
        if districts is None:
            rows = await self.tx.fetchall(
                "SELECT * FROM broadcasts WHERE status <> 'draft' ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        else:
            marks = ", ".join("?" for _ in districts)
            rows = await self.tx.fetchall(
                f"SELECT * FROM broadcasts WHERE status <> 'draft' AND district IN ({marks}) "
                "ORDER BY id DESC LIMIT ?",
                (*districts, limit),
            )
        return [_row(r) for r in rows]

    async def since(self, district: str, moment: datetime) -> list[BroadcastRow]:
        """Broadcasts of the district started or scheduled since `moment` (duplicate guard)."""
        rows = await self.tx.fetchall(
            "SELECT * FROM broadcasts WHERE district = ? AND status NOT IN ('draft', 'cancelled') "
            "AND COALESCE(started_at, send_at, created_at) >= ?",
            (district, moment),
        )
        return [_row(r) for r in rows]

    async def due(self, now: datetime) -> list[int]:
        rows = await self.tx.fetchall(
            "SELECT id FROM broadcasts WHERE status = 'scheduled' AND send_at <= ? ORDER BY id",
            (now,),
        )
        return [int(r["id"]) for r in rows]

    async def running(self) -> list[int]:
        rows = await self.tx.fetchall(
            "SELECT id FROM broadcasts WHERE status IN ('sending', 'paused') ORDER BY id"
        )
        return [int(r["id"]) for r in rows]

    async def audience(self, places: Sequence[str], fields: Mapping[str, str]) -> list[Recipient]:
        """Everyone stored in these places who has not blocked the bot."""
        if not places:
            return []
        columns = _columns(fields)
        selected = ", ".join(f"p.{name} AS p_{name}" for name in columns)
        rows = await self.tx.fetchall(
            f"""
            SELECT u.id, u.language, u.news,
                   COALESCE(c.updated_at, p.updated_at, u.created_at) AS active_at, {selected}
            FROM users u JOIN profiles p ON p.user_id = u.id
            LEFT JOIN conversation_state c ON c.user_id = u.id
            WHERE u.blocked_at IS NULL AND p.place IN ({", ".join("?" for _ in places)})
            """,
            tuple(places),
        )
        found = []
        for row in rows:
            profile = profile_of(row, columns, fields)
            active = to_datetime(row["active_at"])
            assert active is not None
            found.append(Recipient(int(row["id"]), row["language"] or "", profile, active.date(),
                                   bool(row["news"])))  # fmt: skip
        return found

    async def broadcasts_since(self, moment: datetime) -> dict[int, int]:
        """Per person: broadcast rows sent or waiting since `moment` (the daily cap)."""
        rows = await self.tx.fetchall(
            "SELECT user_id, COUNT(*) AS n FROM outbox WHERE broadcast_id IS NOT NULL "
            "AND status IN ('pending', 'sending', 'sent', 'unknown', 'paused') "
            "AND due_at >= ? GROUP BY user_id",
            (moment,),
        )
        return {int(r["user_id"]): int(r["n"]) for r in rows}

    async def enqueue(
        self, broadcast_id: int, user_ids: Sequence[int], skipped: Sequence[int],
        due: datetime, expires: datetime, now: datetime,
    ) -> None:  # fmt: skip
        """One row per recipient, idempotent per (broadcast, person): the key."""
        key = f"broadcast:{broadcast_id}"
        payload = json.dumps({"broadcast": broadcast_id})
        rows = [
            (u, key, key, payload, due, status, now, broadcast_id, expires)
            for users, status in ((user_ids, "pending"), (skipped, "skipped"))
            for u in users
        ]
        await self.tx.executemany(
            """
            INSERT INTO outbox (user_id, key, topic, kind, payload, due_at, status, updated_at,
                                broadcast_id, expires_at)
            VALUES (?, ?, ?, 'broadcast', ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, key) DO NOTHING
            """,
            rows,
        )

    async def progress(
        self, broadcast_id: int
    ) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        rows = await self.tx.fetchall(
            """
            SELECT o.status, COALESCE(u.language, '') AS language, COUNT(*) AS n
            FROM outbox o JOIN users u ON u.id = o.user_id
            WHERE o.broadcast_id = ? GROUP BY o.status, language
            """,
            (broadcast_id,),
        )
        by_status: dict[str, int] = {}
        by_language: dict[str, dict[str, int]] = {}
        for r in rows:
            by_status[r["status"]] = by_status.get(r["status"], 0) + int(r["n"])
            language = by_language.setdefault(r["language"], {})
            language[r["status"]] = language.get(r["status"], 0) + int(r["n"])
        return by_status, by_language

    async def move_rows(
        self, broadcast_id: int, old: Sequence[str], new: str, now: datetime
    ) -> int:
        marks = ", ".join("?" for _ in old)
        return await self.tx.execute(
            f"UPDATE outbox SET status = ?, updated_at = ? WHERE broadcast_id = ? "
            f"AND status IN ({marks})",
            (new, now, broadcast_id, *old),
        )

    async def sent_messages(self, broadcast_id: int) -> list[tuple[str, str, str]]:
        """(channel, external id, message id) of what went out, for a withdrawal."""
        rows = await self.tx.fetchall(
            "SELECT u.channel, u.external_id, o.message_id FROM outbox o "
            "JOIN users u ON u.id = o.user_id WHERE o.broadcast_id = ? AND o.status = 'sent' "
            "AND o.message_id IS NOT NULL",
            (broadcast_id,),
        )
        return [(r["channel"], r["external_id"], r["message_id"]) for r in rows]
