"""A proposed change of the live catalogue: from an uploaded spreadsheet or a small edit, as the
new texts of the files it touches; checked with the same loaders as `lotse check-data`, and
summed up as added, changed and removed offers and events."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.content.catalogue import load_catalogue
from bot.content.events import load_events
from bot.content.files import MemoryFiles
from bot.content.rows import ROW_COLUMN
from bot.content.spreadsheets import Sheet
from bot.core.catalogue import Catalogue, CatalogueError
from bot.core.changes import ChangeSummary, ItemChange
from bot.core.events import Event


@dataclass(frozen=True)
class Scope:
    """What an actor may change: districts (None: all) and, for a provider, their name."""

    districts: frozenset[str] | None
    provider: str = ""

    def allows(self, district: str) -> bool:
        return self.districts is None or district in self.districts


@dataclass
class Proposal:
    """New file texts: `changes` as they will be stored; `checked` with the upload's row
    numbers (a hidden column) for the problems; `names` how problems name each file."""

    changes: dict[str, str | None] = field(default_factory=dict)
    checked: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def parse_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), [dict(row) for row in reader]


def write_csv(columns: list[str], rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue()


def table_of(sheet: Sheet) -> str:
    """ "offers" or "events": a sheet's name, else its header."""
    if sheet.name in ("offers", "events"):
        return sheet.name
    columns = set(sheet.columns)
    if "summary_de" in columns:
        return "offers"
    if {"start", "end"} <= columns:
        return "events"
    return ""


def from_upload(
    sheets: list[Sheet], live: dict[str, str], scope: Scope, label: str, catalogue: Catalogue
) -> tuple[Proposal, list[str]]:
    """The files an upload replaces: per table and district, its rows (a provider's rows are
    merged into the others' rows of their district). Problems name the sheet and the row."""
    proposal, problems = Proposal(), []
    for sheet in sheets:
        table = table_of(sheet)
        where = f"{label}, {sheet.name}" if sheet.name else label
        if not table:
            problems.append(
                f"{where}: this is neither a table of offers (it needs summary_de) nor of events "
                "(it needs start and end)"
            )
            continue
        if "district" not in sheet.columns:
            problems.append(f"{where}: the column district is missing")
            continue
        by_district: dict[str, list[dict[str, str]]] = {}
        for number, row in sheet.rows:
            district = row.get("district", "")
            if not scope.allows(district):
                problems.append(f"{where}:{number}: district: you may not change {district!r}")
                continue
            if scope.provider and not _own_row(table, row, scope.provider, catalogue):
                problems.append(
                    f"{where}:{number}: provider: you may change only the rows of "
                    f"{scope.provider!r}"
                )
                continue
            by_district.setdefault(district, []).append({**row, ROW_COLUMN: str(number)})
        for district, rows in by_district.items():
            path = f"{table}/{district}.csv"
            columns = [c for c in sheet.columns if c != ROW_COLUMN]
            if scope.provider:
                kept = _others_rows(live.get(path), table, scope.provider, catalogue)
                columns = _union(_header(live.get(path)) or columns, columns)
                rows = kept + rows
            proposal.changes[path] = write_csv(columns, rows)
            proposal.checked[path] = write_csv([*columns, ROW_COLUMN], rows)
            proposal.names[path] = where
    return proposal, problems


def _header(text: str | None) -> list[str]:
    return parse_csv(text)[0] if text else []


def _union(first: list[str], second: list[str]) -> list[str]:
    return [*first, *(c for c in second if c not in first)]


def _own_row(table: str, row: dict[str, str], provider: str, catalogue: Catalogue) -> bool:
    if table == "offers":
        return row.get("provider", "") == provider
    offer = catalogue.offers.get(row.get("offer", ""))
    return offer is not None and offer.provider == provider


def _others_rows(
    text: str | None, table: str, provider: str, catalogue: Catalogue
) -> list[dict[str, str]]:
    """The live rows of a file that are not the provider's (kept as they are)."""
    if not text:
        return []
    _columns, rows = parse_csv(text)
    return [row for row in rows if not _own_row(table, row, provider, catalogue)]


def check(
    live: dict[str, str], proposal: Proposal
) -> tuple[tuple[Catalogue, dict[str, Event]] | None, list[str]]:
    """The catalogue and events with the change, or every problem (all files, all rows)."""
    texts = {**live, **proposal.checked}
    for path, text in proposal.changes.items():
        if text is None:
            texts.pop(path, None)
    files = MemoryFiles(texts, names=proposal.names)
    try:
        catalogue = load_catalogue(files)
        events = load_events(files, catalogue)
    except CatalogueError as exc:
        return None, list(exc.problems)
    return (catalogue, events), []


def summarize(live: dict[str, str], changes: dict[str, str | None]) -> ChangeSummary:
    """Added, changed (which columns) and removed rows of the offer and event files."""
    found: dict[str, list[ItemChange]] = {key: [] for key in (
        "offers_added", "offers_changed", "offers_removed",
        "events_added", "events_changed", "events_removed")}  # fmt: skip
    other = []
    for path, new_text in sorted(changes.items()):
        table = path.split("/", 1)[0]
        if table not in ("offers", "events") or "/" not in path:
            if live.get(path) != new_text:
                other.append(path)
            continue
        old = {r["id"]: r for r in parse_csv(live.get(path) or "")[1] if r.get("id")}
        new = {r["id"]: r for r in parse_csv(new_text or "")[1] if r.get("id")}
        for key in new.keys() - old.keys():
            found[f"{table}_added"].append(ItemChange(key, new[key].get("title_de", "")))
        for key in old.keys() - new.keys():
            found[f"{table}_removed"].append(ItemChange(key, old[key].get("title_de", "")))
        for key in old.keys() & new.keys():
            columns = sorted(
                c for c in set(old[key]) | set(new[key])
                if (old[key].get(c) or "") != (new[key].get(c) or "")
            )  # fmt: skip
            if columns:
                title = new[key].get("title_de", "")
                found[f"{table}_changed"].append(ItemChange(key, title, tuple(columns)))
    return ChangeSummary(
        **{name: tuple(sorted(items, key=lambda i: i.id)) for name, items in found.items()},
        other_files=tuple(other),
    )
