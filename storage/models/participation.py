"""Participation: the people who use the bot, their roles, subscriptions, feedback and the outbox.

Aggregates (one table each unless said):
- `Person`: a Telegram user the bot has talked to (id = Telegram user id). `active` turns False
  when Telegram says the bot is blocked (403); nothing is sent to an inactive person.
- `OscMembership`: an application to be an OSC member (pending -> approved / rejected).
- `FocalPoint`: a person appointed as focal point (enlace) of one institution (actor key).
- `Subscription`: a person follows a ref (`c3`, `c3h2`, `i:sesan`).
- `FeedbackReport` + `FeedbackEvent`: a monitoring report (reference RM-YYYY-NNNNN) and its
  public state history (answers of focal points, moderation).
- `DigestItem`: a notice held for a person who chose a daily digest.
- `OutboxMessage`: every message the bot sends on its own initiative, durable until delivered
  (see docs/delivery.md); `DeliveryRate`: the send schedule the delivery workers share.

Foreign keys point only inside this aggregate: refs and actor keys are plain strings (see
knowledge.refs), so the knowledge base can be reloaded without touching participation rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

# An auto-increment 64-bit key that is also a rowid alias on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(5), default="es")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)  # appointed in the database
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False after a 403 (blocked)
    inactive_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    notify_mode: Mapped[str] = mapped_column(String(10), default="instant")  # instant | digest
    digest_hour: Mapped[int] = mapped_column(Integer, default=18)  # local hour, 0-23
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OscMembership(Base):
    __tablename__ = "osc_memberships"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(200))
    organisation_key: Mapped[str | None] = mapped_column(String(64))  # actors.yaml key, if known
    organisation_name: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))
    consent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FocalPoint(Base):
    __tablename__ = "focal_points"

    person_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    actor_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    appointed_by: Mapped[int | None] = mapped_column(BigInteger)
    appointed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "ref"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeedbackReport(Base):
    __tablename__ = "feedback_reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)  # RM-2026-00042
    person_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    ref: Mapped[str] = mapped_column(String(40), index=True)  # c3 or c3h2
    observation: Mapped[str] = mapped_column(String(20))  # on_track|delayed|not_started|other
    text: Mapped[str] = mapped_column(Text)
    attachment_kind: Mapped[str | None] = mapped_column(String(10))  # photo | document
    attachment_file_id: Mapped[str | None] = mapped_column(String(200))
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12), default="received")  # received|answered|published|hidden
    state_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeedbackEvent(Base):
    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("feedback_reports.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # submitted | answer | published | hidden
    text: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    author_role: Mapped[str | None] = mapped_column(String(12))  # member|focal_point|admin
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DigestItem(Base):
    __tablename__ = "digest_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    digested_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_not_before", "state", "not_before"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="notice")
    text: Mapped[str] = mapped_column(Text)
    reply_markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sending|sent|failed|dropped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeliveryRate(Base):
    """The send schedule every delivery worker shares (one row per limit, e.g. 'global').

    `updated_at` is the next free send time in epoch seconds (GCRA, see
    storage.repositories.outbox.reserve_send_slots); `tokens` is no longer used (kept at 0).
    """

    __tablename__ = "delivery_rate"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[float] = mapped_column(Float, default=0.0)  # next free send time (epoch s)
