"""The person's own choices (the language of the answers), kept in the database and cached in
user_data: read once per person and process, written through on every change.

`ensure_preferences` runs in the gatekeeping group (handlers/flood.py) before any handler that
answers.  At start `load_people_with_a_language` reads who ever picked a language (their ids,
one query); the first update after a start of one of them costs one small query off the event
loop, and of anyone else (most people never pick one) none at all; every later update costs a
dictionary lookup.  Those ids are a superset: /idioma adds to them, an erased person stays in
them and costs a query that finds nothing.  Without a database (offline tests) the choice lives
in user_data only; if the ids could not be read at start, every person's first update asks the
database, as before.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from participation.context import LOCALE_KEY, SERVICES_KEY
from storage.repositories.preferences import choose_locale, chosen_locale, people_with_a_locale

log = logging.getLogger(__name__)

LOADED_KEY = "_preferences_loaded"
CHOSEN_KEY = "people_with_a_language"  # bot_data: ids of the people who may have a stored language


def _database(context: ContextTypes.DEFAULT_TYPE) -> Any | None:
    svc = context.application.bot_data.get(SERVICES_KEY)
    return getattr(svc, "database", None)


async def load_people_with_a_language(application: Any) -> None:
    """(At start.) Who ever picked a language, so nobody else's first update asks the database."""
    database = getattr(application.bot_data.get(SERVICES_KEY), "database", None)
    if database is None:
        return
    try:
        application.bot_data[CHOSEN_KEY] = await database.call(people_with_a_locale)
    except Exception:  # the database is down: each person's first update asks it instead
        log.exception("could not read who picked a language")


async def ensure_preferences(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Put the person's stored choices in user_data, once per person and process."""
    user_data = context.user_data
    if user_data is None or user_data.get(LOADED_KEY) or update.effective_user is None:
        return
    database = _database(context)
    chosen = context.bot_data.get(CHOSEN_KEY)
    if chosen is not None and update.effective_user.id not in chosen:
        database = None  # never picked a language: nothing stored to read
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
        chosen = context.bot_data.get(CHOSEN_KEY)
        if chosen is not None:
            chosen.add(user.id)
    if context.user_data is not None:
        context.user_data[LOCALE_KEY] = locale
        context.user_data[LOADED_KEY] = True
