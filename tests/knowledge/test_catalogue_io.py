"""The catalogue importer: CSV and XLSX files are read whole, or refused naming every bad row.

Headers may be Spanish or English (accents, capitals and spacing aside), ids any text; every
message is Spanish by default and English on request.  All rows are SYNTHETIC, invented here."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from knowledge.catalogue_io import (
    CatalogueError,
    column_for_header,
    practice_key,
    practices_to_rows,
    read_catalogue,
    read_practices,
)
from knowledge.refs import from_payload, parse_ref, practice_ref, to_payload

# SYNTHETIC rows, invented for the tests.
HEADER = "id,title,institution,sphere,ods,description,source_document,source_section"
GOOD_ROWS = [
    '1,Práctica sintética uno,Ministerio Sintético,Económico,"3;16",Descripción inventada.,,',
    "2,Práctica sintética dos,Red Ficticia,AMBIENTAL,,,999_0000000000000000.txt,sección sintética",
]


def write_csv(path: Path, lines: list[str], bom: bool = False, delimiter: str = ",") -> Path:
    text = "\n".join(lines) + "\n"
    if delimiter != ",":
        text = text.replace('"3;16"', '"3, 16"').replace(",", delimiter)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("otra hoja").append(["ignored"])
    workbook.save(path)
    return path


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_or_without_bom_and_either_separator(tmp_path: Path, bom: bool, delimiter: str) -> None:
    path = write_csv(tmp_path / "catalogo.csv", [HEADER, *GOOD_ROWS], bom=bom, delimiter=delimiter)
    first, second = read_practices(path)
    assert (first.id, first.title, first.sphere, first.ods) == ("1", "Práctica sintética uno", "económico", [3, 16])
    assert second.sphere == "ambiental" and second.ods == []
    assert second.source is not None and second.source.section == "sección sintética"
    assert first.import_file == "catalogo.csv"


def test_ids_are_provisional_numbers_in_file_order_when_the_column_is_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Title,Institution", "Uno,Inst A", "", "Dos,Inst B"])
    rows = read_catalogue(path).rows
    assert [(r.practice.id, r.practice.title, r.id_given, r.line) for r in rows] == [
        ("1", "Uno", False, 2), ("2", "Dos", False, 4)]


def test_xlsx_first_sheet_is_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["id", "title", "institution", "ods", "sphere"],
        [5, "Práctica de hoja", "Instituto Sintético", 7, "social"],
        [6.0, "Otra", "Instituto Sintético", "1, 2", None],
    ])
    practices = read_practices(path)
    assert [(p.id, p.ods) for p in practices] == [("5", [7]), ("6", [1, 2])]


def test_a_spanish_government_spreadsheet_with_text_ids_is_read(tmp_path: Path) -> None:
    """SYNTHETIC: a title row above the header, Spanish headers as a ministry writes them, text
    ids, an ODS cell like 'ODS 3, ODS 16', a column the importer does not know."""
    path = write_xlsx(tmp_path / "Catálogo SINTÉTICO 2040.xlsx", [
        ["CATÁLOGO SINTÉTICO DE BUENAS PRÁCTICAS 2040"],
        [],
        ["No.", "Nombre de la Práctica", "INSTITUCIÓN OFERENTE", "ODS vinculados", "Esfera",
         "Población  beneficiaria", "Documento fuente", "Página", "Observaciones"],
        ["SYN-1", "Huertos sintéticos", "Ministerio Sintético", "ODS 2, ODS 12", "Ambiental",
         "Comunidades ficticias", "Informe sintético 2040.pdf", "p. 4", "nada"],
        ["BP 2040/07", "Ventanilla imaginaria", "Secretaría Ficticia", "16", "social", "", "", "", ""],
        [None, "Práctica sin número", "Red Ficticia", None, None, None, None, None, None],
    ])
    catalogue = read_catalogue(path)
    assert [(r.practice.id, r.id_given, r.line) for r in catalogue.rows] == [
        ("SYN-1", True, 4), ("BP-2040-07", True, 5), ("1", False, 6)]
    first = catalogue.rows[0].practice
    assert (first.title, first.institution, first.ods, first.sphere, first.beneficiaries) == (
        "Huertos sintéticos", "Ministerio Sintético", [2, 12], "ambiental", "Comunidades ficticias")
    assert first.source is not None and first.source.document == "Informe sintético 2040.pdf"
    (warning,) = catalogue.warnings
    assert warning.text("es") == "Catálogo SINTÉTICO 2040.xlsx:fila 3: columna «Observaciones»: " \
                                 "columna que no reconozco: se ignora"
    assert warning.text("en") == 'Catálogo SINTÉTICO 2040.xlsx:row 3: column "Observaciones": ' \
                                 "a column I do not know: ignored"


@pytest.mark.parametrize(("heading", "column"), [
    ("Título", "title"), ("TITULO", "title"), ("  nombre  de la  práctica ", "title"), ("Nombre_de_la_buena_práctica", "title"),
    ("Institución oferente", "institution"), ("Entidad", "institution"), ("institution", "institution"),
    ("ODS vinculados", "ods"), ("Objetivos de Desarrollo Sostenible", "ods"), ("SDGs", "ods"),
    ("Nº", "id"), ("Código", "id"), ("ID", "id"), ("source_document", "source_document"),
    ("Descripción", "description"), ("Beneficiarios", "beneficiaries"), ("Correo electrónico", "contact"),
    ("Cobertura geográfica", "country_scope"), ("Observaciones", None), ("", None),
])
def test_headers_in_spanish_or_english(heading: str, column: str | None) -> None:
    assert column_for_header(heading) == column


@pytest.mark.parametrize(("text", "key"), [
    ("12", "12"), ("SYN-4", "SYN-4"), ("BP 2023/07", "BP-2023-07"), ("Nº 3", "No-3"),
    ("práctica_ñandú", "practica_nandu"), (" !! ", None), ("", None),
])
def test_any_text_id_becomes_a_key_a_ref_can_carry(text: str, key: str | None) -> None:
    assert practice_key(text) == key
    if key:
        ref = parse_ref(practice_ref(key))
        assert ref is not None and ref.kind == "practice" and ref.practice == key
        assert str(ref) == practice_ref(key) and from_payload(to_payload(ref)) == ref


def test_a_long_id_is_shortened_but_stays_unique() -> None:
    a, b = practice_key("x" * 60 + "1"), practice_key("x" * 60 + "2")
    assert a != b and len(a) <= 39 and len(b) <= 39
    assert parse_ref(practice_ref(a)) is not None


def test_practice_refs_keep_working_and_do_not_steal_other_refs() -> None:
    assert parse_ref("p12").practice == "12"
    assert parse_ref("pan4.c10").kind == "commitment"
    assert from_payload("pan4-c10").kind == "commitment"
    assert from_payload("pan-1").practice == "an-1"
    assert parse_ref("plan:pan6").kind == "plan" and parse_ref("pr:faro").kind == "project"
    assert parse_ref("p") is None and parse_ref("p12.3") is None


def test_every_bad_row_is_listed_with_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "malo.csv", [
        HEADER,
        GOOD_ROWS[0],
        "2,,Inst,social,,,,",            # row 3: no title
        "3,Título,Inst,cultural,18,,,",  # row 4: bad sphere, bad ODS
        "1,Repetida,Inst,,,,,",          # row 5: id already used by row 2
    ])
    with pytest.raises(CatalogueError) as excinfo:
        read_practices(path)
    lines = str(excinfo.value).splitlines()
    assert "malo.csv:fila 3: columna «title»: es obligatoria, pero la celda está vacía" in lines
    assert any(line.startswith("malo.csv:fila 4: columna «sphere»:") and "cultural" in line for line in lines)
    assert any(line.startswith("malo.csv:fila 4: columna «ods»:") and "18" in line for line in lines)
    assert "malo.csv:fila 5: columna «id»: el id 1 ya lo usa la fila 2" in lines
    assert len(lines) == 4
    english = excinfo.value.lines("en")
    assert 'malo.csv:row 3: column "title": required, but the cell is empty' in english
    assert 'malo.csv:row 5: column "id": id 1 is already used by row 2' in english
    assert 'malo.csv:row 4: column "ods": SDG numbers go from 1 to 17, got 18' in english


def test_bad_rows_in_xlsx_are_listed_too(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "malo.xlsx", [
        ["título", "institución", "ods"],
        ["Bien", "Inst", "3"],
        ["Mal", None, "tres"],
    ])
    with pytest.raises(CatalogueError) as excinfo:
        read_practices(path)
    assert {(i.row, i.column) for i in excinfo.value.issues} == {(3, "institution"), (3, "ods")}
    assert "malo.xlsx:fila 3: columna «institución»: es obligatoria, pero la celda está vacía" in \
        excinfo.value.lines("es")


def test_rows_without_an_id_naming_the_same_practice_twice_are_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dos.csv", ["Título,Institución", "Uno,Inst A", "UNO ,inst a"])
    with pytest.raises(CatalogueError) as excinfo:
        read_practices(path)
    assert excinfo.value.lines("es") == [
        "dos.csv:fila 3: columna «Id»: sin id, esta fila es la misma práctica que la fila 2 "
        "(mismo título e institución)"]


def test_ids_that_become_the_same_key_are_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Código,Título,Institución", "BP 1,Uno,A", "BP/1,Dos,B", "¿?,Tres,C"])
    with pytest.raises(CatalogueError) as excinfo:
        read_practices(path)
    assert excinfo.value.lines("es") == ["c.csv:fila 3: columna «Código»: el id BP-1 ya lo usa la fila 2",
                                         "c.csv:fila 4: columna «Código»: el id «¿?» no tiene letras ni números"]


def test_missing_columns_are_named_with_the_ones_not_understood(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["titulo,organismo,pais", "Uno,Inst,GT"])
    with pytest.raises(CatalogueError) as excinfo:
        read_practices(path)
    text = str(excinfo.value)
    assert "c.csv:fila 1: columna «Institución»: falta esta columna obligatoria" in text
    assert "columnas que no reconozco: organismo" in text and "Institución/institution" in text
    assert "pais" not in text.split("las columnas son")[0]  # "país" is understood (country_scope)
    assert 'column "Institution": this required column is missing' in "\n".join(excinfo.value.lines("en"))


def test_a_file_that_is_not_utf8_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("title,institution\nPráctica,Institución\n".encode("latin-1"))
    with pytest.raises(CatalogueError, match="UTF-8"):
        read_practices(path)


def test_unsupported_file_type_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "c.ods"
    path.write_bytes(b"x")
    with pytest.raises(CatalogueError, match="usa .csv o .xlsx") as excinfo:
        read_practices(path)
    assert excinfo.value.lines("en") == ["c.ods: unsupported file type (.ods): use .csv or .xlsx"]
    with pytest.raises(CatalogueError, match="no existe el archivo"):
        read_practices(tmp_path / "nada.csv")


def test_rows_written_back_read_the_same(tmp_path: Path) -> None:
    original = read_practices(write_csv(tmp_path / "a.csv", [HEADER, *GOOD_ROWS]))
    with (tmp_path / "b.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(practices_to_rows(original))
    again = read_practices(tmp_path / "b.csv")
    assert [p.model_dump(exclude={"import_file"}) for p in again] == [
        p.model_dump(exclude={"import_file"}) for p in original]


def test_shipped_catalogue_sample_is_valid() -> None:
    path = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "catalogue_sample.csv"
    if not path.exists():
        pytest.skip("no catalogue sample shipped yet")
    read_practices(path)
