"""The participation room in the bot: `register(application, admin_ids=...)` adds its handlers
(called by bot.app before the free-text fallback), schedules the reminder and digest jobs, and
runs the outbox delivery worker as a repeating job inside the bot process.  Callback data of
this room starts with "pa:".  Configuration comes in as plain values: no import of bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from participation import (
    monitoring,
    privacy,
    registration,
    reminders,
    roles,
    subscriptions,
    updates,
)
from participation.common import CONFIG_KEY, ParticipationConfig, conversation
from participation.delivery import BotApiSender, DeliverySettings, DeliveryWorker

log = logging.getLogger(__name__)

DELIVERY_INTERVAL = 1.0  # seconds between delivery rounds in the bot process
DELIVERY_ROUND_BUDGET = 0.9  # a round sends for at most this long, so rounds never overlap
USERNAME_GROUP = 1  # after bot.app's MAIN_GROUP: remembering who wrote never delays the answer


async def delivery_job(context: Any) -> None:
    """One delivery round: send what is due in the outbox for up to ~1 s."""
    application = context.application
    services = application.bot_data.get("services")
    if services is None or services.database is None:
        return
    cfg: ParticipationConfig = application.bot_data.setdefault(CONFIG_KEY, ParticipationConfig())
    if cfg.sender is None:  # a Bot of its own on the application's Bot API (its ExtBot's limiter would pace twice)
        bot = application.bot
        cfg.sender = BotApiSender(bot.token, bot.base_url.replace(bot.token, "{token}"))
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


def register(application: Any, admin_ids: Collection[int] = (), after_conversations: Collection[Any] = ()) -> None:
    """Add this room's handlers and jobs; admin_ids are the configured admins (ADMIN_IDS);
    `after_conversations`: handlers that take what no conversation in progress took, added
    before this room's commands and buttons (free text, which no command or button matches:
    a question then skips testing every command)."""
    application.bot_data[CONFIG_KEY] = ParticipationConfig(admin_ids=tuple(admin_ids))
    # Order inside the group: the conversations first (they only take updates of a conversation
    # in progress or their entry command), then plain commands and buttons.  They are persistent
    # when the application has a persistence (bot/persistence.py): a restart mid-way resumes
    # where each person was.
    flows = [registration.registration_flow(), roles.focal_from_queue_flow(), updates.update_flow(),
             *monitoring.flows()]
    conversations = conversation(flows, persistent=application.persistence is not None)
    for handler in [conversations, *after_conversations, *registration.handlers(), *roles.handlers(),
                    *updates.handlers(), *monitoring.handlers(), *subscriptions.handlers(), *privacy.handlers()]:
        application.add_handler(handler)
    # after the answer, in a group of its own: who wrote, for /enlace @username (in memory)
    application.add_handler(TypeHandler(Update, roles.remember_username), group=USERNAME_GROUP)
    if application.job_queue is not None:
        reminders.schedule(application)
        application.job_queue.run_repeating(delivery_job, interval=DELIVERY_INTERVAL, first=1.0,
                                            name="pa-delivery")
    else:
        log.warning("no JobQueue: run `hitobot deliver` next to the bot to send notices")
