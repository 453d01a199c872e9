"""What an input changes besides the replies: typed effects, carried out by the service in the
same transaction that saves the session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Message:
    """One outbox row: sent once at `due`, rendered from `payload` at sending time (so it comes
    in the reader's language of that moment). `key` is unique per person."""

    key: str
    kind: str  # "reminder", "followup", "change", ...
    payload: dict[str, Any]
    due: datetime


@dataclass(frozen=True)
class Erase:
    """Delete everything stored about the person."""


@dataclass(frozen=True)
class Count:
    """An anonymous count (a search that found nothing, a rating): never linked to a person."""

    name: str
    district: str = ""
    key: str = ""


@dataclass(frozen=True)
class Subscribe:
    """Remember a subscription to an event and plan its messages."""

    event_id: str
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Unsubscribe:
    event_id: str


@dataclass(frozen=True)
class Plan:
    """Plan messages to this person about a topic (kept once per key)."""

    topic: str
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Notify:
    """A message to another person (a volunteer, staff), as an outbox row addressed to them."""

    channel: str
    external_id: str
    topic: str
    message: Message


@dataclass(frozen=True)
class RecordAnswer:
    """An answer to "Did you go?", counted once per person and event, without names."""

    event_id: str
    answer: str


@dataclass(frozen=True)
class KeepComment:
    """A feedback comment, kept without any link to the person and erased after 90 days."""

    comment: str
    language: str


@dataclass(frozen=True)
class KeepUpload:
    """A file someone uploaded in a flow, kept until the flow is done (at most a day)."""

    key: str
    name: str
    mime_type: str
    content: bytes


# -- the coordinators' side: carried out by the service after the input's transaction, each
# may answer with replies of its own (a link, a file, "applied as version 12").


@dataclass(frozen=True)
class KeepData:
    """The person answered the retention question: keep their data (ask again next time)."""


@dataclass(frozen=True)
class CreateInvitation:
    """A one-time code for a role in a district (a provider's name for the provider role);
    `reusable`: a district's volunteer code that many volunteers may use."""

    role: str
    district: str
    provider: str = ""
    reusable: bool = False


@dataclass(frozen=True)
class AcceptInvitation:
    code: str


@dataclass(frozen=True)
class SendTemplate:
    """The spreadsheet of a district's offers and events (a provider's rows only)."""

    district: str
    provider: str = ""


@dataclass(frozen=True)
class StageEdit:
    """A small change of one row (move or cancel an event, pause an offer, rules checked
    today): checked and shown as a preview like an upload."""

    kind: str  # "event_move", "event_cancel", "offer_availability", "offer_checked"
    item: str  # the event or offer id
    value: str = ""  # the new start ("2026-12-10T18:00"), the availability


@dataclass(frozen=True)
class StageRollback:
    version: int


@dataclass(frozen=True)
class ApplyChange:
    staged_id: int


@dataclass(frozen=True)
class DiscardChange:
    staged_id: int


@dataclass(frozen=True)
class MakeReport:
    """The needs report of a district: the summary and the files of one part."""

    district: str
    period: str  # "m0", "m1", "y"
    part: str  # "all", "gaps", "blockers", "searches", "use", "paths"


@dataclass(frozen=True)
class SetDigest:
    """The weekly needs-report digest for this staff member, on or off."""

    on: bool


@dataclass(frozen=True)
class BroadcastAction:
    """Something done to a broadcast (0: a new one, or the list): the service carries it out
    and answers with the screen that follows."""

    broadcast: int
    action: str  # new, list, show, dimension, toggle, text, send, pause, cancel, ...
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreateReferral:
    """A volunteer's invite with presets (`kind` counselling: a coordinator's referral to a
    service), answered with the link, its QR code and an A6 flyer."""

    language: str
    district: str
    kind: str = "volunteer"
    service: str = ""
    flyer_languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountReferral:
    """One more person started or finished the questions through an invite (a bare count)."""

    referral: int
    what: str  # "started", "finished"


@dataclass(frozen=True)
class TellMentor:
    """The young person chose to tell the volunteer whose invite they used that they are here,
    with the first name they typed for it."""

    referral: int
    first_name: str


@dataclass(frozen=True)
class ForgetMentor:
    """Withdrawn in /privacy: the volunteer no longer sees the first name."""


@dataclass(frozen=True)
class OpenCase:
    """A hand-over to a counselling service, with what the person agreed to share."""

    service: str
    district: str
    share: str  # "question", "answers", "all"
    question: str
    summary_de: str  # what the service sees (German), shown to the person before sending
    topic: str
    age_band: str


@dataclass(frozen=True)
class Relay:
    """Copy the person's message (by its id, never its text) into their case."""

    case: int
    message_id: int


@dataclass(frozen=True)
class CloseCase:
    case: int
    outcome: str  # advised, referred, no_contact


@dataclass(frozen=True)
class RegisterInbox:
    """A coordinator confirmed a forum group as a service's inbox."""

    service: str
    chat_id: str
    title: str


@dataclass(frozen=True)
class SendSummary:
    """ "My offers" as a one-page PDF in the person's language and in German."""


DESK = (CreateInvitation, AcceptInvitation, SendTemplate, StageEdit, StageRollback,
        ApplyChange, DiscardChange, MakeReport, SetDigest, BroadcastAction, CreateReferral,
        OpenCase, Relay, CloseCase, RegisterInbox, SendSummary)  # fmt: skip

Effect = (
    Erase
    | KeepData
    | Count
    | Subscribe
    | Unsubscribe
    | Plan
    | Notify
    | RecordAnswer
    | KeepComment
    | KeepUpload
    | CreateInvitation
    | AcceptInvitation
    | SendTemplate
    | StageEdit
    | StageRollback
    | ApplyChange
    | DiscardChange
    | MakeReport
    | SetDigest
    | BroadcastAction
    | CreateReferral
    | CountReferral
    | TellMentor
    | ForgetMentor
    | OpenCase
    | Relay
    | CloseCase
    | RegisterInbox
    | SendSummary
)
