"""Queries for users, their answers and their conversation state (the only SQL for them)."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.core.profile import Profile, Session


class PeopleRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def load(self, channel: str, external_id: str) -> Session | None:
        async with self.db.execute(
            """
            SELECT u.language, p.age, p.status, p.german_level, p.place, p.interests,
                   c.step, c.history, c.pending, c.return_to
            FROM users u
            LEFT JOIN profiles p ON p.user_id = u.id
            LEFT JOIN conversation_state c ON c.user_id = u.id
            WHERE u.channel = ? AND u.external_id = ?
            """,
            (channel, external_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        marks: dict[str, list[str]] = {"saved": [], "dismissed": [], "announced": []}
        async with self.db.execute(
            """
            SELECT m.mark, m.offer_id FROM offer_marks m JOIN users u ON u.id = m.user_id
            WHERE u.channel = ? AND u.external_id = ? ORDER BY m.position
            """,
            (channel, external_id),
        ) as cursor:
            async for mark_row in cursor:
                marks[mark_row["mark"]].append(mark_row["offer_id"])
        async with self.db.execute(
            """
            SELECT s.event_id FROM subscriptions s JOIN users u ON u.id = s.user_id
            WHERE u.channel = ? AND u.external_id = ? ORDER BY s.created_at, s.event_id
            """,
            (channel, external_id),
        ) as cursor:
            subscribed = [sub["event_id"] async for sub in cursor]
        profile = Profile(
            age=row["age"],
            status=row["status"],
            german_level=row["german_level"],
            place=row["place"],
            interests=tuple(json.loads(row["interests"] or "[]")),
        )
        return Session(
            language=row["language"],
            consented=True,
            step=row["step"],
            history=list(json.loads(row["history"] or "[]")),
            pending=dict(json.loads(row["pending"] or "{}")),
            return_to=row["return_to"] or "",
            profile=profile,
            saved=marks["saved"],
            dismissed=marks["dismissed"],
            announced=marks["announced"],
            subscribed=subscribed,
        )

    async def save(self, channel: str, external_id: str, session: Session, now: datetime) -> None:
        """Store a consented session: user, answers and conversation state in one transaction."""
        if not session.consented:
            raise ValueError("refusing to store a session without consent")
        stamp = now.isoformat()
        profile = session.profile
        try:
            await self.db.execute(
                """
                INSERT INTO users (channel, external_id, language, consented_at, created_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (channel, external_id) DO UPDATE SET
                    language = excluded.language,
                    blocked_at = NULL  -- writing again means the bot is no longer blocked
                """,
                (channel, external_id, session.language, stamp, stamp),
            )
            async with self.db.execute(
                "SELECT id FROM users WHERE channel = ? AND external_id = ?",
                (channel, external_id),
            ) as cursor:
                user_id = (await cursor.fetchone())["id"]
            await self.db.execute(
                """
                INSERT INTO profiles (user_id, age, status, german_level, place, interests,
                                      updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    age = excluded.age, status = excluded.status,
                    german_level = excluded.german_level, place = excluded.place,
                    interests = excluded.interests, updated_at = excluded.updated_at
                """,
                (
                    user_id,
                    profile.age,
                    profile.status,
                    profile.german_level,
                    profile.place,
                    json.dumps(list(profile.interests)),
                    stamp,
                ),
            )
            await self.db.execute(
                """
                INSERT INTO conversation_state (user_id, step, history, pending, return_to,
                                                updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    step = excluded.step, history = excluded.history,
                    pending = excluded.pending, return_to = excluded.return_to,
                    updated_at = excluded.updated_at
                """,
                (
                    user_id,
                    session.step,
                    json.dumps(session.history),
                    json.dumps(session.pending, ensure_ascii=False),
                    session.return_to,
                    stamp,
                ),
            )
            await self.db.execute("DELETE FROM offer_marks WHERE user_id = ?", (user_id,))
            await self.db.executemany(
                "INSERT INTO offer_marks (user_id, offer_id, mark, position) VALUES (?, ?, ?, ?)",
                [
                    (user_id, offer_id, mark, position)
                    for mark, ids in (
                        ("saved", session.saved),
                        ("dismissed", session.dismissed),
                        ("announced", session.announced),
                    )
                    for position, offer_id in enumerate(dict.fromkeys(ids))
                ],
            )
            await self.db.commit()
        except BaseException:
            await self.db.rollback()
            raise

    async def erase(self, channel: str, external_id: str) -> bool:
        """Delete the person and, through the cascade, everything stored about them."""
        cursor = await self.db.execute(
            "DELETE FROM users WHERE channel = ? AND external_id = ?", (channel, external_id)
        )
        await self.db.commit()
        return cursor.rowcount > 0
