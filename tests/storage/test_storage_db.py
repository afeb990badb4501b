"""Storage basics: the schema migrates on SQLite and PostgreSQL, sessions commit or roll back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from storage.db import Database, normalize_url
from storage.models.knowledge import StatusRow


def test_plain_postgresql_url_uses_psycopg3() -> None:
    assert normalize_url("postgresql://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert normalize_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"


def test_upgrade_creates_the_knowledge_tables_at_revision_head(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"plans", "commitments", "hitos", "activities", "actors", "hito_status_changes",
            "practices", "projects", "statuses", "load_runs"} <= tables
    assert db.current_revision() is not None


def test_upgrade_twice_is_harmless(db: Database) -> None:
    before = db.current_revision()
    db.upgrade()
    assert db.current_revision() == before


def _status(key: str) -> StatusRow:
    return StatusRow(key=key, name_es=key, name_en=key, irm_level="unknown", sort_order=0)


def test_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with db.session() as session:
        session.add(_status("uno"))
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(_status("dos"))
        session.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        keys = session.scalars(select(StatusRow.key)).all()
    assert keys == ["uno"]


def test_tables_are_empty_at_the_start_of_each_test(db: Database) -> None:
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(StatusRow)) == 0
        session.add(_status("tres"))


def test_tables_are_empty_again(db: Database) -> None:
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(StatusRow)) == 0


def test_sqlite_enforces_foreign_keys(tmp_path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'fk.sqlite3'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    database.dispose()
