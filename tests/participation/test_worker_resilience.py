"""The delivery worker survives database errors in the middle of a claim or of a mark.

PostgreSQL: the worker's own connection is terminated (pg_terminate_backend, what a server
restart or a failover does) just before the claim's or the mark's UPDATE runs.
SQLite: another process holds the write lock (BEGIN EXCLUSIVE) at that moment, so the worker's
UPDATE fails with "database is locked" (its busy timeout is shortened to keep the test quick).
Either way `run` must go on: log, back off, retry, and in the end deliver every synthetic
message exactly once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import threading
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from participation.delivery import DeliveryWorker, SendOutcome
from storage.db import Database
from storage.models.participation import OutboxMessage
from storage.repositories import outbox
from tests.participation.test_outbox_worker import FAST, FakeSender

MESSAGES = 60


class Saboteur:
    """Breaks the worker's next `times` claim or mark transactions right before their UPDATE."""

    def __init__(self, worker_db: Database, step: str, times: int) -> None:
        self.worker_db, self.step, self.left, self.fired = worker_db, step, 0, 0
        self.times = times
        self._lock = threading.Lock()
        event.listen(worker_db.engine, "before_cursor_execute", self._before)

    def arm(self) -> None:
        with self._lock:
            if not self.fired and not self.left:
                self.left = self.times

    def _matches(self, statement: str) -> bool:
        if not statement.lstrip().upper().startswith("UPDATE OUTBOX"):
            return False
        is_mark = "telegram_message_id" in statement
        is_claim = "lease_owner=" in statement.replace(" ", "") and "attempts" in statement and not is_mark
        return is_mark if self.step == "mark" else is_claim and "+" in statement

    def _before(self, connection: Any, cursor: Any, statement: str, *_args: Any) -> None:
        with self._lock:
            if not self.left or not self._matches(statement):
                return
            self.left -= 1
            self.fired += 1
        if self.worker_db.is_postgresql:
            _terminate(self.worker_db, connection.connection.dbapi_connection.info.backend_pid)
        else:
            _hold_write_lock(make_url(self.worker_db.url).database, seconds=0.3)


def _terminate(db: Database, pid: int) -> None:
    admin = create_engine(db.url, poolclass=NullPool)
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    finally:
        admin.dispose()
    time.sleep(0.05)  # let the server close it before the worker's statement goes out


def _hold_write_lock(path: str, seconds: float) -> None:
    """Another process's write transaction: BEGIN EXCLUSIVE, held for `seconds` (in a thread)."""
    locked = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            locked.set()
            time.sleep(seconds)
            connection.execute("COMMIT")
        finally:
            connection.close()

    threading.Thread(target=hold, daemon=True).start()
    assert locked.wait(5)


def _worker_database(db: Database) -> Database:
    worker_db = Database(db.url)
    if worker_db.is_sqlite:  # fail fast on a lock instead of waiting 10 s for it

        @event.listens_for(worker_db.engine, "connect")
        def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=20")

    return worker_db


class ArmingSender(FakeSender):
    """A FakeSender that arms the saboteur once `after` messages went out."""

    def __init__(self, saboteur: Saboteur, after: int) -> None:
        super().__init__()
        self.saboteur, self.after = saboteur, after

    async def send(self, chat_id: int, text: str, reply_markup: dict[str, Any] | None) -> SendOutcome:
        outcome = await super().send(chat_id, text, reply_markup)
        if len(self.delivered) >= self.after:
            self.saboteur.arm()
        return outcome


async def _wait_for(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("step", ["claim", "mark"])
async def test_worker_keeps_running_through_database_errors_mid_step(db, step):
    with db.session() as s:
        outbox.enqueue_many(s, [outbox.NewMessage(c, f"aviso sintético {c}", f"res:{c}")
                                for c in range(1, MESSAGES + 1)])
    worker_db = _worker_database(db)
    saboteur = Saboteur(worker_db, step, times=3)
    sender = ArmingSender(saboteur, after=10)
    settings = dataclasses.replace(FAST, batch_size=10, concurrency=4)
    worker = DeliveryWorker(worker_db.session, sender, settings)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        await _wait_for(lambda: saboteur.fired == 3 or running.done(), 30)
        await _wait_for(lambda: len(sender.delivered) == MESSAGES or running.done(), 30)
        await _wait_for(lambda: _states(db) == Counter({"sent": MESSAGES}) or running.done(), 30)
        assert not running.done(), "the worker stopped after a database error"
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
        worker_db.dispose()
    assert worker.stats.db_errors >= 3  # it did meet the errors, and carried on
    assert Counter(c for c, _ in sender.delivered) == Counter(range(1, MESSAGES + 1))  # each once
    assert _states(db) == Counter({"sent": MESSAGES})


def _states(db: Database) -> Counter[str]:
    with db.session() as s:
        return Counter(s.scalars(select(OutboxMessage.state)))


async def test_a_bot_round_ends_on_time_while_the_database_is_unreachable(db):
    """Inside the bot a round has a time budget: a dead database must not hold it forever."""

    class Unreachable:
        def __call__(self):
            raise OSError("connection refused (synthetic)")

    worker = DeliveryWorker(Unreachable(), FakeSender(), FAST)
    started = time.monotonic()
    stats = await asyncio.wait_for(worker.run(until_idle=True, time_budget=0.5), 10)
    assert time.monotonic() - started < 3
    assert stats.db_errors >= 1 and stats.sent == 0
