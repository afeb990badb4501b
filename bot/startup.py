"""Start-up time: the cyclic garbage collector rests while the bot starts.

Starting the bot allocates a few hundred thousand long-lived objects (modules, classes, the
knowledge base, the index) and very little cyclic garbage, yet the collector, triggered by
allocation counts, walks all of them again and again: measured, 0.2-0.3 s of a 2 s start.
`hitobot run` pauses it before the heavy imports; the end of post_init (the command menu is
set: the bot is ready) resumes it, so the first collection afterwards frees whatever garbage
start-up left.  Nothing else changes: the collector runs as before once the bot is up.

`hitobot run` also starts preparing the database and the knowledge core (`prepare_knowledge`)
in a worker thread before it imports python-telegram-bot and the handlers: while one thread
waits for the database (PostgreSQL round trips, the first start's DDL and inserts) the other
imports.  post_init waits for the result (and raises what the preparation raised).
"""

from __future__ import annotations

import gc
import threading
from concurrent.futures import Future
from typing import Any

# (database or None, KnowledgeData, Knowledge)
PreparedKnowledge = tuple[Any, Any, Any]

_paused = False


def pause_gc() -> None:
    """Pause automatic collection (only if it is on; idempotent)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Resume what pause_gc paused (a no-op when it paused nothing)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def prepare_knowledge(settings: Any) -> PreparedKnowledge:
    """Open the database (migrating and loading it on first start), read the knowledge base
    and build the knowledge core: (database or None, data, knowledge).  No Telegram here."""
    database: Any | None = None
    try:
        from storage.bootstrap import prepare
        from storage.repositories.knowledge import read_knowledge
    except ImportError:  # storage not installed in this build: read the data files directly
        from knowledge.loader import load_data_dir

        data = load_data_dir(settings.data_dir)
    else:
        database = prepare(settings)
        try:
            with database.session() as session:
                data = read_knowledge(session)
        except BaseException:
            database.dispose()
            raise
    from knowledge.core import Knowledge

    return database, data, Knowledge(data)


def prepare_in_background(settings: Any) -> Future[PreparedKnowledge]:
    """prepare_knowledge(settings) in a daemon thread, starting now; its result or exception
    arrives through the returned future (a start that fails elsewhere does not wait for it)."""
    # The modules both threads need are imported here first, in this thread: two threads
    # importing one package at the same moment can meet a partly initialised module.  After
    # this the worker imports only what the handlers never do (the database driver; on a
    # first start the loader and sync; Alembic for a migration).
    import knowledge.actors  # noqa: F401
    import knowledge.core  # noqa: F401

    try:
        import storage.bootstrap  # noqa: F401
        import storage.repositories.knowledge  # noqa: F401
        from storage.db import model_metadata
    except ImportError:  # storage not installed in this build
        pass
    else:
        model_metadata()  # every model module
    future: Future[PreparedKnowledge] = Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(prepare_knowledge(settings))
        except BaseException as exc:  # handed to post_init, which re-raises it
            future.set_exception(exc)

    threading.Thread(target=work, name="hitobot-prepare", daemon=True).start()
    return future
