"""Participation handlers' shared pieces: services, roles checked on the server, texts, lookups.

Every privileged handler asks `role_check(...)` with the person's Telegram id taken from the
update itself (never from callback data), so a forged button cannot borrow someone's role.
Callback data of this room starts with "pa:" and is parsed by `parse_pa` (64 bytes, validated).
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, ConversationHandler, filters

from knowledge.actors import ActorIndex, fold_name
from knowledge.i18n import normalize_locale, translations
from knowledge.refs import SHIPPED_PLANS, Ref, canonical, parse_ref
from knowledge.schema import Actor, Commitment, Hito, KnowledgeData, Plan, StatusDef
from storage.repositories import participation as repo

PREFIX = "pa"
CONFIG_KEY = "participation"
_SAFE_ARG = re.compile(r"^[A-Za-z0-9_.:\-]{1,40}$")  # ":" for refs like i:sesan (last argument)


@dataclass
class ParticipationConfig:
    """What this room keeps in bot_data: configured admins and the delivery job's settings."""

    admin_ids: tuple[int, ...] = ()
    delivery: object | None = None  # bot.delivery.DeliverySettings
    sender: object | None = None  # built lazily from the application's bot
    extra: dict = field(default_factory=dict)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=False)


def config(context: ContextTypes.DEFAULT_TYPE) -> ParticipationConfig:
    return context.application.bot_data.setdefault(CONFIG_KEY, ParticipationConfig())


def _services(context: ContextTypes.DEFAULT_TYPE):
    from handlers.context import SERVICES_KEY

    return context.application.bot_data[SERVICES_KEY]


def database(context: ContextTypes.DEFAULT_TYPE):
    db = _services(context).database
    if db is None:
        raise RuntimeError("participation needs the database (services.database is None)")
    return db


@contextlib.contextmanager
def session_for(context: ContextTypes.DEFAULT_TYPE) -> Iterator[Session]:
    with database(context).session() as session:
        yield session


def data(context: ContextTypes.DEFAULT_TYPE) -> KnowledgeData:
    return _services(context).data


def locale_of(update: Update | None, context: ContextTypes.DEFAULT_TYPE) -> str:
    from handlers.context import person_locale

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
    """Send html_text to the update's chat, whole: a text longer than one message goes as
    several (split between paragraphs or words, never inside a tag or an entity); the buttons
    go on the last. Nothing is cut."""
    from handlers.render import split_message

    chat = update.effective_chat
    if chat is None:
        return
    chunks = split_message(html_text) or ["…"]
    for index, chunk in enumerate(chunks):
        await context.bot.send_message(chat.id, chunk, parse_mode=ParseMode.HTML,
                                       reply_markup=markup if index == len(chunks) - 1 else None)


async def answer_press(update: Update, text: str | None = None, alert: bool = False) -> None:
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(Exception):
            await query.answer(text, show_alert=alert)


# --- roles (always from the update's own user id) -----------------------------------------------


