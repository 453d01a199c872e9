"""Everything Lotse says and offers, loaded and checked as one bundle that can be swapped
while the bot runs: conversations, catalogue, events, translations and the indexes on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.content.answers import load_answers
from bot.content.catalogue import load_catalogue
from bot.content.events import load_events
from bot.content.files import Files
from bot.content.flows import load_flows, profile_fields
from bot.core import sides
from bot.core.answers import Answers
from bot.core.cards import CardIndex
from bot.core.catalogue import Catalogue, CatalogueError
from bot.core.events import Event
from bot.core.flow import Flow
from bot.core.places import PlaceIndex
from bot.core.search import SearchIndex
from bot.core.tables import Tables
from bot.core.world import Operator, World
from bot.i18n import Catalogues


@dataclass(frozen=True)
class Content:
    flows: dict[str, Flow]
    catalogue: Catalogue
    events: dict[str, Event]
    catalogues: Catalogues
    tables: Tables
    places: PlaceIndex
    search: SearchIndex
    cards: CardIndex
    answers: Answers
    version: int = 0  # counts the swaps in this process
    catalogue_version: int = 0  # the catalogue's version in the database (0: from files)

    @classmethod
    def build(
        cls,
        flows: dict[str, Flow],
        catalogue: Catalogue,
        events: dict[str, Event],
        catalogues: Catalogues,
        version: int = 0,
        answers: Answers | None = None,
        catalogue_version: int = 0,
    ) -> Content:
        """The bundle with its indexes; every part was checked when it was loaded."""
        return cls(
            flows=flows,
            catalogue=catalogue,
            events=events,
            catalogues=catalogues,
            tables=sides.build(flows.values()),
            places=PlaceIndex(tuple(p for p in catalogue.places.values() if p.kind != "area")),
            search=SearchIndex(catalogue),
            cards=CardIndex(catalogue.cards),
            answers=answers or Answers(),
            version=version,
            catalogue_version=catalogue_version,
        )

    def with_catalogue(self, data: Files, catalogue_version: int) -> Content:
        """The same conversations and translations with another catalogue (checked)."""
        catalogue = load_catalogue(data)
        return Content.build(
            self.flows, catalogue, load_events(data, catalogue), self.catalogues,
            version=self.version, answers=self.answers, catalogue_version=catalogue_version,
        )  # fmt: skip

    @classmethod
    def load(
        cls, conversations: Path, data: Path | Files, locales: Path, catalogue_version: int = 0
    ) -> Content:
        """From the folders (the catalogue also from texts in memory: the database's);
        CatalogueError or FlowError lists every problem found."""
        catalogue = load_catalogue(data)
        problems: list[str] = []
        answers = load_answers(locales, problems)
        if problems:
            raise CatalogueError(problems)
        return cls.build(
            load_flows(conversations), catalogue, load_events(data, catalogue),
            Catalogues(locales), answers=answers, catalogue_version=catalogue_version,
        )  # fmt: skip

    @property
    def profile_fields(self) -> dict[str, str]:
        return profile_fields(self.flows)

    def world(self, today: date, now: datetime, operator: Operator | None = None) -> World:
        return World(
            flows=self.flows,
            tables=self.tables,
            catalogue=self.catalogue,
            places=self.places,
            languages=self.catalogues.languages(),
            translator=self.catalogues.translator,
            today=today,
            search=self.search,
            cards=self.cards,
            answers=self.answers,
            events=self.events,
            now=now,
            version=self.version,
            operator=operator or Operator(),
        )
