"""Delivery: the outbox worker that sends queued notices within Telegram's limits, reliably.

Protocol (docs/delivery.md): claim a batch with a lease -> book send times on the schedule
every worker shares through the database (GCRA: evenly spaced, no bursts) -> send each at its
time -> mark each message as soon as Telegram answers (group commit: marks waiting together share
one transaction, none waits on purpose). Database errors are retried with backoff; they never
end the worker.

Outcomes: 200 -> sent; 429 -> that chat waits `retry_after` (everyone pauses only when many
chats get 429 at once: then the limit is the bot's); 5xx, timeouts and connection errors
-> retried with exponential backoff and jitter (capped at `backoff_max`, 2 minutes) for as long
as it takes: however long the Bot API is away, a notice is never given up for a transport
failure; 403 (bot blocked) or "chat not found" -> the person is marked inactive and nothing more
is sent to them; any other 400, and 401/404 (a rejected token) -> failed (the message itself is
wrong; retrying would not help). Only those last two end a row without delivering it, and each
is logged once at WARNING; any other answer (408, 409, 413, ...) is retried like a 5xx.

Sends go through python-telegram-bot's `telegram.Bot`, as every other message of the bot, so
the Bot API's answers arrive as PTB's exceptions (RetryAfter, Forbidden, BadRequest, TimedOut,
NetworkError: `outcome_of`); underneath, an aiohttp transport (`AiohttpRequest`), not PTB's
httpx one: measured, see docs/ARCHITECTURE.md.

Runs inside the bot (a JobQueue job, see participation) and on its own
(`hitobot deliver`, bot/commands/deliver.py); several workers may share one PostgreSQL outbox.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import logging
import os
import random
import socket
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session
from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData

from storage.models.participation import utcnow
from storage.repositories import outbox

log = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class DeliverySettings:
    """Limits and timings. Defaults are Telegram's: 30 messages/s overall, 1/s per chat."""

    global_rate: float = 30.0  # messages per second, all workers together
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    batch_size: int = 0  # 0 = about half a second of sending at global_rate
    concurrency: int = 8  # sent-but-not-yet-recorded messages per worker (the duplicate bound)
    recovery_concurrency: int = 1  # the same bound for rows retaken from a dead worker's lease
    lease_seconds: float = 60.0
    lease_margin: float = 5.0  # never start a send this close to the lease's end
    backoff_base: float = 1.0  # transport failures: first retry after ~this, doubling...
    backoff_max: float = 120.0  # ...up to this, then every ~this until delivered (never given up)
    idle_sleep: float = 0.5
    request_timeout: float = 15.0
    late_tolerance: float = 0.05  # a send slot missed by more than this is skipped, not crammed in
    stop_grace: float = 1.0  # on stop, sends still unanswered after this are cancelled (re-queued)
    db_retry_base: float = 0.1  # database errors: first retry after this, doubling...
    db_retry_max: float = 5.0  # ...up to this
    global_429_chats: int = 5  # 429s for this many chats within a second, and...
    global_429_share: float = 0.5  # ...this share of the answers: the limit is the bot's, pause all
    global_429_min_answers: int = 20  # judged only over at least this many answers (a few early
    # 429s are not a pattern)

    @property
    def effective_margin(self) -> float:
        return min(self.lease_margin, self.lease_seconds * 0.25)

    @property
    def claim_size(self) -> int:
        return self.batch_size or max(1, min(500, int(self.global_rate * 0.5)))

    @property
    def slot_chunk(self) -> int:
        """Send slots booked per trip to the shared schedule: ~50 ms of sending (at least 1).
        A worker books its next chunk while it still holds one, so a slow trip costs no slots."""
        return max(1, round(self.global_rate * 0.05))

    @property
    def max_ahead(self) -> float:
        """How far ahead of now the shared schedule may be booked before a worker waits
        (room for several workers to each hold two chunks; evenly spaced, so never a burst)."""
        return max(0.5, 10 * self.slot_chunk / self.global_rate)


