"""The one error handler: log the exception with the update, tell the person something kind.

It never raises, so an exception in a handler (or in this handler) cannot stop polling.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from handlers.context import tr

log = logging.getLogger("hitobot.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_repr = update.to_dict() if isinstance(update, Update) else repr(update)
    log.error("error while handling update %s", update_repr, exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        _locale, _ = tr(update, context)
        message = _("Perdona, algo falló de mi lado. Ya quedó registrado; inténtalo de nuevo en un momento.")
        if update.callback_query is not None:
            await update.callback_query.answer(message, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, message)
    except Exception:  # the apology itself failed (e.g. the API is down): logging is enough
        log.exception("could not tell the person about the error")
