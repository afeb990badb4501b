"""Reminders and digests: the bot's daily and hourly jobs, all written to the outbox.

- Due soon: a hito whose end date is 30 days away or less, and again at 7 days or less, and that
  is not completed -> its institution's focal points (once per threshold and end date).
- Overdue: past its end date and not completed -> the admins (once per end date).
- Digest: people who chose a daily digest get their held notices at their hour (Guatemala time).
The functions take a session and return how many messages they queued; `schedule(application)`
adds them to PTB's JobQueue.  Dedupe keys make every job safe to run twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from knowledge.clock import GUATEMALA, local_now
from knowledge.compose import shorten
from knowledge.i18n import format_day
from knowledge.progress import is_completed, is_overdue
from knowledge.refs import hito_ref
from knowledge.schema import KnowledgeData
from participation import notify
from participation.common import (
    actor_index,
    all_commitments,
    config,
    esc,
    records,
    responsible_keys,
)
from participation.render import split_message
from storage.repositories import outbox
from storage.repositories import participation as repo
from storage.repositories.knowledge import read_knowledge

log = logging.getLogger(__name__)

DUE_THRESHOLDS = (30, 7)
REMINDER_TIME = dt.time(8, 0, tzinfo=GUATEMALA)


def queue_due_reminders(session: Session, kd: KnowledgeData, today: dt.date,
                        configured_admins: Collection[int]) -> int:
    """Queue due-soon reminders to focal points and overdue notices to admins (overdue as the
    knowledge core decides it: knowledge.progress.is_overdue)."""
    statuses = {s.key: s for s in kd.statuses}
    index = actor_index(kd)
    admins = notify.locales_of(session, repo.admin_ids(session, configured_admins))
    queued = 0
    for plan, commitment in all_commitments(kd):
        for hito in commitment.hitos:
            if hito.end is None:
                continue
            due = hito.end.last_day()
            ref = hito_ref(plan.key, commitment.number, hito.number)
            if is_overdue(hito, statuses, today):
                queued += notify.notify_people(
                    session, admins, f"overdue:{ref}:{due.isoformat()}",
                    lambda loc, ref=ref, due=due, text=hito.text: _overdue_text(kd, ref, text, due, loc), "reminder")
                continue
            days_left = (due - today).days
            threshold = next((t for t in sorted(DUE_THRESHOLDS) if days_left <= t), None)
            if threshold is None or days_left < 0 or is_completed(hito, statuses):
                continue
            focal = notify.locales_of(session, repo.focal_points_of(
                session, responsible_keys(kd, commitment, hito, index)))
            queued += notify.notify_people(
                session, focal, f"due{threshold}:{ref}:{due.isoformat()}",
                lambda loc, ref=ref, due=due, days=days_left, text=hito.text: _due_text(kd, ref, text, due, days, loc),
                "reminder")
    return queued


def _due_text(kd: KnowledgeData, ref: str, text: str, due: dt.date, days: int, locale: str) -> str:
    t = notify._gettext(locale)
    return "\n".join([
        f"<b>{esc(t('Recordatorio: {title} vence en {days} días ({date})').format(title=records(kd).record_name(ref, locale), days=days, date=format_day(due, locale)))}</b>",
        esc(text[:300]),
        esc(t("Actualiza su avance con /actualizar.")),
    ])


def _overdue_text(kd: KnowledgeData, ref: str, text: str, due: dt.date, locale: str) -> str:
    t = notify._gettext(locale)
    return "\n".join([
        f"<b>{esc(t('Atrasado: {title} debía terminar el {date} y no está completado').format(title=records(kd).record_name(ref, locale), date=format_day(due, locale)))}</b>",
        esc(text[:300]),
    ])


def queue_digests(session: Session, hour: int, today: dt.date) -> int:
    """One digest message per person whose digest hour is `hour`, from their held notices."""
    queued = 0
    for person_id, items in repo.digest_due(session, hour).items():
        locales = notify.locales_of(session, [person_id])
        if not locales:
            continue
        locale = locales[0][1]
        t = notify._gettext(locale)
        parts = [f"<b>{esc(t('Tu resumen del {date}').format(date=format_day(today, locale)))}</b>"]
        parts += [item.text for item in items]
        pieces = split_message("\n\n".join(parts))  # a long digest: several whole messages, never a cut tag
        refs = sorted({item.ref for item in items if item.ref})
        markup = {"inline_keyboard": [[{"text": shorten(t("Dejar de seguir: {title}").format(title=r), 60),
                                        "callback_data": f"pa:u:{r}"}] for r in refs[:8]]}
        for k, piece in enumerate(pieces):
            last = k == len(pieces) - 1
            key = f"digest:{person_id}:{items[-1].id}" + (f":{k}" if k else "")
            queued += outbox.enqueue(session, outbox.NewMessage(person_id, piece, key, "digest",
                                                                markup if last else None))
        repo.mark_digested(session, [item.id for item in items])
    return queued


# --- JobQueue wiring ------------------------------------------------------------------------------


async def _fresh_knowledge(application: Any) -> KnowledgeData:
    """The knowledge base with current statuses read from the database, else what the bot holds."""
    services = application.bot_data["services"]
    try:
        return await services.database.call(read_knowledge)
    except Exception:  # the database is unreadable now: the bot's copy is good enough daily
        log.warning("reminders: using the bot's in-memory knowledge base", exc_info=True)
        return services.data


async def daily_reminders_job(context: Any) -> None:
    application = context.application
    kd = await _fresh_knowledge(application)
    queued = await application.bot_data["services"].database.call(
        queue_due_reminders, kd, local_now().date(), config(context).admin_ids)
    log.info("reminders: %d queued", queued)


async def hourly_digest_job(context: Any) -> None:
    now = local_now()
    queued = await context.application.bot_data["services"].database.call(queue_digests, now.hour, now.date())
    log.info("digests for %02d:00: %d queued", now.hour, queued)


def schedule(application: Any) -> None:
    """Add the daily reminder and the hourly digest jobs (needs python-telegram-bot[job-queue])."""
    jq = application.job_queue
    if jq is None:
        log.warning("no JobQueue: reminders and digests are off (install python-telegram-bot[job-queue])")
        return
    jq.run_daily(daily_reminders_job, time=REMINDER_TIME, name="pa-reminders")
    now = local_now()
    next_hour = (now + dt.timedelta(hours=1)).replace(minute=0, second=5, microsecond=0)
    jq.run_repeating(hourly_digest_job, interval=3600, first=next_hour, name="pa-digests")
