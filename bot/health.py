"""Health of a running bot: is the database reachable, when was the last update processed, how
long is the outbox queue.

`HealthProbe.check()` answers the `/healthz` endpoint (served by bot/webhook.py on the webhook
server, or on HEALTH_LISTEN in polling mode). It is healthy (HTTP 200) when the database answers
within `timeout` seconds, unhealthy (HTTP 503) otherwise; the last update time and the outbox
backlog are reported for monitoring but do not decide health (a quiet bot is not a sick bot).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from storage.db import Database
from storage.repositories import outbox

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3.0
BACKLOG_STATES = (outbox.PENDING, outbox.SENDING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Activity:
    """What the bot has done since it started: updates processed and when the last one was."""

    started_at: dt.datetime = field(default_factory=utcnow)
    last_update_at: dt.datetime | None = None
    updates_processed: int = 0
    updates_failed: int = 0

    def record_update(self, failed: bool = False, when: dt.datetime | None = None) -> None:
        self.last_update_at = when or utcnow()
        self.updates_processed += 1
        if failed:
            self.updates_failed += 1


@dataclass(frozen=True)
class DatabaseStatus:
    reachable: bool
    outbox_backlog: int | None = None  # pending + sending messages
    outbox_failed: int | None = None
    oldest_undelivered_at: dt.datetime | None = None  # queued time of the oldest pending notice
    error: str | None = None


@dataclass(frozen=True)
class HealthReport:
    database: DatabaseStatus
    activity: Activity
    checked_at: dt.datetime

    @property
    def healthy(self) -> bool:
        return self.database.reachable

    @property
    def http_status(self) -> int:
        return 200 if self.healthy else 503

    @property
    def oldest_undelivered_seconds(self) -> float | None:
        """Age of the oldest notice not delivered yet (None when nothing waits)."""
        oldest = self.database.oldest_undelivered_at
        if oldest is None:
            return None
        return max(0.0, round((self.checked_at - oldest).total_seconds(), 1))

    def as_json(self) -> dict[str, Any]:
        last = self.activity.last_update_at
        return {
            "status": "ok" if self.healthy else "unavailable",
            "database": {"reachable": self.database.reachable, "error": self.database.error},
            "last_update_at": last.isoformat() if last else None,
            "updates_processed": self.activity.updates_processed,
            "updates_failed": self.activity.updates_failed,
            "outbox_backlog": self.database.outbox_backlog,
            "outbox_failed": self.database.outbox_failed,
            "outbox_oldest_undelivered_seconds": self.oldest_undelivered_seconds,
            "started_at": self.activity.started_at.isoformat(),
            "checked_at": self.checked_at.isoformat(),
        }


def _short_error(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line}"[:200]


def database_status(db: Database) -> DatabaseStatus:
    """Blocking: one round trip to the database plus the outbox counts."""
    try:
        with db.session() as session:
            session.execute(text("SELECT 1"))
            try:
                counts = outbox.outbox_counts(session)
                oldest = outbox.oldest_undelivered_at(session)
            except Exception as exc:  # schema not migrated yet: reachable, backlog unknown
                log.debug("outbox counts unavailable: %s", exc)
                return DatabaseStatus(reachable=True, error=_short_error(exc))
    except Exception as exc:
        return DatabaseStatus(reachable=False, error=_short_error(exc))
    return DatabaseStatus(
        reachable=True,
        outbox_backlog=sum(counts.get(state, 0) for state in BACKLOG_STATES),
        outbox_failed=counts.get(outbox.FAILED, 0),
        oldest_undelivered_at=oldest,
    )


class HealthProbe:
    """Checks the database without blocking the event loop, with a time limit."""

    def __init__(self, db: Database, activity: Activity, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.db = db
        self.activity = activity
        self.timeout = timeout

    async def check(self) -> HealthReport:
        try:
            status = await asyncio.wait_for(asyncio.to_thread(database_status, self.db), self.timeout)
        except TimeoutError:
            status = DatabaseStatus(reachable=False, error=f"no answer within {self.timeout:g} s")
        return HealthReport(database=status, activity=self.activity, checked_at=utcnow())
