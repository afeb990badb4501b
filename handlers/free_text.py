"""Free text: what a person types goes to the knowledge core, and its answer comes back.

kind "answer" is shown with a button to open the item's card; "choices" becomes one button
per choice; "no_answer" says so plainly and offers the suggestions as buttons.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from handlers.answers import send_answer
from handlers.commands import AWAITING_KEY, send_search_results
from participation.context import chosen_locale, services

log = logging.getLogger(__name__)
MAX_QUESTION = 1000
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
