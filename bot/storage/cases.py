"""Counselling inboxes and cases (the only SQL for them). A case holds who, which service,
its pseudonym, its forum topic and the outcome; never a message text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.sql import Tx, to_datetime


@dataclass(frozen=True)
class InboxRow:
    service: str
    district: str
    chat_id: str
    title: str


@dataclass(frozen=True)
class CaseRow:
    id: int
    pseudonym: str
    user_id: int | None
    service: str
    district: str
    topic: str
    age_band: str
    chat_id: str
    thread_id: int | None
    state: str
    outcome: str
    opened_at: datetime
    last_message_at: datetime
    closed_at: datetime | None
    # The young person's chat, when they are still stored.
    channel: str = ""
    external_id: str = ""


_CASE = """
    SELECT c.*, u.channel AS channel, u.external_id AS external_id
    FROM cases c LEFT JOIN users u ON u.id = c.user_id
"""


def _case(row) -> CaseRow:  # type: ignore[no-untyped-def]
    return CaseRow(
        int(row["id"]), row["pseudonym"],
        int(row["user_id"]) if row["user_id"] is not None else None,
        row["service"], row["district"], row["topic"], row["age_band"], row["chat_id"],
        int(row["thread_id"]) if row["thread_id"] is not None else None,
        row["state"], row["outcome"], to_datetime(row["opened_at"]),  # type: ignore[arg-type]
        to_datetime(row["last_message_at"]), to_datetime(row["closed_at"]),  # type: ignore[arg-type]
        row["channel"] or "", row["external_id"] or "",
    )  # fmt: skip


class CaseRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    # -- inboxes ---------------------------------------------------------------------------

    async def register_inbox(
        self, service: str, district: str, chat_id: str, title: str, by: str, now: datetime
    ) -> None:
        await self.tx.execute(
            """
            INSERT INTO inboxes (service, district, chat_id, title, registered_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (service) DO UPDATE SET district = excluded.district,
                chat_id = excluded.chat_id, title = excluded.title,
                registered_by = excluded.registered_by, created_at = excluded.created_at
            """,
            (service, district, chat_id, title, by, now),
        )

    async def inboxes(self) -> list[InboxRow]:
        rows = await self.tx.fetchall(
            "SELECT service, district, chat_id, title FROM inboxes ORDER BY service"
        )
        return [InboxRow(r["service"], r["district"], r["chat_id"], r["title"]) for r in rows]

    # -- cases -----------------------------------------------------------------------------

    async def open_case(
        self, pseudonym: str, user_id: int, service: str, district: str, topic: str,
        age_band: str, chat_id: str, now: datetime,
    ) -> int:  # fmt: skip
        await self.tx.execute(
            """
            INSERT INTO cases (pseudonym, user_id, service, district, topic, age_band, chat_id,
                               opened_at, last_message_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (pseudonym, user_id, service, district, topic, age_band, chat_id, now, now),
        )
        row = await self.tx.fetchone("SELECT id FROM cases WHERE pseudonym = ?", (pseudonym,))
        assert row is not None
        return int(row["id"])

    async def pseudonym_taken(self, pseudonym: str) -> bool:
        row = await self.tx.fetchone("SELECT 1 FROM cases WHERE pseudonym = ?", (pseudonym,))
        return row is not None

    async def set_thread(self, case_id: int, thread_id: int) -> None:
        await self.tx.execute("UPDATE cases SET thread_id = ? WHERE id = ?", (thread_id, case_id))

    async def case(self, case_id: int) -> CaseRow | None:
        row = await self.tx.fetchone(_CASE + " WHERE c.id = ?", (case_id,))
        return _case(row) if row else None

    async def by_pseudonym(self, pseudonym: str) -> CaseRow | None:
        row = await self.tx.fetchone(_CASE + " WHERE c.pseudonym = ?", (pseudonym.upper(),))
        return _case(row) if row else None

    async def by_topic(self, chat_id: str, thread_id: int) -> CaseRow | None:
        row = await self.tx.fetchone(
            _CASE + " WHERE c.chat_id = ? AND c.thread_id = ?", (chat_id, thread_id)
        )
        return _case(row) if row else None

    async def open_of(self, user_id: int) -> list[CaseRow]:
        rows = await self.tx.fetchall(
            _CASE + " WHERE c.user_id = ? AND c.state = 'open' ORDER BY c.id", (user_id,)
        )
        return [_case(row) for row in rows]

    async def listed(self, states: tuple[str, ...]) -> list[CaseRow]:
        marks = ", ".join("?" for _ in states)
        rows = await self.tx.fetchall(
            _CASE + f" WHERE c.state IN ({marks}) ORDER BY c.id", tuple(states)
        )
        return [_case(row) for row in rows]

    async def touch(self, case_id: int, now: datetime) -> None:
        await self.tx.execute("UPDATE cases SET last_message_at = ? WHERE id = ?", (now, case_id))

    async def close(self, case_id: int, outcome: str, now: datetime) -> bool:
        """Closed once; False when it was not open (closed meanwhile, or erased)."""
        changed = await self.tx.execute(
            "UPDATE cases SET state = 'closed', outcome = ?, closed_at = ? "
            "WHERE id = ? AND state = 'open'",
            (outcome, now, case_id),
        )
        return changed == 1

    async def idle_before(self, moment: datetime) -> list[CaseRow]:
        rows = await self.tx.fetchall(
            _CASE + " WHERE c.state = 'open' AND c.last_message_at < ? ORDER BY c.id", (moment,)
        )
        return [_case(row) for row in rows]

    async def to_delete(self, closed_before: datetime) -> list[CaseRow]:
        """Cases whose topic goes now: erased ones, and those closed before `closed_before`."""
        rows = await self.tx.fetchall(
            _CASE + " WHERE c.state = 'erased' OR (c.state = 'closed' AND c.closed_at < ?) "
            "ORDER BY c.id",
            (closed_before,),
        )
        return [_case(row) for row in rows]

    async def delete(self, case_id: int) -> bool:
        return await self.tx.execute("DELETE FROM cases WHERE id = ?", (case_id,)) > 0
