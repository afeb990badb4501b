"""Outbox: the durable queue of messages the bot sends on its own (claim -> send -> mark).

Every notice, reminder, digest and answer is first written here, in the same transaction as
the change that caused it, under a `dedupe_key` that makes enqueueing idempotent.  Delivery
workers (participation/delivery.py) claim rows with a lease, send them, and mark each one right after
Telegram answers.  docs/delivery.md describes the protocol and its one unavoidable window.

All times are UTC; `now` is passed in so the functions are deterministic under test.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from storage.models.participation import DeliveryRate, OutboxMessage, Person, utcnow

PENDING, SENDING, SENT, FAILED, DROPPED = "pending", "sending", "sent", "failed", "dropped"


@dataclass(frozen=True, slots=True)
class NewMessage:
    chat_id: int
    text: str
    dedupe_key: str
    kind: str = "notice"
    reply_markup: dict[str, Any] | None = None
    not_before: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    attempts: int
    lease_expires_at: dt.datetime
    recovered: bool = False  # retaken from a worker whose lease expired: it may have been sent


def _insert_for(session: Session):
    """The dialect's INSERT (for ON CONFLICT); imported on first use, the other dialect never."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def enqueue_many(session: Session, messages: Iterable[NewMessage], now: dt.datetime | None = None) -> int:
    """Add messages; a dedupe_key already in the outbox is skipped. Returns how many were new."""
    now = now or utcnow()
    rows = [
        {
            "chat_id": m.chat_id, "text": m.text, "dedupe_key": m.dedupe_key, "kind": m.kind,
            "reply_markup": m.reply_markup, "state": PENDING, "attempts": 0,
            "not_before": m.not_before or now, "created_at": now,
        }
        for m in messages
    ]
    if not rows:
        return 0
    insert = _insert_for(session)
    added = 0
    for start in range(0, len(rows), 1000):
        stmt = insert(OutboxMessage).values(rows[start:start + 1000])
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id)
        added += len(session.execute(stmt).all())  # rowcount is -1 for multi-row inserts on psycopg
    return added


def enqueue(session: Session, message: NewMessage, now: dt.datetime | None = None) -> bool:
    return enqueue_many(session, [message], now) == 1


def claim_batch(
    session: Session, worker_id: str, limit: int, lease_seconds: float, now: dt.datetime | None = None
) -> list[ClaimedMessage]:
    """Lease up to `limit` due messages, at most one per chat, none for a chat already leased.

    Due = pending and not_before <= now, or sending with an expired lease (a dead worker's).
    On PostgreSQL the candidate rows are locked FOR UPDATE SKIP LOCKED, so concurrent workers
    never wait for or take each other's rows; the conditional UPDATE is the guard on SQLite.
    The caller commits right away, so the lease is visible before anything is sent.
    """
    now = now or utcnow()
    expires = now + dt.timedelta(seconds=lease_seconds)
    other = aliased(OutboxMessage)
    chat_busy = exists().where(
        other.chat_id == OutboxMessage.chat_id,
        other.id != OutboxMessage.id,
        other.state == SENDING,
        other.lease_expires_at >= now,
    )
    due = or_(
        and_(OutboxMessage.state == PENDING, OutboxMessage.not_before <= now),
        and_(OutboxMessage.state == SENDING, OutboxMessage.lease_expires_at < now),
    )
    query = (
        select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.state)
        .where(due, ~chat_busy)
        .order_by(OutboxMessage.id)
        .limit(limit * 2)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    candidates = session.execute(query).all()
    chosen: list[int] = []
    recovered: set[int] = set()
    seen_chats: set[int] = set()
    for row_id, chat_id, state in candidates:
        if chat_id in seen_chats:
            continue
        seen_chats.add(chat_id)
        chosen.append(row_id)
        if state == SENDING:
            recovered.add(row_id)
        if len(chosen) == limit:
            break
    if not chosen:
        return []
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen), due)
        .values(state=SENDING, lease_owner=worker_id, lease_expires_at=expires,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    claimed = session.execute(  # plain rows, no ORM objects: claims run while the loop paces sends
        select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.text, OutboxMessage.reply_markup,
               OutboxMessage.attempts)
        .where(OutboxMessage.id.in_(chosen), OutboxMessage.lease_owner == worker_id,
               OutboxMessage.state == SENDING, OutboxMessage.lease_expires_at == expires)
        .order_by(OutboxMessage.id)
    ).all()
    return [
        ClaimedMessage(row_id, chat_id, text, markup, attempts, expires, row_id in recovered)
        for row_id, chat_id, text, markup, attempts in claimed
    ]


