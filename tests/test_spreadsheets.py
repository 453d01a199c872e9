"""Coordinators' spreadsheets: the template round trip, uploads in the encodings, delimiters and
cell types spreadsheet programs produce, and bad files answered with a problem, not with an
exception."""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from bot.content.spreadsheets import (
    MAX_ROWS,
    Sheet,
    TemplateSheet,
    read_upload,
    sheet_to_csv,
    write_template,
)

OFFERS = TemplateSheet(
    name="offers",
    columns=("id", "title", "format", "days", "cost_amount", "phone", "apply_by", "note"),
    rows=[
        {
            "id": "HE-1", "title": "Deutschkurs Königslutter", "format": "onsite",
            "days": "mon;tue;thu", "cost_amount": "2.29", "phone": "0049 5351 12345",
            "apply_by": "2026-08-01", "note": "",
        },
        {
            "id": "HE-2", "title": "Schöningen: Café für Ältere, \"offen\"", "format": "",
            "days": "", "cost_amount": "16", "phone": "05351", "apply_by": "",
            "note": "=nicht rechnen\nzweite Zeile",
        },
    ],
    notes={
        "id": "a short key",
        "format": "how the offer takes place",
        "days": "weekdays (;-separated)",
        "apply_by": "a date like 2026-08-01",
    },
    choices={
        "format": ("onsite", "online", "hybrid"),
        "days": ("mon", "tue", "wed", "thu", "fri"),
    },
    required=("id", "title"),
    readme="One row per offer.",
)  # fmt: skip
EVENTS = TemplateSheet(
    name="events",
    columns=("id", "starts", "district", "format"),
    rows=[{"id": "EV-1", "starts": "2026-12-03T18:00", "district": "helmstedt"}],
    notes={},
    choices={"district": ("helmstedt", "krefeld"), "format": ("onsite", "online", "hybrid")},
)


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet(book: openpyxl.Workbook, name: str) -> Worksheet:
    found = book[name]
    assert isinstance(found, Worksheet)
    return found


def xlsx(rows: list[list[object]], title: str = "Offers") -> bytes:
    book = openpyxl.Workbook()
    worksheet = book.active
    assert isinstance(worksheet, Worksheet)
    worksheet.title = title
    for row in rows:
        worksheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def only_sheet(filename: str, data: bytes) -> Sheet:
    sheets, problems = read_upload(filename, data)
    assert problems == []
    assert len(sheets) == 1
    return sheets[0]


# The template


def test_the_template_reads_back_exactly() -> None:
    sheets, problems = read_upload("Vorlage.xlsx", write_template([OFFERS, EVENTS], "Hallo"))
    assert problems == []
    assert [s.name for s in sheets] == ["offers", "events"]  # not "anleitung", not "_lists"
    offers, events = sheets
    assert offers.columns == OFFERS.columns
    assert offers.rows == ((2, OFFERS.rows[0]), (3, OFFERS.rows[1]))
    assert events.rows == ((2, {"id": "EV-1", "starts": "2026-12-03T18:00",
                                "district": "helmstedt", "format": ""}),)  # fmt: skip


def test_the_template_has_instructions_first_and_the_lists_hidden() -> None:
    book = workbook(write_template([OFFERS, EVENTS], "Erste Zeile\nZweite Zeile"))
    assert book.sheetnames == ["Anleitung", "offers", "events", "_lists"]
    instructions = sheet(book, "Anleitung")
    texts = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert texts[:2] == ["Erste Zeile", "Zweite Zeile"]
    assert "One row per offer." in texts  # the sheet's own paragraph
    assert instructions["A1"].alignment.wrap_text
    assert instructions.column_dimensions["A"].width >= 80
    assert sheet(book, "_lists").sheet_state == "hidden"
    assert book.active is not None and book.active.title == "Anleitung"


def test_the_template_has_drop_downs_on_the_choice_columns() -> None:
    book = workbook(write_template([OFFERS, EVENTS], ""))
    lists = sheet(book, "_lists")
    for spec in (OFFERS, EVENTS):
        worksheet = sheet(book, spec.name)
        found = {}
        for validation in worksheet.data_validations.dataValidation:
            assert validation.type == "list"
            assert validation.allow_blank
            assert validation.showErrorMessage
            assert validation.error == "Please choose a value from the list"
            target, _, cells = validation.formula1.partition("!")
            assert target == "'_lists'"
            values = tuple(c.value for row in lists[cells.replace("$", "")] for c in row)
            found[str(validation.sqref)] = values
        columns = {name: chr(ord("A") + i) for i, name in enumerate(spec.columns)}
        expected = {
            f"{columns[name]}2:{columns[name]}1000": values
            for name, values in spec.choices.items()
            if name != "days"  # a ;-list: no drop-down
        }
        assert found == expected


