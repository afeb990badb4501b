"""Button presses of the navigation (callback data "v1:..."), and the polite answer to any
button the bot does not understand (tampered, or left over from an older version).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.callback_data import Press, parse_callback
from handlers.catalogue import about_screen, catalogue_screen, groups_screen, practices_screen
from handlers.commands import LAST_SEARCH_KEY, search_screen, set_language
from handlers.links import ref_screen
from handlers.progress import send_chart
from handlers.views import (
    Screen,
    commitment_screen,
    hito_screen,
    located,
    main_menu,
    plan_screen,
    plans_screen,
)
from participation.context import services, tr
from participation.messaging import show
from participation.subscriptions import followed


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    press = parse_callback(query.data)
    if press is None:
        await unknown_button(update, context)
        return
    if press.action == "language":
        await query.answer()
        await set_language(update, context, press.locale or "es")
        return
    if press.action == "chart":
        await query.answer()
        if not await send_chart(update, context, press.ref or ""):
            await _gone(update, context)
        return
    screen = await screen_for(update, context, press)
    if screen is None:
        await _gone(update, context)
        return
    await query.answer()
    await show(update, context, screen.text, screen.keyboard)


async def screen_for(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Press) -> Screen | None:
    locale, _ = tr(update, context)
    svc = services(context)
    if press.action in ("commitment", "hito", "ref"):  # a card: its follow button as the person stands
        following = await followed(context, update.effective_user.id if update.effective_user else None)
    if press.action == "menu":
        return main_menu(locale, _)
    if press.action == "plans":
        return plans_screen(svc, _)
    if press.action == "plan":
        plan = svc.knowledge.plan(press.plan_key or "")
        return plan_screen(svc, plan, press.page, _) if plan else None
    if press.action == "commitment":
        found = located(svc, press.ref)  # an old button's "c3": the commitment it named then
        return commitment_screen(svc, found.plan, found.commitment, press.page, locale, _, following) \
            if found is not None and found.hito is None else None
    if press.action == "hito":
        return hito_screen(svc, press.ref or "", locale, _, following)
    if press.action == "ref":
        return ref_screen(svc, press.ref or "", locale, _, following)
    if press.action == "search":
        words = press.words or (context.user_data or {}).get(LAST_SEARCH_KEY)
        return search_screen(svc, words, press.page, locale, _) if words else None
    if press.action == "catalogue":
        return catalogue_press(svc, press, locale, _)
    return None


def catalogue_press(svc, press: Press, locale: str, _) -> Screen | None:
    """/catalogo's buttons: its menu, the catalogue's facts, a list of groups, a group's practices."""
    if press.group is None:
        return catalogue_screen(svc, locale, _)
    if press.group == "a":
        return about_screen(svc, locale, _)
    if press.key is None:
        return groups_screen(svc, press.group, press.page, locale, _)
    return practices_screen(svc, press.group, press.key, press.page, locale, _)


async def _gone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = tr(update, context)
    await update.callback_query.answer(
        _("Eso ya no está en los datos (puede que hayan cambiado). Usa /compromisos para ver lo actual."),
        show_alert=True)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button nobody else handled: answer kindly so the person's client stops waiting."""
    _locale, _ = tr(update, context)
    await update.callback_query.answer(
        _("Este botón ya no es válido. Escribe /start para empezar de nuevo."), show_alert=True)
