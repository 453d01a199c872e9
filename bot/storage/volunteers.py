"""Volunteers' invites (referral codes with presets and bare counts) and the mentor links a
young person chose (the only SQL for them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.sql import Tx, to_datetime


@dataclass(frozen=True)
class ReferralRow:
    id: int
    code: str
    owner_channel: str
    owner_external_id: str
    kind: str
    language: str
    district: str
    service: str
    created_at: datetime
    started: int
    finished: int


def _referral(row) -> ReferralRow:  # type: ignore[no-untyped-def]
    return ReferralRow(
        int(row["id"]), row["code"], row["owner_channel"], row["owner_external_id"],
        row["kind"], row["language"], row["district"], row["service"],
        to_datetime(row["created_at"]), int(row["started"]), int(row["finished"]),  # type: ignore[arg-type]
    )  # fmt: skip


class VolunteerRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def add_referral(
        self, code: str, owner: tuple[str, str], kind: str, language: str, district: str,
        service: str, now: datetime,
    ) -> int:  # fmt: skip
        await self.tx.execute(
            """
            INSERT INTO referrals (code, owner_channel, owner_external_id, kind, language,
                                   district, service, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (code, *owner, kind, language, district, service, now),
        )
        row = await self.tx.fetchone("SELECT id FROM referrals WHERE code = ?", (code,))
        assert row is not None
        return int(row["id"])

    async def referral(self, code: str) -> ReferralRow | None:
        row = await self.tx.fetchone("SELECT * FROM referrals WHERE code = ?", (code,))
        return _referral(row) if row else None

    async def referral_by_id(self, referral_id: int) -> ReferralRow | None:
        row = await self.tx.fetchone("SELECT * FROM referrals WHERE id = ?", (referral_id,))
        return _referral(row) if row else None

    async def referrals_of(self, owner: tuple[str, str]) -> list[ReferralRow]:
        rows = await self.tx.fetchall(
            "SELECT * FROM referrals WHERE owner_channel = ? AND owner_external_id = ? "
            "ORDER BY id",
            owner,
        )
        return [_referral(row) for row in rows]

    async def count(self, referral_id: int, what: str) -> None:
        """One more person started (`started`) or finished the questions (`finished`)."""
        column = {"started": "started", "finished": "finished"}[what]
        await self.tx.execute(
            f"UPDATE referrals SET {column} = {column} + 1 WHERE id = ?", (referral_id,)
        )

    async def disown(self, owner: tuple[str, str]) -> int:
        """The owner erased their data: their codes keep working, but count for nobody."""
        await self.tx.execute(
            "DELETE FROM mentor_links WHERE referral_id IN (SELECT id FROM referrals "
            "WHERE owner_channel = ? AND owner_external_id = ?)",
            owner,
        )
        return await self.tx.execute(
            "UPDATE referrals SET owner_channel = '', owner_external_id = '' "
            "WHERE owner_channel = ? AND owner_external_id = ?",
            owner,
        )

    async def link_mentor(
        self, user_id: int, referral_id: int, first_name: str, now: datetime
    ) -> None:
        await self.tx.execute(
            """
            INSERT INTO mentor_links (user_id, referral_id, first_name, created_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET referral_id = excluded.referral_id,
                first_name = excluded.first_name, created_at = excluded.created_at
            """,
            (user_id, referral_id, first_name, now),
        )

    async def unlink_mentor(self, user_id: int) -> bool:
        return await self.tx.execute("DELETE FROM mentor_links WHERE user_id = ?", (user_id,)) > 0

    async def mentor_link(self, user_id: int) -> str | None:
        """The first name the person gave their mentor, None when they told nobody."""
        row = await self.tx.fetchone(
            "SELECT first_name FROM mentor_links WHERE user_id = ?", (user_id,)
        )
        return row["first_name"] if row else None

    async def told_names(self, owner: tuple[str, str]) -> list[tuple[str, datetime]]:
        """The first names of the people who told this owner that they are here."""
        rows = await self.tx.fetchall(
            """
            SELECT m.first_name, m.created_at FROM mentor_links m
            JOIN referrals r ON r.id = m.referral_id
            WHERE r.owner_channel = ? AND r.owner_external_id = ?
            ORDER BY m.created_at
            """,
            owner,
        )
        return [(row["first_name"], to_datetime(row["created_at"])) for row in rows]  # type: ignore[misc]