def test_the_template_headers_have_comments_and_marks() -> None:
    worksheet = sheet(workbook(write_template([OFFERS], "")), "offers")
    header = {cell.value: cell for cell in worksheet[1]}
    assert list(header) == list(OFFERS.columns)  # exactly the names, no " *"
    assert header["format"].comment.text == "how the offer takes place"
    assert header["format"].comment.author == "Lotse"
    assert "required" in header["id"].comment.text
    assert "a short key" in header["id"].comment.text
    assert "required" in header["title"].comment.text  # required, without a note
    assert header["phone"].comment is None
    assert header["id"].font.bold and header["id"].fill.fill_type == "solid"
    assert header["format"].fill.fill_type is None
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == "A1:H3"
    # Text cells, also in rows not yet typed in, so that "0049..." is not a number.
    assert worksheet["F2"].number_format == "@"
    assert worksheet.column_dimensions["F"].number_format == "@"
    assert worksheet["H3"].data_type == "s"  # "=nicht rechnen" is not a formula
    widths = {c: worksheet.column_dimensions[c].width for c in "ABCDEFGH"}
    assert widths["B"] > widths["A"]
    assert max(widths.values()) <= 50


def test_a_template_with_a_reserved_or_unknown_name_is_refused() -> None:
    with pytest.raises(ValueError, match="reserved"):
        write_template([TemplateSheet("_lists", ("a",), [], {}, {})], "")
    with pytest.raises(ValueError, match="unknown columns"):
        write_template([TemplateSheet("offers", ("a",), [{"b": "x"}], {}, {})], "")


# CSV files


def test_a_german_excel_csv_in_windows_1252() -> None:
    text = "id;town;cost\r\nHE-1;Königslutter;5 €\r\nHE-2;Schöningen;\r\n"
    found = only_sheet("angebote.csv", text.encode("cp1252"))
    assert found.name == ""
    assert found.columns == ("id", "town", "cost")
    assert found.rows == (
        (2, {"id": "HE-1", "town": "Königslutter", "cost": "5 €"}),
        (3, {"id": "HE-2", "town": "Schöningen", "cost": ""}),
    )


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8-sig", ";"), ("utf-8", "\t"), ("utf-16", ";"), ("utf-16", "\t")],
)
def test_csv_encodings_and_delimiters(encoding: str, delimiter: str) -> None:
    text = delimiter.join(["id", "title", "note"]) + "\n"
    text += delimiter.join(["HE-1", "Über Straße", "€ ok"]) + "\n"
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith(b"\xff\xfe")  # UTF-16 LE with a byte order mark
    found = only_sheet("x.CSV", data)
    assert found.columns == ("id", "title", "note")
    assert found.rows == ((2, {"id": "HE-1", "title": "Über Straße", "note": "€ ok"}),)


def test_csv_keeps_row_numbers_and_reads_quoted_cells() -> None:
    text = 'id,title\n\nHE-1,"Kurs, abends"\n,\n"HE-2","zwei\nZeilen"\nHE-3\n'
    found = only_sheet("x.txt", text.encode())
    assert found.rows == (
        (3, {"id": "HE-1", "title": "Kurs, abends"}),
        (5, {"id": "HE-2", "title": "zwei\nZeilen"}),
        (6, {"id": "HE-3", "title": ""}),
    )


def test_csv_header_cells_are_stripped_and_trailing_empty_ones_dropped() -> None:
    found = only_sheet("x.csv", b" id ; title ;;\nHE-1; Kurs ;;\n")
    assert found.columns == ("id", "title")
    assert found.rows == ((2, {"id": "HE-1", "title": "Kurs"}),)


@pytest.mark.parametrize(
    "data",
    [
        "id;town\nHE-1;Helmstedt\n".encode("utf-16-le"),  # UTF-16 without a byte order mark
        "id;town\nHE-1;\x81\x8d\n".encode("latin-1"),  # bytes Windows-1252 does not have
        bytes(range(256)) * 4,
        os.urandom(2000),
    ],
)
def test_text_in_an_unknown_encoding_is_a_clear_problem(data: bytes) -> None:
    assert read_upload("x.csv", data) == (
        [], ["x.csv: cannot read the text: save it as CSV UTF-8"]
    )  # fmt: skip


