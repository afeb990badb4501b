"""Flood control: per-person limits for incoming updates, and retries for outgoing API calls.

`FloodControl` is a token bucket per person (a burst, then a steady rate): someone who sends
30 messages in 10 seconds is slowed down — the extra updates are dropped with one polite
notice — while everybody else is served as usual (the check costs a dictionary lookup).

`RetryingRateLimiter` is PTB's AIORateLimiter (Telegram's 30 messages/s overall, 20/min per
group, retries a 429 after its retry_after) that also retries a 5xx or a refused connection
a few times with backoff, so a flaky Bot API server does not lose an answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
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

    def forget_idle(self, idle_seconds: float = 600.0) -> None:
        """Drop buckets of people idle for a while (keeps memory flat)."""
        now = self.clock()
        for user_id in [u for u, b in self._buckets.items() if now - b.updated > idle_seconds]:
            del self._buckets[user_id]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter plus retries of server errors (5xx) and refused connections."""

    def __init__(self, *args: Any, network_retries: int = 3, backoff: float = 0.3, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except (BadRequest, TimedOut):
                raise  # a bad request will not get better; a timeout may have been delivered
            except NetworkError as exc:
                if attempt == self.network_retries:
                    raise
                delay = self.backoff * 2**attempt
                log.warning("%s failed (%s); retry %d in %.1fs", endpoint, exc, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
