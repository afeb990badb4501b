"""Database connection: one engine and one sessionmaker per process, Alembic upgrades, SQLite tuning.

    db = Database("sqlite:///hitobot.sqlite3")      # or postgresql+psycopg://user@host/db
    db.upgrade()                                     # alembic upgrade head
    with db.session() as session:                    # commits on success, rolls back on error
        ...
    db.dispose()

A plain `postgresql://` URL is read as psycopg 3 (`postgresql+psycopg://`).  SQLite connections
get foreign keys on, WAL journaling and a busy timeout, so the bot and a CLI command can share
one file.  `upgrade()` is Alembic's `upgrade head`, under a PostgreSQL advisory lock so several processes
starting at once do not race each other through the migrations; a database already at
`HEAD_REVISION` (every restart) is left as it is without importing Alembic (~0.3 s of a start).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
# The newest revision in storage/migrations/versions (a new migration updates it;
# tests/storage/test_migrations_match_models.py checks it is Alembic's head).
HEAD_REVISION = "0008"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Any constant shared by every hitobot process; names the PostgreSQL advisory lock.
ADVISORY_LOCK_KEY = 0x68_69_74_6F  # "hito"


def normalize_url(url: str) -> str:
    """postgresql:// and postgres:// -> postgresql+psycopg:// (psycopg 3); other URLs as given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


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


def dialect_insert(session: Session):
    """The INSERT of the session's dialect (for ON CONFLICT): imported on first use, so a start
    never imports the dialect it does not use (PostgreSQL's: ~20 ms on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert
    from sqlalchemy.dialects.sqlite import insert

    return insert


def _version(connection: Connection) -> str | None:
    """The revision Alembic's version table holds (None: no schema yet)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


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

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to `revision` (default: the newest) with Alembic; a database at the
        newest already (a restart) is left as it is, without importing Alembic."""
        with self.engine.connect() as connection:
            at = _version(connection)
            connection.rollback()
            if revision == "head" and at == HEAD_REVISION:
                return
            from alembic import command

            if self.is_postgresql:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
                connection.commit()
            try:
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
