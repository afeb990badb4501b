"""The bot's commands: /start (with deep links), /ayuda, /compromisos, /buscar, /catalogo,
/siglas, /idioma and /cancelar.  (/avance lives in handlers/progress.py.)

Each command is a small `async def` that picks a screen from handlers/views.py and sends it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

import handlers.callback_data as cb
from handlers.answers import send_answer
from handlers.catalogue import catalogue_screen, search_with_practices
from handlers.links import ref_screen
from handlers.preferences import remember_locale
from handlers.views import Screen, help_screen, language_screen, main_menu, plans_screen
from knowledge.compose import shorten
from knowledge.refs import from_payload
from participation.context import Services, services, tr
from participation.messaging import reply
from participation.render import esc
from participation.subscriptions import followed

AWAITING_KEY = "awaiting"
SEARCH_RESULTS = 10


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, and deep links t.me/<bot>?start=c3 / c3h2 / p12 that open the item directly."""
    locale, _ = tr(update, context)
    context.user_data.pop(AWAITING_KEY, None)
    payload = context.args[0] if context.args else ""
    if payload:
        ref = from_payload(payload)
        following = await followed(context, update.effective_user.id if update.effective_user else None)
        screen = ref_screen(services(context), str(ref), locale, _, following) if ref else None
        if screen is not None:
            await reply(update, context, screen.text, screen.keyboard)
            return
        await reply(update, context, _("Ese enlace no lleva a nada que yo conozca; aquí tienes el menú."))
    user = update.effective_user
    screen = main_menu(locale, _, user.first_name if user else None)
    await reply(update, context, screen.text, screen.keyboard)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = tr(update, context)
    screen = help_screen(services(context).bot_username, _)
    await reply(update, context, screen.text, screen.keyboard)


async def browse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/compromisos: the plans, then commitments, hitos and details by buttons."""
    _locale, _ = tr(update, context)
    screen = plans_screen(services(context), _)
    await reply(update, context, screen.text, screen.keyboard)


async def search_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/buscar palabras — or /buscar alone, then the next message is the search."""
    locale, _ = tr(update, context)
    words = " ".join(context.args or []).strip()
    if not words:
        context.user_data[AWAITING_KEY] = "search"
        await reply(update, context, _("¿Qué quieres buscar? Escribe unas palabras (o /cancelar)."))
        return
    await send_search_results(update, context, words)


LAST_SEARCH_KEY = "last_search"
MAX_SEARCH_PAGE = 99


def search_screen(svc: Services, words: str, page: int, locale: str, _) -> Screen:
    """One page of /buscar results with numbered buttons and ◀️/▶️ paging (like inline mode's)."""
    page = min(max(page, 0), MAX_SEARCH_PAGE)
    found = search_with_practices(svc, words, SEARCH_RESULTS + 1, page * SEARCH_RESULTS, locale, _)
    hits, has_next = found[:SEARCH_RESULTS], len(found) > SEARCH_RESULTS
    shown_words = esc(shorten(words, 80))
    if not hits:
        text = (_("No encontré nada con «{words}». Prueba con otras palabras.") if page == 0
                else _("No hay más resultados para «{words}».")).format(words=shown_words)
        rows = [] if page == 0 else [[{"text": _("◀️ Anterior"), "callback_data": cb.search(page - 1, words)}]]
        return Screen(text, {"inline_keyboard": rows} if rows else None)
    lines = [_("Resultados para «{words}»:").format(words=shown_words)]
    rows: list[list[dict[str, str]]] = []
    first = page * SEARCH_RESULTS + 1
    for index, hit in enumerate(hits, start=first):
        lines.append(f"{index}. <b>{esc(hit.title)}</b>\n{esc(shorten(hit.snippet, 160))}")
        try:
            rows.append([{"text": shorten(f"{index}. {hit.title}", 60), "callback_data": cb.ref(hit.ref)}])
        except ValueError:
            continue  # a ref too long for a button: listed in the text only
    pager = []
    if page > 0:
        pager.append({"text": _("◀️ Anterior"), "callback_data": cb.search(page - 1, words)})
    if has_next and page < MAX_SEARCH_PAGE:
        pager.append({"text": _("Siguiente ▶️"), "callback_data": cb.search(page + 1, words)})
    if pager:
        rows.append(pager)
        lines.append(_("Página {page}").format(page=page + 1))
    return Screen("\n\n".join(lines), {"inline_keyboard": rows})


async def send_search_results(update: Update, context: ContextTypes.DEFAULT_TYPE, words: str) -> None:
    locale, _ = tr(update, context)
    context.user_data[LAST_SEARCH_KEY] = words  # for page buttons whose words did not fit
    screen = search_screen(services(context), words, 0, locale, _)
    await reply(update, context, screen.text, screen.keyboard)


async def catalogue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/catalogo: the catalogue of cooperation good practices, browsed by institution, ODS and
    sphere (or, before its file is imported, what the press release says of it)."""
    locale, _ = tr(update, context)
    screen = catalogue_screen(services(context), locale, _)
    await reply(update, context, screen.text, screen.keyboard)


async def acronyms(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/siglas [SIGLA]: what an acronym means, or the list of known acronyms."""
    locale, _ = tr(update, context)
    wanted = " ".join(context.args or []).strip()
    known = sorted(services(context).data.acronyms, key=lambda a: a.acronym.lower())
    if wanted:
        matches = [a for a in known if a.acronym.lower() == wanted.lower()]
        if matches:
            text = "\n".join(f"<b>{esc(a.acronym)}</b>: {esc(a.expansion)}" for a in matches)
        else:
            answer = services(context).knowledge.ask(_("¿Qué significa {acronym}?").format(acronym=wanted), locale)
            await send_answer(update, context, answer)
            return
        await reply(update, context, text)
        return
    if not known:
        await reply(update, context, _("Todavía no tengo siglas registradas."))
        return
    lines = ["<b>" + _("Siglas que conozco") + "</b>"] + [
        f"<b>{esc(a.acronym)}</b>: {esc(a.expansion)}" for a in known]
    lines.append(_("Escribe /siglas SIGLA para ver solo una."))
    await reply(update, context, "\n".join(lines))


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/idioma [es|en]: choose the language of the bot's answers (remembered)."""
    _locale, _ = tr(update, context)
    choice = (context.args[0].lower() if context.args else "")[:2]
    if choice in ("es", "en"):
        await set_language(update, context, choice)
        return
    screen = language_screen(_)
    await reply(update, context, screen.text, screen.keyboard)


async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE, locale: str) -> None:
    await remember_locale(update, context, locale)
    _locale, _ = tr(update, context)
    await reply(update, context, _("Listo: te responderé en español."))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancelar outside any conversation: forget what the bot was waiting for."""
    _locale, _ = tr(update, context)
    had_something = context.user_data.pop(AWAITING_KEY, None) is not None
    text = _("Cancelado.") if had_something else _("No hay nada que cancelar.")
    await reply(update, context, text + " " + _("Escribe tu pregunta o usa /ayuda."))
