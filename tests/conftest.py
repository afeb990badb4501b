"""Shared test fixtures: a migrated database (SQLite by default, PostgreSQL on request).

- `database_url` (session): a fresh SQLite file in a temporary directory, or, when the
  environment variable HITOBOT_TEST_DATABASE_URL is set (e.g.
  postgresql+psycopg://postgres@127.0.0.1:5432/test), a fresh PostgreSQL database created for
  this test session next to the given one and dropped at the end.
- `db` (function): a `storage.db.Database` on that URL, migrated to head once per session and
  with every table emptied before each test (fast: one TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, normalize_url

TEST_DATABASE_ENV = "HITOBOT_TEST_DATABASE_URL"


@contextlib.contextmanager
def fresh_database(prefix: str, tmp_dir: Path, server_url: str | None = None) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in tmp_dir, or a new PostgreSQL database
    (dropped after) on server_url, which defaults to $HITOBOT_TEST_DATABASE_URL."""
    if server_url is None:
        server_url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not server_url:
        yield f"sqlite:///{tmp_dir / (prefix + '.sqlite3')}"
        return
    server_url = normalize_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def database_at(prefix: str, tmp_dir: Path, revision: str) -> Iterator[Database]:
    """A new database migrated up to `revision` (a migration test's starting point: rows of that
    version go in, then the test upgrades), disposed of after."""
    with fresh_database(prefix, tmp_dir) as url:
        database = Database(url)
        try:
            database.upgrade(revision)
            yield database
        finally:
            database.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database("hitobot_test", tmp_path_factory.mktemp("db")) as url:
        yield url


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


# --- a small synthetic data directory (the layout of knowledge/data; invented content) ----------

SYNTHETIC_SOURCE = {"document": "999_0000000000000000.txt", "section": "synthetic test data"}


def synthetic_data() -> dict[str, object]:
    """File name -> YAML content of a tiny, invented knowledge base (labelled synthetic)."""
    src = dict(SYNTHETIC_SOURCE)
    statuses = [
        {"key": "sin_informacion", "name_es": "Sin información", "name_en": "No information",
         "irm_level": "unknown", "progress": None, "order": 0},
        {"key": "en_progreso", "name_es": "En progreso", "name_en": "In progress",
         "irm_level": "limited", "progress": 50, "order": 2},
        {"key": "completado", "name_es": "Completado", "name_en": "Completed",
         "irm_level": "complete", "progress": 100, "order": 4, "final": True},
    ]
    actors = [
        {"key": "minsint", "name": "Ministerio Sintético de Pruebas", "acronym": "MINSINT",
         "aliases": ["Ministerio de Pruebas"], "sector": "government", "source": src},
        {"key": "red-ficticia", "name": "Red Ficticia", "sector": "civil_society", "source": src},
        {"key": "agencia-x", "name": "Agencia Imaginaria de Cooperación", "acronym": "AIX",
         "sector": "international", "country": "Atlántida", "source": src},
    ]
    acronyms = [{"acronym": "MINSINT", "expansion": "Ministerio Sintético de Pruebas",
                 "actor": "minsint", "source": src}]
    plan = {"plan": {"key": "pan9", "number": 9, "title": "Plan sintético de prueba",
                     "period_label": "2030-2032", "start": "2030-01", "end": "2032-12",
                     "current": True, "summary": "Plan inventado para pruebas.",
                     "facts": [{"topic": "validity", "text": "Vigente de 2030 a 2032.", "source": src}],
                     "thematic_tables": [{"number": 1, "topic": "Datos", "date": "2029-05-02"}],
                     "source": src}}

    def hito(n: int, end: str, status: str | None = None) -> dict[str, object]:
        h: dict[str, object] = {
            "number": n, "text": f"Hito sintético {n}", "start": "2030-01", "end": end,
            "responsible": ["Ministerio Sintético de Pruebas -MINSINT-"],
            "supporters": {"government": ["MINSINT"], "osc": ["Red Ficticia"], "other": ["~Personas invitadas"]},
            "source": src,
            "activities": [{"number": 1, "text": f"Actividad sintética {n}.1", "responsible": ["AIX"], "source": src}],
        }
        if status:
            h["status"] = {"status": status, "as_of": "2031-01", "quote": "Según la fuente sintética.", "source": src}
        return h

    commitment_1 = {"plan_key": "pan9", "commitment": {
        "number": 1, "title": "Compromiso sintético uno", "start": "2030-01", "end": "2031-12",
        "responsible": ["Ministerio de Pruebas"],
        "osc_and_other_actors": [{"label": "Año 2030", "actors": ["Red Ficticia"]}],
        "other_actors": ["Agencia Imaginaria de Cooperación (AIX)"],
        "causes": ["Causa inventada."],
        "hitos": [hito(1, "2030-06", "completado"), hito(2, "2031-06")],
        "source": src}}
    commitment_2 = {"plan_key": "pan9", "commitment": {
        "number": 2, "title": "Compromiso sintético dos", "responsible": ["MINSINT"],
        "hitos": [hito(1, "2031-12-31")], "source": src}}
    projects = [{"key": "proyecto-x", "title": "Proyecto sintético", "source": src,
                 "partners": [{"country": "Atlántida", "actor": "AIX", "role": "socio"}],
                 "components": [{"title": "Componente A", "expected_results": ["R1"]}]}]
    catalogue = {"title": "Catálogo sintético", "period_label": "2030", "publisher": "minsint",
                 "practice_count": 2, "institution_count": 1, "institution_breakdown": ["1 ministerio"],
                 "spheres": ["social"], "source": src}
    return {
        "statuses.yaml": {"statuses": statuses},
        "actors.yaml": {"actors": actors},
        "acronyms.yaml": {"acronyms": acronyms},
        "projects.yaml": {"projects": projects},
        "catalogue.yaml": {"catalogue": catalogue},
        "pan9/plan.yaml": plan,
        "pan9/commitment_1.yaml": commitment_1,
        "pan9/commitment_2.yaml": commitment_2,
    }


def write_data_dir(root: Path, files: dict[str, object]) -> Path:
    import yaml

    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(
            content, allow_unicode=True, sort_keys=False)
        path.write_text("# SYNTHETIC test data, invented for the tests\n" + text, encoding="utf-8")
    return root


@pytest.fixture
def make_synthetic_data_dir(tmp_path: Path) -> Callable[..., Path]:
    """make(edit=None, name="data") -> a synthetic data directory; `edit(files)` may change the
    file contents (a dict: file name -> YAML data, or text) before they are written."""
    counter = iter(range(1_000_000))

    def make(edit: Callable[[dict[str, object]], None] | None = None, name: str | None = None) -> Path:
        files = synthetic_data()
        if edit is not None:
            edit(files)
        return write_data_dir(tmp_path / (name or f"data{next(counter)}"), files)

    return make


@pytest.fixture
def synthetic_data_dir(make_synthetic_data_dir: Callable[..., Path]) -> Path:
    """A small synthetic knowledge/data directory (2 commitments, 3 hitos, 3 actors)."""
    return make_synthetic_data_dir()