# --- sending -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendOutcome:
    kind: Literal["sent", "retry", "blocked", "failed"]
    message_id: int | None = None
    retry_after: float | None = None  # from a 429
    error: str = ""


class Sender(Protocol):
    async def send(self, chat_id: int, text: str, reply_markup: dict[str, Any] | None) -> SendOutcome: ...


_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_BLOCKED_400 = ("chat not found", "user is deactivated", "bot was blocked", "bot can't initiate")


class AiohttpRequest(BaseRequest):
    """PTB's transport interface over one aiohttp connection pool, for the outbox worker's Bot.

    Measured with bench/fanout.py and a plain send loop against the emulator (docs/ARCHITECTURE.md):
    PTB's default HTTPXRequest costs ~3 ms of CPU per sendMessage here, aiohttp ~0.4 ms; at the
    fan-out bench's 1,000 messages/s httpx could not keep up (79/s, and sends outlived their
    lease), so the worker keeps aiohttp underneath PTB's Bot. aiohttp is imported with the first
    send (most delivery rounds in the bot find nothing to send).
    """

    def __init__(self, pool: int = 32, timeout: float = 15.0) -> None:
        self.pool, self.timeout = pool, timeout
        self._session: Any = None
        self._closed = False  # after shutdown(): no new connection pool (it would never be closed)

    @property
    def read_timeout(self) -> float | None:
        return self.timeout

    async def initialize(self) -> None:  # the pool opens with the first request
        return None

    async def shutdown(self) -> None:
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        import aiohttp

        if self._closed:  # a round that outlived the shutdown
            raise NetworkError("the delivery sender is closed")
        if request_data is not None and request_data.contains_files:
            raise BadRequest("the outbox sends text only")
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.pool),
                                                  timeout=aiohttp.ClientTimeout(total=self.timeout))
        try:
            # the parameters as one JSON object (nested objects as objects, as the Bot API takes them)
            async with self._session.request(method, url,
                                             json=request_data.parameters if request_data else None) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut(f"no answer in {self.timeout} s") from exc
        except (OSError, aiohttp.ClientError) as exc:
            raise NetworkError(f"network: {exc!r}") from exc


class BotApiSender:
    """sendMessage through python-telegram-bot's `telegram.Bot`, as the rest of the bot sends,
    to the configured Bot API base URL (Telegram, a local Bot API server or the emulator), on an
    aiohttp transport (`AiohttpRequest`: measured, several times cheaper than httpx per message).
    PTB's exceptions say what happened (`outcome_of`): RetryAfter -> a 429; Forbidden and "chat
    not found" -> blocked; BadRequest and a rejected token -> failed; TimedOut, NetworkError
    (5xx, refused connections) and any other answer -> retried.

    A plain Bot, not the Application's ExtBot: its rate limiter would pace and retry the sends
    a second time, hidden from the worker, which paces them itself (the shared schedule).
    """

    def __init__(self, token: str, base_url: str, timeout: float = 15.0, pool: int = 32,
                 request: BaseRequest | None = None) -> None:
        self._request = request or AiohttpRequest(pool=pool, timeout=timeout)
        self.bot = Bot(token, base_url=base_url, request=self._request)
        self._closed = False

    async def send(self, chat_id: int, text: str, reply_markup: dict[str, Any] | None) -> SendOutcome:
        if self._closed:  # a round that outlived the shutdown: the message stays queued
            return SendOutcome("retry", error="sender closed")
        try:
            markup = InlineKeyboardMarkup.de_json(reply_markup, self.bot) if reply_markup else None
            message = await self.bot.send_message(
                chat_id, text, parse_mode="HTML", link_preview_options=_NO_PREVIEW, reply_markup=markup)
        except TelegramError as exc:
            return outcome_of(exc)
        except Exception as exc:  # noqa: BLE001 - whatever the transport raised: the message stays queued
            return SendOutcome("retry", error=f"network: {exc!r}")
        return SendOutcome("sent", message_id=message.message_id)

    async def close(self) -> None:
        """Close the connection pool; a send after this opens none (answers "retry")."""
        self._closed = True
        await self._request.shutdown()


