"""Inline mode: `@bot palabras` in any chat lists matching hitos, commitments, practices and
acronyms (50 per page, next_offset paging); picking one inserts a short card with a deep link.
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

from handlers.context import Services, services, tr
from handlers.render import esc, truncate
from handlers.views import deep_link
from knowledge.answers import Hit

PAGE_SIZE = 50
MAX_OFFSET = 1000


def _current_plan_hits(svc: Services, _) -> list[Hit]:
    """What an empty query shows: the commitments of the current plan."""
    plans = sorted(svc.knowledge.plans(), key=lambda p: (not p.current, -p.number))
    if not plans:
        return []
    return [Hit(ref=f"c{c.number}", kind="commitment",
                title=_("Compromiso {n}").format(n=c.number) + f": {c.short_title or c.title}",
                snippet=c.description or c.title, score=1.0)
            for c in sorted(plans[0].commitments, key=lambda c: c.number)]


def inline_result(svc: Services, hit: Hit, index: int, _) -> InlineQueryResultArticle:
    link = deep_link(svc.bot_username, hit.ref)
    card = (f"<b>{esc(truncate(hit.title, 200))}</b>\n{esc(truncate(hit.snippet, 600))}\n\n"
            f'<a href="{esc(link)}">' + _("Ver más en el bot") + "</a>")
    return InlineQueryResultArticle(
        id=truncate(f"{index}:{hit.ref}", 64),
        title=truncate(hit.title, 120),
        description=truncate(hit.snippet, 200),
        input_message_content=InputTextMessageContent(card),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(_("Abrir en el bot"), url=link)]]),
    )


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    locale, _ = tr(update, context)
    svc = services(context)
    offset = int(query.offset) if query.offset.isdigit() else 0
    offset = min(offset, MAX_OFFSET)
    words = query.query.strip()[:200]
    if words:
        hits = svc.knowledge.search(words, limit=PAGE_SIZE, offset=offset, locale=locale)
    else:
        hits = _current_plan_hits(svc, _)[offset:offset + PAGE_SIZE]
    results = [inline_result(svc, hit, offset + i, _) for i, hit in enumerate(hits[:PAGE_SIZE])]
    next_offset = str(offset + PAGE_SIZE) if len(hits) >= PAGE_SIZE and offset + PAGE_SIZE < MAX_OFFSET else ""
    await query.answer(results, cache_time=30, is_personal=False, next_offset=next_offset)
