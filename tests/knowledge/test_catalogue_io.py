"""The catalogue importer: CSV and XLSX files are read whole, or refused naming every bad row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from knowledge.catalogue_io import CatalogueError, practices_to_rows, read_practices

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
    assert (first.id, first.title, first.sphere, first.ods) == (1, "Práctica sintética uno", "económico", [3, 16])
    assert second.sphere == "ambiental" and second.ods == []
    assert second.source is not None and second.source.section == "sección sintética"
    assert first.import_file == "catalogo.csv"


def test_ids_are_assigned_in_file_order_when_the_column_is_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Title,Institution", "Uno,Inst A", "", "Dos,Inst B"])
    assert [(p.id, p.title) for p in read_practices(path)] == [(1, "Uno"), (2, "Dos")]


def test_xlsx_first_sheet_is_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["id", "title", "institution", "ods", "sphere"],
        [5, "Práctica de hoja", "Instituto Sintético", 7, "social"],
        [6.0, "Otra", "Instituto Sintético", "1, 2", None],
    ])
    practices = read_practices(path)
    assert [(p.id, p.ods) for p in practices] == [(5, [7]), (6, [1, 2])]


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
    assert "malo.csv:row 3: column title: required, but the cell is empty" in lines
    assert any(line.startswith("malo.csv:row 4: column sphere:") and "cultural" in line for line in lines)
    assert any(line.startswith("malo.csv:row 4: column ods:") and "18" in line for line in lines)
    assert "malo.csv:row 5: column id: 1 is already used by row 2" in lines
    assert len(lines) == 4


def test_bad_rows_in_xlsx_are_listed_too(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "malo.xlsx", [
        ["title", "institution", "ods"],
        ["Bien", "Inst", "3"],
        ["Mal", None, "tres"],
    ])
    with pytest.raises(CatalogueError) as excinfo:
        read_practices(path)
    assert {(i.row, i.column) for i in excinfo.value.issues} == {(3, "institution"), (3, "ods")}


def test_unknown_and_missing_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["title,institucion,pais", "Uno,Inst,GT"])
    with pytest.raises(CatalogueError) as excinfo:
        read_practices(path)
    text = str(excinfo.value)
    assert "institucion" in text and "pais" in text and "unknown column" in text
    assert "column institution: required column is missing" in text


def test_a_file_that_is_not_utf8_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("title,institution\nPráctica,Institución\n".encode("latin-1"))
    with pytest.raises(CatalogueError, match="UTF-8"):
        read_practices(path)


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "c.ods"
    path.write_bytes(b"x")
    with pytest.raises(CatalogueError, match="use .csv or .xlsx"):
        read_practices(path)


def test_rows_written_back_read_the_same(tmp_path: Path) -> None:
    original = read_practices(write_csv(tmp_path / "a.csv", [HEADER, *GOOD_ROWS]))
    import csv

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
