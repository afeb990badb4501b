"""A running bot (and `hitobot chat`) answers from what a load or import changed, without a restart.

`hitobot import-catalogue` and `hitobot load` run in processes of their own; each one that
changes something adds a `load_runs` row (storage/sync.py).  The bot compares the database's
data version (storage.repositories.knowledge.data_version) with the one its knowledge base was
read at, every DATA_CHECK_SECONDS (default 5; a JobQueue job), and when it differs reads the
knowledge base again and builds a new knowledge core in a worker thread; the handlers see the
new one from their next update (they take `services.knowledge` / `services.data` each time).
`hitobot chat` asks before each question.  The same query works on SQLite and PostgreSQL.

A focal point's status update needs none of this: it is written by the bot itself, which
changes the hito's status in its knowledge base in place (participation/updates.py); the
core keeps nothing derived from statuses, so the next answer says the new one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

JOB_NAME = "knowledge-reload"

# (version, data, knowledge) or None: what `read_if_changed` found
Reloaded = tuple[Any, Any, Any]


def read_if_changed(database: Any, known_version: Any) -> Reloaded | None:
    """(new version, KnowledgeData, Knowledge) when the database's data version is not
    `known_version`, else None.  The version is read before the knowledge base, in one
    transaction: a load that commits in between makes one more reload, never a missed one."""
    from storage.repositories.knowledge import data_version, read_knowledge

    with database.session() as session:
        version = data_version(session)
        if version == known_version:
            return None
        data = read_knowledge(session)
    from knowledge.core import Knowledge

    return version, data, Knowledge(data)


def refresh_services(services: Any) -> bool:
    """Swap in a new knowledge base when the database has changed; True when it did.
    Runs in a worker thread (reading and building take a moment); the swap itself is two
    attribute assignments."""
    if services.database is None or services.data_version is None:
        return False
    found = read_if_changed(services.database, services.data_version)
    if found is None:
        return False
    version, data, knowledge = found
    services.replace_knowledge(data, knowledge, version)
    log.info("knowledge base changed in the database (version %s): reloaded, %d practices",
             version, len(data.practices))
    return True


async def reload_job(context: Any) -> None:
    """The JobQueue job: refresh_services in a worker thread; a failure is logged, not raised
    (the bot keeps answering from what it has and tries again at the next tick)."""
    from participation.context import SERVICES_KEY

    services = context.application.bot_data.get(SERVICES_KEY)
    if services is None:
        return
    try:
        await asyncio.to_thread(refresh_services, services)
    except Exception:
        log.exception("could not check the database for a changed knowledge base")


def schedule(application: Any, interval: float) -> bool:
    """Add the job (when there is a JobQueue and interval > 0); True when it was added."""
    if interval <= 0:
        return False
    if application.job_queue is None:
        log.warning("no JobQueue: the bot sees loads and imports only after a restart "
                    "(install python-telegram-bot[job-queue])")
        return False
    application.job_queue.run_repeating(reload_job, interval=interval, first=interval, name=JOB_NAME)
    return True


class ChatRefresher:
    """For `hitobot chat`: the knowledge core to answer with, read again when the database
    changed since the last question."""

    def __init__(self, database: Any, version: Any, knowledge: Any) -> None:
        self.database, self.version, self.knowledge = database, version, knowledge

    def __call__(self) -> Any:
        try:
            found = read_if_changed(self.database, self.version)
        except Exception:  # a database that went away: keep answering from what we have
            log.warning("could not check the database for a changed knowledge base", exc_info=True)
            return self.knowledge
        if found is not None:
            self.version, _data, self.knowledge = found
        return self.knowledge