def _owned(message_id: int, worker_id: str):
    return and_(OutboxMessage.id == message_id, OutboxMessage.lease_owner == worker_id,
                OutboxMessage.state == SENDING)


def mark_sent(
    session: Session, message_id: int, worker_id: str, telegram_message_id: int | None,
    chat_id: int, per_chat_interval: float = 1.0, now: dt.datetime | None = None,
) -> bool:
    """Record a delivery; pushes the chat's other pending messages at least one interval later."""
    now = now or utcnow()
    done = session.execute(
        update(OutboxMessage).where(_owned(message_id, worker_id))
        .values(state=SENT, sent_at=now, telegram_message_id=telegram_message_id,
                lease_owner=None, lease_expires_at=None, last_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if per_chat_interval > 0:
        next_slot = now + dt.timedelta(seconds=per_chat_interval)
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.state == PENDING,
                   OutboxMessage.not_before < next_slot)
            .values(not_before=next_slot)
            .execution_options(synchronize_session=False)
        )
    return bool(done)


def mark_sent_many(
    session: Session, worker_id: str, deliveries: Sequence[tuple[int, int | None, int, dt.datetime]],
    per_chat_interval: float = 1.0,
) -> int:
    """Record many deliveries (id, telegram message id, chat id, time) in two statements."""
    if not deliveries:
        return 0
    table = OutboxMessage.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.lease_owner == worker_id, table.c.state == SENDING)
        .values(state=SENT, sent_at=bindparam("b_at"), telegram_message_id=bindparam("b_mid"),
                lease_owner=None, lease_expires_at=None, last_error=None)
    )
    done = session.connection().execute(
        stmt, [{"b_id": i, "b_mid": mid, "b_at": at} for i, mid, _c, at in deliveries]
    ).rowcount
    if per_chat_interval > 0:
        next_slot = max(at for *_x, at in deliveries) + dt.timedelta(seconds=per_chat_interval)
        chats = sorted({c for _i, _m, c, _a in deliveries})
        for start in range(0, len(chats), 500):
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.chat_id.in_(chats[start:start + 500]), OutboxMessage.state == PENDING,
                       OutboxMessage.not_before < next_slot)
                .values(not_before=next_slot)
                .execution_options(synchronize_session=False)
            )
    return done if done is not None and done >= 0 else len(deliveries)


def mark_retry(
    session: Session, message_id: int, worker_id: str, delay_seconds: float, error: str,
    now: dt.datetime | None = None, chat_id: int | None = None,
) -> bool:
    """Back to pending after `delay_seconds`; with `chat_id` (a 429 for that chat) the chat's
    other pending messages wait at least as long, and no other chat is held back."""
    now = now or utcnow()
    not_before = now + dt.timedelta(seconds=delay_seconds)
    done = bool(session.execute(
        update(OutboxMessage).where(_owned(message_id, worker_id))
        .values(state=PENDING, not_before=not_before,
                lease_owner=None, lease_expires_at=None, last_error=error[:500])
        .execution_options(synchronize_session=False)
    ).rowcount)
    if done and chat_id is not None:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.state == PENDING,
                   OutboxMessage.not_before < not_before)
            .values(not_before=not_before)
            .execution_options(synchronize_session=False)
        )
    return done


def hurry_retries(session: Session, now: dt.datetime | None = None) -> int:
    """The Bot API answers again after an outage: rows waiting out a transport failure's backoff
    become due now (a 429's retry_after is Telegram's order and is kept). Returns how many."""
    now = now or utcnow()
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == PENDING, OutboxMessage.not_before > now,
               OutboxMessage.last_error.is_not(None),
               ~OutboxMessage.last_error.like("Too Many Requests%"))
        .values(not_before=now)
        .execution_options(synchronize_session=False)
    ).rowcount or 0


def mark_failed(session: Session, message_id: int, worker_id: str, error: str) -> bool:
    return bool(session.execute(
        update(OutboxMessage).where(_owned(message_id, worker_id))
        .values(state=FAILED, lease_owner=None, lease_expires_at=None, last_error=error[:500])
        .execution_options(synchronize_session=False)
    ).rowcount)


