"""The person's own choices (the language of the answers), kept in the database and cached in
user_data: read once per person and process, written through on every change.

`ensure_preferences` runs in the gatekeeping group (handlers/flood.py) before any handler that
answers: the first update of a person after a start costs one small query off the event loop;
every later update costs a dictionary lookup.  Without a database (offline tests, benches) the
choice lives in user_data only.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from participation.context import LOCALE_KEY, SERVICES_KEY
from storage.repositories.preferences import choose_locale, chosen_locale

log = logging.getLogger(__name__)

LOADED_KEY = "_preferences_loaded"


def _database(context: ContextTypes.DEFAULT_TYPE) -> Any | None:
    svc = context.application.bot_data.get(SERVICES_KEY)
    return getattr(svc, "database", None)


async def ensure_preferences(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Put the person's stored choices in user_data, once per person and process."""
    user_data = context.user_data
    if user_data is None or user_data.get(LOADED_KEY) or update.effective_user is None:
        return
    database = _database(context)
    if database is not None and LOCALE_KEY not in user_data:
        try:
            locale = await database.call(chosen_locale, update.effective_user.id)
        except Exception:  # the database is down: answer in the default language, retry later
            log.exception("could not read the preferences of a person")
            return
        if locale:
            user_data[LOCALE_KEY] = locale
    user_data[LOADED_KEY] = True


class NotSaved(RuntimeError):
    """A person's choice could not be stored: nothing changed, and they are told so (the error
    handler answers "no pude guardar..." instead of the confirmation)."""


async def remember_locale(update: Update, context: ContextTypes.DEFAULT_TYPE, locale: str) -> None:
    """The person chose a language: stored for later starts, then effective now (user_data).
    When it cannot be stored, nothing changes and NotSaved is raised (never a "done" that a
    restart would undo)."""
    database = _database(context)
    user = update.effective_user
    if database is not None and user is not None:
        try:
            await database.call(choose_locale, user.id, locale)
        except Exception as exc:
            log.warning("could not store the language a person chose (%s)", type(exc).__name__)
            raise NotSaved("the language could not be stored") from exc
    if context.user_data is not None:
        context.user_data[LOCALE_KEY] = locale
        context.user_data[LOADED_KEY] = True
