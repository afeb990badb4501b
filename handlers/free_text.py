"""Free text: what a person types goes to the knowledge core, and its answer comes back.

kind "answer" is shown with a button to open the item's card; "choices" becomes one button
per choice; "no_answer" says so plainly and offers the suggestions as buttons.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

import handlers.callback_data as cb
from handlers.commands import AWAITING_KEY, send_search_results
from handlers.context import chosen_locale, services, tr
from handlers.messaging import reply
from handlers.render import answer_html
from knowledge.answers import Answer
from knowledge.compose import shorten
from knowledge.refs import parse_ref

log = logging.getLogger(__name__)
MAX_QUESTION = 1000
MAX_CHOICE_BUTTONS = 8
LAST_REF_KEY = "last_ref"  # chat_data: the ref the last answer was about, for follow-ups


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text.strip()[:MAX_QUESTION]
    if context.user_data.get(AWAITING_KEY) == "search":
        context.user_data.pop(AWAITING_KEY, None)
        await send_search_results(update, context, text)
        return
    # The person's explicit choice (/idioma) wins; otherwise the core detects the language.
    # A follow-up ("¿y hasta cuándo?") continues with what the last answer in this chat was about.
    previous = context.chat_data.get(LAST_REF_KEY) if context.chat_data is not None else None
    answer = services(context).knowledge.ask(text, chosen_locale(context), previous=previous)
    if answer.kind == "answer" and answer.refs and context.chat_data is not None:
        context.chat_data[LAST_REF_KEY] = answer.refs[0]
    await send_answer(update, context, answer)


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
