"""The Alembic migrations build the schema the models describe: on an empty database migrated to
head, Alembic's own comparison (the one `alembic revision --autogenerate` uses) finds nothing to
add, drop or change.  A model changed without its migration fails here.  SQLite, and PostgreSQL
with HITOBOT_TEST_DATABASE_URL."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import storage.models
from storage.db import Database
from storage.models.base import Base
from tests.conftest import fresh_database


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


def test_a_half_migrated_database_is_upgraded_to_head(tmp_path: Path) -> None:
    with fresh_database("hitobot_schema_half", tmp_path) as url:
        database = Database(url)
        try:
            database.upgrade("0001")
            assert (database.current_revision() or "").startswith("0001")
            database.upgrade()
            assert database.current_revision() == ScriptDirectory.from_config(
                database.alembic_config()).get_current_head()
        finally:
            database.dispose()
