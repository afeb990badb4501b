"""Shared test fixtures: a migrated database (SQLite by default, PostgreSQL on request).

- `database_url` (session): a fresh SQLite file in a temporary directory, or, when the
  environment variable HITOBOT_TEST_DATABASE_URL is set (e.g.
  postgresql+psycopg://postgres@127.0.0.1:5432/test), a fresh PostgreSQL database created for
  this test session next to the given one and dropped at the end.
- `db` (function): a `storage.db.Database` on that URL, migrated to head once per session and
  with every table emptied before each test (fast: one TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, normalize_url

TEST_DATABASE_ENV = "HITOBOT_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'hitobot_test.sqlite3'}"
        return
    server_url = normalize_url(server_url)
    name = f"hitobot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _migrated_database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


def _table_names_children_first(database: Database) -> list[str]:
    metadata = MetaData()
    metadata.reflect(database.engine)
    return [t.name for t in reversed(metadata.sorted_tables) if t.name != "alembic_version"]


def empty_all_tables(database: Database, tables: list[str] | None = None) -> None:
    """Delete every row of every table except Alembic's version table."""
    tables = _table_names_children_first(database) if tables is None else tables
    if not tables:
        return
    with database.engine.begin() as connection:
        if database.is_postgresql:
            quoted = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(scope="session")
def _all_tables(_migrated_database: Database) -> list[str]:
    return _table_names_children_first(_migrated_database)


@pytest.fixture
def db(_migrated_database: Database, _all_tables: list[str]) -> Database:
    empty_all_tables(_migrated_database, _all_tables)
    return _migrated_database
