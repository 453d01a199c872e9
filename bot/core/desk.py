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
class Prepared:
    """Everything the service looked up for this input (each part only when it matters)."""

    invitation: InvitationInfo | None = None
    staff: tuple[StaffEntry, ...] = ()
    versions: tuple[VersionEntry, ...] = ()
    change: StagedChange | None = None
    broadcast: Draft | None = None  # the broadcast a bc: button names


NOTHING = Prepared()
