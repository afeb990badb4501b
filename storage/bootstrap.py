"""First start: bring the database schema up to date and load the shipped knowledge if it is empty.

    db = prepare(settings.database_url, settings.data_dir)

The bot and every CLI command that reads the knowledge base call this, so a fresh checkout
works with no set-up step: the first start migrates the database (Alembic `upgrade head`) and,
when no plan has been loaded yet, loads the data directory (settings.data_dir, default the
shipped knowledge/data) and its catalogue sample.  Later starts only migrate; updating the
knowledge is `hitobot load`.  On PostgreSQL a transaction-scoped advisory lock makes
concurrent first starts load once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, select, text

from storage.db import ADVISORY_LOCK_KEY, Database
from storage.models.knowledge import PracticeRow
from storage.repositories.knowledge import has_plans

log = logging.getLogger(__name__)


def prepare(database_url: str, data_dir: Path | str | None = None) -> Database:
    """A migrated Database holding at least the knowledge of `data_dir` (default: the shipped
    knowledge/data).  Raises DataError for bad data."""
    db = Database(database_url)
    try:
        db.upgrade()
        _load_if_empty(db, data_dir)
    except BaseException:
        db.dispose()
        raise
    return db


def _load_if_empty(db: Database, data_dir: Path | str | None) -> None:
    with db.session() as session:
        if db.is_postgresql:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        if has_plans(session):
            return
        # (the loader and the sync: only a first start needs them, a restart does not import them)
        from knowledge.loader import load_data_dir
        from storage.sync import load_knowledge

        no_practices = not session.scalar(select(func.count()).select_from(PracticeRow))
        # the catalogue, when it was imported already, is kept as it is
        data = load_data_dir(data_dir, include_practices=no_practices)
        report = load_knowledge(session, data, label=str(data_dir or "knowledge/data"))
        log.info("first start: knowledge loaded into an empty database\n%s", report.summary())