@pytest.mark.parametrize("data", [b"id|title\nHE-1|Kurs\n", b"id;\nHE-1;\n"])
def test_a_one_column_header_says_which_delimiters_were_tried(data: bytes) -> None:
    sheets, problems = read_upload("x.csv", data)
    assert sheets == []
    assert len(problems) == 1
    assert problems[0].startswith("x.csv: ")
    assert all(name in problems[0] for name in ("';'", "','", "tab"))


def test_a_csv_row_with_more_fields_than_the_header_is_named() -> None:
    sheets, problems = read_upload("x.csv", b"id,title\nHE-1,Kurs\nHE-2,Kurs,extra\n")
    assert problems == [
        "x.csv: row 3: more fields than the header (column C has a value but no header)"
    ]
    assert sheets[0].rows == ((2, {"id": "HE-1", "title": "Kurs"}),)


def test_a_csv_with_a_repeated_or_empty_header_cell() -> None:
    sheets, problems = read_upload("x.csv", b"id,title,,title\nHE-1,a,b,c\n")
    assert sheets == []
    assert problems == [
        "x.csv: column C: the header cell is empty",
        "x.csv: column D: 'title' is already the header of column B",
    ]


def test_an_empty_csv_is_a_problem() -> None:
    assert read_upload("x.csv", b"\xef\xbb\xbf\r\n") == ([], ["x.csv: the file is empty"])


# Excel files


def test_xlsx_cell_types_become_text() -> None:
    data = xlsx([
        ["id", "price", "hours", "open", "day", "starts", "at", "late", "note"],
        [7, 2.29, 16.0, True, datetime(2026, 8, 1), datetime(2026, 12, 3, 18, 0),
         time(8, 30), datetime(2026, 12, 3, 18, 0, 30), "  Schöningen  "],
        [],
        [None, None, None, None, None, None, None, None, None],
        ["x", 0.5, -3.0, False, date(2027, 2, 28), None, time(23, 5, 9), None, ""],
    ])  # fmt: skip
    found = only_sheet("Angebote.XLSX", data)
    assert found.name == "offers"
    assert found.rows == (
        (2, {"id": "7", "price": "2.29", "hours": "16", "open": "yes", "day": "2026-08-01",
             "starts": "2026-12-03T18:00", "at": "08:30", "late": "2026-12-03T18:00:30",
             "note": "Schöningen"}),
        (5, {"id": "x", "price": "0.5", "hours": "-3", "open": "no",
             "day": "2027-02-28", "starts": "", "at": "23:05:09", "late": "", "note": ""}),
    )  # fmt: skip


