"""Flood control: per-person limits for incoming updates, and retries for outgoing API calls.

`FloodControl` is a token bucket per person (a burst, then a steady rate): someone who sends
30 messages in 10 seconds is slowed down — the extra updates are dropped with one polite
notice — while everybody else is served as usual (the check costs a dictionary lookup).

`RetryingRateLimiter` keeps PTB's AIORateLimiter limits (Telegram's 30 messages/s overall,
20/min per group) and retries a 429 after its retry_after and a 5xx or a refused connection a
few times with backoff, each in the failing request alone (no global halt).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass
class FloodControl:
    """Allow `burst` updates at once per person, then `rate` per second."""

    burst: int = 10
    rate: float = 1.0
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[int, _Bucket] = field(default_factory=dict)

    def check(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, warn_now): warn_now is True once per flood, for the polite notice."""
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if bucket.tokens >= self.burst / 2:
                bucket.warned = False
            return True, False
        warn_now = not bucket.warned
        bucket.warned = True
        return False, warn_now

    def forget_idle(self, idle_seconds: float = 600.0) -> list[int]:
        """Drop buckets of people idle for a while (keeps memory flat); returns whose. A full
        bucket is what a new person gets anyway, so nothing changes for them."""
        now = self.clock()
        idle = [u for u, b in self._buckets.items() if now - b.updated > idle_seconds]
        for user_id in idle:
            del self._buckets[user_id]
        return idle

    def active(self) -> set[int]:
        return set(self._buckets)

    def __len__(self) -> int:
        return len(self._buckets)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter's limits (30 messages/s overall, 20/min per group), but a failing request
    waits alone: nobody else's request waits for it.

    - A 429 (RetryAfter) is retried after its retry_after by *this* request only (PTB's own
      AIORateLimiter halts every request of the bot meanwhile: one person's 429 froze everyone's
      replies), up to `max_retries` times and only while retry_after <= `max_retry_wait`; past
      that it is raised, and a reply then goes to the outbox (handlers/messaging.py), which
      sends it once the wait is over.
    - A 5xx or a refused connection is retried `network_retries` times with backoff (0.3, 0.6,
      1.2 s); a timeout is not retried here (the request may have arrived).
    With the Application's per-chat update processor (bot/updates.py), those waits hold back
    only the same person's next updates, never anyone else's.
    """

    def __init__(self, *args: Any, network_retries: int = 3, backoff: float = 0.3,
                 max_retry_wait: float = 10.0, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.network_retries = network_retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        max_retries = rate_limit_args or self._max_retries
        chat_id = data.get("chat_id")
        chat = chat_id is not None
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        group: int | str | bool = (chat_id if (isinstance(chat_id, int) and chat_id < 0)
                                   or isinstance(chat_id, str) else False)
        paid = bool(data.get("allow_paid_broadcast", False))
        limited, network_failures = 0, 0
        while True:
            try:  # the event AIORateLimiter clears on a 429 is never cleared here: no global halt
                return await self._run_request(chat=chat, group=group, allow_paid_broadcast=paid,
                                               callback=callback, args=args, kwargs=kwargs)
            except RetryAfter as exc:
                wait = _retry_after(exc) + 0.1
                if limited >= max_retries or wait > self.max_retry_wait:
                    raise
                limited += 1
                log.info("%s: 429, this request waits %.1f s (nobody else does)", endpoint, wait)
                await asyncio.sleep(wait)
            except (BadRequest, TimedOut):
                raise  # a bad request will not get better; a timeout may have been delivered
            except NetworkError as exc:
                if network_failures >= self.network_retries:
                    raise
                delay = self.backoff * 2**network_failures
                network_failures += 1
                log.warning("%s failed (%s); retry %d in %.1fs", endpoint, exc, network_failures, delay)
                await asyncio.sleep(delay)


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
