"""Database connection: one engine and one sessionmaker per process, Alembic upgrades, SQLite tuning.

    db = Database("sqlite:///hitobot.sqlite3")      # or postgresql+psycopg://user@host/db
    db.upgrade()                                     # alembic upgrade head
    with db.session() as session:                    # commits on success, rolls back on error
        ...
    db.dispose()

A plain `postgresql://` URL is read as psycopg 3 (`postgresql+psycopg://`).  SQLite connections
get foreign keys on, WAL journaling and a busy timeout, so the bot and a CLI command can share
one file.  `upgrade()` holds a PostgreSQL advisory lock so several processes starting at once
do not race each other through the migrations.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    create_mock_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:  # Alembic is imported only when a migration really has to run (start-up time)
    from alembic.config import Config

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Any constant shared by every hitobot process; names the PostgreSQL advisory lock.
ADVISORY_LOCK_KEY = 0x68_69_74_6F  # "hito"


def normalize_url(url: str) -> str:
    """postgresql:// and postgres:// -> postgresql+psycopg:// (psycopg 3); other URLs as given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(.+?)\s*(?:#.*)?$", re.M)


def script_heads(versions_dir: Path | None = None) -> set[str]:
    """The head revision(s) of the migration scripts, read from their top-level
    `revision = "..."` and `down_revision = "..."` lines without importing Alembic or parsing
    the scripts (a few ms instead of ~0.3 s).  An empty set means "could not tell" (a merge
    revision, a computed value): callers then ask Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (versions_dir or MIGRATIONS_DIR / "versions").glob("*.py"):
        found: dict[str, object] = {}
        for match in _REVISION_LINE.finditer(path.read_text(encoding="utf-8")):
            if match.group(1) in found:
                return set()
            try:
                found[match.group(1)] = ast.literal_eval(match.group(2))
            except (ValueError, SyntaxError):
                return set()
        revision, parent = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str) or not (parent is None or isinstance(parent, str)):
            return set()
        revisions.add(revision)
        if parent:
            parents.add(parent)
    return revisions - parents


def model_metadata() -> MetaData:
    """The metadata of every model module under storage/models (as migrations/env.py sees it)."""
    import importlib
    import pkgutil

    import storage.models
    from storage.models.base import Base

    for module in pkgutil.iter_modules(storage.models.__path__):
        importlib.import_module(f"storage.models.{module.name}")
    return Base.metadata


def create_schema_at_head(connection: Connection, head: str) -> None:
    """On an empty database: every table of the models, and alembic_version = head, exactly as
    Alembic writes that table (version_num VARCHAR(32), primary key alembic_version_pkc).
    In the caller's transaction on PostgreSQL (transactional DDL); on SQLite the driver runs
    DDL outside a transaction, exactly as it does for Alembic's own scripts."""
    version = Table("alembic_version", MetaData(),
                    Column("version_num", String(32), nullable=False),
                    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    if connection.dialect.name == "postgresql":
        # Every statement create_all would send, sent as one script: one round trip instead of
        # one per table and index (~50; start-up time).  The caller saw no table at all.
        statements = [*_create_all_statements(model_metadata(), connection.engine.url),
                      *_create_all_statements(version.metadata, connection.engine.url)]
        connection.exec_driver_sql(";\n".join(statements))
    else:
        model_metadata().create_all(connection, checkfirst=False)
        version.create(connection)
    connection.execute(version.insert().values(version_num=head))


def _create_all_statements(metadata: MetaData, url: Any) -> list[str]:
    """The DDL `metadata.create_all(checkfirst=False)` emits for this URL's dialect, as SQL text
    (captured through a mock engine, so tables, indexes and any types come in create_all's order)."""
    statements: list[str] = []

    def collect(element: Any, *_multiparams: Any, **_params: Any) -> None:
        statements.append(str(element.compile(dialect=mock.dialect)).strip())

    mock = create_mock_engine(url, collect)
    metadata.create_all(mock, checkfirst=False)
    return statements


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _quiet_alembic() -> None:
    """Alembic logs every step at INFO; keep that for DEBUG runs only."""
    alembic_log = logging.getLogger("alembic")
    if alembic_log.level == logging.NOTSET and not logging.getLogger().isEnabledFor(logging.DEBUG):
        alembic_log.setLevel(logging.WARNING)


class Database:
    """An engine, its sessionmaker, and the schema upgrade."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = normalize_url(url)
        if make_url(self.url).get_backend_name() == "postgresql":
            # A restarted server or a killed backend leaves dead connections in the pool:
            # test each one on checkout (one cheap round trip) instead of failing a request.
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: Engine = create_engine(self.url, **engine_options)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _tune_sqlite)
        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        session = self._sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def run(self, fn: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """fn(session, *args, **kwargs) in one transaction (`session()`), here and now."""
        with self.session() as session:
            return fn(session, *args, **kwargs)

    async def call(self, fn: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`run` in a worker thread (asyncio.to_thread): how the bot's handlers and jobs reach the
        database. A slow or locked database (SQLite waits up to its busy timeout for another
        writer) then delays only the update that waits for it, never the event loop and so never
        anybody else's answer. `fn` gets the session and returns plain values (or objects whose
        attributes it has read: sessions do not expire them on commit)."""
        return await asyncio.to_thread(self.run, fn, *args, **kwargs)

    def alembic_config(self, connection: Connection | None = None) -> Config:
        """A programmatic Alembic config (no alembic.ini needed; works from an installed package)."""
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def is_at_head(self) -> bool:
        """True when the database is already at the one head revision of the scripts (one cheap
        query; False whenever in doubt, so the caller runs Alembic)."""
        heads = script_heads()
        if len(heads) != 1:
            return False
        try:
            with self.engine.connect() as connection:
                current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except SQLAlchemyError:  # no alembic_version table yet: an empty database
            return False
        return current == list(heads)

    def upgrade(self, revision: str = "head", *, fast_empty: bool = True) -> None:
        """Bring the schema to `revision` (default: the newest).

        An EMPTY database going to head is created from the models in one transaction and
        stamped with the head revision (`create_schema_at_head`): the schema the migrations
        produce (tests/storage/test_schema_fast_path.py compares the two on SQLite and
        PostgreSQL), without importing Alembic or running its scripts one by one.
        fast_empty=False always runs the migrations."""
        # Start-up time: a database already at head needs neither Alembic's import (~0.3 s)
        # nor its machinery; only a real migration pays for them.
        if revision == "head" and self.is_at_head():
            return
        with self.engine.connect() as connection:
            if self.is_postgresql:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
                connection.commit()
            try:
                heads = script_heads() if revision == "head" and fast_empty else set()
                if len(heads) == 1 and not inspect(connection).get_table_names():
                    create_schema_at_head(connection, next(iter(heads)))
                else:
                    from alembic import command

                    _quiet_alembic()
                    command.upgrade(self.alembic_config(connection), revision)
                connection.commit()
            finally:
                if self.is_postgresql:
                    connection.rollback()
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                    connection.commit()

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({make_url(self.url).render_as_string(hide_password=True)!r})"
