"""Spreadsheets coordinators send and get: their uploads (.xlsx, or CSV in whatever encoding and
delimiter their spreadsheet program chose) read as plain text cells, and the .xlsx template with
comments and drop-downs that they fill in.

Reading never raises for a bad file: every problem comes back as text for the coordinator, as
`<filename>: <problem>` or `<filename>, sheet <name>: <problem>`.

One module, over 300 lines: reading uploads and writing the template share the cell rules (text
format, dates, lists) that must match both ways.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

INSTRUCTIONS = "Anleitung"
LISTS = "_lists"  # the hidden sheet the drop-downs point at
MAX_ROWS = 20_000
MAX_COLUMNS = 200
TEMPLATE_ROWS = 1000  # the drop-downs reach this row, so that new rows get them too
MAX_WIDTH = 50
MULTIPLE = "(;-separated)"  # a note saying so: the column holds several values, no drop-down
TEXT = "@"  # number format: Excel keeps "0049..." and "2026-08-01" as typed
ZIP = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")  # the order breaks ties
# Text that has these is not text in the encoding tried (a binary file, UTF-16 without BOM).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_REQUIRED_FILL = PatternFill("solid", fgColor="FFE699")


@dataclass(frozen=True)
class Sheet:
    name: str  # the worksheet title, lower case ("offers"); "" for a CSV file
    columns: tuple[str, ...]  # the header row, stripped, in order
    rows: tuple[tuple[int, dict[str, str]], ...]  # (row number in the file, {column: text})


@dataclass(frozen=True)
class TemplateSheet:
    name: str  # "offers", "events"
    columns: tuple[str, ...]
    rows: list[dict[str, str]]  # the current rows, filled in
    notes: dict[str, str]  # column -> one-line explanation (cell comment on the header)
    choices: dict[str, tuple[str, ...]]  # column -> allowed values: a drop-down in every data cell
    required: tuple[str, ...] = ()  # columns that must be filled (bold header with a fill)
    readme: str = ""  # paragraphs about this sheet, added to the "Anleitung" sheet
    # Columns whose drop-down only suggests (a warning, not a stop): one value is picked from
    # the list, several can be typed with ";" ("gestattung;duldung").
    suggest: tuple[str, ...] = ()


# Reading


def read_upload(filename: str, data: bytes) -> tuple[list[Sheet], list[str]]:
    """Sheets of an uploaded .xlsx or .csv; the second value lists problems as
    "<filename>: <problem>" or "<filename>, sheet <name>: <problem>" (never raises for bad
    input)."""
    name = filename.strip()
    extension = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if extension == "xlsx" or (not extension and data.startswith(ZIP)):
        return _read_workbook(name, data)
    if extension == "xls":
        return [], [f"{name}: please save it as .xlsx (Excel 2007 or newer) or as CSV UTF-8"]
    if extension in ("csv", "txt"):
        return _read_csv(name, data)
    return [], [f"{name}: send an Excel file (.xlsx) or a CSV file"]


def cell_text(value: object) -> str:
    """A cell's value as the text a coordinator meant: 16.0 is "16", a date is ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, datetime):
        moment = _whole_seconds(value)
        if moment.time() == time(0):
            return moment.date().isoformat()
        return f"{moment.date().isoformat()}T{_clock(moment.time())}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _clock(_whole_seconds(datetime.combine(date(2000, 1, 1), value)).time())
    if isinstance(value, timedelta):  # a duration cell ([h]:mm): hours may pass 24
        seconds = round(value.total_seconds())
        hours, rest = divmod(seconds, 3600)
        return f"{hours}:{rest // 60:02d}" + (f":{rest % 60:02d}" if rest % 60 else "")
    return str(value).strip()


def _whole_seconds(moment: datetime) -> datetime:
    # Excel stores times as fractions of a day; 18:00 may come back a few microseconds off.
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0)


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _read_workbook(filename: str, data: bytes) -> tuple[list[Sheet], list[str]]:
    sheets: list[Sheet] = []
    problems: list[str] = []
    unreadable = [f"{filename}: cannot be read as an Excel file (.xlsx)"]
    # openpyxl warns about features it drops (extensions, missing styles): not the
    # coordinator's problem, and any exception means the file is not a workbook we can read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            return [], unreadable
        try:
            for worksheet in book.worksheets:
                title = worksheet.title.strip()
                if title.lower() == INSTRUCTIONS.lower() or title.startswith("_"):
                    continue
                # The stored size may be wrong (some programs write "A1"); read what is there.
                worksheet.reset_dimensions()
                # One column past the limit, so that a too wide header is seen, not cut off.
                lines = worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
                texts = ([cell_text(v) if v is not None else "" for v in row] for row in lines)
                name = title.lower()
                sheet = _collect(name, texts, f"{filename}, sheet {name}", problems, True)
                if sheet:
                    sheets.append(sheet)
        except Exception:
            return [], unreadable
        finally:
            book.close()
    if not sheets and not problems:
        problems.append(f"{filename}: has no sheet with a header in row 1")
    return sheets, problems


