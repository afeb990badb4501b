"""The `hitobot db|load|import-catalogue` commands and first-start bootstrap, as an admin uses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import main
from bot.config import Settings
from knowledge.loader import DataError
from storage.bootstrap import prepare
from storage.db import Database
from storage.models.knowledge import HitoRow, PlanRow, PracticeRow
from storage.repositories.knowledge import read_knowledge


@pytest.fixture
def cli_env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.delenv("HITOBOT_DATA_DIR", raising=False)
    return db


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_db_upgrade_says_the_schema_is_current(cli_env: Database, capsys) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "al día" in capsys.readouterr().out


def test_load_then_load_again_says_nothing_changed(cli_env: Database, synthetic_data_dir: Path, capsys) -> None:
    assert main(["load", str(synthetic_data_dir)]) == 0
    first = capsys.readouterr().out
    assert "Cambios cargados" in first and "hitos: 3 nuevos" in first
    assert main(["load", str(synthetic_data_dir)]) == 0
    second = capsys.readouterr().out
    assert second.startswith("Sin cambios: 1 plan, 2 compromisos, 3 hitos")
    assert "ya estaban al día" in second


def test_load_of_bad_files_prints_every_issue_and_touches_nothing(
        cli_env: Database, make_synthetic_data_dir, capsys) -> None:
    good = make_synthetic_data_dir()
    assert main(["load", str(good)]) == 0
    capsys.readouterr()

    def edit(files):
        files["pan9/commitment_1.yaml"]["commitment"]["hitos"][0]["end"] = "Junio"
        files["pan9/commitment_2.yaml"]["commitment"]["responsible"] = ["Oficina Inexistente"]
        files["pan9/plan.yaml"]["plan"]["title"] = "Título que no debe llegar"

    bad = make_synthetic_data_dir(edit)
    assert main(["load", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any("commitment_1.yaml:" in line and "commitment.hitos[0].end" in line and "'Junio'" in line for line in err)
    assert any("commitment_2.yaml:" in line and "Oficina Inexistente" in line for line in err)
    assert "No se cargó nada: 2 problemas" in err[-1]
    with cli_env.session() as session:
        assert read_knowledge(session).plans[0].title == "Plan sintético de prueba"


def test_import_catalogue_good_and_bad_files(cli_env: Database, tmp_path: Path, capsys) -> None:
    good = tmp_path / "catalogo.xlsx"  # SYNTHETIC rows
    workbook = Workbook()
    workbook.active.append(["id", "title", "institution", "sphere", "ods"])
    workbook.active.append([1, "Práctica sintética", "Institución sintética", "Económico", "8;9"])
    workbook.active.append([2, "Otra práctica", "Otra institución", "social", 4])
    workbook.save(good)
    assert main(["import-catalogue", str(good)]) == 0
    assert "2 prácticas en el archivo" in capsys.readouterr().out
    assert main(["import-catalogue", str(good)]) == 0
    assert capsys.readouterr().out.startswith("Sin cambios")

    bad = tmp_path / "malo.csv"
    bad.write_text("title;institution;ods\nBuena;Inst;3\n;Inst;3\nMala;Inst;99\n", encoding="utf-8")
    assert main(["import-catalogue", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "malo.csv:fila 3: columna «title»:" in err and "malo.csv:fila 4: columna «ods»:" in err
    assert count(cli_env, PracticeRow) == 2


def test_first_start_migrates_and_loads_the_data_and_catalogue_sample(db: Database, synthetic_data_dir: Path) -> None:
    (synthetic_data_dir / "catalogue_sample.csv").write_text(
        "id,title,institution\n1,Práctica sintética,Institución sintética\n", encoding="utf-8")
    settings = Settings(database_url=db.url, data_dir=synthetic_data_dir)
    prepared = prepare(settings.database_url, settings.data_dir)
    try:
        assert count(db, PlanRow) == 1 and count(db, HitoRow) == 3 and count(db, PracticeRow) == 1
        (synthetic_data_dir / "pan9" / "commitment_2.yaml").unlink()
        prepare(settings.database_url, settings.data_dir).dispose()  # not empty any more: no reload on later starts
        assert count(db, HitoRow) == 3
    finally:
        prepared.dispose()


def test_first_start_with_bad_data_raises_data_error(db: Database, make_synthetic_data_dir) -> None:
    def edit(files):
        files["actors.yaml"]["actors"][0]["sector"] = "gobierno"

    with pytest.raises(DataError):
        prepare(db.url, make_synthetic_data_dir(edit))
    assert count(db, PlanRow) == 0
