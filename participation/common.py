"""Participation handlers' shared pieces: services, roles checked on the server, texts, lookups.

Every privileged handler asks `role_check(...)` with the person's Telegram id taken from the
update itself (never from callback data), so a forged button cannot borrow someone's role.
Callback data of this room starts with "pa:" and is parsed by `parse_pa` (64 bytes, validated).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from knowledge.actors import fold_name
from knowledge.clock import today
from knowledge.i18n import normalize_locale, translations
from knowledge.index import ActorDirectory
from knowledge.lookups import Located, Lookups
from knowledge.refs import Ref
from knowledge.schema import Actor, Commitment, Hito, KnowledgeData, Plan
from participation.context import SERVICES_KEY, db_call, person_locale
from participation.logprivacy import safe_traceback
from participation.messaging import reply
from storage.repositories import participation as repo

PREFIX = "pa"
CONFIG_KEY = "participation"
_SAFE_ARG = re.compile(r"^[A-Za-z0-9_.:\-]{1,40}$")  # ":" for refs like i:sesan (last argument)


@dataclass
class ParticipationConfig:
    """What this room keeps in bot_data: configured admins and the delivery job's settings."""

    admin_ids: tuple[int, ...] = ()
    delivery: object | None = None  # participation.delivery.DeliverySettings
    sender: object | None = None  # built lazily from the application's bot
    extra: dict = field(default_factory=dict)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=False)


def config(context: ContextTypes.DEFAULT_TYPE) -> ParticipationConfig:
    return context.application.bot_data.setdefault(CONFIG_KEY, ParticipationConfig())


def _services(context: ContextTypes.DEFAULT_TYPE):
    return context.application.bot_data[SERVICES_KEY]


def database(context: ContextTypes.DEFAULT_TYPE):
    db = _services(context).database
    if db is None:
        raise RuntimeError("participation needs the database (services.database is None)")
    return db




def data(context: ContextTypes.DEFAULT_TYPE) -> KnowledgeData:
    return _services(context).data


def locale_of(update: Update | None, context: ContextTypes.DEFAULT_TYPE) -> str:
    return person_locale(update, context)


def gettext_for(locale: str) -> Callable[[str], str]:
    return translations(normalize_locale(locale)).gettext


def texts(update: Update | None, context: ContextTypes.DEFAULT_TYPE) -> tuple[str, Callable[[str], str]]:
    locale = locale_of(update, context)
    return locale, gettext_for(locale)


# --- callback data ------------------------------------------------------------------------------


def cb(*parts: object) -> str:
    data = ":".join([PREFIX, *(str(p) for p in parts)])
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse_pa(data: object, kind: str, arity: int) -> list[str] | None:
    """Arguments of "pa:<kind>:a1:..." when it has exactly `arity` safe arguments, else None."""
    if not isinstance(data, str) or len(data.encode()) > 64:
        return None
    parts = data.split(":", 1 + arity)  # the last argument keeps its own colons (i:sesan)
    if len(parts) != 2 + arity or parts[0] != PREFIX or parts[1] != kind:
        return None
    args = parts[2:]
    if not all(_SAFE_ARG.match(a) for a in args):
        return None
    return args


