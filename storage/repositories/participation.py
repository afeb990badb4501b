"""Participation queries: who someone is (roles), what they follow, what they reported.

Small functions named after the question they answer; the caller owns the transaction.
Admins are the ADMIN_IDS of the settings plus people appointed in the database (`is_admin`),
so the functions that decide roles take the configured ids as an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models.knowledge import HitoStatusChange
from storage.models.participation import (
    DigestItem,
    FeedbackEvent,
    FeedbackReport,
    FocalPoint,
    OscMembership,
    OutboxMessage,
    Person,
    Subscription,
    utcnow,
)
from storage.models.preferences import Preference
from storage.repositories import bot_state, outbox
from storage.repositories.outbox import _insert_for

OBSERVATIONS = ("on_track", "delayed", "not_started", "other")
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
FOCAL = "focal"  # an application closed by appointing the applicant focal point of institutions

# --- people and roles --------------------------------------------------------------------------


def touch_person(session: Session, user_id: int, display_name: str = "", username: str | None = None,
                 locale: str | None = None) -> Person:
    """The person with this Telegram id, created on first contact; reactivated if they came back.

    Only the id, the language and the notification choices are kept: `display_name` and
    `username` are accepted for old callers and NOT stored (a Telegram name is personal data
    nobody agreed to give; a member's name is the one they registered with, with consent)."""
    person = session.get(Person, user_id)
    if person is None:
        person = Person(id=user_id, display_name="", username=None,
                        locale=locale or "es", is_admin=False, active=True, notify_mode="instant",
                        digest_hour=18, created_at=utcnow())
        session.add(person)
        session.flush()
        return person
    if not person.active:  # they wrote to us again: they unblocked the bot
        person.active, person.inactive_since = True, None
    return person


def is_admin(session: Session, user_id: int, configured_admins: Collection[int]) -> bool:
    if user_id in configured_admins:
        return True
    return bool(session.scalar(select(Person.is_admin).where(Person.id == user_id)))


def admin_ids(session: Session, configured_admins: Collection[int]) -> list[int]:
    appointed = session.scalars(select(Person.id).where(Person.is_admin.is_(True))).all()
    return sorted(set(configured_admins) | set(appointed))


def appoint_admin(session: Session, user_id: int) -> bool:
    """Make a person an admin (in the database); False if they already were one."""
    person = touch_person(session, user_id)
    if person.is_admin:
        return False
    person.is_admin = True
    session.flush()
    return True


def revoke_admin(session: Session, user_id: int) -> bool:
    """Withdraw an admin appointed in the database; False if they were not one.
    (Admins configured in ADMIN_IDS are not in the database and cannot be revoked here.)"""
    return bool(session.execute(
        update(Person).where(Person.id == user_id, Person.is_admin.is_(True)).values(is_admin=False)
        .execution_options(synchronize_session=False)
    ).rowcount)


def is_osc_member(session: Session, user_id: int) -> bool:
    return session.scalar(
        select(func.count()).select_from(OscMembership)
        .where(OscMembership.person_id == user_id, OscMembership.state == APPROVED)
    ) > 0


def focal_point_institutions(session: Session, user_id: int) -> list[str]:
    return list(session.scalars(
        select(FocalPoint.actor_key).where(FocalPoint.person_id == user_id).order_by(FocalPoint.actor_key)
    ))


def focal_points_of(session: Session, actor_keys: Iterable[str]) -> list[int]:
    keys = list(actor_keys)
    if not keys:
        return []
    return sorted(set(session.scalars(
        select(FocalPoint.person_id).join(Person, Person.id == FocalPoint.person_id)
        .where(FocalPoint.actor_key.in_(keys), Person.active.is_(True))
    )))


def appoint_focal_point(session: Session, user_id: int, actor_key: str, appointed_by: int) -> bool:
    """Bind a person to an institution; False if they already were."""
    touch_person(session, user_id)
    if session.get(FocalPoint, (user_id, actor_key)) is not None:
        return False
    session.add(FocalPoint(person_id=user_id, actor_key=actor_key, appointed_by=appointed_by,
                           appointed_at=utcnow()))
    session.flush()
    return True


def revoke_focal_point(session: Session, user_id: int, actor_key: str) -> bool:
    return bool(session.execute(
        delete(FocalPoint).where(FocalPoint.person_id == user_id, FocalPoint.actor_key == actor_key)
    ).rowcount)


# --- OSC registration --------------------------------------------------------------------------


def latest_membership(session: Session, user_id: int) -> OscMembership | None:
    return session.scalars(
        select(OscMembership).where(OscMembership.person_id == user_id)
        .order_by(OscMembership.id.desc()).limit(1)
    ).first()


def apply_for_membership(session: Session, user_id: int, full_name: str, organisation_name: str,
                         organisation_key: str | None, contact: str | None) -> OscMembership:
    membership = OscMembership(
        person_id=user_id, full_name=full_name[:200], organisation_name=organisation_name[:300],
        organisation_key=organisation_key, contact=(contact or None) and contact[:300],
        consent_at=utcnow(), state=PENDING, created_at=utcnow(),
    )
    session.add(membership)
    session.flush()
    return membership


def membership_by_id(session: Session, membership_id: int) -> OscMembership | None:
    return session.get(OscMembership, membership_id)


def pending_memberships(session: Session, limit: int = 20) -> list[OscMembership]:
    return list(session.scalars(
        select(OscMembership).where(OscMembership.state == PENDING).order_by(OscMembership.id).limit(limit)
    ))


def decide_membership(session: Session, membership_id: int, approve: bool, admin_id: int) -> OscMembership | None:
    """Approve or reject a pending application; None if it is not pending (already decided)."""
    return settle_membership(session, membership_id, APPROVED if approve else REJECTED, admin_id)


def settle_membership(session: Session, membership_id: int, state: str, admin_id: int) -> OscMembership | None:
    """Close a pending application as approved, rejected or focal; None if it is not pending."""
    if state not in (APPROVED, REJECTED, FOCAL):
        raise ValueError(f"unknown membership outcome {state!r}")
    done = session.execute(
        update(OscMembership)
        .where(OscMembership.id == membership_id, OscMembership.state == PENDING)
        .values(state=state, decided_by=admin_id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        return None
    membership = session.get(OscMembership, membership_id)
    session.refresh(membership)
    return membership


# --- subscriptions ------------------------------------------------------------------------------


def is_subscribed(session: Session, user_id: int, ref: str) -> bool:
    return session.scalar(
        select(func.count()).select_from(Subscription)
        .where(Subscription.person_id == user_id, Subscription.ref == ref)
    ) > 0


def subscribe(session: Session, user_id: int, ref: str) -> bool:
    if is_subscribed(session, user_id, ref):
        return False
    touch_person(session, user_id)
    session.add(Subscription(person_id=user_id, ref=ref, created_at=utcnow()))
    session.flush()
    return True


def unsubscribe(session: Session, user_id: int, ref: str) -> bool:
    return bool(session.execute(
        delete(Subscription).where(Subscription.person_id == user_id, Subscription.ref == ref)
    ).rowcount)


def subscriptions_of(session: Session, user_id: int) -> list[str]:
    return list(session.scalars(
        select(Subscription.ref).where(Subscription.person_id == user_id).order_by(Subscription.id)
    ))


def set_notify_mode(session: Session, user_id: int, mode: str, digest_hour: int | None = None) -> None:
    if mode not in ("instant", "digest"):
        raise ValueError(f"notify mode must be instant or digest, got {mode!r}")
    values: dict[str, Any] = {"notify_mode": mode}
    if digest_hour is not None:
        if not 0 <= digest_hour <= 23:
            raise ValueError("digest hour must be 0-23")
        values["digest_hour"] = digest_hour
    touch_person(session, user_id)
    session.execute(update(Person).where(Person.id == user_id).values(**values))


@dataclass(frozen=True, slots=True)
class Subscriber:
    person_id: int
    locale: str
    notify_mode: str
    ref: str  # the ref they follow that matched (what the unsubscribe button removes)


def subscribers_of(session: Session, refs: Iterable[str]) -> list[Subscriber]:
    """Active people following any of `refs`; one entry per person (their first matching ref)."""
    order = list(dict.fromkeys(refs))
    if not order:
        return []
    rows = session.execute(
        select(Subscription.person_id, Subscription.ref, Person.locale, Person.notify_mode)
        .join(Person, Person.id == Subscription.person_id)
        .where(Subscription.ref.in_(order), Person.active.is_(True))
    ).all()
    rank = {ref: i for i, ref in enumerate(order)}
    best: dict[int, Subscriber] = {}
    for person_id, ref, locale, mode in sorted(rows, key=lambda r: (r[0], rank[r[1]])):
        best.setdefault(person_id, Subscriber(person_id, locale, mode, ref))
    return [best[k] for k in sorted(best)]


def hold_for_digest(session: Session, person_id: int, dedupe_key: str, text: str, ref: str | None) -> bool:

    stmt = _insert_for(session)(DigestItem).values(
        person_id=person_id, dedupe_key=dedupe_key, text=text, ref=ref, created_at=utcnow()
    ).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return bool(session.execute(stmt).rowcount)


def digest_due(session: Session, hour: int) -> dict[int, list[DigestItem]]:
    """Undelivered digest items of active digest readers whose hour is `hour`, by person."""
    items = session.scalars(
        select(DigestItem).join(Person, Person.id == DigestItem.person_id)
        .where(DigestItem.digested_at.is_(None), Person.notify_mode == "digest",
               Person.digest_hour == hour, Person.active.is_(True))
        .order_by(DigestItem.person_id, DigestItem.id)
    ).all()
    grouped: dict[int, list[DigestItem]] = {}
    for item in items:
        grouped.setdefault(item.person_id, []).append(item)
    return grouped


def mark_digested(session: Session, item_ids: Iterable[int]) -> None:
    ids = list(item_ids)
    if ids:
        session.execute(update(DigestItem).where(DigestItem.id.in_(ids)).values(digested_at=utcnow()))


# --- monitoring feedback -----------------------------------------------------------------------


def reference_for(report_id: int, year: int) -> str:
    return f"RM-{year}-{report_id:05d}"


def create_report(session: Session, user_id: int, ref: str, observation: str, text: str,
                  attachment_kind: str | None, attachment_file_id: str | None, show_name: bool,
                  now: dt.datetime | None = None) -> FeedbackReport:
    if observation not in OBSERVATIONS:
        raise ValueError(f"unknown observation {observation!r}")
    now = now or utcnow()
    report = FeedbackReport(person_id=user_id, ref=ref, observation=observation, text=text,
                            attachment_kind=attachment_kind, attachment_file_id=attachment_file_id,
                            show_name=show_name, state="received", created_at=now, updated_at=now)
    session.add(report)
    session.flush()
    report.reference = reference_for(report.id, now.year)
    session.add(FeedbackEvent(report_id=report.id, kind="submitted", author_id=user_id,
                              author_role="member", created_at=now))
    session.flush()
    return report


def report_by_id(session: Session, report_id: int) -> FeedbackReport | None:
    return session.get(FeedbackReport, report_id)


def reports_of(session: Session, user_id: int) -> list[FeedbackReport]:
    return list(session.scalars(
        select(FeedbackReport).where(FeedbackReport.person_id == user_id).order_by(FeedbackReport.id.desc())
    ))


def report_events(session: Session, report_id: int) -> list[FeedbackEvent]:
    return list(session.scalars(
        select(FeedbackEvent).where(FeedbackEvent.report_id == report_id).order_by(FeedbackEvent.id)
    ))


def answer_report(session: Session, report_id: int, author_id: int, text: str) -> FeedbackReport | None:
    report = session.get(FeedbackReport, report_id)
    if report is None:
        return None
    session.add(FeedbackEvent(report_id=report_id, kind="answer", text=text, author_id=author_id,
                              author_role="focal_point", created_at=utcnow()))
    if report.state == "received":
        report.state = "answered"
    report.updated_at = utcnow()
    session.flush()
    return report


def moderate_report(session: Session, report_id: int, admin_id: int, publish: bool,
                    reason: str | None) -> FeedbackReport | None:
    report = session.get(FeedbackReport, report_id)
    if report is None:
        return None
    report.state = "published" if publish else "hidden"
    report.state_reason = reason
    report.updated_at = utcnow()
    session.add(FeedbackEvent(report_id=report_id, kind=report.state, text=reason, author_id=admin_id,
                              author_role="admin", created_at=utcnow()))
    session.flush()
    return report


def reports_awaiting_moderation(session: Session, limit: int = 20) -> list[FeedbackReport]:
    return list(session.scalars(
        select(FeedbackReport).where(FeedbackReport.state.in_(("received", "answered")))
        .order_by(FeedbackReport.id).limit(limit)
    ))


@dataclass(frozen=True, slots=True)
class PublishedReport:
    reference: str
    ref: str
    observation: str
    text: str
    author: str | None  # only when the member allowed it
    created_at: dt.datetime
    answers: list[str]


def published_reports(session: Session) -> list[PublishedReport]:
    """Published reports; the author's name only where they allowed it, and then the name they
    registered with (never a Telegram name)."""
    rows = session.scalars(
        select(FeedbackReport).where(FeedbackReport.state == "published").order_by(FeedbackReport.id)
    ).all()
    out = []
    for report in rows:
        answers = [e.text or "" for e in report_events(session, report.id) if e.kind == "answer"]
        name = None
        if report.show_name and report.person_id:
            membership = latest_membership(session, report.person_id)
            name = membership.full_name if membership is not None else None
        out.append(PublishedReport(report.reference or "", report.ref, report.observation, report.text,
                                   name, report.created_at, answers))
    return out


# --- personal data ------------------------------------------------------------------------------


def _row(obj: Any, columns: Iterable[str]) -> dict[str, Any]:
    out = {}
    for c in columns:
        value = getattr(obj, c)
        out[c] = value.isoformat() if isinstance(value, dt.datetime) else value
    return out


def _chosen_language(session: Session, user_id: int) -> str | None:

    return session.scalar(select(Preference.locale).where(Preference.user_id == user_id))


def _signed_updates(session: Session, user_id: int) -> int:
    """Hito updates this person posted as a focal point (kept with their id until erasure; the
    public history names only the institutions)."""

    return session.scalar(select(func.count()).select_from(HitoStatusChange)
                          .where(HitoStatusChange.author_user_id == user_id)) or 0


def personal_data(session: Session, user_id: int) -> dict[str, Any]:
    """Everything stored about one person (what /mis_datos sends)."""
    person = session.get(Person, user_id)
    if person is None:
        return {}
    return {
        "person": _row(person, ("id", "display_name", "username", "locale", "is_admin", "active",
                                "notify_mode", "digest_hour", "created_at")),
        "osc_memberships": [
            _row(m, ("full_name", "organisation_name", "organisation_key", "contact", "state",
                     "consent_at", "created_at"))
            for m in session.scalars(select(OscMembership).where(OscMembership.person_id == user_id))],
        "focal_point_of": focal_point_institutions(session, user_id),
        "subscriptions": subscriptions_of(session, user_id),
        "reports": [
            _row(r, ("reference", "ref", "observation", "text", "attachment_kind", "show_name", "state",
                     "state_reason", "created_at"))
            for r in reports_of(session, user_id)],
        "pending_digest_items": session.scalar(
            select(func.count()).select_from(DigestItem)
            .where(DigestItem.person_id == user_id, DigestItem.digested_at.is_(None))),
        "language": _chosen_language(session, user_id),
        "status_updates_signed": _signed_updates(session, user_id),
        "queued_messages": session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.chat_id == user_id, OutboxMessage.state.in_(("pending", "sending")))),
    }


ERASED_TEXT = "—"  # what an outbox row about an erased person keeps of its text


@dataclass(frozen=True, slots=True)
class PublicContributions:
    """What a person gave to the public record, which stays (without their name) after erasure."""

    status_updates: int  # hito updates reported for their institutions
    published_reports: int  # monitoring reports published after moderation


def public_contributions(session: Session, user_id: int) -> PublicContributions:

    updates = session.scalar(select(func.count()).select_from(HitoStatusChange)
                             .where(HitoStatusChange.author_user_id == user_id))
    reports = session.scalar(select(func.count()).select_from(FeedbackReport).where(
        FeedbackReport.person_id == user_id, FeedbackReport.state == "published"))
    return PublicContributions(updates or 0, reports or 0)


def erase_person(session: Session, user_id: int) -> None:
    """Forget a person everywhere: their rows in every table, the messages to them and the
    messages *about* them queued or sent to others (an admin's copy of their application, a
    focal point's copy of their unpublished report), their signature in the status history,
    their language and the bot's state of their conversations (drafts). Published reports stay,
    anonymised; their other reports are deleted."""

    memberships = list(session.scalars(select(OscMembership.id).where(OscMembership.person_id == user_id)))
    unpublished = list(session.scalars(select(FeedbackReport.id).where(
        FeedbackReport.person_id == user_id, FeedbackReport.state != "published")))
    about = [f"reg:{m}:%" for m in memberships]
    about += [f"{kind}:{r}:%" for r in unpublished for kind in ("report", "moderate")]
    for start in range(0, len(about), 200):
        match = or_(*(OutboxMessage.dedupe_key.like(p) for p in about[start:start + 200]))
        session.execute(update(OutboxMessage).where(match, OutboxMessage.state.in_((outbox.PENDING, outbox.SENDING)))
                        .values(state=outbox.DROPPED, last_error="about an erased person")
                        .execution_options(synchronize_session=False))
        session.execute(update(OutboxMessage).where(match)
                        .values(text=ERASED_TEXT, reply_markup=None)
                        .execution_options(synchronize_session=False))
    # messages to them: gone (one being sent right now may still arrive; its mark then finds no
    # row and changes nothing)
    session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == user_id)
                    .execution_options(synchronize_session=False))
    session.execute(update(FeedbackReport).where(FeedbackReport.person_id == user_id,
                                                 FeedbackReport.state == "published")
                    .values(person_id=None, show_name=False))
    session.execute(delete(FeedbackReport).where(FeedbackReport.person_id == user_id))
    session.execute(update(FeedbackEvent).where(FeedbackEvent.author_id == user_id)
                    .values(author_id=None))
    # the status history keeps what was reported and for which institutions, not by whom
    session.execute(update(HitoStatusChange).where(HitoStatusChange.author_user_id == user_id)
                    .values(author_user_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(delete(Preference).where(Preference.user_id == user_id))
    bot_state.drop_person(session, user_id)
    for model in (DigestItem, Subscription, FocalPoint, OscMembership):
        session.execute(delete(model).where(model.person_id == user_id))
    session.execute(delete(Person).where(Person.id == user_id))
