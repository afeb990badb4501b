"""The Telegram application: builds the PTB Application, its services and its handlers.

`build_application(settings)` wires everything in one place, in the style of the
python-telegram-bot examples: long-lived services (Database, Knowledge) are created in
`post_init`, kept in `bot_data` and closed in `post_shutdown`; handlers are registered in
explicit groups (see `register_handlers`, the order matters); one error handler.
The transport (polling now, a webhook later) is chosen by bot/commands/run.py, not here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BasePersistence,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import reload
from bot.config import DEFAULT_BASE_URL, Settings
from bot.persistence import DatabasePersistence
from bot.ratelimit import RetryingRateLimiter
from bot.updates import DEFAULT_CONCURRENCY, ChatOrderedUpdateProcessor, SkipUnparseableUpdates
from handlers import buttons, commands, fallbacks, free_text, inline, progress
from handlers.callback_data import PATTERN as NAVIGATION_PATTERN
from handlers.errors import on_error
from handlers.flood import FLOOD_KEY, FORGET_EVERY, FloodControl, flood_gate, forget_idle_job
from handlers.preferences import load_people_with_a_language
from knowledge.core import Knowledge
from knowledge.i18n import N_, translations
from knowledge.schema import KnowledgeData
from participation import wiring
from participation.common import CONVERSATION_TIMEOUT
from participation.context import SERVICES_KEY, KnowledgeLike, Services
from storage.bootstrap import prepare
from storage.repositories.knowledge import data_version, read_knowledge

log = logging.getLogger(__name__)

# Handler groups: lower numbers run first; within a group only the first matching handler runs.
GATEKEEPING_GROUP = -1  # flood control: may stop an update before anything else sees it
MAIN_GROUP = 0  # commands, participation's conversations, buttons, inline, then fallbacks

_DEFAULT = object()

# (command, Spanish description msgid) — the menu Telegram shows, in both languages.
MENU: tuple[tuple[str, str], ...] = (
    ("start", N_("Inicio y menú principal")),
    ("compromisos", N_("Explorar planes, compromisos e hitos")),
    ("buscar", N_("Buscar por palabras")),
    ("avance", N_("Gráfica del avance de un compromiso")),
    ("catalogo", N_("Catálogo de buenas prácticas")),
    ("siglas", N_("Qué significa una sigla")),
    ("registro", N_("Registrarte como organización de sociedad civil")),
    ("suscripciones", N_("Tus suscripciones a compromisos, hitos e instituciones")),
    ("monitoreo", N_("Enviar un reporte de monitoreo")),
    ("mis_reportes", N_("El estado de tus reportes")),
    ("idioma", N_("Cambiar el idioma")),
    ("ayuda", N_("Lo que puedo hacer")),
    ("cancelar", N_("Cancelar lo que estés haciendo")),
)


def base_file_url(settings: Settings) -> str | None:
    """The file-download URL: explicit, or derived from a self-hosted TELEGRAM_BASE_URL."""
    if settings.telegram_base_file_url:
        return settings.telegram_base_file_url
    base = settings.telegram_base_url.rstrip("/")
    if settings.telegram_base_url != DEFAULT_BASE_URL and base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return None


def load_services(settings: Settings) -> Services:
    """Open the database (migrating it, and loading the shipped knowledge on a first start),
    read the knowledge base and build the knowledge core.  No Telegram here."""
    database = prepare(settings.database_url, settings.data_dir)
    try:
        with database.session() as session:
            version = data_version(session)  # first: a load committing meanwhile is seen later
            data = read_knowledge(session)
        knowledge = Knowledge(data)
    except BaseException:
        database.dispose()
        raise
    return Services(knowledge=knowledge, data=data, database=database,
                    default_locale=settings.default_locale, data_version=version)


async def set_command_menus(application: Application) -> None:
    """setMyCommands for Spanish (also the default) and English."""
    for language_code in ("", "es", "en"):
        _ = translations(language_code or "es").gettext
        menu = [BotCommand(name, _(description)) for name, description in MENU]
        await application.bot.set_my_commands(menu, scope=BotCommandScopeDefault(),
                                              language_code=language_code or None)


def _post_init_for(settings: Settings, prepared: Services | None):
    async def post_init(application: Application) -> None:
        # the database and the knowledge core, in a worker thread: the event loop stays free
        svc = prepared if prepared is not None else await asyncio.to_thread(load_services, settings)
        svc.default_locale = settings.default_locale
        svc.bot_username = application.bot.username
        application.bot_data[SERVICES_KEY] = svc
        application.bot_data[FLOOD_KEY] = FloodControl()
        await load_people_with_a_language(application)
        if application.job_queue is not None:  # per-person state of idle people leaves memory
            application.job_queue.run_repeating(forget_idle_job, interval=FORGET_EVERY,
                                                first=FORGET_EVERY, name="forget-idle")
        if svc.database is not None and svc.data_version is not None:  # read from the database
            reload.schedule(application, settings.data_check_seconds)
        try:
            await set_command_menus(application)
        except Exception:  # the menu is a convenience: never a reason not to start
            log.exception("could not set the command menu")
        log.info("hitobot ready as @%s", svc.bot_username)

    return post_init


async def post_shutdown(application: Application) -> None:
    participation = application.bot_data.get("participation")  # the delivery job's HTTP client
    sender = getattr(participation, "sender", None)
    if sender is not None and hasattr(sender, "close"):
        try:
            await sender.close()
        except Exception:  # closing is a courtesy to the server; never a reason to fail the stop
            log.debug("closing the delivery sender failed", exc_info=True)
    svc: Services | None = application.bot_data.pop(SERVICES_KEY, None)
    if svc is not None:
        svc.close()


def _admin_ids(application: Application, settings: Settings | None) -> tuple[int, ...]:
    """ADMIN_IDS: from the settings given, else the application's, else the environment."""
    settings = settings or application.bot_data.get("settings")
    if settings is None:
        try:
            settings = Settings.from_env()
        except Exception:
            return ()
    return tuple(settings.admin_ids or ())


