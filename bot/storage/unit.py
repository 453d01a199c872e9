"""A unit of work: every repository bound to one transaction."""

from __future__ import annotations

from functools import cached_property

from bot.storage.broadcasts import BroadcastRepository
from bot.storage.cases import CaseRepository
from bot.storage.catalogue import CatalogueRepository
from bot.storage.chats import ChatRepository
from bot.storage.counters import CounterRepository
from bot.storage.events import EventRepository
from bot.storage.interim import InterimRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.people import PeopleRepository
from bot.storage.reports import ReportRepository
from bot.storage.sql import Tx
from bot.storage.staff import StaffRepository
from bot.storage.uploads import UploadRepository
from bot.storage.volunteers import VolunteerRepository


class Unit:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    @cached_property
    def people(self) -> PeopleRepository:
        return PeopleRepository(self.tx)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.tx)

    @cached_property
    def events(self) -> EventRepository:
        return EventRepository(self.tx)

    @cached_property
    def counters(self) -> CounterRepository:
        return CounterRepository(self.tx)

    @cached_property
    def chats(self) -> ChatRepository:
        return ChatRepository(self.tx)

    @cached_property
    def uploads(self) -> UploadRepository:
        return UploadRepository(self.tx)

    @cached_property
    def staff(self) -> StaffRepository:
        return StaffRepository(self.tx)

    @cached_property
    def catalogue(self) -> CatalogueRepository:
        return CatalogueRepository(self.tx)

    @cached_property
    def reports(self) -> ReportRepository:
        return ReportRepository(self.tx)

    @cached_property
    def broadcasts(self) -> BroadcastRepository:
        return BroadcastRepository(self.tx)

    @cached_property
    def volunteers(self) -> VolunteerRepository:
        return VolunteerRepository(self.tx)

    @cached_property
    def cases(self) -> CaseRepository:
        return CaseRepository(self.tx)

    @cached_property
    def interim(self) -> InterimRepository:
        return InterimRepository(self.tx)
