"""Sending and editing messages safely: split long text, keep a keyboard on the last piece.

"Message is not modified" (pressing the same button twice) is not an error for a person, so
it is swallowed here; every other BadRequest goes to the error handler.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from handlers.render import split_message


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str,
                keyboard: InlineKeyboardMarkup | None = None) -> Message | None:
    """Send html_text to the chat of the update (split if long); the keyboard goes on the last part."""
    chat = update.effective_chat
    if chat is None:
        return None
    chunks = split_message(html_text) or ["…"]
    last: Message | None = None
    for index, chunk in enumerate(chunks):
        markup = keyboard if index == len(chunks) - 1 else None
        last = await context.bot.send_message(chat.id, chunk, reply_markup=markup)
    return last


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str,
               keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Replace the message a button belongs to (navigation), or send a new one."""
    query = update.callback_query
    chunks = split_message(html_text) or ["…"]
    if query is None or query.message is None or len(chunks) > 1 or getattr(query.message, "photo", None):
        await reply(update, context, html_text, keyboard)
        return
    try:
        await query.edit_message_text(chunks[0], reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
