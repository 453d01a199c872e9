"""Queries for conversations that are not saved to a profile: before the consent question and
"Use without saving" (the only SQL for them).

The whole session is one JSON text keyed by the chat, with no user id: nothing joins it to
a profile, and deleting the row forgets it. Rows older than a day are deleted by the upkeep
and never read back (`load` takes the oldest moment still valid).
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.core.profile import Profile, Session
from bot.storage.people import MARKS, read_state, state_json
from bot.storage.sql import Tx


def session_json(session: Session) -> str:
    """Everything an interim session holds, as one JSON text."""
    return json.dumps(
        {
            "language": session.language,
            "consented": session.consented,
            "unsaved": session.unsaved,
            "profile": session.profile.values,  # tuples become lists, read back as tuples
            "state": state_json(session),
            "marks": {mark: getattr(session, mark) for mark in MARKS},
            "new_offers": session.new_offers,
            "news": session.news,
            "opened_offer": session.opened_offer,
        },
        ensure_ascii=False,
    )


def session_from_json(text: str) -> Session:
    data = json.loads(text)
    profile = Profile()
    for name, value in data.get("profile", {}).items():
        profile.set(name, value)
    session = Session(
        language=data.get("language"),
        consented=bool(data.get("consented")),
        unsaved=bool(data.get("unsaved")),
        profile=profile,
        new_offers=bool(data.get("new_offers")),
        news=bool(data.get("news", True)),
        opened_offer=bool(data.get("opened_offer")),
    )
    for mark in MARKS:
        setattr(session, mark, [str(item) for item in data.get("marks", {}).get(mark, [])])
    read_state(data.get("state"), session)
    return session


class InterimRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def load(self, channel: str, external_id: str, since: datetime) -> Session | None:
        """The person's interim session, unless its last input was before `since`."""
        row = await self.tx.fetchone(
            "SELECT session FROM interim_sessions "
            "WHERE channel = ? AND external_id = ? AND updated_at >= ?",
            (channel, external_id, since),
        )
        return session_from_json(row[0]) if row else None

    async def keep(self, channel: str, external_id: str, session: Session, now: datetime) -> None:
        await self.tx.execute(
            """
            INSERT INTO interim_sessions (channel, external_id, session, updated_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (channel, external_id) DO UPDATE SET
                session = excluded.session, updated_at = excluded.updated_at
            """,
            (channel, external_id, session_json(session), now),
        )

    async def forget(self, channel: str, external_id: str) -> int:
        return await self.tx.execute(
            "DELETE FROM interim_sessions WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        )

    async def forget_before(self, moment: datetime) -> int:
        """Delete every interim session whose last input was before `moment`."""
        return await self.tx.execute(
            "DELETE FROM interim_sessions WHERE updated_at < ?", (moment,)
        )
