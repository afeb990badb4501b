"""Catalogue importer: reads good practices from a CSV or XLSX file, all rows valid or none.

Columns (header row, names case-insensitive, in any order):

    id, title, institution, sphere, ods, description, results, beneficiaries, contact,
    country_scope, source_document, source_section

- `title` and `institution` are required; every other column may be left out or blank.
- `id`: a positive whole number; when the column is absent or blank everywhere, rows are
  numbered 1, 2, 3 ... in file order.
- `sphere`: económico, social or ambiental (accents and capitals do not matter).
- `ods`: Sustainable Development Goal numbers 1-17, separated by ";" or "," ("3;16", "3, 16").
- `source_document` + `source_section`: the seed file and section the row comes from.

CSV files are UTF-8 (with or without BOM) separated by commas or semicolons; XLSX files are
read from their first sheet.  Any problem in any row raises `CatalogueError`, which lists
every one of them as `file:row N: column X: reason`, with row numbers as a spreadsheet shows
them (the header is row 1).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from knowledge.schema import Practice, Source

COLUMNS = (
    "id", "title", "institution", "sphere", "ods", "description", "results", "beneficiaries",
    "contact", "country_scope", "source_document", "source_section",
)
REQUIRED = ("title", "institution")
SPHERES = {"economico": "económico", "social": "social", "ambiental": "ambiental"}
_ODS_SPLIT = re.compile(r"[;,\s]+")


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogueIssue:
    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file + (f":row {self.row}" if self.row is not None else "")
        return f"{where}: column {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


class CatalogueError(ValueError):
    """The file cannot be imported; `.issues` lists every problem found."""

    def __init__(self, issues: list[CatalogueIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).strip().casefold()


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as text: 3.0 -> '3', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- reading the raw table ---------------------------------------------------------------------


def _read_csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError([CatalogueIssue(
            path.name, None, None,
            f"the file is not UTF-8 (byte {exc.start}); save it as 'CSV UTF-8'")]) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogueError([CatalogueIssue(path.name, None, None, f"cannot read the workbook: {exc}")]) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_rows(path: Path) -> list[list[str]]:
    """The table of a CSV or XLSX file as rows of text cells (header included)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx_rows(path)
    if suffix in (".csv", ".txt"):
        return _read_csv_rows(path)
    raise CatalogueError([CatalogueIssue(path.name, None, None,
                                         f"unsupported file type {suffix or '(none)'}: use .csv or .xlsx")])


# --- turning rows into practices ---------------------------------------------------------------


def _header(rows: list[list[str]], label: str, issues: list[CatalogueIssue]) -> list[str]:
    header = [_fold(c).replace(" ", "_") for c in rows[0]] if rows else []
    while header and not header[-1]:
        header.pop()
    if not header:
        issues.append(CatalogueIssue(label, 1, None, "the header row is empty"))
        return []
    unknown = [rows[0][i].strip() or f"(blank, position {i + 1})" for i, c in enumerate(header) if c not in COLUMNS]
    if unknown:
        issues.append(CatalogueIssue(label, 1, None,
                                     f"unknown column(s): {', '.join(unknown)}; "
                                     f"the columns are: {', '.join(COLUMNS)}"))
    for column in REQUIRED:
        if column not in header:
            issues.append(CatalogueIssue(label, 1, column, "required column is missing"))
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    for column in repeated:
        issues.append(CatalogueIssue(label, 1, column, "the column appears more than once"))
    return header


def _sphere(value: str) -> str:
    folded = _fold(value)
    if folded not in SPHERES:
        raise ValueError(f"expected económico, social or ambiental, got {value!r}")
    return SPHERES[folded]


def _ods(value: str) -> list[int]:
    numbers = []
    for part in _ODS_SPLIT.split(value.strip()):
        if not part or _fold(part) == "ods":
            continue
        if not part.isdigit():
            raise ValueError(f"expected ODS numbers like 3;16, got {value!r}")
        number = int(part)
        if not 1 <= number <= 17:
            raise ValueError(f"ODS numbers go from 1 to 17, got {number}")
        numbers.append(number)
    return numbers


