"""Delivery: the outbox worker that sends queued notices within Telegram's limits, reliably.

Protocol (docs/delivery.md): claim a batch with a lease -> take send permits from the token
bucket every worker shares through the database -> send -> mark each message as soon as Telegram
answers (group commit: marks waiting together share one transaction, none waits on purpose).

Outcomes: 200 -> sent; 429 -> retried after `retry_after`; 5xx, timeouts and connection errors
-> retried with exponential backoff and jitter, failed after `max_attempts`; 403 (bot blocked)
or "chat not found" -> the person is marked inactive and nothing more is sent to them; any other
4xx -> failed (the message itself is wrong; retrying would not help).

Runs inside the bot (a JobQueue job, see handlers.participation) and on its own
(`hitobot deliver`, bot/commands/deliver.py); several workers may share one PostgreSQL outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx
from sqlalchemy.orm import Session

from storage.models.participation import utcnow
from storage.repositories import outbox

log = logging.getLogger(__name__)

try:
    import aiohttp  # noqa: F401

    _HAVE_AIOHTTP = True
except ImportError:  # pragma: no cover - httpx comes with python-telegram-bot
    _HAVE_AIOHTTP = False

SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class DeliverySettings:
    """Limits and timings. Defaults are Telegram's: 30 messages/s overall, 1/s per chat."""

    global_rate: float = 30.0  # messages per second, all workers together
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    batch_size: int = 0  # 0 = about half a second of sending at global_rate
    concurrency: int = 8  # requests in flight per worker
    lease_seconds: float = 60.0
    lease_margin: float = 5.0  # never start a send this close to the lease's end
    max_attempts: int = 8
    backoff_base: float = 1.0
    backoff_max: float = 300.0
    idle_sleep: float = 0.5
    request_timeout: float = 15.0

    @property
    def effective_margin(self) -> float:
        return min(self.lease_margin, self.lease_seconds * 0.25)

    @property
    def claim_size(self) -> int:
        return self.batch_size or max(1, min(500, int(self.global_rate * 0.5)))

    @property
    def permit_chunk(self) -> int:
        """Permits taken per trip to the bucket: ~50 ms of sending (at least 1)."""
        return max(1, int(self.global_rate * 0.05))

    @property
    def burst(self) -> float:
        """Bucket capacity: three trips' worth, so permits are not lost while a trip is under way."""
        return float(max(1, 3 * self.permit_chunk))


# --- sending -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendOutcome:
    kind: Literal["sent", "retry", "blocked", "failed"]
    message_id: int | None = None
    retry_after: float | None = None  # from a 429
    error: str = ""


class Sender(Protocol):
    async def send(self, chat_id: int, text: str, reply_markup: dict[str, Any] | None) -> SendOutcome: ...


_BLOCKED_400 = ("chat not found", "user is deactivated", "bot was blocked", "bot can't initiate")


class BotApiSender:
    """sendMessage over HTTP to the Bot API (Telegram, a local Bot API server or the emulator).

    Uses aiohttp when it is installed (several times faster than httpx for many small requests
    on one connection pool), else httpx.
    """

    def __init__(self, token: str, base_url: str, timeout: float = 15.0, pool: int = 32) -> None:
        self.url = f"{base_url.rstrip('/')}{token}/sendMessage"
        self.timeout, self.pool = timeout, pool
        self._aiohttp = None
        self._httpx: httpx.AsyncClient | None = None

    async def _post_aiohttp(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        import aiohttp

        if self._aiohttp is None:
            self._aiohttp = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool),
                timeout=aiohttp.ClientTimeout(total=self.timeout))
        async with self._aiohttp.post(self.url, json=body) as response:
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = {}
            return response.status, data if isinstance(data, dict) else {}

    async def _post_httpx(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self._httpx is None:
            limits = httpx.Limits(max_connections=self.pool, max_keepalive_connections=self.pool)
            self._httpx = httpx.AsyncClient(timeout=self.timeout, limits=limits)
        response = await self._httpx.post(self.url, json=body)
        return response.status_code, _json(response)

    async def send(self, chat_id: int, text: str, reply_markup: dict[str, Any] | None) -> SendOutcome:
        body: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": "HTML",
                                "link_preview_options": {"is_disabled": True}}
        if reply_markup:
            body["reply_markup"] = reply_markup
        try:
            if _HAVE_AIOHTTP:
                status, data = await self._post_aiohttp(body)
            else:
                status, data = await self._post_httpx(body)
        except (TimeoutError, httpx.TimeoutException) as exc:
            return SendOutcome("retry", error=f"timeout: {exc!r}")
        except (OSError, httpx.HTTPError) as exc:
            return SendOutcome("retry", error=f"network: {exc!r}")
        except Exception as exc:  # aiohttp.ClientError and friends
            return SendOutcome("retry", error=f"network: {exc!r}")
        return outcome_from_response(status, data)

    async def close(self) -> None:
        if self._aiohttp is not None:
            await self._aiohttp.close()
        if self._httpx is not None:
            await self._httpx.aclose()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def outcome_from_response(status: int, data: dict[str, Any]) -> SendOutcome:
    """Map a Bot API answer to what the worker does next."""
    description = str(data.get("description") or f"HTTP {status}")
    if status == 200 and data.get("ok"):
        return SendOutcome("sent", message_id=(data.get("result") or {}).get("message_id"))
    if status == 429:
        retry_after = (data.get("parameters") or {}).get("retry_after", 1)
        return SendOutcome("retry", retry_after=float(retry_after), error=description)
    if status == 403 or (status == 400 and any(s in description.lower() for s in _BLOCKED_400)):
        return SendOutcome("blocked", error=description)
    if status >= 500 or status in (408, 409):
        return SendOutcome("retry", error=description)
    return SendOutcome("failed", error=description)


