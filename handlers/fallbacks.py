"""The last word: a command nobody knows, or a message that is not text, gets a one-line hint
with /ayuda instead of silence (in a private chat; in a group only a command addressed to this
bot by name: the others may be for another bot, and a group does not want a reply to every
sticker).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from participation.context import tr
from participation.messaging import reply
from participation.render import esc

PRIVATE = filters.ChatType.PRIVATE
NEW_MESSAGE = filters.UpdateType.MESSAGE


def _command(update: Update) -> tuple[str, str]:
    """("/nosuch", "hitobot_bot") of "/nosuch@hitobot_bot and more"."""
    text = (update.effective_message.text or "").split(maxsplit=1)
    name, _at, bot = (text[0] if text else "").partition("@")
    return name[:40], bot


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    name, addressed_to = _command(update)
    chat = update.effective_chat
    private = chat is not None and chat.type == "private"
    if not private and addressed_to.lower() != (context.bot.username or "").lower():
        return  # a group's command for another bot, or for nobody in particular
    _locale, _ = tr(update, context)

    await reply(update, context, esc(_("No conozco el comando {command}. /ayuda muestra lo que puedo "
                                       "hacer.").format(command=name)))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = tr(update, context)
    await reply(update, context, _("Por ahora solo entiendo texto: escríbeme tu pregunta con palabras. "
                                   "/ayuda muestra lo que puedo hacer."))


def handlers() -> list[MessageHandler]:
    """To be added last in the main group (after every command and the free-text handler)."""
    return [
        MessageHandler(NEW_MESSAGE & filters.COMMAND, unknown_command),
        MessageHandler(NEW_MESSAGE & PRIVATE & ~filters.TEXT & ~filters.COMMAND
                       & ~filters.StatusUpdate.ALL, not_text),
    ]