def user_id_of(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def is_admin(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> bool:
    if user_id is None:
        return False
    with session_for(context) as s:
        return repo.is_admin(s, user_id, config(context).admin_ids)


def is_osc_member(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> bool:
    if user_id is None:
        return False
    with session_for(context) as s:
        return repo.is_osc_member(s, user_id)


def institutions_of(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> list[str]:
    if user_id is None:
        return []
    with session_for(context) as s:
        return repo.focal_point_institutions(s, user_id)


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
    import logging

    from bot.logprivacy import safe_traceback

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
        actor = index.by_key(name) or index.resolve(name)
        if actor is None:
            unknown.append(name)
        elif actor not in found:
            found.append(actor)
    return found, unknown


def touch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None:
        return
    with session_for(context) as s:  # the id and the language only, never the Telegram name
        repo.touch_person(s, user.id, locale=locale_of(update, context))


# --- knowledge lookups ---------------------------------------------------------------------------


def all_commitments(kd: KnowledgeData) -> list[tuple[Plan, Commitment]]:
    return [(p, c) for p in kd.plans for c in p.commitments]


def find_commitment(kd: KnowledgeData, number: int, plan_key: str | None = None) -> tuple[Plan, Commitment] | None:
    """Commitment `number` of the plan; with no plan (an old ref: "c3"), of the plan that
    numbered it then (knowledge.refs.SHIPPED_PLANS), else of the first plan that has one
    (current first)."""
    found = [(p, c) for p, c in all_commitments(kd) if c.number == number]
    if plan_key is not None:
        return next(((p, c) for p, c in found if p.key == plan_key), None)
    found.sort(key=lambda pc: (not pc[0].current, -pc[0].number))  # current first, as the bot read it then
    return next(((p, c) for p, c in found if p.key == SHIPPED_PLANS.get(number)), found[0] if found else None)


def find_hito(kd: KnowledgeData, commitment_number: int, hito_number: int,
              plan_key: str | None = None) -> tuple[Plan, Commitment, Hito] | None:
    found = find_commitment(kd, commitment_number, plan_key)
    if not found:
        return None
    plan, commitment = found
    for hito in commitment.hitos:
        if hito.number == hito_number:
            return plan, commitment, hito
    return None


def actor_index(kd: KnowledgeData) -> ActorIndex:
    return ActorIndex(kd.actors)


def responsible_keys(kd: KnowledgeData, commitment: Commitment, hito: Hito | None = None,
                     index: ActorIndex | None = None) -> set[str]:
    """Actor keys responsible for a hito (its own list, else its commitment's), parents included."""
    index = index or actor_index(kd)
    names = (hito.responsible if hito and hito.responsible else commitment.responsible)
    keys: set[str] = set()
    for name in names:
        actor = index.resolve(name)
        while actor is not None and actor.key not in keys:
            keys.add(actor.key)
            actor = index.by_key(actor.parent) if actor.parent else None
    return keys


def hitos_of_institutions(kd: KnowledgeData, actor_keys: set[str]) -> list[tuple[Commitment, Hito]]:
    return [(c, h) for _p, c, h in plan_hitos_of_institutions(kd, actor_keys)]


def plan_hitos_of_institutions(kd: KnowledgeData, actor_keys: set[str]) -> list[tuple[Plan, Commitment, Hito]]:
    index = actor_index(kd)
    return [(p, c, h) for p, c in all_commitments(kd) for h in c.hitos
            if responsible_keys(kd, c, h, index) & actor_keys]


def find_record(kd: KnowledgeData, ref: Ref | str | None) -> tuple[Plan, Commitment, Hito | None] | None:
    """The plan, commitment and hito (None for a commitment) a ref names; an old ref without its
    plan ("c3h2") as it named them then; None for anything else."""
    parsed = parse_ref(ref) if isinstance(ref, str) else ref
    if parsed is None or parsed.kind not in ("commitment", "hito"):
        return None
    if parsed.kind == "hito":
        return find_hito(kd, parsed.commitment, parsed.hito, parsed.plan)
    found = find_commitment(kd, parsed.commitment, parsed.plan)
    return (*found, None) if found else None


def canonical_ref(kd: KnowledgeData, ref: str) -> str | None:
    """The one spelling of a ref, its plan named ("c3h2" of an old button -> "pan6.c3h2")."""
    return canonical(ref, lambda n: found[0].key if (found := find_commitment(kd, n)) else None)


def civil_society(kd: KnowledgeData) -> list[Actor]:
    return sorted((a for a in kd.actors if a.sector == "civil_society"), key=lambda a: fold_name(a.name))


def ref_title(kd: KnowledgeData, ref: str, locale: str) -> str:
    """A short human name for a ref: "Compromiso 3, hito 2", "SESAN"."""
    _ = gettext_for(locale)
    parsed = parse_ref(ref)
    if parsed is None:
        return ref
    if parsed.kind in ("commitment", "hito"):
        found = find_commitment(kd, parsed.commitment, parsed.plan)
        number = str(parsed.commitment)
        if found and sum(c.number == parsed.commitment for _p, c in all_commitments(kd)) > 1:
            number += f" ({found[0].period_label})"  # two plans have one: "Compromiso 3 (2023-2025)"
        if parsed.kind == "hito":
            return _("Compromiso {c}, hito {h}").format(c=number, h=parsed.hito)
        return _("Compromiso {c}").format(c=number)
    if parsed.kind == "actor":
        actor = actor_index(kd).by_key(parsed.key or "")
        return (actor.acronym or actor.name) if actor else ref
    return ref


def statuses(kd: KnowledgeData) -> list[StatusDef]:
    return sorted(kd.statuses, key=lambda s: s.order)


def status_name(kd: KnowledgeData, key: str, locale: str) -> str:
    for status in kd.statuses:
        if status.key == key:
            return status.name_en if normalize_locale(locale) == "en" else status.name_es
    return key


def conversation(name: str, entry_points: list[BaseHandler], states: dict[object, list[BaseHandler]],
                 drafts: tuple[str, ...]) -> ConversationHandler:
    """A participation conversation: /cancelar ends it and drops the drafts it keeps in
    user_data; starting it again restarts it (allow_reentry)."""

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        _locale, _ = texts(update, context)
        for key in drafts:
            context.user_data.pop(key, None)
        await say(update, context, esc(_("Cancelado.")))
        return ConversationHandler.END

    return ConversationHandler(entry_points=entry_points, states=states,
                               fallbacks=[CommandHandler("cancelar", cancel)], name=name,
                               allow_reentry=True)