def outcome_of(error: Exception) -> SendOutcome:
    """What the worker does next after a PTB exception (the Bot API's answer, or none)."""
    description = str(error)
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
            warnings.simplefilter("ignore")
            wait = error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
        # outbox.hurry_retries knows a 429 by this prefix
        return SendOutcome("retry", retry_after=seconds, error=f"Too Many Requests: {description}")
    if isinstance(error, Forbidden) or (
            isinstance(error, BadRequest) and any(s in description.lower() for s in _BLOCKED_400)):
        return SendOutcome("blocked", error=description)
    if isinstance(error, (BadRequest, ChatMigrated, InvalidToken)):
        return SendOutcome("failed", error=description)  # the message or the token is wrong: retrying would not help
    if isinstance(error, TimedOut):
        return SendOutcome("retry", error=f"timeout: {description}")
    return SendOutcome("retry", error=description)  # 5xx, 409, a refused connection, an unreadable answer


# --- the worker ----------------------------------------------------------------------------


class _Stopped(Exception):
    """The worker must stop (stop event or time budget) while it was waiting for the database."""


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    lost_lease: int = 0
    claims: int = 0
    recovered: int = 0  # rows retaken from an expired lease (a dead or stalled worker's)
    db_errors: int = 0  # database steps that failed and were retried
    slots_missed: int = 0  # send slots skipped because this worker was late for them
    global_pauses: int = 0
    waited_claim_s: float = 0.0  # time the send loop waited for a claim
    waited_in_flight_s: float = 0.0  # time it waited for an in-flight slot (answers or marks slow)
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
    holds: tuple[asyncio.Semaphore, ...]  # in-flight slots freed once this outcome is committed


