"""Catalogue importer: reads good practices from a CSV or XLSX file, all rows valid or none.

Columns (a header row, in any order; accents, capitals, spaces, "_" and words such as "de la"
do not matter, and Spanish or English names are both understood):

    id              Id, Código, No., Número
    title           Título, Nombre de la práctica, Nombre de la buena práctica, Práctica
    institution     Institución, Institución oferente, Entidad, Entidad oferente
    sphere          Esfera, Dimensión
    ods             ODS, ODS vinculados, ODS relacionados, Objetivos de Desarrollo Sostenible
    description     Descripción, Resumen
    results         Resultados, Logros
    beneficiaries   Beneficiarios, Población beneficiaria
    contact         Contacto, Correo electrónico
    country_scope   Alcance, Cobertura, Ámbito geográfico, País
    source_document Documento fuente, Documento, Fuente
    source_section  Sección, Página

(`COLUMN_ALIASES` has every name understood.)  Title rows above the header (a spreadsheet's
own heading) are skipped: the header is the first row, among the first ten, that names at
least two columns.  Columns the importer does not know are ignored, with a warning.

- `title` and `institution` are required; every other column may be left out or blank.
- `id`: any text ("12", "SYN-4", "BP 2023/07").  It becomes the practice's key: accents are
  dropped and anything but letters, digits, "_" and "-" becomes "-" ("BP-2023-07"), so that
  it fits a ref (`p<id>`) and a deep link.  A row without an id is the practice with the same
  title and institution (storage.sync.import_practices finds it in the database), or a new one.
- `sphere`: económico, social or ambiental (accents and capitals do not matter).
- `ods`: Sustainable Development Goal numbers 1-17, separated by ";" or "," ("3;16", "ODS 3, 16").
- `source_document` + `source_section`: the document (any name) and the section the row comes
  from; both or neither.  Without them a practice cites the imported file.

CSV files are UTF-8 (with or without BOM) separated by commas or semicolons; XLSX files are
read from their first sheet.  Any problem in any row raises `CatalogueError`, which lists
every one of them (`CatalogueIssue.text(locale)`: "archivo:fila N: columna «X»: motivo" /
"file:row N: column "X": reason"), with row numbers as a spreadsheet shows them.  Messages are
Spanish msgids translated through gettext (knowledge/locale/*/LC_MESSAGES/bot.po).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from knowledge.i18n import N_, translations
from knowledge.schema import Practice, PracticeSource

COLUMNS = (
    "id", "title", "institution", "sphere", "ods", "description", "results", "beneficiaries",
    "contact", "country_scope", "source_document", "source_section",
)
REQUIRED = ("title", "institution")
SPHERES = {"economico": "económico", "social": "social", "ambiental": "ambiental"}
_ODS_SPLIT = re.compile(r"[;,\s]+")
HEADER_SEARCH_ROWS = 10

# The name of each column for a person (msgids; English in bot.po).
COLUMN_LABELS = {
    "id": N_("Id"), "title": N_("Título"), "institution": N_("Institución"), "sphere": N_("Esfera"),
    "ods": N_("ODS"), "description": N_("Descripción"), "results": N_("Resultados"),
    "beneficiaries": N_("Beneficiarios"), "contact": N_("Contacto"), "country_scope": N_("Alcance"),
    "source_document": N_("Documento fuente"), "source_section": N_("Sección fuente"),
}

# Header names understood, folded (see _header_key: no accents, lower case, words only, without
# "de", "la", "of" ...).  Spanish as a government spreadsheet writes them, and English.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "identificador", "codigo", "code", "numero", "num", "no", "nro", "n", "correlativo",
           "id practica", "codigo practica", "numero practica", "no practica", "practice id", "number"),
    "title": ("title", "titulo", "nombre", "name", "practica", "buena practica", "nombre practica",
              "nombre buena practica", "titulo practica", "titulo buena practica", "practice",
              "practice name", "practice title", "good practice"),
    "institution": ("institution", "institucion", "institucion oferente", "entidad", "entidad oferente",
                    "oferente", "institucion responsable", "entidad responsable", "organizacion",
                    "organization", "organisation", "offering institution", "institucion que oferta"),
    "sphere": ("sphere", "esfera", "esfera desarrollo", "dimension", "dimension desarrollo"),
    "ods": ("ods", "ods vinculados", "ods vinculadas", "ods vinculado", "ods relacionados",
            "ods asociados", "objetivos desarrollo sostenible", "objetivo desarrollo sostenible",
            "objetivos desarrollo sostenible vinculados", "sdg", "sdgs", "related sdgs", "linked sdgs"),
    "description": ("description", "descripcion", "descripcion practica", "resumen", "summary"),
    "results": ("results", "resultados", "resultados obtenidos", "logros", "outcomes"),
    "beneficiaries": ("beneficiaries", "beneficiarios", "beneficiarias", "poblacion beneficiaria",
                      "poblacion objetivo"),
    "contact": ("contact", "contacto", "datos contacto", "correo", "correo electronico", "email",
                "e mail"),
    "country_scope": ("country scope", "scope", "alcance", "alcance geografico", "cobertura",
                      "cobertura geografica", "ambito geografico", "pais", "paises", "country",
                      "countries"),
    "source_document": ("source document", "source", "documento", "documento fuente", "fuente",
                        "documento origen"),
    "source_section": ("source section", "section", "seccion", "seccion fuente", "pagina", "page"),
}
_HEADER_STOPWORDS = {"de", "del", "la", "el", "los", "las", "the", "of"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).strip().casefold()


def _header_key(text: str) -> str:
    """'Nombre de la Práctica' -> 'nombre practica'; 'source_document' -> 'source document'."""
    words = re.split(r"[^0-9a-z]+", _fold(text))
    return " ".join(w for w in words if w and w not in _HEADER_STOPWORDS)


_ALIAS_TO_COLUMN = {_header_key(alias): column for column, aliases in COLUMN_ALIASES.items()
                    for alias in aliases}


def column_for_header(text: str) -> str | None:
    """The column a header cell names, or None: 'Institución oferente' -> 'institution'."""
    return _ALIAS_TO_COLUMN.get(_header_key(text))


def practice_key(text: str) -> str | None:
    """A practice id as a key (letters, digits, "_" and "-", at most 39 characters), or None
    when the text has neither letters nor digits: 'BP 2023/07' -> 'BP-2023-07', 'Nº 3' -> 'N-3'."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.strip()) if not unicodedata.combining(c))
    key = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_-]+", "-", folded)).strip("-")
    if not re.search(r"[A-Za-z0-9]", key):
        return None
    if len(key) > 39:  # long ids stay unique: a prefix and a digest of the whole text
        key = key[:30].rstrip("-") + "-" + hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:8]
    return key


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as text: 3.0 -> '3', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- problems ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogueIssue:
    """One problem (or, as a warning, one remark) about one file, row and column.

    `reason` is a Spanish msgid with {placeholders} filled from `params`; `column` is the
    column's key (title, institution ...) and `heading` how the file writes it."""

    file: str
    row: int | None
    column: str | None
    reason: str
    params: tuple[tuple[str, Any], ...] = ()
    heading: str | None = None

    def text(self, locale: str = "es") -> str:
        _ = translations(locale).gettext
        where = _("{file}:fila {row}").format(file=self.file, row=self.row) if self.row is not None else self.file
        reason = _(self.reason).format(**dict(self.params))
        if self.column is None and self.heading is None:
            return _("{where}: {reason}").format(where=where, reason=reason)
        column = self.heading or _(COLUMN_LABELS.get(self.column or "", self.column or ""))
        return _("{where}: columna «{column}»: {reason}").format(where=where, column=column, reason=reason)

    def __str__(self) -> str:
        return self.text("es")