# --- the worker ----------------------------------------------------------------------------


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    lost_lease: int = 0
    claims: int = 0
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{random.randrange(16**6):06x}"


@dataclass(frozen=True, slots=True)
class _Mark:
    message: outbox.ClaimedMessage
    outcome: SendOutcome
    at: dt.datetime
    slots: asyncio.Semaphore


class DeliveryWorker:
    """Claims due outbox messages and sends them; safe to run as several processes at once."""

    def __init__(self, session_factory: SessionFactory, sender: Sender,
                 settings: DeliverySettings | None = None, worker_id: str | None = None) -> None:
        self.session_factory = session_factory
        self.sender = sender
        self.settings = settings or DeliverySettings()
        self.worker_id = worker_id or default_worker_id()
        self.stats = DeliveryStats()
        self._permits = 0
        self._next_send = 0.0
        self._marks: asyncio.Queue[_Mark] | None = None
        self._prefetch: asyncio.Future[list[outbox.ClaimedMessage]] | None = None

    # database steps, each one short transaction, run off the event loop
    def _claim(self) -> list[outbox.ClaimedMessage]:
        with self.session_factory() as session:
            return outbox.claim_batch(session, self.worker_id, self.settings.claim_size,
                                      self.settings.lease_seconds)

    def _take_permits(self, want: int) -> tuple[int, float]:
        s = self.settings
        with self.session_factory() as session:
            return outbox.take_tokens(session, want, s.global_rate, s.burst,
                                     min_grant=max(1, min(want, s.permit_chunk) // 2))

    def _return_permits(self, count: int) -> None:
        with self.session_factory() as session:
            outbox.return_tokens(session, count, self.settings.burst)

    def _release(self, ids: list[int]) -> None:
        with self.session_factory() as session:
            outbox.release_claims(session, self.worker_id, ids)

    def _apply_marks(self, marks: list[_Mark]) -> None:
        sent = [(m.message.id, m.outcome.message_id, m.message.chat_id, m.at)
                for m in marks if m.outcome.kind == "sent"]
        with self.session_factory() as session:
            if sent:
                done = outbox.mark_sent_many(session, self.worker_id, sent, self.settings.per_chat_interval)
                self.stats.sent += done
                self.stats.lost_lease += len(sent) - done
            for mark in marks:
                if mark.outcome.kind != "sent":
                    self._apply_mark(session, mark)

    def _apply_mark(self, session: Session, mark: _Mark) -> None:
        m, o, s = mark.message, mark.outcome, self.settings
        if o.kind == "sent":
            ok = outbox.mark_sent(session, m.id, self.worker_id, o.message_id, m.chat_id,
                                  s.per_chat_interval, now=mark.at)
            self.stats.sent += ok
            self.stats.lost_lease += not ok
        elif o.kind == "blocked":
            outbox.mark_chat_blocked(session, m.id, self.worker_id, m.chat_id, o.error, now=mark.at)
            self.stats.blocked += 1
        elif o.kind == "retry" and m.attempts < s.max_attempts:
            outbox.mark_retry(session, m.id, self.worker_id, self.retry_delay(m.attempts, o), o.error,
                              now=mark.at)
            self.stats.retried += 1
        else:
            outbox.mark_failed(session, m.id, self.worker_id, o.error or "too many attempts")
            self.stats.failed += 1

    def retry_delay(self, attempts: int, outcome: SendOutcome) -> float:
        if outcome.retry_after is not None:
            return max(outcome.retry_after, 0.0)
        s = self.settings
        base = min(s.backoff_max, s.backoff_base * 2 ** max(0, attempts - 1))
        return base * random.uniform(0.5, 1.0)

    # the event-loop side
    async def _acquire_permit(self) -> None:
        while self._permits <= 0:
            granted, wait = await asyncio.to_thread(self._take_permits, self.settings.permit_chunk)
            if granted:
                self._permits += granted
            else:
                await asyncio.sleep(min(max(wait, 0.001), 1.0))
        self._permits -= 1
        # pace this worker's sends evenly (no bursts of a whole permit chunk at once)
        now = time.monotonic()
        self._next_send = max(self._next_send, now - 0.05)
        if self._next_send > now:
            await asyncio.sleep(self._next_send - now)
        self._next_send += 1.0 / self.settings.global_rate

    async def _send_one(self, message: outbox.ClaimedMessage, slots: asyncio.Semaphore) -> None:
        """Send one message; its slot is freed only once the outcome is committed (see _mark_loop),
        so at most `concurrency` messages are ever sent-but-not-marked (the duplicate window)."""
        try:
            outcome = await self.sender.send(message.chat_id, message.text, message.reply_markup)
        except Exception as exc:  # a bug in a sender must not lose the message
            log.exception("sender raised for outbox message %s", message.id)
            outcome = SendOutcome("retry", error=f"sender error: {exc!r}")
        assert self._marks is not None
        self._marks.put_nowait(_Mark(message, outcome, utcnow(), slots))

    async def _mark_loop(self) -> None:
        """Group commit: every mark waiting when the last commit ended goes in the next one."""
        assert self._marks is not None
        while True:
            first = await self._marks.get()
            batch = [first]
            while not self._marks.empty():
                batch.append(self._marks.get_nowait())
            try:
                await asyncio.to_thread(self._apply_marks, batch)
            except Exception:
                log.exception("could not record %d deliveries; retrying", len(batch))
                await asyncio.sleep(0.5)
                for mark in batch:
                    self._marks.put_nowait(mark)
            else:
                for mark in batch:
                    mark.slots.release()
            finally:
                for _ in batch:
                    self._marks.task_done()

    async def run_batch(self, slots: asyncio.Semaphore, tasks: set[asyncio.Task]) -> int:
        """Claim one batch and start sending it; returns how many messages were claimed."""
        prefetched, self._prefetch = self._prefetch, None
        batch = await prefetched if prefetched is not None else await asyncio.to_thread(self._claim)
        if not batch:
            return 0
        self.stats.claims += 1
        margin = dt.timedelta(seconds=self.settings.effective_margin)
        for index, message in enumerate(batch):
            if index == len(batch) // 2 and len(batch) == self.settings.claim_size:
                # a full batch means more is probably due: claim the next one while this one is sent
                self._prefetch = asyncio.ensure_future(asyncio.to_thread(self._claim))
            await self._acquire_permit()
            await slots.acquire()
            if utcnow() >= message.lease_expires_at - margin:  # too late: let the lease lapse cleanly
                slots.release()
                self._permits += 1
                await asyncio.to_thread(self._release, [m.id for m in batch[index:]])
                break
            task = asyncio.create_task(self._send_one(message, slots))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return len(batch)

    async def run(self, stop: asyncio.Event | None = None, until_idle: bool = False,
                  time_budget: float | None = None) -> DeliveryStats:
        """Deliver until `stop` is set (or, with until_idle, until nothing is due; or the budget ends)."""
        stop = stop or asyncio.Event()
        deadline = time.monotonic() + time_budget if time_budget else None
        slots = asyncio.Semaphore(self.settings.concurrency)
        tasks: set[asyncio.Task] = set()
        self._marks = asyncio.Queue()
        marker = asyncio.create_task(self._mark_loop())
        try:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                claimed = await self.run_batch(slots, tasks)
                if claimed:
                    continue
                if until_idle:
                    if tasks:
                        await asyncio.gather(*list(tasks))
                        await self._marks.join()
                        continue
                    due_in = await asyncio.to_thread(self._due_in)
                    if due_in is None:
                        break
                    await _sleep_or_stop(stop, min(due_in, 1.0) or 0.01)
                else:
                    await _sleep_or_stop(stop, self.settings.idle_sleep)
        finally:
            if self._prefetch is not None:  # claimed ahead but never started: give the rows back
                with contextlib.suppress(Exception):
                    unsent = await self._prefetch
                    await asyncio.to_thread(self._release, [m.id for m in unsent])
                self._prefetch = None
            if tasks:
                await asyncio.gather(*list(tasks), return_exceptions=True)
            await self._marks.join()
            marker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await marker
            if self._permits:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(self._return_permits, self._permits)
                self._permits = 0
        return self.stats

    def _due_in(self) -> float | None:
        with self.session_factory() as session:
            counts = outbox.outbox_counts(session)
            due = outbox.next_due_in(session)
            if due is None and counts.get(outbox.SENDING):
                return self.settings.idle_sleep  # someone else's lease may lapse
            return due


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
