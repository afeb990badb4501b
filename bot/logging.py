"""Structured logs for the running bot: one line per update with what it was and how long it took.

    update update_id=42 type=command:start user=u:3f9a0c1d2e4b outcome=ok ms=12.4

`install_update_logging(application, activity, user_key)` wraps the Application's update
processor (a `BaseUpdateProcessor` delegating to the one the Application was built with, so
`concurrent_updates` keeps working) and adds an error handler that marks the update as failed.
The line is logfmt (key=value, no user text besides the command name, which is sanitised) and
the same fields are attached to the log record as `record.update` for a JSON formatter.
User ids are logged as a keyed hash (HMAC-SHA256 with a per-deployment key, e.g. derived from
the bot token): the same person gives the same value across restarts, the id is not readable.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes

from bot.health import Activity
from participation.logprivacy import (  # noqa: F401  (re-exported: the bot's log privacy)
    PrivacyFilter,
    add_secret,
    install_log_privacy,
    redact,
    safe_traceback,
    update_kind,
    update_ref,
)

log = logging.getLogger("hitobot.updates")

def user_key_from_token(token: str | None) -> bytes:
    """A hashing key bound to this deployment (not the token itself)."""
    return hashlib.sha256(b"hitobot-log-user:" + (token or "").encode()).digest()


@functools.lru_cache(maxsize=4096)  # one HMAC per person, not per update (~5 µs each)
def user_ref(user_id: int | None, key: bytes) -> str:
    if user_id is None:
        return "-"
    digest = hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"u:{digest[:12]}"


@dataclass
class UpdateTrace:
    """What is known about the update being processed (visible to the error handler)."""

    outcome: str = "ok"


_current_trace: contextvars.ContextVar[UpdateTrace | None] = contextvars.ContextVar(
    "hitobot_update_trace", default=None)


def update_fields(update: object, key: bytes, outcome: str, elapsed_ms: float) -> dict[str, Any]:
    user = update.effective_user if isinstance(update, Update) else None
    return {
        "update_id": update.update_id if isinstance(update, Update) else None,
        "type": update_kind(update),
        "user": user_ref(user.id if user else None, key),
        "outcome": outcome,
        "ms": round(elapsed_ms, 1),
    }


def logfmt(fields: dict[str, Any]) -> str:
    return " ".join(f"{name}={'-' if value is None else value}" for name, value in fields.items())


class LoggingUpdateProcessor(BaseUpdateProcessor):
    """Times each update, logs one line, records it in `activity`; delegates the scheduling."""

    def __init__(self, inner: BaseUpdateProcessor, activity: Activity, user_key: bytes) -> None:
        super().__init__(inner.max_concurrent_updates)
        self.inner = inner
        self.activity = activity
        self.user_key = user_key

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self.inner.process_update(update, self._traced(update, coroutine))

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine  # not used: process_update delegates to the inner processor

    async def _traced(self, update: object, coroutine: Awaitable[Any]) -> None:
        trace = UpdateTrace()
        token = _current_trace.set(trace)
        started = time.perf_counter()
        try:
            await coroutine
        except BaseException as exc:
            trace.outcome = f"crash:{type(exc).__name__}"
            raise
        finally:
            _current_trace.reset(token)
            elapsed_ms = (time.perf_counter() - started) * 1000
            failed = trace.outcome != "ok"
            self.activity.record_update(failed=failed)
            fields = update_fields(update, self.user_key, trace.outcome, elapsed_ms)
            log.log(logging.WARNING if failed else logging.INFO, "update %s", logfmt(fields),
                    extra={"update": fields})

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()


async def mark_update_failed(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Error handler: flags the update being processed; logs the error if no one else does."""
    trace = _current_trace.get()
    if trace is not None:
        trace.outcome = f"error:{type(context.error).__name__}"
    if len(context.application.error_handlers) == 1 and context.error is not None:
        log.error("error while handling %s\n%s", update_ref(update), safe_traceback(context.error))


def install_update_logging(application: Application, activity: Activity, user_key: bytes) -> None:
    """Wrap the update processor and add the failure marker; call before `initialize()`."""
    current = application.update_processor
    if not isinstance(current, LoggingUpdateProcessor):
        application._update_processor = LoggingUpdateProcessor(current, activity, user_key)  # noqa: SLF001
    if mark_update_failed not in application.error_handlers:
        application.add_error_handler(mark_update_failed)
