"""Progress pictures: a commitment's hitos as a PNG bar chart, with the same facts in words.

The chart is drawn off the event loop (asyncio.to_thread) and cached until the data change
(the cache key is the commitment's status fingerprint and the language).
"""

from __future__ import annotations

import asyncio
from io import BytesIO

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

import handlers.callback_data as cb
from knowledge import clock
from knowledge.charts import chart_fingerprint, commitment_bars, render_progress_chart
from knowledge.compose import shorten
from knowledge.lookups import status_name
from knowledge.progress import commitment_progress, hito_progress, hito_state
from knowledge.refs import Ref, commitment_ref, parse_ref
from knowledge.schema import Commitment
from participation.context import Services, services, tr
from participation.messaging import reply
from participation.render import MAX_CAPTION, esc

MAX_CACHED_CHARTS = 256


def chart_caption(services_: Services, commitment: Commitment, locale: str, _) -> str:
    statuses = {s.key: s for s in services_.data.statuses}
    total = commitment_progress(commitment.hitos, services_.data.statuses)
    head = "<b>" + _("Compromiso {n}: {title}").format(
        n=commitment.number, title=esc(shorten(commitment.short_title or commitment.title, 90))) + "</b>"
    overall = (_("Avance general: {p} %").format(p=total) if total is not None
               else _("Avance general: sin información"))
    lines = [head, overall]
    for hito in sorted(commitment.hitos, key=lambda h: h.number):
        status, _explicit = hito_state(hito)
        progress = hito_progress(hito, services_.data.statuses)
        state = esc(status_name(statuses[status], status, locale) if status in statuses else _("sin información"))
        figure = f" ({progress} %)" if progress is not None else ""
        lines.append(_("Hito {n}: {state}").format(n=hito.number, state=state) + figure)
    return "\n".join(lines)


async def chart_png(services_: Services, commitment: Commitment, locale: str, _) -> bytes:
    today = getattr(services_.knowledge, "today", clock.today)()  # the core's day (tests set it)
    key = (chart_fingerprint(commitment, today), locale)
    cached = services_.chart_cache.get(key)
    if cached is not None:
        return cached
    title = _("Compromiso {n}: avance por hito").format(n=commitment.number)
    bars = commitment_bars(commitment, services_.data.statuses, _("{n}. {subject}"), locale=locale,
                           today=today, end_label=_("fin: {date}"))
    shown = {b.status for b in bars}
    legend = {s.key: status_name(s, s.key, locale)
              for s in sorted(services_.data.statuses, key=lambda s: s.order) if s.key in shown}
    png = await asyncio.to_thread(render_progress_chart, title, bars, _("Avance (%)"), _("sin dato"),
                                  legend, _("atrasado"))
    if len(services_.chart_cache) >= MAX_CACHED_CHARTS:
        services_.chart_cache.clear()
    services_.chart_cache[key] = png
    return png


async def send_chart(update: Update, context: ContextTypes.DEFAULT_TYPE, ref: Ref | str | int) -> bool:
    """Send the chart of a commitment (its ref, "pan6.c3"; an old button's "c3" or a number
    typed after /avance: the commitment it named then); False when there is no such commitment."""
    locale, _ = tr(update, context)
    svc = services(context)
    parsed = Ref("commitment", commitment=ref) if isinstance(ref, int) else parse_ref(ref) if isinstance(ref, str) else ref
    found = svc.knowledge.locate(parsed) if parsed is not None and parsed.kind == "commitment" else None
    commitment = found.commitment if found is not None else None
    if commitment is None or not commitment.hitos:
        return False
    cref = commitment_ref(found.plan.key, commitment.number)
    chat = update.effective_chat
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    png = await chart_png(svc, commitment, locale, _)
    caption = chart_caption(svc, commitment, locale, _)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(
        _("📄 Compromiso {n}").format(n=commitment.number), callback_data=cb.commitment(cref))]])
    if len(caption) <= MAX_CAPTION:
        await context.bot.send_photo(chat.id, BytesIO(png), caption=caption, reply_markup=keyboard)
    else:  # a long caption goes as its own message, so nothing is cut
        await context.bot.send_photo(chat.id, BytesIO(png))
        await reply(update, context, caption, keyboard)
    return True


async def progress_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/avance N: the chart of commitment N; /avance alone: buttons to pick one."""
    _locale, _ = tr(update, context)
    arg = (context.args[0] if context.args else "").lstrip("cC#")[:40]
    # ASCII digits only: "²".isdigit() is True and int("²") raises; "٣" would read as 3
    if arg.isascii() and arg.isdigit() and await send_chart(update, context, int(arg)):
        return
    if parse_ref(arg) is not None and await send_chart(update, context, arg):  # /avance pan6.c3
        return
    svc = services(context)
    plans = sorted(svc.knowledge.plans(), key=lambda p: (not p.current, -p.number))
    numbers = [c.number for p in plans for c in p.commitments]

    def label(p, c) -> str:  # two plans with a commitment 3: each says whose ("3. Datos · 2023-2025")
        plan = f" · {p.period_label}" if numbers.count(c.number) > 1 else ""
        return shorten(f"{c.number}. {c.short_title or c.title}", 60 - len(plan)) + plan

    rows = [[InlineKeyboardButton(label(p, c), callback_data=cb.chart(commitment_ref(p.key, c.number)))]
            for p in plans for c in sorted(p.commitments, key=lambda c: c.number) if c.hitos]
    intro = (_("No conozco el compromiso {n}.").format(n=esc(arg)) + " " if arg else "")
    await reply(update, context, intro + _("¿De qué compromiso quieres ver el avance?"),
                InlineKeyboardMarkup(rows) if rows else None)
