"""Start-up time: the garbage collector rests, and the database is prepared on another core.

Starting the bot allocates a few hundred thousand long-lived objects (modules, classes, the
knowledge base, the index) and very little cyclic garbage, yet the collector, triggered by
allocation counts, walks all of them again and again: measured, 0.2-0.3 s of a 2 s start.
`hitobot run` pauses it before the heavy imports; the end of post_init (the command menu is
set: the bot is ready) resumes it, so the first collection afterwards frees whatever garbage
start-up left.  Nothing else changes: the collector runs as before once the bot is up.

`hitobot run` also starts preparing the database and the knowledge core (`prepare_knowledge`)
before it imports python-telegram-bot and the handlers, and post_init waits for the result (and
raises what the preparation raised).  Start-up is CPU-bound and the machine has more than one
core, so the database part — migrate, and on a first start parse the data files and write them
(bootstrap.prepare) — runs in a forked child process, on another core, while this process
imports; a worker thread here opens the database once the child is done, reads the knowledge
base and builds the core.  (A thread alone shares one interpreter lock with the imports: both
steps then take turns on one core.)  The fork happens only while this process has a single
thread (forking a multi-threaded process can copy a held lock); otherwise the thread does it all.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
from concurrent.futures import Future
from typing import Any

# (database or None, KnowledgeData, Knowledge, data version or None: bot/reload.py)
PreparedKnowledge = tuple[Any, Any, Any, Any]

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


class PreparationError(RuntimeError):
    """The forked preparation process failed with an error that could not be handed over as
    itself (or it died); the message is what it said."""


def prepare_knowledge(settings: Any, database_ready: DatabasePreparation | None = None) -> PreparedKnowledge:
    """Open the database (migrating and loading it on first start), read the knowledge base
    and build the knowledge core: (database or None, data, knowledge, the data version it was
    read at, for bot/reload.py).  No Telegram here.
    With `database_ready` (a forked child doing the migration and first load), the database is
    opened as soon as the child reports success instead of being prepared here."""
    database: Any | None = None
    version: Any = None
    try:
        from storage.bootstrap import prepare
        from storage.db import Database
        from storage.repositories.knowledge import data_version, read_knowledge
    except ImportError:  # storage not installed in this build: read the data files directly
        from knowledge.loader import load_data_dir

        data = load_data_dir(settings.data_dir)
    else:
        if database_ready is None:
            database = prepare(settings)
        else:
            database = Database(settings.database_url)  # imports the driver while the child works
            try:
                database_ready.wait()
            except BaseException:
                database.dispose()
                raise
        try:
            with database.session() as session:
                version = data_version(session)  # first: a load committing meanwhile is seen later
                data = read_knowledge(session)
        except BaseException:
            database.dispose()
            raise
    from knowledge.core import Knowledge

    return database, data, Knowledge(data), version


class DatabasePreparation:
    """`storage.bootstrap.prepare(settings)` in a forked child process (see the module doc).

    The child reports on a pipe: nothing and exit status 0 when the database is ready, else its
    exception, pickled (a DataError arrives with every issue, as if raised here), or the
    exception's text.  `wait()` returns once the database is ready, or raises that exception
    (PreparationError when only the text came, or the child died without a word)."""

    def __init__(self, settings: Any) -> None:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(read_end)
            _prepare_and_exit(settings, write_end)
        os.close(write_end)
        self._read_end = read_end

    def wait(self) -> None:
        chunks = []
        with os.fdopen(self._read_end, "rb") as pipe:
            while chunk := pipe.read(65536):
                chunks.append(chunk)
        _pid, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        report = b"".join(chunks)
        if report.startswith(b"P"):  # the child's exception, pickled: raised here as it was there
            try:
                exc = pickle.loads(report[1:])
            except Exception:
                exc = None
            if isinstance(exc, BaseException):
                raise exc
        if code != 0 or report:
            message = report[1:].decode("utf-8", "replace").strip()
            raise PreparationError(message or f"database preparation ended with status {code}")


def _prepare_and_exit(settings: Any, write_end: int) -> None:
    code = 0
    try:
        from storage.bootstrap import prepare

        prepare(settings).dispose()
    except BaseException as exc:  # told to the parent, which raises it at post_init
        code = 1
        try:
            report = b"P" + pickle.dumps(exc)
        except Exception:
            report = b"T" + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(report)
        except OSError:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def _can_fork(settings: Any) -> bool:
    """Fork only a single-threaded process, not when told not to, and not for an in-memory
    SQLite database (the child's would vanish with it)."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    if os.environ.get("HITOBOT_PREPARE_IN_PROCESS", "") == "1":
        return False
    url = str(settings.database_url or "")
    if url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        database = make_url(url).database
        if not database or database == ":memory:" or "mode=memory" in url:
            return False
    return True


def prepare_in_background(settings: Any) -> Future[PreparedKnowledge]:
    """prepare_knowledge(settings) in a daemon thread (its database part in a forked child,
    when this process may fork), starting now; its result or exception arrives through the
    returned future (a start that fails elsewhere does not wait for it)."""
    # The modules both threads need are imported here first, in this thread: two threads
    # importing one package at the same moment can meet a partly initialised module.  After
    # this the worker imports only what the handlers never do (the database driver; on a
    # first start the loader and sync; Alembic for a migration).  The child is forked as soon
    # as what it needs is imported (storage and its models), before the knowledge core's
    # modules, which only this process needs.
    database_ready = None
    try:
        import storage.bootstrap  # noqa: F401
        import storage.repositories.knowledge  # noqa: F401
        from storage.db import model_metadata
    except ImportError:  # storage not installed in this build
        pass
    else:
        model_metadata()  # every model module
        if _can_fork(settings):
            database_ready = DatabasePreparation(settings)
    import knowledge.actors  # noqa: F401
    import knowledge.core  # noqa: F401

    future: Future[PreparedKnowledge] = Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(prepare_knowledge(settings, database_ready))
        except BaseException as exc:  # handed to post_init, which re-raises it
            future.set_exception(exc)

    threading.Thread(target=work, name="hitobot-prepare", daemon=True).start()
    return future
