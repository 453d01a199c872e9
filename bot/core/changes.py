"""A change of the catalogue, as a coordinator sees it before confirming: what is added,
changed (which fields) and removed, and how many people each change reaches."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemChange:
    id: str
    title: str  # the German title
    fields: tuple[str, ...] = ()  # for a changed row: the columns that changed


@dataclass(frozen=True)
class ChangeSummary:
    offers_added: tuple[ItemChange, ...] = ()
    offers_changed: tuple[ItemChange, ...] = ()
    offers_removed: tuple[ItemChange, ...] = ()
    events_added: tuple[ItemChange, ...] = ()
    events_changed: tuple[ItemChange, ...] = ()
    events_removed: tuple[ItemChange, ...] = ()
    other_files: tuple[str, ...] = ()  # places, rules, translations, ... (paths)
    # People reached: who saved an offer that changes or goes; who subscribed to an event.
    saved: dict[str, int] = field(default_factory=dict)
    subscribers: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(
            (self.offers_added, self.offers_changed, self.offers_removed, self.events_added,
             self.events_changed, self.events_removed, self.other_files)
        )  # fmt: skip

    def line(self) -> str:
        """A one-line summary for the version history (English, for the log)."""
        parts = []
        for name, items in (
            ("offers added", self.offers_added), ("offers changed", self.offers_changed),
            ("offers removed", self.offers_removed), ("events added", self.events_added),
            ("events changed", self.events_changed), ("events removed", self.events_removed),
        ):  # fmt: skip
            if items:
                parts.append(f"{len(items)} {name}")
        if self.other_files:
            parts.append(f"files: {', '.join(self.other_files)}")
        return "; ".join(parts) or "no change"


@dataclass(frozen=True)
class StagedChange:
    """A checked change waiting for Confirm (id in the database), or the problems that stop
    it (then id is 0)."""

    id: int
    summary: ChangeSummary = ChangeSummary()
    problems: tuple[str, ...] = ()
    source: str = ""  # the uploaded file's name, or what the small edit was