def _decode(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # German Excel saves "CSV (Trennzeichen-getrennt)" in Windows-1252.
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    return None


def _delimiter(header: str) -> tuple[str, int]:
    """The delimiter that splits the header line into the most fields, and how many (not
    counting the empty ones at the end that Excel leaves after the last column)."""
    counts = []
    for delimiter in DELIMITERS:
        fields = next(csv.reader([header], delimiter=delimiter), [])
        while fields and not fields[-1].strip():
            fields.pop()
        counts.append((delimiter, len(fields)))
    return max(counts, key=lambda count: count[1])  # max keeps the first of equals


def _read_csv(filename: str, data: bytes) -> tuple[list[Sheet], list[str]]:
    text = _decode(data)
    if text is None:
        return [], [f"{filename}: cannot read the text: save it as CSV UTF-8"]
    if not text.strip():
        return [], [f"{filename}: the file is empty"]
    # newline="": csv sees the line ends itself, so line breaks inside quoted cells survive.
    delimiter, fields = _delimiter(io.StringIO(text, newline="").readline())
    if fields < 2:
        return [], [
            f"{filename}: the header has only one column; tried the delimiters ';', ',' and tab"
        ]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    texts = ([field.strip() for field in record] for record in reader)
    problems: list[str] = []
    try:
        sheet = _collect("", texts, filename, problems, False)
    except csv.Error as exc:
        return [], [f"{filename}: line {reader.line_num}: cannot be read ({exc})"]
    return ([sheet] if sheet else []), problems


def _collect(
    name: str, lines: Iterable[Sequence[str]], where: str, problems: list[str], quiet: bool
) -> Sheet | None:
    """A sheet from its rows of stripped text, row 1 the header; None if it has problems
    (reported) or, when `quiet`, if it is empty (a workbook's unused "Tabelle2")."""
    rows = iter(lines)
    columns = _header(next(rows, ()), where, problems)
    if columns is None:
        return None
    if not columns:
        if quiet and not any(any(cells) for cells in rows):
            return None
        problems.append(f"{where}: row 1 (the header) is empty")
        return None
    found: list[tuple[int, dict[str, str]]] = []
    width = len(columns)
    for number, cells in enumerate(rows, 2):
        if not any(cells):
            continue
        if len(found) == MAX_ROWS:
            problems.append(f"{where}: more than {MAX_ROWS:,} rows; split it into smaller files")
            return None
        stray = next((i for i in range(width, len(cells)) if cells[i]), None)
        if stray is not None:
            problems.append(
                f"{where}: row {number}: more fields than the header "
                f"(column {get_column_letter(stray + 1)} has a value but no header)"
            )
            continue
        padded = [*cells[:width], *[""] * (width - len(cells))]
        found.append((number, dict(zip(columns, padded, strict=True))))
    return Sheet(name, columns, tuple(found))


def _header(cells: Sequence[str], where: str, problems: list[str]) -> tuple[str, ...] | None:
    """The column names of row 1 (trailing empty cells dropped); None after a problem."""
    names = list(cells)
    while names and not names[-1]:
        names.pop()
    if len(names) > MAX_COLUMNS:
        problems.append(f"{where}: more than {MAX_COLUMNS} columns")
        return None
    seen: dict[str, str] = {}
    ok = True
    for index, column in enumerate(names, 1):
        letter = get_column_letter(index)
        if not column:
            problems.append(f"{where}: column {letter}: the header cell is empty")
            ok = False
        elif column in seen:
            problems.append(
                f"{where}: column {letter}: {column!r} is already the header of column "
                f"{seen[column]}"
            )
            ok = False
        else:
            seen[column] = letter
    return tuple(names) if ok else None


# Writing


def write_template(sheets: list[TemplateSheet], readme: str) -> bytes:
    """An .xlsx workbook: an "Anleitung" (instructions) sheet with `readme` (one paragraph per
    line), then one sheet per TemplateSheet."""
    book = openpyxl.Workbook()
    instructions = book.active
    assert isinstance(instructions, Worksheet)
    instructions.title = INSTRUCTIONS
    _write_instructions(instructions, readme, sheets)
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    ranges: dict[tuple[str, ...], str] = {}  # one list column serves all columns with its values
    for spec in sheets:
        _check(spec)
        worksheet = book.create_sheet(spec.name, len(book.sheetnames) - 1)
        last = max(TEMPLATE_ROWS, len(spec.rows) + 1)
        _write_sheet(worksheet, spec, last)
        for column, choices in spec.choices.items():
            values = tuple(v for v in choices if v)
            suggest = column in spec.suggest
            if not values or (MULTIPLE in spec.notes.get(column, "") and not suggest):
                continue  # a drop-down holds one value, not a ;-list
            if values not in ranges:
                letter = get_column_letter(len(ranges) + 1)
                for row, value in enumerate(values, 1):
                    _put(lists[f"{letter}{row}"], value)
                ranges[values] = f"'{LISTS}'!${letter}$1:${letter}${len(values)}"
            letter = get_column_letter(spec.columns.index(column) + 1)
            validation = DataValidation(
                type="list",
                formula1=ranges[values],
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column,
                error="Please choose a value from the list",
                # A warning lets "gestattung;duldung" through; a stop would refuse it.
                errorStyle="warning" if suggest else "stop",
            )
            validation.add(f"{letter}2:{letter}{last}")
            worksheet.add_data_validation(validation)
    if not ranges:
        book.remove(lists)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _check(spec: TemplateSheet) -> None:
    """A template that would not read back the same is a bug in the caller."""
    if spec.name.lower() == INSTRUCTIONS.lower() or spec.name.startswith("_"):
        raise ValueError(f"{spec.name!r} is a reserved sheet name")
    if len(set(spec.columns)) != len(spec.columns) or not all(spec.columns):
        raise ValueError(f"sheet {spec.name}: the columns must be distinct and named")
    for field, names in (("rows", {k for row in spec.rows for k in row}), ("notes", spec.notes),
                         ("choices", spec.choices), ("required", spec.required),
                         ("suggest", spec.suggest)):  # fmt: skip
        unknown = set(names) - set(spec.columns)
        if unknown:
            raise ValueError(f"sheet {spec.name}: {field} name unknown columns {sorted(unknown)}")


def _write_instructions(worksheet: Worksheet, readme: str, sheets: list[TemplateSheet]) -> None:
    worksheet.column_dimensions["A"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    lines: list[tuple[str, bool]] = [(line, False) for line in readme.splitlines()]
    for spec in sheets:
        if spec.readme.strip():
            lines += [("", False), (spec.name, True)]
            lines += [(line, False) for line in spec.readme.splitlines()]
    for row, (line, heading) in enumerate(lines, 1):
        cell = worksheet.cell(row, 1)
        _put(cell, line)
        cell.alignment = wrap
        if heading:
            cell.font = Font(bold=True)


def _write_sheet(worksheet: Worksheet, spec: TemplateSheet, last: int) -> None:
    for index, column in enumerate(spec.columns, 1):
        header = worksheet.cell(1, index)
        _put(header, column)  # exactly the name, so that the file reads back
        header.font = Font(bold=True)
        note = spec.notes.get(column, "")
        if column in spec.required:
            header.fill = _REQUIRED_FILL
            note = f"{note} (required)" if note else "required"
        if note:
            header.comment = Comment(note, "Lotse", height=30 + 15 * (len(note) // 40), width=300)
        for row, values in enumerate(spec.rows, 2):
            cell = worksheet.cell(row, index)
            _put(cell, values.get(column, ""))
        letter = get_column_letter(index)
        texts = [column, *(r.get(column, "") for r in spec.rows), *spec.choices.get(column, ())]
        longest = max(len(line) for text in texts for line in text.splitlines() or [""])
        worksheet.column_dimensions[letter].width = min(MAX_WIDTH, max(8, longest + 2))
        # Rows typed in later are text too.
        worksheet.column_dimensions[letter].number_format = TEXT
    worksheet.freeze_panes = "A2"
    if spec.columns:
        end = get_column_letter(len(spec.columns))
        worksheet.auto_filter.ref = f"A1:{end}{max(2, len(spec.rows) + 1)}"


def _put(cell: Cell, text: str) -> None:
    """A text cell: never a formula or a number, whatever the text looks like."""
    cell.number_format = TEXT
    if not text:
        return
    # Control characters cannot be stored in the file's XML.
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"  # "=..." would otherwise be stored as a formula


def sheet_to_csv(sheet: Sheet) -> str:
    """The sheet as CSV text in the bot's dialect: comma, minimal quoting, "\n" line ends, the
    header first; the columns in the sheet's order; each row's values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(sheet.columns)
    for _, values in sheet.rows:
        writer.writerow([values.get(column, "") for column in sheet.columns])
    return out.getvalue()
