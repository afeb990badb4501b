"""The Alembic migrations build the schema the models describe: on an empty database migrated to
head, Alembic's own comparison (the one `alembic revision --autogenerate` uses) finds nothing to
add, drop or change.  A model changed without its migration fails here.  SQLite, and PostgreSQL
with HITOBOT_TEST_DATABASE_URL."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import storage.models
from storage.db import HEAD_REVISION, Database
from storage.models.base import Base
from tests.conftest import database_at, fresh_database


def model_metadata():
    for module in pkgutil.iter_modules(storage.models.__path__):
        importlib.import_module(f"storage.models.{module.name}")
    return Base.metadata


def test_an_empty_database_migrated_to_head_has_exactly_the_models_schema(tmp_path: Path) -> None:
    with fresh_database("hitobot_schema", tmp_path) as url:
        database = Database(url)
        try:
            database.upgrade()
            head = ScriptDirectory.from_config(database.alembic_config()).get_current_head()
            assert database.current_revision() == head
            with database.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, model_metadata()) == []
            database.upgrade()  # a restart: nothing to do, still at head
            assert database.current_revision() == head
        finally:
            database.dispose()


def test_head_revision_is_alembics_head_and_a_restart_does_not_import_alembic(tmp_path: Path) -> None:
    with fresh_database("hitobot_schema_restart", tmp_path) as url:
        database = Database(url)
        try:
            database.upgrade()
            assert ScriptDirectory.from_config(database.alembic_config()).get_current_head() == HEAD_REVISION
        finally:
            database.dispose()
        probe = ("import sys; from storage.db import Database; d = Database(sys.argv[1]); d.upgrade(); "
                 "d.dispose(); print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
        out = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parents[2])
        assert out.stdout.strip() == "[]"


def test_a_half_migrated_database_is_upgraded_to_head(tmp_path: Path) -> None:
    with database_at("hitobot_schema_half", tmp_path, "0001") as database:
        assert (database.current_revision() or "").startswith("0001")
        database.upgrade()
        assert database.current_revision() == ScriptDirectory.from_config(
            database.alembic_config()).get_current_head()
