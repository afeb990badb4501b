"""Gatekeeping in the lowest handler group: per-person flood control, then the person's
stored preferences (handlers/preferences.py) for everything that follows.

Someone sending too much too fast gets one polite notice and their extra updates are dropped
(ApplicationHandlerStop), while everybody else is served as usual.  Channel posts stop here:
the bot answers people, and anything it said (an answer, an apology) would be posted to the
whole channel.  Inline queries are not
counted: Telegram already debounces them as the person types.  One handler does both jobs, so
each update pays for one gatekeeping handler, not two.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.ratelimit import FloodControl
from handlers.context import tr
from handlers.preferences import ensure_preferences

FLOOD_KEY = "flood_control"


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
