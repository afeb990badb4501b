"""Log privacy: no message text, names, tokens or secrets in the log, at any level.

- `PrivacyFilter` goes on the log handlers (`install_log_privacy`, called by `hitobot` for the
  root logger's): it drops the payload of python-telegram-bot's DEBUG records (a request's
  parameters, Telegram's answer, a whole update: texts, names, phone numbers) and keeps the
  event; it replaces the bot token, the webhook secret (`add_secret`) and anything shaped like a
  bot token in every message and traceback.
- `safe_traceback` formats an exception without its messages (a parse error or a database
  error quotes what a person wrote), for the error handler.

- `update_kind` and `update_ref` name an update for the log ("command:start", "message:text")
  without anything anyone wrote.

No python-telegram-bot import at module level (it costs ~350 ms to import, measured): `hitobot
ask` and `hitobot chat` install the filter too and never need telegram.
"""

from __future__ import annotations

import logging
import re

_TOKEN_SHAPE = re.compile(r"(?<![0-9])\d{5,}:[A-Za-z0-9_-]{30,}")  # a bot token, wherever it appears
REDACTED = "<redacted>"
# python-telegram-bot's records that carry a request's parameters, an answer or a whole update
# (texts, names, phone numbers): the event is kept, the payload is not.
_PAYLOAD_TEMPLATES = {
    "Calling Bot API endpoint `%s` with parameters `%s`": "Calling Bot API endpoint `%s` (parameters not logged)",
    "Call to Bot API endpoint `%s` finished with return value `%s`":
        "Call to Bot API endpoint `%s` finished (return value not logged)",
    "Processing update %s": "Processing update %s",
    "Dropping pending update: %s": "Dropping pending update: %s",
}
_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Never log `value` (the bot token, the webhook secret): it is replaced wherever it appears."""
    if value and len(value) >= 6:
        _secrets.add(value)


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPE.sub(REDACTED, text)


_COMMAND_NAME = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?$")


def update_kind(update: object) -> str:
    """"command:start", "message:text", "callback_query", "inline_query", ...; no user text."""
    from telegram import Update  # here, not at the top: see the module docstring

    if not isinstance(update, Update):
        return type(update).__name__
    message = update.message
    if message is not None:
        if message.text is not None:
            first_word = message.text.split(maxsplit=1)[0] if message.text.strip() else ""
            match = _COMMAND_NAME.match(first_word)
            if match:
                return f"command:{match.group(1).lower()}"
            return "message:text"
        for attachment in ("photo", "document", "voice", "location", "contact", "sticker"):
            if getattr(message, attachment, None):
                return f"message:{attachment}"
        return "message:other"
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "unknown"


def update_ref(value: object) -> str:
    """"update_id=N type=message:text" for an update (nothing anyone wrote), else the type name."""
    update_id = getattr(value, "update_id", None)
    if update_id is None:
        return type(value).__name__
    return f"update_id={update_id} type={update_kind(value)}"


class PrivacyFilter(logging.Filter):
    """A handler filter (it sees every record, the libraries' too): drops the payload of
    python-telegram-bot's DEBUG records (parameters, answers, updates), and replaces the bot
    token, the webhook secret and anything shaped like a token in every message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_hitobot_private", False):  # already cleaned by another handler's filter
            return True
        record._hitobot_private = True
        template = _PAYLOAD_TEMPLATES.get(record.msg) if isinstance(record.msg, str) else None
        if template is not None and record.name.startswith("telegram") and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            first = args[0]
            kept = (first,) if "endpoint" in template else (update_ref(first),)
            record.msg, record.args = template, kept
        try:
            message = record.getMessage()
        except Exception:  # a broken format: leave it to the handler's own error reporting
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_log_privacy(handlers: list[logging.Handler] | None = None, *secrets: str | None) -> None:
    """Put the PrivacyFilter on `handlers` (default: the root logger's) and remember `secrets`."""
    for secret in secrets:
        add_secret(secret)
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
            handler.addFilter(PrivacyFilter())


def safe_traceback(exc: BaseException) -> str:
    """The traceback of `exc` (and its causes) with the code that ran, but without exception
    messages, which can quote what a person wrote (a parse error, a database error's
    parameters); errors from Telegram itself keep theirs (they never quote anyone)."""
    import traceback

    from telegram.error import TelegramError

    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    out: list[str] = []
    for error in reversed(chain):
        out.append("Traceback (most recent call last):\n")
        out.extend(traceback.format_tb(error.__traceback__))
        name = f"{type(error).__module__}.{type(error).__qualname__}"
        detail = f": {redact(str(error))}" if isinstance(error, TelegramError) else " (message not logged)"
        out.append(name + detail + "\n")
    return "".join(out).rstrip("\n")