def register_handlers(application: Application, settings: Settings | None = None) -> None:
    """All handlers, in the order that matters."""
    # Gatekeeping first: flood control may stop an update before any other handler sees it.
    application.add_handler(TypeHandler(Update, flood_gate), group=GATEKEEPING_GROUP)

    # The participation room (registration, subscriptions, updates, feedback) registers its
    # commands, buttons and conversations first in MAIN_GROUP: its commands and "pa:" buttons
    # overlap nobody else's, and its deep links (/start registro, sent by the "continue in
    # private" button of a group) must reach its conversations before /start's menu does.
    # Free text comes right after the conversations: it answers only what no conversation in
    # progress took, and no command, button or inline query is text without a command, so the
    # commands after it never see a question (each question used to test some 30 of them).
    wiring.register(application, admin_ids=_admin_ids(application, settings), after_conversations=(
        MessageHandler(filters.TEXT & ~filters.COMMAND, free_text.on_text),))

    # Commands.  (/cancelar is registered after the participation room's conversations, so
    # that a conversation in progress gets it first.)
    for names, callback in (
        (("start",), commands.start),
        (("ayuda", "help"), commands.help_command),
        (("compromisos", "plan", "planes"), commands.browse),
        (("buscar", "search"), commands.search_command),
        (("catalogo",), commands.catalogue),
        (("siglas",), commands.acronyms),
        (("idioma", "language"), commands.language_command),
        (("avance",), progress.progress_command),
    ):
        application.add_handler(CommandHandler(list(names), callback), group=MAIN_GROUP)

    # Navigation buttons ("v1:..."), then inline mode.
    application.add_handler(CallbackQueryHandler(buttons.on_button, pattern=NAVIGATION_PATTERN),
                            group=MAIN_GROUP)
    application.add_handler(InlineQueryHandler(inline.on_inline_query), group=MAIN_GROUP)

    # Fallbacks, last in MAIN_GROUP: /cancelar outside a conversation and any button nobody
    # understood (tampered or stale).
    application.add_handler(CommandHandler(["cancelar", "cancel"], commands.cancel), group=MAIN_GROUP)
    application.add_handler(CallbackQueryHandler(buttons.unknown_button), group=MAIN_GROUP)
    # ...and the last word: an unknown command or a message that is not text gets a hint, not silence
    for handler in fallbacks.handlers():
        application.add_handler(handler, group=MAIN_GROUP)
    application.add_error_handler(on_error)


