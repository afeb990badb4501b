"""The one error handler: log what failed (ids and the kind of update, never the update itself:
it holds names and what people wrote), tell the person something kind.

It never raises, so an exception in a handler (or in this handler) cannot stop polling. Channel
posts get no apology (the bot ignores channels; an apology there would be posted to everyone).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.ext import ContextTypes

from handlers.preferences import NotSaved
from participation.context import tr
from participation.logprivacy import safe_traceback, update_kind

log = logging.getLogger("hitobot.errors")


def _is_failed_write(error: BaseException | None) -> bool:
    if isinstance(error, NotSaved):
        return True
    text = str(error).lower()
    return isinstance(error, OperationalError) and any(
        sign in text for sign in ("readonly", "read-only", "disk is full", "disk full", "no space"))


def describe(update: object) -> str:
    """update_id, kind and the hashed user: enough to find it, nothing anyone wrote."""
    if not isinstance(update, Update):
        return type(update).__name__
    chat = update.effective_chat
    return (f"update_id={update.update_id} type={update_kind(update)} "
            f"chat_type={chat.type if chat else '-'}")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    detail = safe_traceback(error) if error is not None else "no exception"
    log.error("error while handling %s\n%s", describe(update), detail)
    if not isinstance(update, Update):
        return
    if update.effective_chat is not None and update.effective_chat.type == "channel":
        return
    try:
        _locale, _ = tr(update, context)
        if _is_failed_write(error):
            message = _("No pude guardarlo: la base de datos no acepta cambios en este momento, así "
                        "que no cambió nada. Inténtalo de nuevo más tarde.")
        else:
            message = _("Perdona, algo falló de mi lado. Ya quedó registrado; inténtalo de nuevo en un momento.")
        if update.callback_query is not None:
            await update.callback_query.answer(message, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, message)
    except Exception:  # the apology itself failed (e.g. the API is down): logging is enough
        log.exception("could not tell the person about the error")
