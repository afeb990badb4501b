"""An answer of the knowledge core as a message: its HTML and its buttons (a card, a chart,
one per choice).  Used by free text and by /siglas.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

import handlers.callback_data as cb
from knowledge.answers import Answer
from knowledge.compose import shorten
from knowledge.refs import parse_ref
from participation.context import tr
from participation.messaging import reply
from participation.render import answer_html

MAX_CHOICE_BUTTONS = 8


def _button(label: str, callback_data: str) -> dict[str, str]:
    return {"text": label, "callback_data": callback_data}


def _ref_button(label: str, ref: str) -> dict[str, str] | None:
    if parse_ref(ref) is None:
        return None
    try:
        return _button(shorten(label, 60), cb.ref(ref))
    except ValueError:
        return None


def answer_keyboard(answer: Answer, _) -> dict | None:
    """The buttons under an answer, as the JSON object Telegram takes (plain dicts: built for
    every question, so cheaper than InlineKeyboardMarkup objects serialised again)."""
    rows: list[list[dict[str, str]]] = []
    for choice in answer.choices[:MAX_CHOICE_BUTTONS]:
        button = _ref_button(choice.label, choice.ref)
        if button:
            rows.append([button])
    if answer.kind == "answer" and answer.refs:
        main = parse_ref(answer.refs[0])
        button = _ref_button(_("📄 Ver ficha"), answer.refs[0]) if main is not None else None
        row = [button] if button else []
        if main is not None and main.kind in ("commitment", "hito") and main.plan:
            row.append(_button(_("📊 Avance"), cb.chart(main.up_to("commitment"))))
        if row:
            rows.append(row)
    return {"inline_keyboard": rows} if rows else None


async def send_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    _locale, _ = tr(update, context)
    text = answer_html(answer)
    if answer.kind == "choices" and answer.choices:
        text += "\n\n" + _("Elige una opción:")
    await reply(update, context, text, answer_keyboard(answer, _))