def test_xlsx_numbers_as_excel_stores_them_do_not_grow_digits() -> None:
    # Excel writes 17 significant digits ("2.2900000000000001"); openpyxl writes fewer, so the
    # sheet's XML is changed to what Excel would have written.
    source = io.BytesIO(xlsx([["price", "hours"], [2.29, 16.0]]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            content = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>2.29</v>" in content
                content = content.replace(b"<v>2.29</v>", b"<v>2.2900000000000001</v>")
                content, count = re.subn(
                    rb"<v>16(\.0)?</v>", b"<v>16.000000000000000</v>", content
                )
                assert count == 1
            new.writestr(item, content)
    assert only_sheet("a.xlsx", out.getvalue()).rows == ((2, {"price": "2.29", "hours": "16"}),)


def test_xlsx_header_problems_name_the_sheet_and_column() -> None:
    data = xlsx([["id", "title", None, "title", None, None], ["HE-1", "a", "b", "c"]])
    sheets, problems = read_upload("a.xlsx", data)
    assert sheets == []
    assert problems == [
        "a.xlsx, sheet offers: column C: the header cell is empty",
        "a.xlsx, sheet offers: column D: 'title' is already the header of column B",
    ]


def test_xlsx_value_without_a_header_and_other_sheets() -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert isinstance(first, Worksheet)
    first.title = "Offers"
    first.append(["id"])
    first.append(["HE-1", None, "stray"])
    first.append(["HE-2"])
    events = book.create_sheet("Events")
    events.append(["id"])
    events.append(["EV-1"])
    book.create_sheet("Tabelle3")  # empty: Excel's unused sheet, not a problem
    book.create_sheet("_hidden").append(["not", "read"])
    book.create_sheet("Anleitung").append(["Text"])
    out = io.BytesIO()
    book.save(out)
    sheets, problems = read_upload("a.xlsx", out.getvalue())
    assert problems == [
        "a.xlsx, sheet offers: row 2: more fields than the header "
        "(column C has a value but no header)"
    ]
    assert [(s.name, s.rows) for s in sheets] == [
        ("offers", ((3, {"id": "HE-2"}),)),
        ("events", ((2, {"id": "EV-1"}),)),
    ]


def test_a_zip_without_an_extension_is_read_as_xlsx() -> None:
    assert only_sheet("upload", xlsx([["id"], ["HE-1"]])).rows == ((2, {"id": "HE-1"}),)


@pytest.mark.parametrize(
    ("filename", "data", "problem"),
    [
        ("alt.xls", b"\xd0\xcf\x11\xe0" + bytes(100),
         "alt.xls: please save it as .xlsx (Excel 2007 or newer) or as CSV UTF-8"),
        ("liste.pdf", b"%PDF-1.4", "liste.pdf: send an Excel file (.xlsx) or a CSV file"),
        ("liste", b"id;title\n", "liste: send an Excel file (.xlsx) or a CSV file"),
        ("kaputt.xlsx", os.urandom(3000), "kaputt.xlsx: cannot be read as an Excel file (.xlsx)"),
        ("kaputt.xlsx", b"PK\x03\x04" + os.urandom(3000),
         "kaputt.xlsx: cannot be read as an Excel file (.xlsx)"),
        ("passwort.xlsx", b"\xd0\xcf\x11\xe0" + bytes(3000),
         "passwort.xlsx: cannot be read as an Excel file (.xlsx)"),
        ("leer.xlsx", b"", "leer.xlsx: cannot be read as an Excel file (.xlsx)"),
    ],
)  # fmt: skip
def test_files_that_cannot_be_read_get_one_problem(
    filename: str, data: bytes, problem: str
) -> None:
    assert read_upload(filename, data) == ([], [problem])


def test_a_truncated_xlsx_gets_one_problem() -> None:
    data = write_template([OFFERS], "")
    assert read_upload("a.xlsx", data[: len(data) // 2]) == (
        [], ["a.xlsx: cannot be read as an Excel file (.xlsx)"]
    )  # fmt: skip


def test_too_many_rows_is_a_problem_not_a_hang() -> None:
    book = openpyxl.Workbook(write_only=True)
    worksheet = book.create_sheet("offers")
    worksheet.append(["id", "title"])
    for number in range(MAX_ROWS + 1):
        worksheet.append([f"HE-{number}", "Kurs"])
    out = io.BytesIO()
    book.save(out)
    sheets, problems = read_upload("gross.xlsx", out.getvalue())
    assert sheets == []
    assert problems == [
        "gross.xlsx, sheet offers: more than 20,000 rows; split it into smaller files"
    ]


def test_exactly_the_row_limit_is_read() -> None:
    text = "id,title\n" + "".join(f"HE-{n},Kurs\n" for n in range(MAX_ROWS))
    assert len(only_sheet("a.csv", text.encode()).rows) == MAX_ROWS
    sheets, problems = read_upload("a.csv", (text + "HE-x,Kurs\n").encode())
    assert sheets == []
    assert problems == ["a.csv: more than 20,000 rows; split it into smaller files"]


def test_too_many_columns_is_a_problem() -> None:
    header = ",".join(f"c{n}" for n in range(201))
    assert read_upload("a.csv", f"{header}\n".encode()) == ([], ["a.csv: more than 200 columns"])
    sheets, problems = read_upload("a.xlsx", xlsx([[f"c{n}" for n in range(201)]]))
    assert sheets == [] and problems == ["a.xlsx, sheet offers: more than 200 columns"]


# CSV out


def test_sheet_to_csv_reads_back_with_quoting() -> None:
    rows = (
        (2, {"id": "HE-1", "title": 'Kurs, "abends"', "note": "zwei\nZeilen"}),
        (4, {"id": "HE-2", "title": "Königslutter", "note": ""}),
    )
    found = Sheet("offers", ("title", "id", "note"), rows)
    text = sheet_to_csv(found)
    assert text.splitlines()[0] == "title,id,note"
    assert '"Kurs, ""abends""",HE-1,"zwei\nZeilen"\n' in text
    assert "\r" not in text
    assert list(csv.DictReader(io.StringIO(text, newline=""))) == [values for _, values in rows]


def test_an_upload_as_csv_reads_back_the_same() -> None:
    offers = read_upload("a.xlsx", write_template([OFFERS], ""))[0][0]
    again = only_sheet("again.csv", sheet_to_csv(offers).encode())
    assert again.columns == offers.columns
    assert [values for _, values in again.rows] == [values for _, values in offers.rows]
