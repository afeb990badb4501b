"""Gatekeeping in the lowest handler group: per-person flood control, then the person's
stored preferences (handlers/preferences.py) for everything that follows.

Someone sending too much too fast gets one polite notice and their extra updates are dropped
(ApplicationHandlerStop), while everybody else is served as usual.  Channel posts stop here:
the bot answers people, and anything it said (an answer, an apology) would be posted to the
whole channel.  Inline queries are not
counted: Telegram already debounces them as the person types.  One handler does both jobs, so
each update pays for one gatekeeping handler, not two.

`FloodControl` is a token bucket per person (a burst, then a steady rate): someone who sends
30 messages in 10 seconds is slowed down while everybody else is served as usual (the check
costs a dictionary lookup).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.commands import AWAITING_KEY
from handlers.preferences import ensure_preferences
from participation.context import tr

FLOOD_KEY = "flood_control"
IDLE_SECONDS = 3600.0  # a person silent this long is forgotten by the running process...
FORGET_EVERY = 600.0  # ...checked this often


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

    def forget_idle(self, idle_seconds: float = 600.0) -> list[int]:
        """Drop buckets of people idle for a while (keeps memory flat); returns whose. A full
        bucket is what a new person gets anyway, so nothing changes for them."""
        now = self.clock()
        idle = [u for u, b in self._buckets.items() if now - b.updated > idle_seconds]
        for user_id in idle:
            del self._buckets[user_id]
        return idle

    def active(self) -> set[int]:
        return set(self._buckets)

    def __len__(self) -> int:
        return len(self._buckets)


def _busy(data: dict) -> bool:
    """Something in progress that only this process holds: a participation draft ("pa_..."),
    a pending /buscar."""
    return AWAITING_KEY in data or any(str(key).startswith("pa_") for key in data)


def forget_idle_people(application, idle_seconds: float = IDLE_SECONDS) -> int:
    """Per-person state of people idle for `idle_seconds` leaves memory: their flood bucket,
    their user_data (the language cached from the database, read again on their next update)
    and their private chat's chat_data (the subject of the last answer, for follow-ups). A
    draft in progress is kept. Returns how many people were forgotten."""
    flood: FloodControl | None = application.bot_data.get(FLOOD_KEY)
    if flood is None:
        return 0
    flood.forget_idle(idle_seconds)
    active = flood.active()
    services = application.bot_data.get("services")
    has_database = getattr(services, "database", None) is not None
    forgotten = 0
    for user_id, data in list(application.user_data.items()):
        if user_id in active or _busy(data):
            continue
        if not has_database and data.get("locale"):  # the only copy of their choice: keep it
            continue
        application.drop_user_data(user_id)
        forgotten += 1
    for chat_id, data in list(application.chat_data.items()):
        if chat_id > 0 and chat_id not in active and not _busy(data):  # a private chat is its person's
            application.drop_chat_data(chat_id)
    if application.persistence is None:
        # PTB notes every user and chat id it saw (and dropped) for a persistence to write; with
        # none, nothing ever empties those sets: ~100 bytes per person, forever
        for name in ("_user_ids_to_be_updated_in_persistence", "_chat_ids_to_be_updated_in_persistence",
                     "_user_ids_to_be_deleted_in_persistence", "_chat_ids_to_be_deleted_in_persistence"):
            ids = getattr(application, name, None)
            if isinstance(ids, set):
                ids.clear()
    return forgotten


async def forget_idle_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    forget_idle_people(context.application)


async def flood_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.channel_post is not None or update.edited_channel_post is not None:
        raise ApplicationHandlerStop  # the bot serves people, not channels: nothing is posted there
    user = update.effective_user
    flood: FloodControl | None = context.application.bot_data.get(FLOOD_KEY)
    if user is None:
        return
    if flood is None or update.inline_query is not None:
        await ensure_preferences(update, context)
        return
    allowed, warn_now = flood.check(user.id)
    if allowed:
        await ensure_preferences(update, context)
        return
    if warn_now:
        _locale, _ = tr(update, context)
        notice = _("Vas muy rápido 🙂 Dame unos segundos y vuelve a escribirme.")
        if update.callback_query is not None:
            await update.callback_query.answer(notice)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, notice)
    elif update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop
