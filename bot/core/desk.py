"""What the coordinators' side needs to know from the database for one input, prepared by
the service before the core runs (the core does no I/O): an invitation behind a link, the
staff of a district, the catalogue's versions, a checked upload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.broadcasts import Draft
from bot.core.changes import StagedChange


@dataclass(frozen=True)
class InvitationInfo:
    code: str
    state: str  # "valid", "used", "expired", "unknown"
    role: str = ""
    district: str = ""
    provider: str = ""


@dataclass(frozen=True)
class StaffEntry:
    id: int
    role: str
    district: str
    provider: str
    since: datetime
    you: bool = False  # the staff member asking


@dataclass(frozen=True)
class VersionEntry:
    version: int
    created_at: datetime
    actor: str  # "seed", "cli", "staff:<id>"
    summary: str


@dataclass(frozen=True)
class ReferralInfo:
    """A young person's invite behind /start r_<code>: its presets (never who made it)."""

    id: int
    kind: str  # "volunteer", "counselling"
    language: str = ""
    district: str = ""
    service: str = ""


@dataclass(frozen=True)
class ReferralStats:
    """A volunteer's invites: counts of people (shown only from 3 on) and the first names of
    those who chose to tell them."""

    started: int
    finished: int
    codes: int
    told: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseInfo:
    """A counselling case a button or message names."""

    id: int
    pseudonym: str
    service: str
    district: str
    state: str  # open, closed, erased
    mine: bool = False  # the young person asking is the one it is about


@dataclass(frozen=True)
class GroupInfo:
    """The group chat an input came from (a counselling inbox, or one being registered)."""

    chat_id: str
    title: str
    forum: bool  # a forum supergroup (topics)
    bot_can_manage_topics: bool
    services: tuple[str, ...] = ()  # the services whose inbox this group is
    thread_id: int | None = None


@dataclass(frozen=True)
class Prepared:
    """Everything the service looked up for this input (each part only when it matters)."""

    invitation: InvitationInfo | None = None
    staff: tuple[StaffEntry, ...] = ()
    versions: tuple[VersionEntry, ...] = ()
    change: StagedChange | None = None
    broadcast: Draft | None = None  # the broadcast a bc: button names
    referral: ReferralInfo | None = None  # /start r_<code>
    referral_stats: ReferralStats | None = None  # /invite
    case: CaseInfo | None = None  # the case a cs: button names
    cases: tuple[CaseInfo, ...] = ()  # the young person's open cases (/talk)
    mentor: str | None = None  # the first name the person gave their mentor
    reachable: frozenset[str] = frozenset()  # services that can get a case (inbox or staff)
    group: GroupInfo | None = None  # the input came from a group chat


NOTHING = Prepared()
