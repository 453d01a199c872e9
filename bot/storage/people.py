"""Queries for people who agreed to be stored: answers, conversation state, offer marks (the
only SQL for them).

Profile fields are columns of `profiles` named like the fields the flows declare; which
columns exist is checked at start (`missing_profile_columns`). Lists are stored as JSON text.

One module, over 300 lines: all SQL about the people table and the rows that hang on it
(profile, state, marks, retention), so that erasure has one place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.profile import Frame, Profile, Session
from bot.storage.sql import Tx

MARKS = ("saved", "dismissed", "announced")
_COLUMN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LIST_TYPES = frozenset({"keys"})  # field types stored as a JSON list


def _columns(fields: Mapping[str, str]) -> list[str]:
    names = list(fields)
    for name in names:
        if not _COLUMN.match(name):  # field names come from the flow files: checked there too
            raise ValueError(f"not a column name: {name!r}")
    return names


@dataclass(frozen=True)
class Snapshot:
    """What was loaded, so that saving writes only the parts an input changed."""

    user_id: int
    language: str | None
    blocked: bool
    new_offers: bool
    news: bool
    opened_offer: bool
    profile: dict[str, Any]
    state: str
    marks: tuple[tuple[str, ...], ...]

    def differs(self, session: Session) -> bool:
        """Whether saving would write anything."""
        return (
            self.language != session.language
            or self.blocked
            or self.new_offers != session.new_offers
            or self.opened_offer != session.opened_offer
            or self.profile != session.profile.values
            or self.state != state_json(session)
            or self.marks != _marks(session)
        )


def snapshot_of(session: Session, user_id: int, blocked: bool = False) -> Snapshot:
    """The snapshot of a session as it is now stored."""
    return Snapshot(
        user_id,
        session.language,
        blocked,
        session.new_offers,
        session.news,
        session.opened_offer,
        dict(session.profile.values),
        state_json(session),
        _marks(session),
    )


def state_json(session: Session) -> str:
    """The conversation state: the stack, the last buttons, and where the person came from,
    writes to and is handing over (issue 16); a bare list when only the stack is set."""
    stack = [f.to_json() for f in session.stack]
    state: dict[str, Any] = {"stack": stack}
    if session.buttons:
        state["buttons"] = [list(pair) for pair in session.buttons]
    if session.referral:
        state["referral"] = [session.referral, session.referral_kind, session.referral_service,
                             session.referral_finished, session.referral_district]  # fmt: skip
    if session.relay:
        state["relay"] = session.relay
    if session.talk:
        state["talk"] = dict(session.talk)
    if len(state) == 1:
        return json.dumps(stack, ensure_ascii=False)
    return json.dumps(state, ensure_ascii=False)


def read_state(text: str | None, session: Session) -> None:
    """The stack (a list, as first stored) or the state with the other parts, into `session`."""
    state = json.loads(text or "[]")
    if isinstance(state, list):
        session.stack = [Frame.from_json(f) for f in state]
        return
    session.stack = [Frame.from_json(f) for f in state.get("stack", [])]
    session.buttons = [(str(label), str(data)) for label, data in state.get("buttons", [])]
    if state.get("referral"):
        ident, kind, service, finished, district = state["referral"]
        session.referral, session.referral_kind = int(ident), str(kind)
        session.referral_service, session.referral_finished = str(service), bool(finished)
        session.referral_district = str(district)
    session.relay = int(state.get("relay", 0))
    session.talk = {str(k): str(v) for k, v in state.get("talk", {}).items()}


def _marks(session: Session) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(dict.fromkeys(getattr(session, mark))) for mark in MARKS)


def profile_of(row: Any, columns: list[str], fields: Mapping[str, str]) -> Profile:
    """A profile from a row that selected each field as p_<field>."""
    profile = Profile()
    for name in columns:
        value = row[f"p_{name}"]
        if fields[name] in LIST_TYPES:
            value = tuple(json.loads(value or "[]"))
        profile.set(name, value)
    return profile


# When a person last did something: their conversation state or answers were written.
_ACTIVE = "COALESCE(c.updated_at, p.updated_at, u.created_at)"


class PeopleRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def user_id(self, channel: str, external_id: str) -> int | None:
        row = await self.tx.fetchone(
            "SELECT id FROM users WHERE channel = ? AND external_id = ?", (channel, external_id)
        )
        return int(row[0]) if row else None

    async def load(
        self, channel: str, external_id: str, fields: Mapping[str, str]
    ) -> tuple[Session, Snapshot] | None:
        columns = _columns(fields)
        selected = "".join(f", p.{name} AS p_{name}" for name in columns)
        row = await self.tx.fetchone(
            f"""
            SELECT u.id, u.language, u.blocked_at, u.new_offers, u.news, u.opened_offer, c.stack
                   {selected}
            FROM users u
            LEFT JOIN profiles p ON p.user_id = u.id
            LEFT JOIN conversation_state c ON c.user_id = u.id
            WHERE u.channel = ? AND u.external_id = ?
            """,
            (channel, external_id),
        )
        if row is None:
            return None
        user_id = int(row["id"])
        marks: dict[str, list[str]] = {mark: [] for mark in (*MARKS, "subscribed")}
        for mark_row in await self.tx.fetchall(
            """
            SELECT mark, offer_id AS item, position FROM offer_marks WHERE user_id = ?
            UNION ALL
            SELECT 'subscribed', event_id, 0 FROM subscriptions WHERE user_id = ?
            ORDER BY 1, 3, 2
            """,
            (user_id, user_id),
        ):
            marks[mark_row["mark"]].append(mark_row["item"])
        profile = profile_of(row, columns, fields)
        session = Session(
            language=row["language"],
            consented=True,
            profile=profile,
            saved=marks["saved"],
            dismissed=marks["dismissed"],
            announced=marks["announced"],
            subscribed=marks["subscribed"],
            new_offers=bool(row["new_offers"]),
            opened_offer=bool(row["opened_offer"]),
            news=bool(row["news"]),
        )
        read_state(row["stack"], session)
        return session, snapshot_of(session, user_id, row["blocked_at"] is not None)

    async def save(
        self,
        channel: str,
        external_id: str,
        session: Session,
        fields: Mapping[str, str],
        now: datetime,
        before: Snapshot | None = None,
    ) -> int:
        """Store a consented session; only the parts that changed since `before`. Returns the
        user id. Runs inside the caller's unit of work."""
        if not session.consented:
            raise ValueError("refusing to store a session without consent")
        if before is None:
            user_id = await self._insert_user(channel, external_id, session.language, now)
        else:
            user_id = before.user_id
        if (
            before is None or before.language != session.language or before.blocked
            or before.new_offers != session.new_offers
            or before.opened_offer != session.opened_offer
            or before.news != session.news
        ):  # fmt: skip
            # Writing again means the bot is no longer blocked.
            await self.tx.execute(
                "UPDATE users SET language = ?, blocked_at = NULL, new_offers = ?, "
                "opened_offer = ?, news = ? WHERE id = ?",
                (session.language, int(session.new_offers), int(session.opened_offer),
                 int(session.news), user_id),
            )  # fmt: skip
        columns = _columns(fields)
        if before is None or before.profile != session.profile.values:
            values = []
            for name in columns:
                value = session.profile.get(name)
                if fields[name] in LIST_TYPES:
                    value = json.dumps(list(value or ()))
                values.append(value)
            assignments = ", ".join(f"{name} = excluded.{name}" for name in columns)
            await self.tx.execute(
                f"""
                INSERT INTO profiles (user_id, {", ".join(columns)}, updated_at)
                VALUES (?, {", ".join("?" for _ in columns)}, ?)
                ON CONFLICT (user_id) DO UPDATE SET {assignments},
                    updated_at = excluded.updated_at
                """,
                (user_id, *values, now),
            )
        state = state_json(session)
        if before is None or before.state != state:
            await self.tx.execute(
                """
                INSERT INTO conversation_state (user_id, stack, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    stack = excluded.stack, updated_at = excluded.updated_at
                """,
                (user_id, state, now),
            )
        marks = _marks(session)
        if before is None or before.marks != marks:
            await self.tx.execute("DELETE FROM offer_marks WHERE user_id = ?", (user_id,))
            await self.tx.executemany(
                "INSERT INTO offer_marks (user_id, offer_id, mark, position) VALUES (?, ?, ?, ?)",
                [
                    (user_id, offer_id, mark, position)
                    for mark, ids in zip(MARKS, marks, strict=True)
                    for position, offer_id in enumerate(ids)
                ],
            )
        return user_id

    async def _insert_user(
        self, channel: str, external_id: str, language: str | None, now: datetime
    ) -> int:
        await self.tx.execute(
            """
            INSERT INTO users (channel, external_id, language, consented_at, created_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (channel, external_id) DO UPDATE SET
                language = excluded.language, blocked_at = NULL
            """,
            (channel, external_id, language, now, now),
        )
        user_id = await self.user_id(channel, external_id)
        assert user_id is not None
        return user_id

    async def erase(self, channel: str, external_id: str) -> bool:
        """Delete the person and, through the cascade, everything stored about them. Their
        counselling cases lose the link to them and become 'erased': the topics go next."""
        await self.tx.execute(
            "UPDATE cases SET state = 'erased', user_id = NULL WHERE user_id = "
            "(SELECT id FROM users WHERE channel = ? AND external_id = ?)",
            (channel, external_id),
        )
        changed = await self.tx.execute(
            "DELETE FROM users WHERE channel = ? AND external_id = ?", (channel, external_id)
        )
        return changed > 0

    async def to_ask(self, inactive_before: datetime) -> list[tuple[int, str, str]]:
        """Retention: (user id, channel, external id) of people whose last input was before
        `inactive_before` and who were not asked since that input."""
        return await self._inactive(inactive_before, "(u.retention_asked_at IS NULL "
                                    f"OR u.retention_asked_at < {_ACTIVE})", ())  # fmt: skip

    async def to_forget(
        self, inactive_before: datetime, asked_before: datetime
    ) -> list[tuple[int, str, str]]:
        """Retention: people inactive since before `inactive_before` who were asked after their
        last input, and before `asked_before` (they had their time to answer)."""
        return await self._inactive(
            inactive_before,
            f"u.retention_asked_at IS NOT NULL AND u.retention_asked_at > {_ACTIVE} "
            "AND u.retention_asked_at <= ?",
            (asked_before,),
        )

    async def _inactive(
        self, before: datetime, condition: str, values: tuple
    ) -> list[tuple[int, str, str]]:
        rows = await self.tx.fetchall(
            f"""
            SELECT u.id, u.channel, u.external_id FROM users u
            LEFT JOIN conversation_state c ON c.user_id = u.id
            LEFT JOIN profiles p ON p.user_id = u.id
            WHERE {_ACTIVE} < ? AND {condition}
            ORDER BY u.id
            """,
            (before, *values),
        )
        return [(int(r["id"]), r["channel"], r["external_id"]) for r in rows]

    async def mark_asked(self, user_id: int, now: datetime) -> None:
        """Retention: the person was asked now whether to keep their data."""
        await self.tx.execute(
            "UPDATE users SET retention_asked_at = ? WHERE id = ?", (now, user_id)
        )

    async def mark_kept(self, user_id: int, now: datetime) -> None:
        """Retention: the person chose to keep their data; that answer is activity."""
        await self.tx.execute(
            "UPDATE users SET retention_asked_at = NULL WHERE id = ?", (user_id,)
        )
        await self.tx.execute(
            "UPDATE conversation_state SET updated_at = ? WHERE user_id = ?", (now, user_id)
        )

    async def with_new_offers(self) -> list[tuple[str, str]]:
        """Who asked to be told about new offers (and has not blocked the bot)."""
        rows = await self.tx.fetchall(
            "SELECT channel, external_id FROM users WHERE new_offers = 1 AND blocked_at IS NULL "
            "ORDER BY id"
        )
        return [(row["channel"], row["external_id"]) for row in rows]

    async def saved_counts(self) -> dict[str, int]:
        """How many people saved each offer."""
        rows = await self.tx.fetchall(
            "SELECT offer_id, COUNT(*) AS n FROM offer_marks WHERE mark = 'saved' "
            "GROUP BY offer_id"
        )
        return {row["offer_id"]: int(row["n"]) for row in rows}

    async def missing_profile_columns(self, fields: Mapping[str, str]) -> list[str]:
        """Profile fields the flows declare that the `profiles` table lacks (a missing
        migration)."""
        if self.tx.dialect == "sqlite":
            rows = await self.tx.fetchall("SELECT name FROM pragma_table_info('profiles')")
        else:
            rows = await self.tx.fetchall(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'profiles' AND table_schema = current_schema()"
            )
        have = {row[0] for row in rows}
        return [name for name in fields if name not in have]