class DeliveryWorker:
    """Claims due outbox messages and sends them; safe to run as several processes at once.

    Database errors (a lost connection, a locked SQLite file) never end `run`: every database
    step is retried with exponential backoff until it works or the worker is told to stop.
    """

    def __init__(self, session_factory: SessionFactory, sender: Sender,
                 settings: DeliverySettings | None = None, worker_id: str | None = None) -> None:
        self.session_factory = session_factory
        self.sender = sender
        self.settings = settings or DeliverySettings()
        self.worker_id = worker_id or default_worker_id()
        self.stats = DeliveryStats()
        self._slots: collections.deque[float] = collections.deque()  # booked send times (epoch)
        self._booked_until = 0.0
        self._booking: asyncio.Future[None] | None = None
        self._marks: asyncio.Queue[_Mark] | None = None
        self._prefetch: asyncio.Future[list[outbox.ClaimedMessage]] | None = None
        self._stop = asyncio.Event()
        self._deadline: float | None = None
        self._answers: collections.deque[tuple[float, int, float | None]] = collections.deque()
        self._paused_until = 0.0
        self._unreachable_since: float | None = None  # monotonic time of the first transport failure

    # database steps, each one short transaction, run off the event loop
    def _claim(self) -> list[outbox.ClaimedMessage]:
        with self.session_factory() as session:
            return outbox.claim_batch(session, self.worker_id, self.settings.claim_size,
                                      self.settings.lease_seconds)

    def _reserve(self, want: int) -> tuple[float, int, float]:
        s = self.settings
        with self.session_factory() as session:
            return outbox.reserve_send_slots(session, want, s.global_rate, s.max_ahead)

    def _give_back_slots(self, booked_until: float, count: int) -> None:
        with self.session_factory() as session:
            outbox.release_send_slots(session, booked_until, count, self.settings.global_rate)

    def _pause_everyone(self, until_epoch: float) -> None:
        with self.session_factory() as session:
            outbox.pause_sending(session, until_epoch)

    def _hurry(self) -> int:
        with self.session_factory() as session:
            return outbox.hurry_retries(session)

    def _release(self, ids: list[int]) -> None:
        with self.session_factory() as session:
            outbox.release_claims(session, self.worker_id, ids)

    def _apply_marks(self, marks: list[_Mark]) -> tuple[collections.Counter[str], list[str]]:
        """Record outcomes in one transaction; returns what happened (counted once it commits)
        and the rows ended without delivery (logged once it commits, so once)."""
        counts: collections.Counter[str] = collections.Counter()
        ended: list[str] = []
        sent = [(m.message.id, m.outcome.message_id, m.message.chat_id, m.at)
                for m in marks if m.outcome.kind == "sent"]
        with self.session_factory() as session:
            if sent:
                done = outbox.mark_sent_many(session, self.worker_id, sent, self.settings.per_chat_interval)
                counts["sent"] += done
                counts["lost_lease"] += len(sent) - done
            for mark in marks:
                if mark.outcome.kind != "sent":
                    counts[self._apply_mark(session, mark, ended)] += 1
        return counts, ended

    def _apply_mark(self, session: Session, mark: _Mark, ended: list[str]) -> str:
        """Record one outcome that is not a delivery. A transport failure (connection refused,
        timeout, 5xx, 429) is always retried, however many attempts it took so far; only an
        answer that can never succeed ends the row (noted in `ended`, logged once at WARNING)."""
        m, o = mark.message, mark.outcome
        if o.kind == "blocked":
            outbox.mark_chat_blocked(session, m.id, self.worker_id, m.chat_id, o.error, now=mark.at)
            ended.append(f"outbox message {m.id} not delivered: the recipient blocked the bot or the "
                         f"chat is gone ({o.error[:200]}); their queued messages are dropped")
            return "blocked"
        if o.kind == "retry":
            # a 429 holds back this chat's other messages too, and no other chat
            chat = m.chat_id if o.retry_after is not None else None
            outbox.mark_retry(session, m.id, self.worker_id, self.retry_delay(m.attempts, o), o.error,
                              now=mark.at, chat_id=chat)
            return "retried"
        if outbox.mark_failed(session, m.id, self.worker_id, o.error or "refused"):
            ended.append(f"outbox message {m.id} not delivered and not retried: Telegram refused "
                         f"it ({(o.error or 'refused')[:200]})")
        return "failed"

    def _due_in(self) -> float | None:
        with self.session_factory() as session:
            counts = outbox.outbox_counts(session)
            due = outbox.next_due_in(session)
            if due is None and counts.get(outbox.SENDING):
                return self.settings.idle_sleep  # someone else's lease may lapse
            return due

    def retry_delay(self, attempts: int, outcome: SendOutcome) -> float:
        if outcome.retry_after is not None:
            return max(outcome.retry_after, 0.0)
        s = self.settings
        base = min(s.backoff_max, s.backoff_base * 2.0 ** min(max(0, attempts - 1), 40))
        return base * random.uniform(0.5, 1.0)

    # surviving the database
    def _should_stop(self) -> bool:
        return self._stop.is_set() or (self._deadline is not None and time.monotonic() >= self._deadline)

    async def _db(self, what: str, step: Callable[..., Any], *args: Any, persist: bool = False,
                  attempts: int | None = None) -> Any:
        """Run a database step in a thread; on errors log, back off (with jitter) and retry.

        Gives up with _Stopped when the worker is stopping (unless `persist`), or re-raises after
        `attempts` failures. The first failure of an outage is logged as a warning, the rest at
        debug level, and recovery once more as a warning.
        """
        s = self.settings
        delay, failures = s.db_retry_base, 0
        while True:
            try:
                result = await asyncio.to_thread(step, *args)
            except Exception as exc:
                failures += 1
                self.stats.db_errors += 1
                (log.warning if failures == 1 else log.debug)(
                    "delivery worker %s: %s failed (%s: %s); retrying", self.worker_id, what,
                    type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")
                if attempts is not None and failures >= attempts:
                    raise
                if not persist and self._should_stop():
                    raise _Stopped from exc
                pause = delay * random.uniform(0.5, 1.0)
                if persist:
                    await asyncio.sleep(pause)
                else:
                    await _sleep_or_stop(self._stop, pause)
                delay = min(delay * 2, s.db_retry_max)
            else:
                if failures:
                    log.warning("delivery worker %s: %s works again after %d failed attempts",
                                self.worker_id, what, failures)
                return result

    # the shared send schedule
    async def _book_slots(self) -> None:
        s = self.settings
        while True:
            start, granted, wait = await self._db("book send slots", self._reserve, s.slot_chunk)
            if granted:
                self._slots.extend(start + i / s.global_rate for i in range(granted))
                self._booked_until = start + granted / s.global_rate
                return
            if self._should_stop():
                raise _Stopped
            await asyncio.sleep(min(max(wait, 0.001), 0.5))

    async def _next_send_slot(self) -> None:
        """Wait for this worker's next booked send time; book more before they run out."""
        s = self.settings
        while True:
            now = time.time()
            if self._paused_until > now:  # a global 429: nobody sends until it has passed
                self._slots.clear()
                await _sleep_or_stop(self._stop, self._paused_until - now)
                if self._should_stop():
                    raise _Stopped
                continue
            while self._slots and self._slots[0] < now - s.late_tolerance:
                self._slots.popleft()  # too late for it: sending now would crowd the next slots
                self.stats.slots_missed += 1
            if len(self._slots) <= s.slot_chunk and (self._booking is None or self._booking.done()):
                if self._booking is not None:
                    self._booking.result()  # re-raises _Stopped from a booking made ahead
                self._booking = asyncio.ensure_future(self._book_slots())
            if self._slots:
                slot = self._slots.popleft()
                if slot > now:
                    await asyncio.sleep(slot - now)
                return
            assert self._booking is not None
            await asyncio.shield(self._booking)

    def _note_reachability(self, outcome: SendOutcome) -> None:
        """One WARNING when the Bot API stops answering (connection refused, timeouts, 5xx), one
        line when it answers again: an outage is visible in the log, not one line per retry."""
        if outcome.kind == "retry" and outcome.retry_after is None:
            if self._unreachable_since is None:
                self._unreachable_since = time.monotonic()
                log.warning("delivery worker %s: the Bot API is not answering (%s); notices stay "
                            "queued and are retried until delivered", self.worker_id,
                            outcome.error[:200])
        elif outcome.kind != "retry" and self._unreachable_since is not None:
            log.warning("delivery worker %s: the Bot API answers again after %.0f s; what waited "
                        "is sent now", self.worker_id, time.monotonic() - self._unreachable_since)
            self._unreachable_since = None
            hurry = asyncio.ensure_future(self._db("retry what waited", self._hurry, attempts=3))
            hurry.add_done_callback(lambda f: f.cancelled() or f.exception())

    def _note_answer(self, chat_id: int, outcome: SendOutcome) -> None:
        """Watch 429s: many chats limited at once means the bot's own limit -> everyone pauses."""
        self._note_reachability(outcome)
        s, now = self.settings, time.monotonic()
        self._answers.append((now, chat_id, outcome.retry_after))
        while self._answers and now - self._answers[0][0] > 1.0:
            self._answers.popleft()
        if len(self._answers) < s.global_429_min_answers:
            return
        limited = {chat: wait for _t, chat, wait in self._answers if wait is not None}
        if len(limited) < s.global_429_chats or len(limited) < s.global_429_share * len(self._answers):
            return
        wait = max(limited.values())
        until = time.time() + wait
        if until <= self._paused_until:
            return
        self._paused_until = until
        self.stats.global_pauses += 1
        self._slots.clear()
        self._answers.clear()
        log.warning("delivery worker %s: 429 for %d chats within a second: all workers pause %.1f s",
                    self.worker_id, len(limited), wait)
        pause = asyncio.ensure_future(self._db("pause sending", self._pause_everyone, until, attempts=3))
        pause.add_done_callback(lambda f: f.cancelled() or f.exception())

    # sending and recording
    async def _send_one(self, message: outbox.ClaimedMessage, holds: tuple[asyncio.Semaphore, ...]) -> None:
        """Send one message; its in-flight slots are freed only once the outcome is committed
        (see _mark_loop), so at most `concurrency` messages are ever sent-but-not-recorded."""
        try:
            outcome = await self.sender.send(message.chat_id, message.text, message.reply_markup)
        except asyncio.CancelledError:  # stopping, and the Bot API did not answer in time: the
            # row goes back to pending (sent again after the restart if Telegram did get it)
            assert self._marks is not None
            self._marks.put_nowait(_Mark(message, SendOutcome("retry", error="interrupted: the worker "
                                                              "stopped before Telegram answered"),
                                         utcnow(), holds))
            raise
        except Exception as exc:  # a bug in a sender must not lose the message
            log.exception("sender raised for outbox message %s", message.id)
            outcome = SendOutcome("retry", error=f"sender error: {exc!r}")
        self._note_answer(message.chat_id, outcome)
        assert self._marks is not None
        self._marks.put_nowait(_Mark(message, outcome, utcnow(), holds))

    async def _mark_loop(self) -> None:
        """Group commit: every outcome waiting when the last commit ended goes in the next one.
        A failed commit is retried (backoff) until it works; slots stay held meanwhile, so a
        database outage stops new sends instead of piling up unrecorded ones."""
        assert self._marks is not None
        while True:
            batch = [await self._marks.get()]
            while not self._marks.empty():
                batch.append(self._marks.get_nowait())
            try:
                counts, ended = await self._db("record deliveries", self._apply_marks, batch,
                                               persist=True)
                for key, value in counts.items():
                    setattr(self.stats, key, getattr(self.stats, key) + value)
                for line in ended:
                    log.warning("delivery worker %s: %s", self.worker_id, line)
            finally:
                for mark in batch:
                    for hold in mark.holds:
                        hold.release()
                    self._marks.task_done()

    async def run_batch(self, slots: asyncio.Semaphore, tasks: set[asyncio.Task],
                        recovery: asyncio.Semaphore | None = None) -> int:
        """Claim one batch and start sending it; returns how many messages were claimed."""
        recovery = recovery or asyncio.Semaphore(self.settings.recovery_concurrency)
        prefetched, self._prefetch = self._prefetch, None
        waiting = time.monotonic()
        batch = await (prefetched if prefetched is not None else self._db("claim messages", self._claim))
        self.stats.waited_claim_s += time.monotonic() - waiting
        if not batch:
            return 0
        self.stats.claims += 1
        margin = dt.timedelta(seconds=self.settings.effective_margin)
        index = 0
        try:
            for index, message in enumerate(batch):
                if index == len(batch) // 2 and len(batch) == self.settings.claim_size:
                    # a full batch means more is probably due: claim the next one while this one is sent
                    self._prefetch = asyncio.ensure_future(self._db("claim messages", self._claim))
                holds = (slots, recovery) if message.recovered else (slots,)
                waiting = time.monotonic()
                for taken, hold in enumerate(holds):
                    if not await self._acquire_or_stop(hold):  # stopping while all slots hang
                        for held in holds[:taken]:
                            held.release()
                        raise _Stopped
                self.stats.waited_in_flight_s += time.monotonic() - waiting
                try:
                    await self._next_send_slot()
                except BaseException:
                    for hold in holds:
                        hold.release()
                    raise
                if utcnow() >= message.lease_expires_at - margin:  # too late: give the rest back
                    for hold in holds:
                        hold.release()
                    await self._give_back(batch[index:])
                    break
                self.stats.recovered += message.recovered
                task = asyncio.create_task(self._send_one(message, holds))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        except _Stopped:
            with contextlib.suppress(Exception):
                await self._give_back(batch[index:])
            raise
        return len(batch)

    async def _acquire_or_stop(self, hold: asyncio.Semaphore) -> bool:
        """Take an in-flight slot; False (nothing taken) if the worker is told to stop first."""
        if not hold.locked():
            await hold.acquire()
            return True
        acquiring = asyncio.ensure_future(hold.acquire())
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({acquiring, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if acquiring.done() and not acquiring.cancelled():
            if self._stop.is_set():
                hold.release()
                return False
            return True
        acquiring.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await acquiring
        if acquiring.done() and not acquiring.cancelled():  # taken in the meantime: give it back
            hold.release()
        return False

    async def _give_back(self, messages: list[outbox.ClaimedMessage]) -> None:
        """Return claimed rows that were never started (if this fails, their lease lapses)."""
        if messages:
            await self._db("give back claims", self._release, [m.id for m in messages],
                           persist=True, attempts=3)

    async def run(self, stop: asyncio.Event | None = None, until_idle: bool = False,
                  time_budget: float | None = None) -> DeliveryStats:
        """Deliver until `stop` is set (or, with until_idle, until nothing is due; or the budget ends).

        Never ends because of a database error: the failing step is retried with backoff.
        """
        self._stop = stop = stop or asyncio.Event()
        self._deadline = time.monotonic() + time_budget if time_budget else None
        slots = asyncio.Semaphore(self.settings.concurrency)
        recovery = asyncio.Semaphore(self.settings.recovery_concurrency)
        tasks: set[asyncio.Task] = set()
        self._marks = asyncio.Queue()
        marker = asyncio.create_task(self._mark_loop())
        failures = 0
        try:
            while not self._should_stop():
                try:
                    if await self.run_batch(slots, tasks, recovery):
                        failures = 0
                        continue
                    if until_idle:
                        if tasks:
                            await asyncio.gather(*list(tasks))
                            await self._marks.join()
                            continue
                        due_in = await self._db("look for due messages", self._due_in)
                        if due_in is None:
                            break
                        await _sleep_or_stop(stop, min(due_in, 1.0) or 0.01)
                    else:
                        await _sleep_or_stop(stop, self.settings.idle_sleep)
                    failures = 0
                except _Stopped:
                    break
                except Exception:  # a bug, not the database (_db handles that): log, slow down, go on
                    failures += 1
                    log.exception("delivery worker %s: unexpected error; carrying on", self.worker_id)
                    await _sleep_or_stop(stop, min(self.settings.db_retry_max,
                                                   self.settings.db_retry_base * 2 ** failures))
        finally:
            await self._finish(tasks, marker)
        return self.stats

    async def _wait_for_sends(self, tasks: set[asyncio.Task]) -> None:
        """Let the sends in flight end. When the worker is told to stop (SIGTERM), a Bot API
        that accepts connections but never answers must not hold the exit for the whole request
        timeout: after `stop_grace` seconds the rest are cancelled and go back to pending."""
        pending = set(tasks)
        while pending:
            _done, pending = await asyncio.wait(pending, timeout=0.1)
            if pending and self._stop.is_set():
                _done, pending = await asyncio.wait(pending, timeout=self.settings.stop_grace)
                for task in pending:
                    task.cancel()
                if pending:
                    log.warning("delivery worker %s: stopping; %d sends without an answer go back "
                                "to the queue", self.worker_id, len(pending))
                await asyncio.gather(*pending, return_exceptions=True)
                return

    async def _finish(self, tasks: set[asyncio.Task], marker: asyncio.Task) -> None:
        """Graceful end: give back unstarted claims, wait for sends in flight and their marks."""
        assert self._marks is not None
        if self._prefetch is not None:  # claimed ahead but never started: give the rows back
            with contextlib.suppress(Exception):
                await self._give_back(await self._prefetch)
            self._prefetch = None
        if self._booking is not None:
            self._booking.cancel()
            with contextlib.suppress(BaseException):
                await self._booking
            self._booking = None
        await self._wait_for_sends(tasks)
        try:  # marks retry until the database answers; past the lease they cannot help anyway
            await asyncio.wait_for(self._marks.join(), timeout=self.settings.lease_seconds)
        except TimeoutError:
            log.error("delivery worker %s: %d outcomes could not be recorded; those messages are "
                      "retaken when their lease ends (they may arrive twice)", self.worker_id,
                      self._marks.qsize())
        marker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await marker
        if self._slots:  # unused send slots go back to the other workers when nobody booked after
            count, until = len(self._slots), self._booked_until
            self._slots.clear()
            with contextlib.suppress(Exception):
                await self._db("give back send slots", self._give_back_slots, until, count,
                               persist=True, attempts=1)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