def _practice_fields(cells: dict[str, str], row: int, label: str,
                     issues: list[CatalogueIssue]) -> dict[str, Any] | None:
    fields: dict[str, Any] = {}
    ok = True

    def bad(column: str, reason: str) -> None:
        nonlocal ok
        ok = False
        issues.append(CatalogueIssue(label, row, column, reason))

    for column in REQUIRED:
        if not cells.get(column):
            bad(column, "required, but the cell is empty")
    for column in ("title", "institution", "description", "results", "beneficiaries",
                   "contact", "country_scope"):
        if cells.get(column):
            fields[column] = cells[column]
    for column, parse in (("sphere", _sphere), ("ods", _ods)):
        if cells.get(column):
            try:
                fields[column] = parse(cells[column])
            except ValueError as exc:
                bad(column, str(exc))
    document, section = cells.get("source_document", ""), cells.get("source_section", "")
    if document and section:
        try:
            fields["source"] = Source(document=document, section=section)
        except ValidationError:
            bad("source_document", f"expected a seed file name like 003_ab710b9e28bab2ad.txt, got {document!r}")
    elif document or section:
        bad("source_section" if document else "source_document",
            "source_document and source_section go together: fill both or neither")
    return fields if ok else None


def _assign_ids(records: list[tuple[int, dict[str, str]]], label: str,
                issues: list[CatalogueIssue]) -> list[int | None]:
    given = [cells.get("id", "") for _, cells in records]
    if not any(given):
        return list(range(1, len(records) + 1))
    ids: list[int | None] = []
    first_row: dict[int, int] = {}
    for (row, _), text in zip(records, given, strict=True):
        if not text:
            issues.append(CatalogueIssue(label, row, "id", "empty, but other rows have an id: fill it in"))
            ids.append(None)
        elif not text.isdigit() or int(text) < 1:
            issues.append(CatalogueIssue(label, row, "id", f"expected a positive whole number, got {text!r}"))
            ids.append(None)
        elif int(text) in first_row:
            issues.append(CatalogueIssue(label, row, "id", f"{text} is already used by row {first_row[int(text)]}"))
            ids.append(None)
        else:
            first_row[int(text)] = row
            ids.append(int(text))
    return ids


def practices_from_rows(rows: list[list[str]], label: str) -> list[Practice]:
    """Validate a table (header first) into practices; raises CatalogueError listing every problem."""
    issues: list[CatalogueIssue] = []
    header = _header(rows, label, issues)
    if issues:
        raise CatalogueError(issues)
    records: list[tuple[int, dict[str, str]]] = []
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines between rows are harmless
        cells = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(header)}
        if any(cell.strip() for cell in row[len(header):]):
            issues.append(CatalogueIssue(label, row_number, None,
                                         f"the row has more cells than the header has columns ({len(header)})"))
        records.append((row_number, cells))
    ids = _assign_ids(records, label, issues)
    practices = []
    for (row_number, cells), practice_id in zip(records, ids, strict=True):
        fields = _practice_fields(cells, row_number, label, issues)
        if fields is None or practice_id is None:
            continue
        try:
            practices.append(Practice(id=practice_id, import_file=label, **fields))
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                issues.append(CatalogueIssue(label, row_number, column, str(err["msg"])))
    if issues:
        raise CatalogueError(sorted(issues, key=lambda i: (i.row or 0, i.column or "")))
    return practices


def read_practices(path: Path | str) -> list[Practice]:
    """Read every practice of a CSV or XLSX file, or raise CatalogueError naming each bad row."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueError([CatalogueIssue(str(path), None, None, "no such file")])
    return practices_from_rows(read_rows(path), path.name)


def practices_to_rows(practices: Iterable[Practice]) -> list[list[str]]:
    """The inverse of practices_from_rows (header first), for exports and tests."""
    out = [list(COLUMNS)]
    for p in practices:
        out.append([
            str(p.id), p.title, p.institution, p.sphere or "", ";".join(str(n) for n in p.ods),
            p.description or "", p.results or "", p.beneficiaries or "", p.contact or "",
            p.country_scope or "", p.source.document if p.source else "",
            p.source.section if p.source else "",
        ])
    return out
