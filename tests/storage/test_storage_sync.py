"""Loading the data files into the database: idempotent, transactional, history kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from knowledge.loader import load_data_dir
from knowledge.progress import commitment_progress
from knowledge.schema import KnowledgeData, Practice
from storage.db import Database
from storage.models.knowledge import HitoRow, HitoStatusChange, LoadRun, PlanRow
from storage.repositories.knowledge import (
    UnknownHito,
    hitos_due_between,
    read_knowledge,
    record_status_change,
    status_history,
    status_vocabulary,
)
from storage.sync import import_practices, load_knowledge


def load(db: Database, data: KnowledgeData):
    with db.session() as session:
        return load_knowledge(session, data)


def read(db: Database) -> KnowledgeData:
    with db.session() as session:
        return read_knowledge(session)


def without_current(data: KnowledgeData) -> dict:
    dump = data.model_dump(mode="json")
    for plan in dump["plans"]:
        for commitment in plan["commitments"]:
            for hito in commitment["hitos"]:
                hito.pop("current")
    return dump


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_what_is_loaded_reads_back_the_same(db: Database, synthetic_data_dir: Path) -> None:
    data = load_data_dir(synthetic_data_dir)
    report = load(db, data)
    assert report.changed
    assert (report.of("commitments").inserted, report.of("hitos").inserted) == (2, 3)
    assert without_current(read(db)) == without_current(data)


def test_loading_twice_changes_nothing_the_second_time(db: Database, synthetic_data_dir: Path) -> None:
    data = load_data_dir(synthetic_data_dir)
    load(db, data)
    second = load(db, load_data_dir(synthetic_data_dir))
    assert not second.changed
    assert second.of("hitos").unchanged == 3 and second.of("commitments").unchanged == 2
    assert second.summary().startswith("Sin cambios: 1 plan, 2 compromisos, 3 hitos")
    assert count(db, LoadRun) == 2


def test_the_shipped_data_loads_and_reloads_unchanged(db: Database) -> None:
    data = load_data_dir()
    load(db, data)
    assert not load(db, data).changed
    assert without_current(read(db)) == without_current(data)


def test_source_status_becomes_history_once(db: Database, synthetic_data_dir: Path) -> None:
    data = load_data_dir(synthetic_data_dir)
    assert load(db, data).of("status_claims").inserted == 1
    load(db, data)
    with db.session() as session:
        (change,) = status_history(session, "pan9", 1, 1)
    assert (change.status, change.progress, change.author_kind) == ("completado", 100, "source")
    current = read(db).plans[0].commitments[0].hitos[0].current
    assert current.status == "completado" and current.author == "fuente: 999_0000000000000000.txt"
    assert read(db).plans[0].commitments[0].hitos[1].current is None


def test_changed_hito_is_updated_in_place(db: Database, make_synthetic_data_dir) -> None:
    load(db, load_data_dir(make_synthetic_data_dir()))
    with db.session() as session:
        ids_before = dict(session.execute(select(HitoRow.text, HitoRow.id)).all())

    def edit(files):
        files["pan9/commitment_1.yaml"]["commitment"]["hitos"][1]["text"] = "Hito sintético 2, corregido"

    report = load(db, load_data_dir(make_synthetic_data_dir(edit)))
    assert (report.of("hitos").updated, report.of("hitos").unchanged) == (1, 2)
    assert report.of("commitments").unchanged == 2
    with db.session() as session:
        ids_after = dict(session.execute(select(HitoRow.text, HitoRow.id)).all())
    assert ids_after["Hito sintético 2, corregido"] == ids_before["Hito sintético 2"]


def test_user_history_survives_a_reload_and_hitos_with_history_are_retired_not_deleted(
        db: Database, make_synthetic_data_dir) -> None:
    load(db, load_data_dir(make_synthetic_data_dir()))
    with db.session() as session:
        record_status_change(session, "pan9", 1, 2, "en_progreso", 40, "Avance sintético", "user", 42, "Enlace X")

    def drop_hito_2_and_commitment_2(files):
        files["pan9/commitment_1.yaml"]["commitment"]["hitos"].pop(1)
        del files["pan9/commitment_2.yaml"]

    report = load(db, load_data_dir(make_synthetic_data_dir(drop_hito_2_and_commitment_2)))
    assert report.of("hitos").retired == 1  # c1h2 has history
    assert report.of("hitos").removed == 1  # c2h1 had none
    assert report.of("commitments").removed == 1
    assert count(db, HitoStatusChange) == 2
    data = read(db)
    assert [h.number for h in data.plans[0].commitments[0].hitos] == [1]
    assert [c.number for c in data.plans[0].commitments] == [1]
    with pytest.raises(UnknownHito), db.session() as session:
        status_history(session, "pan9", 1, 2)

    report = load(db, load_data_dir(make_synthetic_data_dir()))  # the hito comes back
    assert report.of("hitos").updated == 1 and report.of("hitos").inserted == 1
    hito = read(db).plans[0].commitments[0].hitos[1]
    assert (hito.current.status, hito.current.progress, hito.current.author) == ("en_progreso", 40, "Enlace X")


def test_a_hito_someone_follows_by_ref_is_kept(db: Database, make_synthetic_data_dir) -> None:
    load(db, load_data_dir(make_synthetic_data_dir()))
    with db.engine.begin() as connection:  # stands in for participation's subscriptions table
        connection.execute(text("CREATE TABLE synthetic_followers (ref VARCHAR(40))"))
        connection.execute(text("INSERT INTO synthetic_followers (ref) VALUES ('c2h1')"))
    try:
        def drop_commitment_2(files):
            del files["pan9/commitment_2.yaml"]

        report = load(db, load_data_dir(make_synthetic_data_dir(drop_commitment_2)))
        assert report.of("hitos").retired == 1 and report.of("commitments").retired == 1
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE synthetic_followers"))


def test_a_failed_load_leaves_the_database_as_it_was(db: Database, make_synthetic_data_dir,
                                                     monkeypatch) -> None:
    load(db, load_data_dir(make_synthetic_data_dir()))
    before = without_current(read(db))

    def edit(files):
        files["pan9/plan.yaml"]["plan"]["title"] = "Título cambiado"
        files["pan9/commitment_1.yaml"]["commitment"]["hitos"][0]["text"] = "Texto cambiado"

    import storage.sync as sync

    def explode(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(sync, "_sync_projects", explode)
    with pytest.raises(RuntimeError):
        load(db, load_data_dir(make_synthetic_data_dir(edit)))
    assert without_current(read(db)) == before
    assert count(db, LoadRun) == 1


def test_status_history_and_current_status(db: Database, synthetic_data_dir: Path) -> None:
    load(db, load_data_dir(synthetic_data_dir))
    with db.session() as session:
        record_status_change(session, "pan9", 2, 1, "en_progreso", None, "Primera", "user", 7, "Ana")
        record_status_change(session, None, 2, 1, "completado", 100, "Hecho", "user", 7, "Ana",
                             evidence="https://example.invalid/acta")
        with pytest.raises(ValueError):
            record_status_change(session, "pan9", 2, 1, "terminado", None, None, "user", 7, "Ana")
        with pytest.raises(ValueError):
            record_status_change(session, "pan9", 2, 1, "en_progreso", 140, None, "user", 7, "Ana")
        with pytest.raises(UnknownHito):
            record_status_change(session, "pan9", 2, 9, "en_progreso", None, None, "user", 7, "Ana")
    with db.session() as session:
        history = status_history(session, "pan9", 2, 1)
    assert [(c.status, c.progress) for c in history] == [("en_progreso", 50), ("completado", 100)]
    current = read(db).plans[0].commitments[1].hitos[0].current
    assert current.status == "completado" and current.evidence == "https://example.invalid/acta"


def test_commitment_progress_of_what_storage_returns(db: Database, synthetic_data_dir: Path) -> None:
    """The history read back feeds the one progress rule: every hito counts, an unknown one as 0."""
    load(db, load_data_dir(synthetic_data_dir))

    def progress(number: int) -> int | None:
        data = read(db)
        commitment = next(c for c in data.plans[0].commitments if c.number == number)
        return commitment_progress(commitment.hitos, data.statuses)

    assert progress(1) == 50  # hito 1 completed (source), hito 2 unknown (0)
    assert progress(2) is None  # nothing known
    with db.session() as session:
        record_status_change(session, "pan9", 1, 2, "en_progreso", 50, None, "user", 1, "X")
    assert progress(1) == 75
    with db.session() as session:
        record_status_change(session, "pan9", 1, 2, "sin_informacion", None, None, "user", 1, "X")
    assert progress(1) == 50


def test_hitos_due_between(db: Database, synthetic_data_dir: Path) -> None:
    load(db, load_data_dir(synthetic_data_dir))
    with db.session() as session:
        due = hitos_due_between(session, dt.date(2031, 6, 1), dt.date(2031, 12, 31))
        assert [(d.commitment, d.hito.number, d.due_date) for d in due] == [
            (1, 2, dt.date(2031, 6, 30)), (2, 1, dt.date(2031, 12, 31))]
        assert due[0].responsible_actor_keys == ("minsint",)
        assert hitos_due_between(session, dt.date(2031, 7, 1), dt.date(2031, 12, 30)) == []


def test_status_vocabulary_in_display_order(db: Database, synthetic_data_dir: Path) -> None:
    load(db, load_data_dir(synthetic_data_dir))
    with db.session() as session:
        assert [s.key for s in status_vocabulary(session)] == ["sin_informacion", "en_progreso", "completado"]


def _practice(n: int, title: str) -> Practice:
    return Practice(id=n, title=title, institution="Institución sintética", sphere="social", ods=[3])


def test_import_practices_merges_by_id_replaces_on_request_and_is_idempotent(db: Database) -> None:
    with db.session() as session:
        first = import_practices(session, [_practice(1, "Uno"), _practice(2, "Dos")], "a.csv")
    assert first.of("practices").inserted == 2
    with db.session() as session:
        again = import_practices(session, [_practice(1, "Uno"), _practice(2, "Dos")], "a.csv")
    assert not again.changed
    with db.session() as session:  # a merge: 1 stays although b.csv does not have it
        third = import_practices(session, [_practice(2, "Dos bis"), _practice(3, "Tres")], "b.csv")
    c = third.of("practices")
    assert (c.inserted, c.updated, c.removed) == (1, 1, 0)
    assert [(p.id, p.title) for p in read(db).practices] == [("1", "Uno"), ("2", "Dos bis"), ("3", "Tres")]
    with db.session() as session:
        fourth = import_practices(session, [_practice(2, "Dos bis"), _practice(3, "Tres")], "b.csv", replace=True)
    assert (fourth.of("practices").removed, fourth.of("practices").unchanged) == (1, 2)
    assert [(p.id, p.title) for p in read(db).practices] == [("2", "Dos bis"), ("3", "Tres")]


def test_knowledge_load_leaves_imported_practices_alone(db: Database, synthetic_data_dir: Path) -> None:
    with db.session() as session:
        import_practices(session, [_practice(1, "Uno")], "a.csv")
    load(db, load_data_dir(synthetic_data_dir))
    assert [p.id for p in read(db).practices] == ["1"]
    assert count(db, PlanRow) == 1