def _default_requests(builder: ApplicationBuilder) -> ApplicationBuilder:
    """PTB's two default transports (a pool of 256 connections for API calls, 1 for
    getUpdates), sharing one TLS context: the same verification as httpx's default
    (`verify=True`: certifi, or SSL_CERT_FILE/SSL_CERT_DIR), but the CA bundle is loaded once,
    not twice (~50 ms of start-up)."""
    import httpx
    from telegram.request import HTTPXRequest

    tls = httpx.create_ssl_context()
    # getUpdates: a long poll waits `timeout` plus this read timeout; 2 s (not PTB's 5) is what
    # the last getUpdates of a stop may take when the Bot API accepts but does not answer; an
    # update PTB cannot read is skipped, not the whole batch (bot/updates.py)
    return (builder.request(HTTPXRequest(connection_pool_size=256, httpx_kwargs={"verify": tls}))
            .get_updates_request(SkipUnparseableUpdates(HTTPXRequest(
                connection_pool_size=1, read_timeout=2.0, httpx_kwargs={"verify": tls}))))


def build_application(
    settings: Settings,
    db: Any | None = None,
    knowledge: KnowledgeLike | None = None,
    *,
    data: KnowledgeData | None = None,
    request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter | None | object = _DEFAULT,
    persistence: BasePersistence | None | object = _DEFAULT,
    concurrent_updates: int = DEFAULT_CONCURRENCY,
) -> Application:
    """The Application for `settings`.  Tests and benches may pass ready services (db,
    knowledge, data), a local `request` transport, and rate_limiter=None; otherwise post_init
    prepares the database and the knowledge core (load_services).

    Conversation state is kept in the database (bot/persistence.py): the given `db`, else the
    one of DATABASE_URL when the services come from the settings; none for ready services
    without a database (offline tests, benches) or with persistence=None."""
    token = settings.require_token()
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        # updates run concurrently, in order per chat and per person (bot/updates.py): one
        # person's slow or failing reply never delays anyone else's
        .concurrent_updates(ChatOrderedUpdateProcessor(concurrent_updates))
        .post_shutdown(post_shutdown)
    )
    if (file_url := base_file_url(settings)) is not None:
        builder = builder.base_file_url(file_url)
    limiter = RetryingRateLimiter(max_retries=3) if rate_limiter is _DEFAULT else rate_limiter
    if limiter is not None:
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    if persistence is _DEFAULT:
        persistence = (DatabasePersistence(db if db is not None else settings.database_url,
                                           conversation_timeout=CONVERSATION_TIMEOUT)
                       if db is not None or knowledge is None else None)
    if persistence is not None:
        builder = builder.persistence(persistence)  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(SkipUnparseableUpdates(request))
    else:
        builder = _default_requests(builder)
    prepared = None
    if knowledge is not None:
        prepared = Services(knowledge=knowledge, data=data or KnowledgeData(), database=db,
                            default_locale=settings.default_locale)
    builder = builder.post_init(_post_init_for(settings, prepared))
    application = builder.build()
    application.bot_data["settings"] = settings  # read-only configuration for every room
    register_handlers(application, settings)
    return application