def int_arg(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?\d{1,15}", text) else None


def button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def keyboard(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(rows)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str,
              markup: InlineKeyboardMarkup | None = None) -> None:
    """Send html_text to the update's chat by the bot's one reply path (participation.messaging.reply):
    whole, as several messages when long (never cut inside a tag or an entity), the buttons on
    the last, and handed to the outbox when the Bot API cannot take it now."""
    await reply(update, context, html_text, markup)


async def answer_press(update: Update, text: str | None = None, alert: bool = False) -> None:
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(Exception):
            await query.answer(text, show_alert=alert)


# --- roles (always from the update's own user id) -----------------------------------------------


def user_id_of(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def is_admin(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return await db_call(context, repo.is_admin, user_id, config(context).admin_ids)


async def is_osc_member(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return await db_call(context, repo.is_osc_member, user_id)


async def institutions_of(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> list[str]:
    if user_id is None:
        return []
    return await db_call(context, repo.focal_point_institutions, user_id)


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, why: str) -> None:
    """Tell the person politely that this is not for their role (button presses too)."""
    _, _ = texts(update, context)
    await answer_press(update, why, alert=True)
    if update.callback_query is None:
        await say(update, context, esc(why))


async def private_chat_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True in a private chat; elsewhere says why not (queues and exports hold personal data)."""
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        return True
    _locale, _ = texts(update, context)
    await refuse(update, context, _("Por privacidad, usa este comando en un chat privado con el bot."))
    return False


def deep_link_entry(payload: str, callback: Callable) -> CommandHandler:
    """`/start <payload>` -> callback: where the button of `continue_in_private` leads (the deep
    link t.me/<bot>?start=<payload> sends exactly this in the private chat)."""
    return CommandHandler("start", callback,
                          filters=filters.Regex(rf"^/start(@\w+)? {re.escape(payload)}\s*$"))


async def continue_in_private(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> bool:
    """True in a private chat. In a group: no questions asked in front of everyone; one line and
    a button that opens the private chat with the bot right at this step (deep link)."""
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        return True
    _locale, _ = texts(update, context)
    username = getattr(_services(context), "bot_username", "") or context.bot.username
    markup = keyboard([[InlineKeyboardButton(_("Continuar en privado"),
                                             url=f"https://t.me/{username}?start={payload}")]])
    await answer_press(update)
    await say(update, context, esc(_("Esto se hace en un chat privado conmigo, para que tus datos no "
                                     "queden a la vista del grupo.")), markup)
    return False


async def not_saved(update: Update, context: ContextTypes.DEFAULT_TYPE, error: BaseException,
                    retry: InlineKeyboardMarkup) -> None:
    """A write failed (a full disk, a read-only or unreachable database): say so, keep the draft,
    and offer the same confirmation again. Logged without the error's text (it can hold what
    the person wrote, as the statement's parameters)."""


    logging.getLogger(__name__).error("a participation write failed; the draft is kept\n%s",
                                      safe_traceback(error))
    _locale, _ = texts(update, context)
    await say(update, context, esc(_("No pude guardarlo: la base de datos no acepta cambios en este "
                                     "momento. No se perdió nada de lo que escribiste: inténtalo de "
                                     "nuevo en un rato con el mismo botón.")), retry)


def resolve_institutions(kd: KnowledgeData, text: str) -> tuple[list[Actor], list[str]]:
    """Actors named in "SESAN, inst_a, Ministerio ..." (keys, acronyms or names) and the unknown names."""
    index = actor_index(kd)
    names = [n.strip() for n in text.split(",") if n.strip()]
    found, unknown = [], []
    for name in names:
        actor = index.by_key(name) or index.actor_named(name)
        if actor is None:
            unknown.append(name)
        elif actor not in found:
            found.append(actor)
    return found, unknown


async def touch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None:
        return
    # the id and the language only, never the Telegram name
    await db_call(context, repo.touch_person, user.id, locale=locale_of(update, context))


# --- knowledge lookups ---------------------------------------------------------------------------


def all_commitments(kd: KnowledgeData) -> list[tuple[Plan, Commitment]]:
    return [(p, c) for p in kd.plans for c in p.commitments]


def actor_index(kd: KnowledgeData) -> ActorDirectory:
    """The one actor registry (knowledge.index.ActorDirectory) over this knowledge base's actors
    and acronyms: a name resolves here as it does in answers."""
    return ActorDirectory(kd.actors, acronyms=kd.acronyms)


def responsible_keys(kd: KnowledgeData, commitment: Commitment, hito: Hito | None = None,
                     index: ActorDirectory | None = None) -> set[str]:
    """Actor keys responsible for a hito (its own list, else its commitment's), parents included."""
    index = index or actor_index(kd)
    names = (hito.responsible if hito and hito.responsible else commitment.responsible)
    keys: set[str] = set()
    for name in names:
        actor = index.actor_named(name)
        while actor is not None and actor.key not in keys:
            keys.add(actor.key)
            actor = index.by_key(actor.parent) if actor.parent else None
    return keys


def plan_hitos_of_institutions(kd: KnowledgeData, actor_keys: set[str]) -> list[tuple[Plan, Commitment, Hito]]:
    index = actor_index(kd)
    return [(p, c, h) for p, c in all_commitments(kd) for h in c.hitos
            if responsible_keys(kd, c, h, index) & actor_keys]


def records(kd: KnowledgeData) -> Lookups:
    """The knowledge core's lookups over this knowledge base (knowledge.lookups: commitments and
    hitos by ref, an old ref's plan, a record's name, a status's name): one rule, the core's."""
    return Lookups(kd)


def record_of(kd: KnowledgeData, ref: Ref | str | None) -> Located | None:
    """The commitment or hito a ref names, with its plan (an old ref without its plan, "c3h2",
    as it named them then); None for anything else (an activity too)."""
    found = records(kd).locate(ref)
    return found if found is not None and found.activity is None else None


def civil_society(kd: KnowledgeData) -> list[Actor]:
    """Every civil-society organisation of the plans, alphabetically."""
    return sorted((a for a in kd.actors if a.sector == "civil_society"), key=lambda a: fold_name(a.name))


def institutions(kd: KnowledgeData) -> list[Actor]:
    """Every government institution of the plans (whose staff may be focal points), alphabetically."""
    return sorted((a for a in kd.actors if a.sector == "government"), key=lambda a: fold_name(a.name))


CONVERSATION_TIMEOUT = dt.timedelta(minutes=30)  # a step left this long ends the conversation


CONVERSATION = "pa_conversation"  # the persistence name of the room's one ConversationHandler


@dataclass(frozen=True)
class Flow:
    """One conversation of the room (/registro, /monitoreo, /actualizar, an answer, a moderation,
    an appointment): how it starts, its steps (state numbers no other flow uses) and the drafts it
    keeps in user_data."""

    entry_points: list[BaseHandler]
    states: dict[object, list[BaseHandler]]
    drafts: tuple[str, ...]


def conversation(flows: Sequence[Flow], persistent: bool = False) -> ConversationHandler:
    """The room's flows as one ConversationHandler: a person is in at most one of them; starting
    one (again, or another) leaves the one in progress and drops its drafts (allow_reentry).
    One handler, not one per flow, because every message a person sends is checked against each
    ConversationHandler before it reaches the questions (its key, its state, its entry points:
    ~4 µs a handler for every question).  /cancelar ends the flow and drops its drafts.  `persistent`
    (the application has a persistence, bot/persistence.py): where each person is survives a
    restart, and so do their drafts (user_data).  Text typed at a step that waits for a button is
    read as a choice among the buttons offered (`offer`): by its number or its name, as if
    pressed; anything else gets a reminder of what to pick and how to leave, never an unrelated
    answer while the conversation waits."""
    states: dict[object, list[BaseHandler]] = {}
    for flow in flows:
        if shared := states.keys() & flow.states.keys():
            raise ValueError(f"two flows use the state numbers {sorted(shared, key=str)}")
        states.update(flow.states)
    every_draft = (*dict.fromkeys(d for flow in flows for d in flow.drafts), OFFERED)

    def drop_drafts(context: ContextTypes.DEFAULT_TYPE, keep: tuple[str, ...] = ()) -> None:
        for key in every_draft:
            if key not in keep:
                context.user_data.pop(key, None)

    def leaving_the_others(flow: Flow, handler: BaseHandler) -> BaseHandler:
        start = handler.callback

        async def entered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
            drop_drafts(context, keep=flow.drafts)  # (a flow left half-way keeps nothing)
            return await start(update, context)

        handler.callback = entered
        return handler

    entry_points = [leaving_the_others(flow, h) for flow in flows for h in flow.entry_points]

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        _locale, _ = texts(update, context)
        drop_drafts(context)
        await say(update, context, esc(_("Cancelado.")))
        return ConversationHandler.END

    presses = [h for handlers in states.values() for h in handlers if isinstance(h, CallbackQueryHandler)]

    async def typed_at_a_button_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
        offered: Offered | None = context.user_data.get(OFFERED)
        option = match_option(update.message.text or "", offered.options) if offered else None
        handler = next((h for h in presses if option and h.pattern and h.pattern.match(option.data)), None)
        if handler is None:
            await remind(update, context, offered)
            return None  # the same step
        context.user_data[TYPED] = option.data
        try:
            return await handler.callback(update, context)
        finally:
            context.user_data.pop(TYPED, None)

    async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # left half-way: later questions get answers again, not reminders of a forgotten step
        drop_drafts(context)
        _locale, _ = texts(update, context)
        await say(update, context, esc(_("Pasó un buen rato sin respuesta, así que cerré este trámite; no se guardó "
                                         "nada. Puedes empezarlo de nuevo cuando quieras.")))

    return ConversationHandler(entry_points=entry_points, states={**states, ConversationHandler.TIMEOUT: [
                                   TypeHandler(Update, timed_out)]},
                               fallbacks=[CommandHandler("cancelar", cancel),
                                          MessageHandler(filters.TEXT & ~filters.COMMAND, typed_at_a_button_step)],
                               name=CONVERSATION, allow_reentry=True, conversation_timeout=CONVERSATION_TIMEOUT,
                               persistent=persistent)


# --- choices: the buttons of a step, also chosen by typing -----------------------------------------

OFFERED = "offered_choices"  # user_data: the options of the last step that offered buttons
TYPED = "pa_typed_choice"  # user_data, only while a typed choice is handled: its button's data
_NUMBER_TYPED = re.compile(r"^(?:(?:el|la|los|las|opcion|numero|num|no|nro|n|#)\.?\s*)*#?\s*(\d{1,3})\s*[.)º°]?$")
_FILLER = {"el", "la", "los", "las", "de", "del", "un", "una", "es", "y", "e", "a", "al", "en", "the", "of"}


@dataclass(frozen=True, slots=True)
class Option:
    """One button of a step: its label, its callback data, and the number typing picks it by
    (None: its position among the buttons)."""

    label: str
    data: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Offered:
    options: tuple[Option, ...]
    hint: str | None = None  # what else the step takes ("envía una foto..."), for the reminder


def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The callback data of a button press, or of the button a person chose by typing."""
    if update.callback_query is not None:
        return update.callback_query.data
    return context.user_data.get(TYPED) if context.user_data is not None else None


def option_rows(rows: Sequence[Sequence[Option]]) -> InlineKeyboardMarkup:
    return keyboard([[button(o.label, o.data) for o in row] for row in rows])


def remember_offer(context: ContextTypes.DEFAULT_TYPE, rows: Sequence[Sequence[Option]],
                   hint: str | None = None) -> None:
    context.user_data[OFFERED] = Offered(tuple(o for row in rows for o in row), hint)


async def offer(update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str,
                rows: Sequence[Sequence[Option]], hint: str | None = None) -> None:
    """Send a step's question with its buttons and remember them, so that typing a button's
    number or name works as pressing it."""
    remember_offer(context, rows, hint)
    await say(update, context, html_text, option_rows(rows))


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", fold_name(text)) if w not in _FILLER]


def typed_number(text: str) -> int | None:
    """3 from "3", "el 3", "la opción 3", "#3", "3."; None otherwise."""
    m = _NUMBER_TYPED.match(fold_name(text))
    return int(m.group(1)) if m else None


def match_option(text: str, options: Sequence[Option]) -> Option | None:
    """The one option a typed text means: by number (an option's own number, else its
    position), by its whole label, or by words all found in one label; None when none or
    several fit."""
    number = typed_number(text)
    if number is not None:
        own = [o for o in options if o.number == number]
        if own:
            return own[0] if len(own) == 1 else None
        if all(o.number is None for o in options) and 1 <= number <= len(options):
            return options[number - 1]
        return None
    folded = fold_name(text)
    whole = [o for o in options if fold_name(o.label) == folded]
    if len(whole) == 1:
        return whole[0]
    words = _words(text)
    if not words:
        return None
    exact = [o for o in options if set(words) <= set(_words(o.label))]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    prefix = [o for o in options
              if all(any(lw.startswith(w) for lw in _words(o.label)) for w in words if len(w) >= 3)
              and all(len(w) >= 3 or w in _words(o.label) for w in words)]
    return prefix[0] if len(prefix) == 1 else None


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE, offered: Offered | None) -> None:
    """Typed text that is none of the step's buttons: say what to pick and how to leave."""
    _locale, _ = texts(update, context)
    lines = [_("No entendí tu respuesta: en este paso elige una de las opciones de los botones de arriba, "
               "o escribe su número o su nombre.")]
    if offered is not None and offered.hint:
        lines.append(offered.hint)
    lines.append(_("Para salir sin guardar nada, escribe /cancelar."))
    markup = option_rows([[o] for o in offered.options]) if offered and len(offered.options) <= 12 else None
    await say(update, context, esc("\n".join(lines)), markup)


# --- plans: which is the most recent, which are closed ----------------------------------------------


def today_of(context: ContextTypes.DEFAULT_TYPE) -> dt.date:
    """Today, from the knowledge core's clock (tests set it), else Guatemala's."""
    clock = getattr(getattr(_services(context), "knowledge", None), "today", None)
    return clock() if callable(clock) else today()


def plan_end(plan: Plan) -> tuple[dt.date | None, bool]:
    """The last day of a plan and whether the sources give it: its end date, else the last day
    of the last year of its period ("2018-2020": 31 December 2020, not given); None if neither."""
    if plan.end is not None:
        return plan.end.last_day(), True
    years = re.findall(r"(?:19|20)\d{2}", plan.period_label or "")
    return (dt.date(int(years[-1]), 12, 31), False) if years else (None, False)


def plan_closed(plan: Plan, today: dt.date) -> bool:
    end, _given = plan_end(plan)
    return end is not None and end < today


def plans_newest_first(kd: KnowledgeData) -> list[Plan]:
    """The 6th plan before the 4th: by number, the order the plans were made in."""
    return sorted(kd.plans, key=lambda p: p.number, reverse=True)
