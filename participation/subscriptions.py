"""Subscriptions: follow a commitment, hito or institution; instant notices or a daily digest.

`subscription_button(ref, locale, following)` is what the bot room puts on commitment, hito and
institution cards, with `following` the refs from `followed(context, user_id)` (read off the
event loop before the card is built); its press ("pa:t:<ref>") toggles the subscription and relabels the button
in place.  Every notice carries "pa:u:<ref>" (one-tap unsubscribe).  /suscripciones lists what
the person follows and lets them choose instant notices or a digest at an hour they pick.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from knowledge.compose import shorten
from knowledge.i18n import N_
from knowledge.refs import canonical, parse_ref
from knowledge.schema import KnowledgeData
from participation.common import (
    answer_press,
    button,
    cb,
    continue_in_private,
    data,
    db_call,
    deep_link_entry,
    esc,
    gettext_for,
    int_arg,
    keyboard,
    parse_pa,
    records,
    say,
    texts,
    user_id_of,
)
from participation.context import services
from storage.models.participation import Person
from storage.repositories import participation as repo

FOLLOWABLE = ("commitment", "hito", "actor")
DIGEST_HOURS = (6, 8, 10, 12, 14, 16, 18, 20)
TIMEZONE_NOTE = "America/Guatemala"
FOLLOW_NOTICE = N_("Para avisarte guardamos solo tu identificador de Telegram, tu idioma y lo que "
                   "sigues; no tu nombre. Velo con /mis_datos y bórralo con /borrar_mis_datos.")
FOLLOW_NOTICE_SHORT = N_("Ahora lo sigues. Guardamos solo tu identificador de Telegram, tu idioma y "
                         "lo que sigues (no tu nombre): /mis_datos, /borrar_mis_datos.")


def followable(ref: str, kd: KnowledgeData | None = None) -> str | None:
    """The canonical form of a ref people can follow, or None: a commitment or hito with its
    plan named (an old button's "c3" is the commitment it named then: "pan6.c3")."""
    parsed = parse_ref(ref)
    if parsed is None or parsed.kind not in FOLLOWABLE:
        return None
    return records(kd).canonical(ref) if kd is not None else canonical(ref)


async def followed(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> frozenset[str]:
    """The refs a person follows (one query, off the event loop); none without a database."""
    if user_id is None or services(context).database is None:
        return frozenset()
    return frozenset(await db_call(context, repo.subscriptions_of, user_id))


def subscription_button(ref: str, locale: str, following: Collection[str]) -> InlineKeyboardButton | None:
    """The follow / unfollow button for a card (None for refs that cannot be followed), as the
    person stands: `following` holds the refs they follow."""
    canonical = followable(ref)
    if canonical is None:
        return None
    _ = gettext_for(locale)
    label = _("🔕 Dejar de seguir") if canonical in following else _("🔔 Seguir")
    return InlineKeyboardButton(label, callback_data=cb("t", canonical))


def _relabelled(markup: InlineKeyboardMarkup | None, data_prefix: str, new: InlineKeyboardButton
                ) -> InlineKeyboardMarkup | None:
    if markup is None:
        return None
    rows = [[new if (b.callback_data or "") == data_prefix else b for b in row]
            for row in markup.inline_keyboard]
    return InlineKeyboardMarkup(rows)


def _toggle(s: Session, user_id: int, ref: str, locale: str) -> tuple[bool, bool]:
    """(first time we keep anything about them, following now); the id and the language only,
    never the Telegram name."""
    first_time = s.get(Person, user_id) is None
    repo.touch_person(s, user_id, locale=locale)
    return first_time, repo.subscribe(s, user_id, ref) or not repo.unsubscribe(s, user_id, ref)


async def toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    locale, _ = texts(update, context)
    query = update.callback_query
    args = parse_pa(query.data, "t", 1)
    ref = followable(args[0], data(context)) if args else None
    if ref is None:
        await answer_press(update, _("Este botón ya no es válido."))
        return
    user_id = user_id_of(update)
    first_time, now_following = await db_call(context, _toggle, user_id, ref, locale)
    title = records(data(context)).record_name(ref, locale)
    toast = (_("Ahora sigues: {title}") if now_following else _("Ya no sigues: {title}")).format(title=title)
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    if first_time and not private:  # in a group: the notice as the alert, not in front of everyone
        toast = _(FOLLOW_NOTICE_SHORT)
    await answer_press(update, toast, alert=first_time and not private)
    if first_time and private:  # the first thing we keep about someone: say what and why, once
        await say(update, context, esc(_(FOLLOW_NOTICE)))
    new = subscription_button(ref, locale, {ref} if now_following else ())
    markup = _relabelled(query.message.reply_markup if query.message else None, query.data, new)
    if markup is not None:
        try:
            await query.edit_message_reply_markup(markup)
        except Exception:  # an old message or not modified: the toast already said it
            pass


async def unsubscribe_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    locale, _ = texts(update, context)
    args = parse_pa(update.callback_query.data, "u", 1)
    ref = followable(args[0], data(context)) if args else None
    if ref is None:
        await answer_press(update, _("Este botón ya no es válido."))
        return
    removed = await db_call(context, repo.unsubscribe, user_id_of(update), ref)
    title = records(data(context)).record_name(ref, locale)
    await answer_press(update, (_("Ya no sigues: {title}") if removed
                                else _("No seguías: {title}")).format(title=title))


def _mode_text(mode: str, hour: int, _) -> str:
    if mode == "digest":
        return _("Recibes un resumen diario a las {hour}:00 (hora de Guatemala).").format(hour=hour)
    return _("Recibes los avisos al momento.")


def _subscriptions_and_mode(s: Session, user_id: int, locale: str, hour_arg: int | None
                            ) -> tuple[list[str], str, int | None]:
    person = repo.touch_person(s, user_id, locale=locale)
    if hour_arg is not None and 0 <= hour_arg <= 23:
        repo.set_notify_mode(s, user_id, "digest", hour_arg)
        s.refresh(person)
    return repo.subscriptions_of(s, user_id), person.notify_mode, person.digest_hour


async def list_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    locale, _ = texts(update, context)
    if not await continue_in_private(update, context, "suscripciones"):  # what someone follows
        return
    user_id = user_id_of(update)
    hour_arg = int_arg(context.args[0]) if context.args else None
    refs, mode, hour = await db_call(context, _subscriptions_and_mode, user_id, locale, hour_arg)
    kd = data(context)
    lines = [f"<b>{esc(_('Tus suscripciones'))}</b>", esc(_mode_text(mode, hour, _))]
    rows = []
    if not refs:
        lines.append(esc(_("Todavía no sigues nada. Usa el botón «Seguir» en un compromiso, un hito "
                           "o una institución.")))
    for ref in refs:
        title = records(kd).record_name(ref, locale)
        lines.append(f"• {esc(title)}")
        rows.append([button(shorten(_("Dejar de seguir: {title}").format(title=title), 60), cb("u", ref))])
    rows.append([button(_("Avisos al momento"), cb("n", "i"))])
    rows.append([button(f"{h}:00", cb("n", f"d{h}")) for h in DIGEST_HOURS[:4]])
    rows.append([button(f"{h}:00", cb("n", f"d{h}")) for h in DIGEST_HOURS[4:]])
    lines.append(esc(_("Para un resumen diario elige la hora (o escribe /suscripciones 21).")))
    await say(update, context, "\n".join(lines), keyboard(rows))


async def choose_mode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    locale, _ = texts(update, context)
    args = parse_pa(update.callback_query.data, "n", 1)
    choice = args[0] if args else ""
    hour = int_arg(choice[1:]) if choice.startswith("d") else None
    if choice != "i" and (hour is None or not 0 <= hour <= 23):
        await answer_press(update, _("Este botón ya no es válido."))
        return
    await db_call(context, repo.set_notify_mode, user_id_of(update), "instant" if choice == "i" else "digest", hour)
    await answer_press(update, _mode_text("instant" if choice == "i" else "digest", hour or 0, _))


def handlers() -> list:
    return [
        CommandHandler("suscripciones", list_subscriptions),
        deep_link_entry("suscripciones", list_subscriptions),
        CallbackQueryHandler(toggle, pattern=r"^pa:t:"),
        CallbackQueryHandler(unsubscribe_press, pattern=r"^pa:u:"),
        CallbackQueryHandler(choose_mode, pattern=r"^pa:n:"),
    ]
