"""Inline mode: `@bot palabras` in any chat lists matching hitos, commitments, practices and
acronyms (50 per page, next_offset paging); picking one inserts a short card with a deep link.

A query about the catalogue's practices ("prácticas de huertos") lists only practices; one that
names an ODS, a sphere or an institution that has practices ("ods 16", "ambiental", "TSE")
lists those practices first, then everything else it matches.  Before the catalogue's file is
imported, a query about practices gets one result saying so (handlers/catalogue.py).
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import ContextTypes

from handlers.catalogue import practice_card, search_with_practices
from handlers.views import deep_link
from knowledge.answers import Hit
from knowledge.compose import shorten
from knowledge.refs import commitment_ref, practice_ref
from participation.context import Services, services, tr
from participation.render import esc

PAGE_SIZE = 50
MAX_OFFSET = 1000


def _current_plan_hits(svc: Services, _) -> list[Hit]:
    """What an empty query shows: the commitments of the current plan."""
    plans = sorted(svc.knowledge.plans(), key=lambda p: (not p.current, -p.number))
    if not plans:
        return []
    return [Hit(ref=commitment_ref(plans[0].key, c.number), kind="commitment",
                title=_("Compromiso {n}").format(n=c.number) + f": {c.short_title or c.title}",
                snippet=c.description or c.title, score=1.0)
            for c in sorted(plans[0].commitments, key=lambda c: c.number)]


def _card(svc: Services, hit: Hit, locale: str, _) -> str:
    """The message a picked result inserts: a practice's own card, else the hit's title and text."""
    if hit.kind == "practice":
        practice = next((p for p in svc.data.practices if practice_ref(p.id) == hit.ref), None)
        if practice is not None:
            return practice_card(svc, practice, locale, _)
    return f"<b>{esc(shorten(hit.title, 200))}</b>\n{esc(shorten(hit.snippet, 600))}"


def inline_result(svc: Services, hit: Hit, index: int, _, locale: str = "es") -> InlineQueryResultArticle:
    link = deep_link(svc.bot_username, hit.ref)
    card = _card(svc, hit, locale, _) + f'\n\n<a href="{esc(link)}">' + _("Ver más en el bot") + "</a>"
    return InlineQueryResultArticle(
        id=f"{index}:{hit.ref}"[:64],
        title=shorten(hit.title, 120),
        description=shorten(hit.snippet, 200),
        input_message_content=InputTextMessageContent(card),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(_("Abrir en el bot"), url=link)]]),
    )


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    locale, _ = tr(update, context)
    svc = services(context)
    offset = int(query.offset) if query.offset.isascii() and query.offset.isdigit() else 0
    offset = min(offset, MAX_OFFSET)
    words = query.query.strip()[:200]
    if words:
        hits = search_with_practices(svc, words, PAGE_SIZE, offset, locale, _)
    else:
        hits = _current_plan_hits(svc, _)[offset:offset + PAGE_SIZE]
    results = [inline_result(svc, hit, offset + i, _, locale) for i, hit in enumerate(hits[:PAGE_SIZE])]
    next_offset = str(offset + PAGE_SIZE) if len(hits) >= PAGE_SIZE and offset + PAGE_SIZE < MAX_OFFSET else ""
    await query.answer(results, cache_time=30, is_personal=False, next_offset=next_offset)