def mark_chat_blocked(
    session: Session, message_id: int, worker_id: str, chat_id: int, error: str,
    now: dt.datetime | None = None,
) -> int:
    """The person blocked the bot: drop this and every pending message to them, mark inactive."""
    now = now or utcnow()
    session.execute(
        update(OutboxMessage).where(_owned(message_id, worker_id))
        .values(state=DROPPED, lease_owner=None, lease_expires_at=None, last_error=error[:500])
        .execution_options(synchronize_session=False)
    )
    dropped = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.state == PENDING)
        .values(state=DROPPED, last_error="recipient inactive")
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(Person).where(Person.id == chat_id, Person.active.is_(True))
        .values(active=False, inactive_since=now)
        .execution_options(synchronize_session=False)
    )
    return dropped or 0


def release_claims(session: Session, worker_id: str, message_ids: Sequence[int]) -> int:
    """Give back leased messages that were not attempted (graceful stop)."""
    if not message_ids:
        return 0
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.lease_owner == worker_id,
               OutboxMessage.state == SENDING)
        .values(state=PENDING, lease_owner=None, lease_expires_at=None,
                attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    ).rowcount or 0


def _locked_schedule(session: Session, name: str, now_epoch: float) -> DeliveryRate:
    """The shared send schedule's row, locked for this transaction (created on first use)."""
    query = select(DeliveryRate).where(DeliveryRate.name == name)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    else:  # take SQLite's write lock before reading, so two processes cannot both read the row
        session.execute(update(DeliveryRate).where(DeliveryRate.name == name)
                        .values(name=DeliveryRate.name))
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        session.execute(_insert_for(session)(DeliveryRate)
                        .values(name=name, tokens=0.0, updated_at=now_epoch)
                        .on_conflict_do_nothing(index_elements=["name"]))
        row = session.execute(query).scalar_one()
    return row


def reserve_send_slots(
    session: Session, want: int, rate: float, max_ahead: float, now_epoch: float | None = None,
    name: str = "global",
) -> tuple[float, int, float]:
    """Book `want` consecutive send times on the schedule every worker shares (GCRA).

    The row's `updated_at` holds the next free send time (epoch seconds). A booking gets the
    times start, start + 1/rate, ..., start = max(next free, now); the next free time moves
    past them. Slots never pile up while nobody sends (no burst after idle), so however many
    workers book, no one-second window holds more than `rate` sends made on time.
    Returns (start, granted, wait): nothing is granted when the schedule is already booked
    more than `max_ahead` seconds ahead; `wait` says for how long. The caller commits.
    """
    now_epoch = time.time() if now_epoch is None else now_epoch
    row = _locked_schedule(session, name, now_epoch)
    start = max(row.updated_at, now_epoch)
    if start - now_epoch > max_ahead:
        return start, 0, start - now_epoch - max_ahead
    granted = max(1, want)
    row.updated_at = start + granted / rate
    row.tokens = 0.0
    return start, granted, 0.0


def release_send_slots(session: Session, booked_until: float, count: int, rate: float,
                       now_epoch: float | None = None, name: str = "global") -> bool:
    """Give back the last `count` booked slots, if nobody booked after them (graceful stop)."""
    now_epoch = time.time() if now_epoch is None else now_epoch
    row = _locked_schedule(session, name, now_epoch)
    if count <= 0 or abs(row.updated_at - booked_until) > 1e-6:
        return False
    row.updated_at = max(now_epoch, booked_until - count / rate)
    return True


def pause_sending(session: Session, until_epoch: float, name: str = "global") -> None:
    """Nobody sends before `until_epoch` (a 429 that looks global: the whole bot must wait)."""
    row = _locked_schedule(session, name, until_epoch)
    row.updated_at = max(row.updated_at, until_epoch)


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
    return {state: count for state, count in rows}


def oldest_undelivered_at(session: Session) -> dt.datetime | None:
    """When the oldest message still waiting to be delivered (pending or being sent) was queued."""
    first = session.execute(
        select(func.min(OutboxMessage.created_at))
        .where(OutboxMessage.state.in_((PENDING, SENDING)))
    ).scalar()
    if first is not None and first.tzinfo is None:
        first = first.replace(tzinfo=dt.UTC)
    return first


def next_due_in(session: Session, now: dt.datetime | None = None) -> float | None:
    """Seconds until the next pending message is due (0 if one is due now), None if none."""
    now = now or utcnow()
    first = session.execute(
        select(func.min(OutboxMessage.not_before)).where(OutboxMessage.state == PENDING)
    ).scalar()
    if first is None:
        return None
    if first.tzinfo is None:
        first = first.replace(tzinfo=dt.UTC)
    return max(0.0, (first - now).total_seconds())