def make_issue(file: str, row: int | None, column: str | None, reason: str, heading: str | None = None, /,
           **params: Any) -> CatalogueIssue:
    return CatalogueIssue(file, row, column, reason, tuple(params.items()), heading)


class CatalogueError(ValueError):
    """The file cannot be imported; `.issues` lists every problem found."""

    def __init__(self, issues: list[CatalogueIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    def lines(self, locale: str = "es") -> list[str]:
        return [issue.text(locale) for issue in self.issues]


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogueRow:
    """One practice of a file: the row it is on, and whether the file gave its id (a row
    without one has a provisional number until the import matches it by title and institution)."""

    line: int
    practice: Practice
    id_given: bool


@dataclasses.dataclass
class CatalogueFile:
    """What a file holds: its practices, and warnings (columns ignored) that stop nothing."""

    label: str
    rows: list[CatalogueRow]
    warnings: list[CatalogueIssue] = dataclasses.field(default_factory=list)

    @property
    def practices(self) -> list[Practice]:
        return [r.practice for r in self.rows]


# --- reading the raw table ---------------------------------------------------------------------


def _read_csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError([make_issue(path.name, None, None,
                                     N_("el archivo no está en UTF-8 (byte {byte}); guárdalo como «CSV UTF-8»"),
                                     byte=exc.start)]) from None
    head = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])  # a title row may come first
    delimiter = ";" if head.count(";") > head.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogueError([make_issue(path.name, None, None, N_("no se puede leer el libro: {error}"),
                                     error=exc)]) from None
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
    raise CatalogueError([make_issue(path.name, None, None,
                                 N_("tipo de archivo no admitido ({suffix}): usa .csv o .xlsx"),
                                 suffix=suffix or "-")])


