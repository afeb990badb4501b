"""What every handler needs from the application: services, the person's language, gettext.

Services are created once in `bot.app.post_init` and kept in `application.bot_data`; handlers
only read them through `services(context)`.  Every handler and job reaches the database the same
way, `await db_call(context, fn, *args)`: fn(session, *args) in one transaction in a worker thread
(storage.db.Database.call), so a locked or slow database never stalls the event loop.  The person's language is their own choice
(/idioma, remembered in user_data), else Telegram's language_code, else DEFAULT_LOCALE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ContextTypes

from knowledge.answers import Answer, Hit
from knowledge.i18n import normalize_locale, translations
from knowledge.schema import Commitment, Hito, KnowledgeData, Plan

P = ParamSpec("P")
T = TypeVar("T")

SERVICES_KEY = "services"
LOCALE_KEY = "locale"


class KnowledgeLike(Protocol):
    """The part of knowledge.core.Knowledge the bot uses (see docs/ARCHITECTURE.md)."""

    def ask(self, question: str, locale: str | None = None) -> Answer: ...
    def card(self, ref: str, locale: str) -> Answer | None: ...
    def search(self, query: str, limit: int = 50, offset: int = 0, locale: str = "es") -> list[Hit]: ...
    def plans(self) -> list[Plan]: ...
    def plan(self, key: str) -> Plan | None: ...
    def commitment(self, number: int, plan_key: str | None = None) -> Commitment | None: ...
    def hito(self, commitment: int, hito: int) -> Hito | None: ...


@dataclass
class Services:
    """Long-lived things the handlers use; built in post_init, closed in post_shutdown."""

    knowledge: KnowledgeLike
    data: KnowledgeData
    database: Any | None = None  # storage.db.Database when storage is available
    default_locale: str = "es"
    bot_username: str = ""
    chart_cache: dict[tuple, bytes] = field(default_factory=dict)
    data_version: Any = None  # what the knowledge base was read at (bot/reload.py); None: not watched

    def replace_knowledge(self, data: KnowledgeData, knowledge: KnowledgeLike, version: Any = None) -> None:
        """A new knowledge base (a load or import changed the database): handlers use it from
        their next update; charts drawn from the old one are dropped."""
        self.knowledge, self.data = knowledge, data
        if version is not None:
            self.data_version = version
        self.chart_cache.clear()

    def close(self) -> None:
        if self.database is not None and hasattr(self.database, "dispose"):
            self.database.dispose()


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


async def db_call(context: ContextTypes.DEFAULT_TYPE, fn: Callable[Concatenate[Session, P], T], /,
                  *args: P.args, **kwargs: P.kwargs) -> T:
    """fn(session, *args, **kwargs) in one transaction, off the event loop (a worker thread):
    the one way handlers and jobs use the database."""
    database = services(context).database
    if database is None:
        raise RuntimeError("this needs the database (services.database is None)")
    return await database.call(fn, *args, **kwargs)


def chosen_locale(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The language the person picked with /idioma, if any."""
    data = context.user_data if context.user_data is not None else {}
    return data.get(LOCALE_KEY)


def person_locale(update: Update | None, context: ContextTypes.DEFAULT_TYPE) -> str:
    """'es' or 'en' for the person behind this update."""
    chosen = chosen_locale(context)
    if chosen:
        return chosen
    default = context.application.bot_data.get(SERVICES_KEY)
    fallback = default.default_locale if default else "es"
    user = update.effective_user if update else None
    return normalize_locale(user.language_code if user else None, fallback)


def translator(locale: str) -> Callable[[str], str]:
    """gettext for one locale: `_ = translator("en"); _("Compromiso {n}").format(n=3)`."""
    return translations(locale).gettext


def tr(update: Update | None, context: ContextTypes.DEFAULT_TYPE) -> tuple[str, Callable[[str], str]]:
    """(locale, gettext) for the person behind the update."""
    locale = person_locale(update, context)
    return locale, translator(locale)
