"""First start: bring the database schema up to date and load the shipped knowledge if it is empty.

    db = prepare(Settings.from_env())

The bot and every CLI command that reads the knowledge base call this, so a fresh checkout
works with no set-up step: the first start migrates the database (Alembic `upgrade head`) and,
when no plan has been loaded yet, loads the data directory (settings.data_dir, default the
shipped knowledge/data) and its catalogue sample.  Later starts only migrate; updating the
knowledge is `hitobot load`.  On PostgreSQL a transaction-scoped advisory lock makes
concurrent first starts load once.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import func, select, text

from bot.config import Settings
from knowledge.schema import KnowledgeData
from storage.db import ADVISORY_LOCK_KEY, Database
from storage.models.knowledge import PracticeRow
from storage.repositories.knowledge import has_plans

log = logging.getLogger(__name__)


def prepare(settings: Settings) -> Database:
    """A migrated Database holding at least the shipped knowledge.  Raises DataError for bad data."""
    db = Database(settings.database_url)
    try:
        reading = None
        if not db.is_at_head():
            # A database not at head (an empty one, on a first start) will most likely need the
            # first load too: the data files are read and validated in a thread meanwhile, which
            # runs while this one waits for the server to create the schema (start-up time).
            from knowledge.loader import load_data_dir

            with ThreadPoolExecutor(1, thread_name_prefix="hitobot-read-data") as pool:
                reading = pool.submit(load_data_dir, settings.data_dir, include_practices=True)
                db.upgrade()
        _load_if_empty(db, settings, reading)
    except BaseException:
        db.dispose()
        raise
    return db


def _load_if_empty(db: Database, settings: Settings, reading: Future[KnowledgeData] | None = None) -> None:
    with db.session() as session:
        if db.is_postgresql:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        if has_plans(session):
            return
        # Imported only for a first start (start-up time: the loader and sync are not needed later).
        from knowledge.loader import load_data_dir
        from storage.sync import load_knowledge

        no_practices = not session.scalar(select(func.count()).select_from(PracticeRow))
        if reading is not None:
            data = reading.result()
            if not no_practices:  # the catalogue was imported already: keep it as it is
                data = data.model_copy(update={"practices": []})
        else:
            data = load_data_dir(settings.data_dir, include_practices=no_practices)
        report = load_knowledge(session, data, label=str(settings.data_dir or "knowledge/data"))
        log.info("first start: knowledge loaded into an empty database\n%s", report.summary())
