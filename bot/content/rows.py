"""Rows of the tables people edit (CSV files, uploads), checked cell by cell.

Each getter records a problem instead of raising, so that every problem of a file is reported
at once as `source:row: field: problem` (row 1 is the header).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    from bot.content.files import Files

T = TypeVar("T")
# A column an upload's rows carry while they are checked: their row number in the sheet.
ROW_COLUMN = "__row"
KEY = re.compile(r"^[a-z0-9_]+$")


class CsvRow:
    def __init__(self, source: str, line: int, values: dict[str, str], problems: list[str]):
        self.source, self.line, self.values, self.problems = source, line, values, problems

    def problem(self, name: str, text: str) -> None:
        self.problems.append(f"{self.source}:{self.line}: {name}: {text}")

    def text(self, name: str, required: bool = True) -> str:
        value = (self.values.get(name) or "").strip()
        if required and not value:
            self.problem(name, "is required")
        return value

    def parse(self, name: str, convert: Callable[[str], T], hint: str, required: bool) -> T | None:
        raw = self.text(name, required)
        if not raw:
            return None
        try:
            return convert(raw)
        except ValueError:
            self.problem(name, f"{raw!r} is not {hint}")
            return None

    def key(self, name: str, pattern: re.Pattern[str] = KEY) -> str:
        value = self.text(name)
        if value and not pattern.match(value):
            self.problem(name, f"{value!r} must match {pattern.pattern}")
        return value

    def choice(self, name: str, allowed: Iterable[str], required: bool = True) -> str:
        value = self.text(name, required)
        allowed = frozenset(allowed)
        if value and value not in allowed:
            self.problem(name, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    def yes_no(self, name: str, required: bool = True) -> bool:
        return self.choice(name, ("yes", "no"), required) == "yes"

    def number(self, name: str, required: bool = False) -> float | None:
        return self.parse(name, float, "a number", required)

    def whole(self, name: str) -> int | None:
        value = self.parse(name, int, "a whole number", False)
        if value is not None and not 0 <= value <= 120:
            self.problem(name, f"{value} is not an age")
        return value

    def day(self, name: str, required: bool = False) -> date | None:
        return self.parse(name, date.fromisoformat, "a date like 2026-08-01", required)

    def items(self, name: str, required: bool = True) -> tuple[str, ...]:
        return tuple(i.strip() for i in self.text(name, required).split(";") if i.strip())

    def coordinates(self, required: bool) -> tuple[float | None, float | None]:
        lat, lon = self.number("lat", required), self.number("lon", required)
        if (lat is None) != (lon is None):
            self.problem("lat", "give both lat and lon, or none")
        if lat is not None and not (47.0 <= lat <= 55.5 and 5.5 <= (lon or 0) <= 15.5):
            self.problem("lat", f"{lat}, {lon} is not in Germany")
        return lat, lon

    def translations(self, prefix: str, skip: str = "de") -> dict[str, str]:
        """`title_ar`, `title_uk`, ... columns as {language: text}."""
        return {
            name.removeprefix(f"{prefix}_"): value.strip()
            for name, value in self.values.items()
            if name.startswith(f"{prefix}_")
            and name != f"{prefix}_{skip}"
            and (value or "").strip()
        }


def read_rows(
    source: str, stream: TextIO, required: tuple[str, ...], problems: list[str]
) -> Iterator[CsvRow]:
    """Rows of a CSV text stream. Comment lines (`#`) before the header are skipped, so a
    translation file can say who wrote it; row numbers still count them."""
    text = stream.read()
    skipped = 0
    lines = text.splitlines(keepends=True)
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        skipped += 1
    reader = csv.DictReader(io.StringIO("".join(lines[skipped:])))
    try:
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(
                f"{source}:{skipped + 1}: header: missing column(s) {', '.join(missing)}"
            )
            return
        for row in reader:
            line = reader.line_num + skipped
            if row.get(ROW_COLUMN):  # an upload's own row number (sheet rows, merged files)
                line = int(row.pop(ROW_COLUMN))
            if None in row:
                problems.append(f"{source}:{line}: row: more fields than the header")
                continue
            yield CsvRow(source, line, row, problems)
    except csv.Error as exc:
        problems.append(f"{source}:{reader.line_num + skipped}: file: cannot be read ({exc})")


def csv_rows(
    files: Files, path: str, required: tuple[str, ...], problems: list[str]
) -> Iterator[CsvRow]:
    """The rows of one catalogue file; a missing file is a problem (check `read` first where
    the file is optional)."""
    where = files.where(path)
    try:
        text = files.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{where}:0: file: cannot be read ({exc})")
        return
    if text is None:
        problems.append(f"{where}:0: file: missing")
        return
    yield from read_rows(where, io.StringIO(text, newline=""), required, problems)
