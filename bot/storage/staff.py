"""Staff grants and one-time invitations (the only SQL for them). Codes are stored as their
SHA-256 hash; the code itself is shown once to whoever made it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.sql import Tx, to_datetime


@dataclass(frozen=True)
class StaffRow:
    id: int
    channel: str
    external_id: str
    role: str
    district: str
    provider: str
    granted_by: str
    created_at: datetime


@dataclass(frozen=True)
class InvitationRow:
    id: int
    role: str
    district: str
    provider: str
    created_by: str
    expires_at: datetime
    used_at: datetime | None
    reusable: bool = False  # a district's volunteer code: many may use it


def _staff(row) -> StaffRow:  # type: ignore[no-untyped-def]
    return StaffRow(
        int(row["id"]), row["channel"], row["external_id"], row["role"], row["district"],
        row["provider"], row["granted_by"], to_datetime(row["created_at"]),  # type: ignore[arg-type]
    )  # fmt: skip


class StaffRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def grants_of(self, channel: str, external_id: str) -> list[StaffRow]:
        rows = await self.tx.fetchall(
            "SELECT * FROM staff WHERE channel = ? AND external_id = ? ORDER BY id",
            (channel, external_id),
        )
        return [_staff(row) for row in rows]

    async def everyone(self) -> list[StaffRow]:
        return [_staff(row) for row in await self.tx.fetchall("SELECT * FROM staff ORDER BY id")]

    async def add(
        self, channel: str, external_id: str, role: str, district: str, provider: str,
        granted_by: str, now: datetime,
    ) -> int:  # fmt: skip
        await self.tx.execute(
            """
            INSERT INTO staff (channel, external_id, role, district, provider, granted_by,
                               created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (channel, external_id, role, district, provider) DO NOTHING
            """,
            (channel, external_id, role, district, provider, granted_by, now),
        )
        row = await self.tx.fetchone(
            "SELECT id FROM staff WHERE channel = ? AND external_id = ? AND role = ? "
            "AND district = ? AND provider = ?",
            (channel, external_id, role, district, provider),
        )
        assert row is not None
        await self.tx.notify("staff")
        return int(row["id"])

    async def remove(self, staff_id: int) -> bool:
        removed = await self.tx.execute("DELETE FROM staff WHERE id = ?", (staff_id,)) > 0
        if removed:
            await self.tx.notify("staff")
        return removed

    async def remove_person(self, channel: str, external_id: str) -> int:
        """Every grant of a person (they asked to be forgotten)."""
        removed = await self.tx.execute(
            "DELETE FROM staff WHERE channel = ? AND external_id = ?", (channel, external_id)
        )
        if removed:
            await self.tx.notify("staff")
        return removed

    async def invite(
        self, code_hash: str, role: str, district: str, provider: str, created_by: str,
        now: datetime, expires_at: datetime, reusable: bool = False,
    ) -> int:  # fmt: skip
        await self.tx.execute(
            """
            INSERT INTO invitations (code_hash, role, district, provider, created_by,
                                     created_at, expires_at, reusable)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (code_hash, role, district, provider, created_by, now, expires_at, int(reusable)),
        )
        row = await self.tx.fetchone(
            "SELECT id FROM invitations WHERE code_hash = ?", (code_hash,)
        )
        assert row is not None
        return int(row["id"])

    async def invitation(self, code_hash: str) -> InvitationRow | None:
        row = await self.tx.fetchone("SELECT * FROM invitations WHERE code_hash = ?", (code_hash,))
        if row is None:
            return None
        return InvitationRow(
            int(row["id"]), row["role"], row["district"], row["provider"], row["created_by"],
            to_datetime(row["expires_at"]), to_datetime(row["used_at"]),  # type: ignore[arg-type]
            bool(row["reusable"]),
        )  # fmt: skip

    async def use_invitation(self, invitation_id: int, staff_id: int, now: datetime) -> bool:
        """Marks the code used; False when it already was (single use, also under a race).
        A reusable code stays valid (it only remembers when it was last used)."""
        changed = await self.tx.execute(
            "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? "
            "AND (used_at IS NULL OR reusable = 1)",
            (now, staff_id, invitation_id),
        )
        return changed == 1

    async def set_digest(self, channel: str, external_id: str, on: bool) -> None:
        """The weekly needs-report digest on or off (for every grant of the person)."""
        await self.tx.execute(
            "UPDATE staff SET digest = ? WHERE channel = ? AND external_id = ?",
            (int(on), channel, external_id),
        )

    async def with_digest(self) -> list[tuple[str, str, str]]:
        """(channel, external id, district) of every grant whose holder wants the digest."""
        rows = await self.tx.fetchall(
            "SELECT channel, external_id, district FROM staff WHERE digest = 1 ORDER BY id"
        )
        return [(r["channel"], r["external_id"], r["district"]) for r in rows]
