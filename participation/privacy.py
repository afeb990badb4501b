"""Personal and open data: /mis_datos, /borrar_mis_datos (with confirmation) and /exportar (admins)."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session
from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from participation.common import (
    answer_press,
    button,
    cb,
    db_call,
    esc,
    is_admin,
    keyboard,
    parse_pa,
    private_chat_only,
    refuse,
    say,
    texts,
    user_id_of,
)
from participation.opendata import write_open_data
from storage.repositories import participation as repo


async def my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    if not await private_chat_only(update, context):  # never a person's data into a group
        return
    user_id = user_id_of(update)
    stored = await db_call(context, repo.personal_data, user_id)
    if not stored:
        await say(update, context, esc(_("No tenemos datos guardados sobre ti.")))
        return
    payload = json.dumps(stored, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    await context.bot.send_document(update.effective_chat.id, InputFile(io.BytesIO(payload), filename="mis_datos.json"),
                                    caption=esc(_("Todo lo que guardamos sobre ti. Para borrarlo usa "
                                                  "/borrar_mis_datos.")))


async def ask_erase(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    await say(update, context, esc(_("¿Borrar todos tus datos? Se eliminan tu registro, tus suscripciones, "
                                     "tus roles y tus reportes no publicados. Los reportes ya publicados "
                                     "quedan, pero sin tu nombre. No se puede deshacer.")),
              keyboard([[button(_("Sí, borrar todo"), cb("dx", "yes")), button(_("No"), cb("dx", "no"))]]))


def _erase(s: Session, user_id: int) -> repo.PublicContributions:
    kept = repo.public_contributions(s, user_id)
    repo.erase_person(s, user_id)
    return kept


async def erase(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    args = parse_pa(update.callback_query.data, "dx", 1)
    await answer_press(update)
    if not args or args[0] != "yes":
        await say(update, context, esc(_("No se borró nada.")))
        return
    # the person is the one pressing: never an id from the button
    kept = await db_call(context, _erase, user_id_of(update))
    context.user_data.clear()  # drafts and cached choices in this process too...
    context.application.drop_user_data(user_id_of(update))  # ...and never written back (bot_state)
    await say(update, context, esc(_("Listo: borramos tus datos.") + "\n" + what_stays_public(kept, _)))


def what_stays_public(kept: repo.PublicContributions, _) -> str:
    """One line: what stays public after an erasure, and why."""
    if kept.status_updates and kept.published_reports:
        return _("Siguen públicos, sin tu nombre, los avances que reportaste a nombre de tu institución y tus "
                 "reportes publicados: son parte del seguimiento público de los planes.")
    if kept.status_updates:
        return _("Siguen públicos los avances que reportaste, firmados por tu institución y sin tu nombre: "
                 "son parte del seguimiento público de los planes.")
    if kept.published_reports:
        return _("Siguen públicos tus reportes ya publicados, sin tu nombre: son parte del seguimiento "
                 "público de los planes.")
    return _("No queda nada tuyo publicado: no reportaste avances ni tienes reportes publicados.")


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    if not await is_admin(context, user_id_of(update)):
        await refuse(update, context, _("Este comando es solo para administradores."))
        return
    if not await private_chat_only(update, context):
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = await db_call(context, write_open_data, Path(tmp))
        for path in paths:
            await context.bot.send_document(update.effective_chat.id,
                                            InputFile(path.read_bytes(), filename=path.name))
    await say(update, context, esc(_("Datos abiertos exportados: estados de los hitos con su historial y "
                                     "reportes publicados.")))


def handlers() -> list:
    return [
        CommandHandler("mis_datos", my_data),
        CommandHandler("borrar_mis_datos", ask_erase),
        CallbackQueryHandler(erase, pattern=r"^pa:dx:"),
        CommandHandler("exportar", export),
    ]
