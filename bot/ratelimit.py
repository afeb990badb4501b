"""Retries for outgoing API calls (per-person flood control for incoming updates is
handlers/flood.py's `FloodControl`).

`RetryingRateLimiter` keeps PTB's AIORateLimiter limits (Telegram's 30 messages/s overall,
20/min per group) and retries a 429 after its retry_after and a 5xx or a refused connection a
few times with backoff, each in the failing request alone (no global halt).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter's limits (30 messages/s overall, 20/min per group), but a failing request
    waits alone: nobody else's request waits for it.

    - A 429 (RetryAfter) is retried after its retry_after by *this* request only (PTB's own
      AIORateLimiter halts every request of the bot meanwhile: one person's 429 froze everyone's
      replies), up to `max_retries` times and only while retry_after <= `max_retry_wait`; past
      that it is raised, and a reply then goes to the outbox (participation/messaging.py), which
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
