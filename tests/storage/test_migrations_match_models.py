"""The first-start fast path (create_all + stamp head on an EMPTY database) builds exactly the
schema the Alembic migrations 0001..head build: compared through reflection, table by table,
on SQLite and (with HITOBOT_TEST_DATABASE_URL) on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from storage.db import Database, script_heads
from tests.conftest import fresh_database


def _norm(value: Any) -> Any:
    """Reflected values in a comparable form (whitespace and quoting of SQL text ignored)."""
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value.replace('"', "")).strip()
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value


def reflected_schema(database: Database) -> dict[str, Any]:
    """Every table: columns (type, nullability, default), primary key, foreign keys, indexes,
    unique and check constraints, with their names."""
    out: dict[str, Any] = {}
    with database.engine.connect() as connection:
        inspector = inspect(connection)
        for table in sorted(inspector.get_table_names()):
            out[table] = _norm({
                "columns": [{"name": c["name"], "type": str(c["type"].compile(dialect=connection.dialect)),
                             "nullable": c["nullable"], "default": c.get("default")}
                            for c in inspector.get_columns(table)],
                "pk": inspector.get_pk_constraint(table),
                "fks": sorted(inspector.get_foreign_keys(table), key=lambda f: str(f.get("name"))),
                "indexes": sorted(inspector.get_indexes(table), key=lambda i: str(i.get("name"))),
                "uniques": sorted(inspector.get_unique_constraints(table), key=lambda u: str(u.get("name"))),
                "checks": sorted(inspector.get_check_constraints(table), key=lambda c: str(c.get("name"))),
            })
    return out


@pytest.fixture
def two_empty_databases(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    with fresh_database("hitobot_schema_migrated", tmp_path) as a, \
            fresh_database("hitobot_schema_fast", tmp_path) as b:
        migrated, fast = Database(a), Database(b)
        try:
            yield migrated, fast
        finally:
            migrated.dispose()
            fast.dispose()


def test_fast_first_start_schema_equals_the_migrated_schema(two_empty_databases) -> None:
    migrated, fast = two_empty_databases
    migrated.upgrade(fast_empty=False)  # Alembic: 0001, 0002, 0003 ... one by one
    fast.upgrade()  # empty database: create_all + stamp head
    assert migrated.current_revision() == fast.current_revision() == next(iter(script_heads()))
    expected, got = reflected_schema(migrated), reflected_schema(fast)
    assert sorted(got) == sorted(expected)
    for table in expected:
        assert got[table] == expected[table], table


def test_fast_path_database_upgrades_and_reports_head_like_a_migrated_one(two_empty_databases) -> None:
    _, fast = two_empty_databases
    fast.upgrade()
    assert fast.is_at_head()
    fast.upgrade()  # a second start: nothing to do
    fast.upgrade(fast_empty=False)  # and Alembic agrees there is nothing to run
    with fast.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [next(iter(script_heads()))]


def test_a_database_with_tables_is_never_recreated(two_empty_databases) -> None:
    """Only a database with no table at all takes the fast path: a half-migrated one (here: at
    the first revision) is upgraded by Alembic."""
    first_revision = "0001"
    migrated, _ = two_empty_databases
    migrated.upgrade(first_revision, fast_empty=False)
    revision = migrated.current_revision()
    assert revision is not None and revision.startswith(first_revision)
    migrated.upgrade()
    assert migrated.is_at_head()