# --- turning rows into practices ---------------------------------------------------------------


def _header_row(rows: list[list[str]]) -> int:
    """Index of the header: the first of the first rows that names two columns or more (a title
    row above it is skipped), else the first row that is not blank."""
    candidates = [i for i, row in enumerate(rows) if any(c.strip() for c in row)][:HEADER_SEARCH_ROWS]
    for i in candidates:
        if len({column_for_header(c) for c in rows[i] if c.strip()} - {None}) >= 2:
            return i
    return candidates[0] if candidates else 0


def _header(rows: list[list[str]], at: int, label: str, issues: list[CatalogueIssue],
            warnings: list[CatalogueIssue]) -> list[str | None]:
    """The column of each cell of the header row (None: a column ignored)."""
    cells = [c.strip() for c in rows[at]] if rows else []
    while cells and not cells[-1]:
        cells.pop()
    if not cells:
        issues.append(make_issue(label, at + 1, None, N_("la fila de encabezados está vacía")))
        return []
    header = [column_for_header(c) if c else None for c in cells]
    unknown = [c or f"({i + 1})" for i, (c, column) in enumerate(zip(cells, header, strict=True))
               if column is None]
    missing = [column for column in REQUIRED if column not in header]
    for column in missing:
        issues.append(make_issue(label, at + 1, column, N_("falta esta columna obligatoria")))
    if missing and unknown:  # probably one of these was meant: say which names are understood
        issues.append(make_issue(label, at + 1, None,
                             N_("columnas que no reconozco: {unknown}; las columnas son: {known}"),
                             unknown=", ".join(unknown),
                             known=", ".join(f"{COLUMN_LABELS[c]}/{c}" for c in COLUMNS)))
    elif unknown:
        warnings.extend(make_issue(label, at + 1, None, N_("columna que no reconozco: se ignora"), c)
                        for c in unknown)
    for column in dict.fromkeys(c for c in header if c and header.count(c) > 1):
        names = [cell for cell, col in zip(cells, header, strict=True) if col == column]
        issues.append(make_issue(label, at + 1, column, N_("la misma columna aparece más de una vez: {names}"),
                             names=", ".join(f"«{n}»" for n in names)))
    return header


def _sphere(value: str) -> str:
    folded = _fold(value)
    if folded not in SPHERES:
        raise _Bad(N_("se esperaba económico, social o ambiental; dice «{value}»"), value=value)
    return SPHERES[folded]


def _ods(value: str) -> list[int]:
    numbers = []
    for part in _ODS_SPLIT.split(value.strip()):
        if not part or _fold(part) == "ods":
            continue
        if _fold(part).startswith("ods"):
            part = part[3:].strip(" -:#")
        if not part.isdigit():
            raise _Bad(N_("se esperaban números de ODS como 3;16; dice «{value}»"), value=value)
        number = int(part)
        if not 1 <= number <= 17:
            raise _Bad(N_("los ODS van del 1 al 17; dice {number}"), number=number)
        numbers.append(number)
    return list(dict.fromkeys(numbers))


class _Bad(ValueError):
    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason, self.params = reason, params


def _practice_fields(cells: dict[str, str], headings: dict[str, str], row: int, label: str,
                     issues: list[CatalogueIssue]) -> dict[str, Any] | None:
    fields: dict[str, Any] = {}
    ok = True

    def bad(column: str, reason: str, **params: Any) -> None:
        nonlocal ok
        ok = False
        issues.append(make_issue(label, row, column, reason, headings.get(column), **params))

    for column in REQUIRED:
        if not cells.get(column):
            bad(column, N_("es obligatoria, pero la celda está vacía"))
    for column in ("title", "institution", "description", "results", "beneficiaries",
                   "contact", "country_scope"):
        if cells.get(column):
            fields[column] = cells[column]
    for column, parse in (("sphere", _sphere), ("ods", _ods)):
        if cells.get(column):
            try:
                fields[column] = parse(cells[column])
            except _Bad as exc:
                bad(column, exc.reason, **exc.params)
    document, section = cells.get("source_document", ""), cells.get("source_section", "")
    if document and section:
        try:
            fields["source"] = PracticeSource(document=document, section=section)
        except ValidationError as exc:
            bad("source_document", N_("valor no válido: {error}"), error=exc.errors()[0]["msg"])
    elif document or section:
        bad("source_section" if document else "source_document",
            N_("el documento y la sección de la fuente van juntos: llena ambos o ninguno"))
    return fields if ok else None


