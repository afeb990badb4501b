"""Participation: roles, OSC registration, subscriptions, focal-point updates, monitoring feedback.

Modules: registration (/registro, /pendientes), roles (/admin, /enlace, focal points from the
queue), updates (/actualizar), monitoring (/monitoreo, /mis_reportes, /moderar), subscriptions,
privacy (/mis_datos, /borrar_mis_datos, /exportar); notify and the outbox send what they queue.

`register(application)` adds this room's handlers to the bot (called by bot.app before the
free-text fallback), schedules the reminder and digest jobs, and runs the outbox delivery worker
as a repeating job inside the bot process.  Callback data of this room starts with "pa:".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from handlers.participation.common import CONFIG_KEY, ParticipationConfig
from handlers.participation.subscriptions import followed, subscription_button

log = logging.getLogger(__name__)

__all__ = ["followed", "register", "subscription_button"]

DELIVERY_INTERVAL = 1.0  # seconds between delivery rounds in the bot process
DELIVERY_ROUND_BUDGET = 0.9  # a round sends for at most this long, so rounds never overlap
USERNAME_GROUP = 1  # after bot.app's MAIN_GROUP: remembering who wrote never delays the answer


def _admin_ids(application: Any, settings: Any | None) -> tuple[int, ...]:
    if settings is None:
        settings = application.bot_data.get("settings")
    if settings is None:
        from bot.config import Settings

        try:
            settings = Settings.from_env()
        except Exception:
            return ()
    return tuple(getattr(settings, "admin_ids", ()) or ())


async def delivery_job(context: Any) -> None:
    """One delivery round: send what is due in the outbox for up to ~1 s."""
    from bot.delivery import BotApiSender, DeliverySettings, DeliveryWorker

    application = context.application
    services = application.bot_data.get("services")
    if services is None or services.database is None:
        return
    cfg: ParticipationConfig = application.bot_data.setdefault(CONFIG_KEY, ParticipationConfig())
    if cfg.sender is None:
        cfg.sender = BotApiSender("", application.bot.base_url + "/")
    worker = cfg.extra.get("worker")
    if worker is None:
        worker = DeliveryWorker(services.database.session, cfg.sender, cfg.delivery or DeliverySettings())
        cfg.extra["worker"] = worker
    stop = asyncio.Event()

    async def stop_with_the_application() -> None:  # SIGTERM: the round ends at once
        while application.running:
            await asyncio.sleep(0.05)
        stop.set()

    watcher = asyncio.create_task(stop_with_the_application())
    try:
        await worker.run(stop, until_idle=True, time_budget=DELIVERY_ROUND_BUDGET)
    finally:
        watcher.cancel()
        if not application.running:  # the bot is stopping: this round may end after post_shutdown
            await cfg.sender.close()


def register(application: Any, settings: Any | None = None) -> None:
    from handlers.participation import (
        monitoring,
        privacy,
        registration,
        roles,
        subscriptions,
        updates,
    )

    application.bot_data[CONFIG_KEY] = ParticipationConfig(admin_ids=_admin_ids(application, settings))
    # Order inside the group: conversations first (they only take updates of a conversation in
    # progress or their entry command), then plain commands and buttons.
    # Conversations are persistent when the application has a persistence (bot/persistence.py):
    # a restart mid-way resumes where each person was.
    persistent = application.persistence is not None
    for handler in [*registration.handlers(persistent), *roles.handlers(persistent),
                    *updates.handlers(persistent), *monitoring.handlers(persistent),
                    *subscriptions.handlers(), *privacy.handlers()]:
        application.add_handler(handler)
    # after the answer, in a group of its own: who wrote, for /enlace @username (in memory)
    application.add_handler(TypeHandler(Update, roles.remember_username), group=USERNAME_GROUP)
    if application.job_queue is not None:
        from bot import reminders

        reminders.schedule(application)
        application.job_queue.run_repeating(delivery_job, interval=DELIVERY_INTERVAL, first=1.0,
                                            name="pa-delivery")
    else:
        log.warning("no JobQueue: run `hitobot deliver` next to the bot to send notices")
