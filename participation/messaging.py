"""Sending and editing messages safely and cheaply: split long text, keep a keyboard on the last
piece, and never lose an answer because the Bot API was briefly unreachable.

- Replies go out as raw `sendMessage` calls (`Bot.do_api_request`, no `Message` object is built
  from Telegram's answer: the bot never reads it, and building one cost more than the rest of
  handling a question).  The rate limiter still applies (it wraps every API call).
- A reply that still fails after the rate limiter's retries (Bot API down, network error, a
  429 that outlasted the retries) is handed to the durable outbox (storage/repositories/
  outbox.py); the delivery worker sends it when the API is back.  Only a bad request (a bug)
  or a blocked chat is not queued.
- "Message is not modified" (pressing the same button twice) is not an error for a person, so
  it is swallowed here; every other BadRequest goes to the error handler.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import warnings
from typing import Any

from sqlalchemy.orm import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes
from telegram.warnings import PTBUserWarning

from participation.context import SERVICES_KEY
from participation.render import split_message
from storage.repositories.outbox import NewMessage, enqueue_many

log = logging.getLogger(__name__)

# do_api_request("sendMessage") warns "use Bot.send_message instead"; we use it on purpose, for
# the raw result (see the module docstring).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.(sendMessage|editMessageText)'",
                        category=PTBUserWarning)

Keyboard = InlineKeyboardMarkup | dict[str, Any] | None
NO_PREVIEW = {"is_disabled": True}
OUTBOX_KIND = "reply"


def markup_json(keyboard: Keyboard) -> dict[str, Any] | None:
    """A keyboard as the JSON object Telegram takes (plain dicts pass through unchanged)."""
    if keyboard is None or isinstance(keyboard, dict):
        return keyboard
    return keyboard.to_dict()


def _message_params(chat_id: int, html_text: str, markup: dict[str, Any] | None) -> dict[str, Any]:
    params: dict[str, Any] = {"chat_id": chat_id, "text": html_text, "parse_mode": "HTML",
                              "link_preview_options": NO_PREVIEW}
    if markup:
        params["reply_markup"] = markup
    return params


async def send_html(context: ContextTypes.DEFAULT_TYPE, chat_id: int, html_text: str,
                    keyboard: Keyboard = None) -> int | None:
    """sendMessage with HTML; returns Telegram's message id (None if the answer is unusable)."""
    result = await context.bot.do_api_request(
        "sendMessage", api_kwargs=_message_params(chat_id, html_text, markup_json(keyboard)))
    return result.get("message_id") if isinstance(result, dict) else None


def outbox_key(update: Update, chat_id: int, index: int, chunk: str) -> str:
    """Idempotent per update and piece: a redelivered update does not queue the answer twice."""
    digest = hashlib.sha1(chunk.encode()).hexdigest()[:12]
    return f"reply:{chat_id}:{update.update_id}:{index}:{digest}"


def _enqueue_replies(session: Session, messages: list[NewMessage], delay: float) -> int:
    if delay > 0:
        not_before = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
        messages = [dataclasses.replace(m, not_before=not_before) for m in messages]
    return enqueue_many(session, messages)


def _retry_after_seconds(error: Exception) -> float:
    if not isinstance(error, RetryAfter):
        return 0.0
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


async def hand_to_outbox(context: ContextTypes.DEFAULT_TYPE, update: Update, chat_id: int,
                         pieces: list[tuple[int, str, dict[str, Any] | None]],
                         error: Exception) -> bool:
    """Queue unsent pieces (index, html, markup) in the durable outbox; False if impossible."""
    svc = context.application.bot_data.get(SERVICES_KEY)
    database = getattr(svc, "database", None)
    if database is None:
        return False
    messages = [NewMessage(chat_id=chat_id, text=text, kind=OUTBOX_KIND, reply_markup=markup,
                           dedupe_key=outbox_key(update, chat_id, index, text))
                for index, text, markup in pieces]
    delay = _retry_after_seconds(error)
    try:
        await database.call(_enqueue_replies, messages, delay)
    except Exception:
        log.exception("could not queue the reply to chat %s in the outbox", chat_id)
        return False
    log.warning("reply to chat %s failed (%s: %s); %d message(s) queued in the outbox",
                chat_id, type(error).__name__, error, len(messages))
    return True


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str,
                keyboard: Keyboard = None) -> int | None:
    """Send html_text to the chat of the update (split if long; the keyboard goes on the last
    part).  Returns the last message id, or None when the reply was queued in the outbox."""
    chat = update.effective_chat
    if chat is None:
        return None
    chunks = split_message(html_text) or ["…"]
    markup = markup_json(keyboard)
    last: int | None = None
    for index, chunk in enumerate(chunks):
        chunk_markup = markup if index == len(chunks) - 1 else None
        try:
            last = await send_html(context, chat.id, chunk, chunk_markup)
        except (BadRequest, Forbidden):
            raise  # a bug or a blocked chat: retrying later would not help
        except (NetworkError, RetryAfter) as exc:  # TimedOut is a NetworkError
            rest = [(i, c, markup if i == len(chunks) - 1 else None)
                    for i, c in enumerate(chunks) if i >= index]
            if await hand_to_outbox(context, update, chat.id, rest, exc):
                return None
            raise
    return last


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str,
               keyboard: Keyboard = None) -> None:
    """Replace the message a button belongs to (navigation), or send a new one."""
    query = update.callback_query
    chunks = split_message(html_text) or ["…"]
    message = query.message if query is not None else None
    if message is None or len(chunks) > 1 or getattr(message, "photo", None):
        await reply(update, context, html_text, keyboard)
        return
    params = _message_params(message.chat.id, chunks[0], markup_json(keyboard))
    params["message_id"] = message.message_id
    try:
        await context.bot.do_api_request("editMessageText", api_kwargs=params)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