def _assign_ids(records: list[tuple[int, dict[str, str]]], headings: dict[str, str], label: str,
                issues: list[CatalogueIssue]) -> list[tuple[str | None, bool]]:
    """(id, given) per record: the file's id as a key, or a provisional number for a row
    without one (1, 2, 3 ... in file order, skipping the ids the file uses)."""
    out: list[tuple[str | None, bool]] = []
    first_row: dict[str, int] = {}
    heading = headings.get("id")
    for row, cells in records:
        text = cells.get("id", "")
        if not text:
            out.append((None, False))
            continue
        key = practice_key(text)
        if key is None:
            issues.append(make_issue(label, row, "id", N_("el id «{value}» no tiene letras ni números"), heading,
                                 value=text))
            out.append((None, True))
        elif key in first_row:
            issues.append(make_issue(label, row, "id", N_("el id {id} ya lo usa la fila {row}"), heading,
                                 id=key, row=first_row[key]))
            out.append((None, True))
        else:
            first_row[key] = row
            out.append((key, True))
    number = 0
    numbered = []
    for key, given in out:
        if given:
            numbered.append((key, True))
            continue
        number += 1
        while str(number) in first_row:
            number += 1
        numbered.append((str(number), False))
    return numbered


def practice_name_key(title: str, institution: str) -> tuple[str, str]:
    """What makes two practices without an id the same one: title and institution, accents,
    capitals and spacing aside."""
    return (" ".join(_fold(title or "").split()), " ".join(_fold(institution or "").split()))


def _same_practice_key(cells: dict[str, str]) -> tuple[str, str]:
    return practice_name_key(cells.get("title", ""), cells.get("institution", ""))


def rows_from_table(rows: list[list[str]], label: str) -> CatalogueFile:
    """Validate a table into practices; raises CatalogueError listing every problem."""
    issues: list[CatalogueIssue] = []
    warnings: list[CatalogueIssue] = []
    at = _header_row(rows)
    header = _header(rows, at, label, issues, warnings)
    if issues:
        raise CatalogueError(issues)
    cells_of_header = [c.strip() for c in rows[at]]
    headings = {column: cells_of_header[i] for i, column in enumerate(header) if column}
    records: list[tuple[int, dict[str, str]]] = []
    for row_number, row in enumerate(rows[at + 1:], start=at + 2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines between rows are harmless
        cells = {column: (row[i].strip() if i < len(row) else "")
                 for i, column in enumerate(header) if column}
        if any(cell.strip() for cell in row[len(header):]):
            issues.append(make_issue(label, row_number, None,
                                 N_("la fila tiene más celdas que columnas el encabezado ({n})"), n=len(header)))
        records.append((row_number, cells))
    ids = _assign_ids(records, headings, label, issues)
    named: dict[tuple[str, str], list[int]] = {}  # (title, institution) -> rows: rows without an id
    for row_number, cells in records:
        named.setdefault(_same_practice_key(cells), []).append(row_number)
    id_given = {row_number: given for (row_number, _), (_, given) in zip(records, ids, strict=True)}
    out = []
    for (row_number, cells), (practice_id, given) in zip(records, ids, strict=True):
        fields = _practice_fields(cells, headings, row_number, label, issues)
        # another row before this one, or one with an id (which names it better) after it
        same = [r for r in named[_same_practice_key(cells)] if r < row_number or (r > row_number and id_given[r])]
        if not given and fields is not None and same:
            issues.append(make_issue(label, row_number, "id",
                                     N_("sin id, esta fila es la misma práctica que la fila {row} "
                                        "(mismo título e institución)"), headings.get("id"), row=same[0]))
            continue
        if fields is None or practice_id is None:
            continue
        try:
            out.append(CatalogueRow(row_number, Practice(id=practice_id, import_file=label, **fields), given))
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                issues.append(make_issue(label, row_number, column, N_("valor no válido: {error}"),
                                     headings.get(column or ""), error=err["msg"]))
    if issues:
        raise CatalogueError(sorted(issues, key=lambda i: (i.row or 0, COLUMNS.index(i.column)
                                                           if i.column in COLUMNS else -1)))
    return CatalogueFile(label, out, warnings)


def practices_from_rows(rows: list[list[str]], label: str) -> list[Practice]:
    """Validate a table (header first) into practices; raises CatalogueError listing every problem."""
    return rows_from_table(rows, label).practices


def read_catalogue(path: Path | str) -> CatalogueFile:
    """Every practice of a CSV or XLSX file (rows, whether each gave its id, warnings), or
    raise CatalogueError naming each bad row."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueError([make_issue(str(path), None, None, N_("no existe el archivo"))])
    return rows_from_table(read_rows(path), path.name)


def read_practices(path: Path | str) -> list[Practice]:
    """Read every practice of a CSV or XLSX file, or raise CatalogueError naming each bad row.
    Rows without an id are numbered in file order (the knowledge base of a data directory has no
    database to match them against)."""
    return read_catalogue(path).practices


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
