"""Roles: admins appoint and revoke admins (/admin) and focal points (/enlace, or from /pendientes).

- `/admin` lists the admins; `/admin <user id>` appoints one in the database; `/admin quitar
  <user id>` revokes one. Only admins may do it (those of ADMIN_IDS, or already appointed ones).
  ADMIN_IDS admins are configuration: /admin cannot revoke them, and nobody revokes themselves.
- `/enlace <user id or @username> <institution>[, <another>]` binds a person to institutions as
  focal point (someone who already is says so, not "nombrado" again); `/enlace quitar <user id or
  @username> <institution>` unbinds them.  An @username is known once its person has written to
  the bot since it started (`remember_username`: in memory only, never stored).
- In the /pendientes queue, an institution's staff member who applied through /registro is
  approved as focal point of that institution with one tap ("pa:mi:<application id>"); on an
  OSC application, "Nombrar enlace" ("pa:mf:<application id>") asks which institutions.  Either
  way the application is closed as `focal`.
Every step checks the role of the person who sent the update, on the server; ids in commands
and buttons only say *whom* to act on, never *who* acts.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from knowledge.schema import Actor
from participation import notify
from participation.common import (
    Flow,
    actor_index,
    answer_press,
    config,
    data,
    db_call,
    esc,
    int_arg,
    is_admin,
    parse_pa,
    refuse,
    resolve_institutions,
    say,
    texts,
    user_id_of,
)
from storage.models.participation import utcnow
from storage.repositories import participation as repo

INSTITUTIONS = 40
APPOINTING = "pa_focal_from_queue"
REVOKE_WORDS = ("quitar", "revocar", "remove", "revoke")
USERNAMES = "pa_usernames"  # bot_data: lower-case @username -> Telegram id, of people who wrote lately
MAX_USERNAMES = 50_000

# Buttons of a conversation are tracked per person and chat, not per message, on purpose.
warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)


def _event_key(kind: str, target: int) -> str:
    return f"{kind}:{target}:{utcnow().isoformat()}"  # each appointment is its own event


# --- /admin ---------------------------------------------------------------------------------------


async def admin_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    actor_id = user_id_of(update)
    if not await is_admin(context, actor_id):
        await refuse(update, context, _("Este comando es solo para administradores."))
        return
    args = context.args or []
    revoking = bool(args) and args[0].lower() in REVOKE_WORDS
    target = int_arg(args[1 if revoking else 0]) if len(args) > (1 if revoking else 0) else None
    if not args:
        await _list_admins(update, context)
    elif target is None or target <= 0:
        await say(update, context, esc(_("Uso: /admin <id de usuario> para nombrar a un administrador; "
                                         "/admin quitar <id de usuario> para quitarle el rol.")))
    elif revoking:
        await _revoke_admin(update, context, actor_id, target)
    else:
        await _appoint_admin(update, context, target)


async def _list_admins(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    configured = set(config(context).admin_ids)
    everyone = await db_call(context, repo.admin_ids, configured)
    lines = [esc(_("Administradores:"))]
    lines += [f"• {uid}" + (" " + esc(_("(configuración, ADMIN_IDS)")) if uid in configured else "")
              for uid in everyone]
    lines.append(esc(_("Nombra con /admin <id de usuario>; quita con /admin quitar <id de usuario>.")))
    await say(update, context, "\n".join(lines))


def _appoint(s: Session, target: int) -> bool:
    """Appoint an admin and tell them, in one transaction; False if they already were."""
    new = repo.appoint_admin(s, target)
    if new:
        def render(locale: str) -> str:
            t = notify._gettext(locale)
            return esc(t("Fuiste nombrado administrador de hitobot. Tus comandos: /pendientes, "
                         "/moderar, /enlace, /admin y /exportar."))

        notify.notify_people(s, notify.locales_of(s, [target]), _event_key("admin", target), render, "admin")
    return new


async def _appoint_admin(update: Update, context: ContextTypes.DEFAULT_TYPE, target: int) -> None:
    _locale, _ = texts(update, context)
    new = target not in config(context).admin_ids and await db_call(context, _appoint, target)
    text = _("Usuario {user} nombrado administrador.") if new else _("El usuario {user} ya era administrador.")
    await say(update, context, esc(text.format(user=target)))


def _revoke(s: Session, target: int) -> bool:
    done = repo.revoke_admin(s, target)
    if done:
        def render(locale: str) -> str:
            return esc(notify._gettext(locale)("Ya no eres administrador de hitobot."))

        notify.notify_people(s, notify.locales_of(s, [target]), _event_key("unadmin", target), render, "admin")
    return done


async def _revoke_admin(update: Update, context: ContextTypes.DEFAULT_TYPE, actor_id: int, target: int) -> None:
    _locale, _ = texts(update, context)
    if target in config(context).admin_ids:
        await say(update, context, esc(_("Los administradores de ADMIN_IDS se cambian en la configuración, "
                                         "no con /admin.")))
        return
    if target == actor_id:
        await say(update, context, esc(_("No puedes quitarte a ti mismo el rol de administrador.")))
        return
    done = await db_call(context, _revoke, target)
    text = _("Usuario {user} ya no es administrador.") if done else _("El usuario {user} no era administrador.")
    await say(update, context, esc(text.format(user=target)))


# --- focal points ---------------------------------------------------------------------------------


def _labels(actors: list[Actor]) -> str:
    return ", ".join(a.acronym or a.name for a in actors)


async def remember_username(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update: its person's @username -> id, in memory, so that /enlace @username finds
    someone who has written to the bot (Telegram gives bots no way to look a username up)."""
    user = update.effective_user
    if user is None or not user.username or user.is_bot:
        return
    known: OrderedDict[str, int] = context.application.bot_data.setdefault(USERNAMES, OrderedDict())
    name = user.username.lower()
    known.pop(name, None)
    known[name] = user.id
    if len(known) > MAX_USERNAMES:
        known.popitem(last=False)


def _target(context: ContextTypes.DEFAULT_TYPE, text: str) -> tuple[int | None, str]:
    """The person an /enlace argument names (a numeric id or an @username) and how to call them."""
    if text.startswith("@"):
        known = context.application.bot_data.get(USERNAMES) or {}
        user_id = known.get(text[1:].lower())
        return user_id, (f"{text} ({user_id})" if user_id else text)
    user_id = int_arg(text)
    return (user_id if user_id and user_id > 0 else None), text


def _appoint_focal_point(s: Session, target: int, actors: list[Actor], admin_id: int,
                         membership_id: int | None = None) -> list[Actor] | None:
    """Bind `target` to the institutions and tell them of the new ones; with an application,
    close it first.  Returns the institutions they were newly appointed to ([]: they already
    were focal point of all), None (and nothing done) if someone already decided the application."""
    if membership_id is not None and repo.settle_membership(s, membership_id, repo.FOCAL, admin_id) is None:
        return None
    new = [a for a in actors if repo.appoint_focal_point(s, target, a.key, admin_id)]
    if new:
        labels = _labels(new)

        def render(locale: str) -> str:
            t = notify._gettext(locale)
            return t("Fuiste nombrado enlace de: {institutions}. Actualiza el avance de sus hitos con "
                     "/actualizar.").format(institutions=esc(labels))

        notify.notify_people(s, notify.locales_of(s, [target]),
                             f"focal:{target}:{'+'.join(sorted(a.key for a in new))}", render)
    return new


def _appointed_text(_, user: object, actors: list[Actor], new: list[Actor]) -> str:
    """"Usuario 123 nombrado enlace de: SESAN." and/or "El usuario 123 ya era enlace de: MINEDUC."."""
    lines = []
    if new:
        lines.append(_("Usuario {user} nombrado enlace de: {institutions}.").format(user=user, institutions=_labels(new)))
    already = [a for a in actors if a not in new]
    if already:
        lines.append(_("El usuario {user} ya era enlace de: {institutions}; no cambió nada.").format(
            user=user, institutions=_labels(already)))
    return "\n".join(lines)


async def focal_point_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/enlace <user id | @username> <institution>[, <another>]  |  /enlace quitar <user id | @username> <institution>"""
    _locale, _ = texts(update, context)
    admin_id = user_id_of(update)
    if not await is_admin(context, admin_id):
        await refuse(update, context, _("Este comando es solo para administradores."))
        return
    args = list(context.args or [])
    revoking = bool(args) and args[0].lower() in REVOKE_WORDS
    if revoking:
        args = args[1:]
    target, who = _target(context, args[0]) if args else (None, "")
    actors, unknown = resolve_institutions(data(context), " ".join(args[1:]))
    if not args or not (actors or unknown) or (target is None and not who.startswith("@")):
        await say(update, context, esc(_("Uso: /enlace <id de usuario o @usuario> <institución>[, <otra>]. "
                                         "Ejemplo: /enlace @usuario SESAN. Para quitarlo: "
                                         "/enlace quitar @usuario SESAN")))
        return
    if target is None:
        await say(update, context, esc(_("No sé quién es {user}: no me ha escrito desde que arranqué. Pídele "
                                         "que me escriba (basta /start) y vuelve a intentarlo, o usa su número "
                                         "de usuario.").format(user=who)))
        return
    if unknown:
        await say(update, context, esc(_("No encuentro estas instituciones: {names}").format(
            names=", ".join(unknown))))
        return
    if revoking:
        removed = await db_call(context, lambda s: [a for a in actors if repo.revoke_focal_point(s, target, a.key)])
        text = (_("Usuario {user} ya no es enlace de: {institutions}.") if removed
                else _("El usuario {user} no era enlace de: {institutions}."))
        await say(update, context, esc(text.format(user=who, institutions=_labels(removed or actors))))
        return
    new = await db_call(context, _appoint_focal_point, target, actors, admin_id) or []
    await say(update, context, esc(_appointed_text(_, who, actors, new)))


async def approve_as_focal_point(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Aprobar como enlace de SESAN" on an institution's application in /pendientes: one tap."""
    _locale, _ = texts(update, context)
    args = parse_pa(update.callback_query.data, "mi", 1)
    admin_id = user_id_of(update)
    if not await is_admin(context, admin_id):
        await refuse(update, context, _("Solo un administrador puede nombrar enlaces."))
        return
    membership_id = int_arg(args[0]) if args else None
    membership = await db_call(context, repo.membership_by_id, membership_id) if membership_id is not None else None
    target, key = (membership.person_id, membership.organisation_key) if membership else (None, None)
    actor = actor_index(data(context)).by_key(key) if key else None
    if target is None or actor is None or actor.sector != "government":
        await answer_press(update, _("Este botón ya no es válido."))
        return
    new = await db_call(context, _appoint_focal_point, target, [actor], admin_id, membership_id)
    if new is None:
        await answer_press(update, _("Esta solicitud ya fue decidida."))
        return
    await answer_press(update, _("Aprobada."))
    await say(update, context, esc(_appointed_text(_, target, [actor], new)))


async def focal_from_queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """"Nombrar enlace" on an application in /pendientes: ask which institutions."""
    _locale, _ = texts(update, context)
    args = parse_pa(update.callback_query.data, "mf", 1)
    if not await is_admin(context, user_id_of(update)):
        await refuse(update, context, _("Solo un administrador puede nombrar enlaces."))
        return ConversationHandler.END
    membership_id = int_arg(args[0]) if args else None
    membership = await db_call(context, repo.membership_by_id, membership_id) if membership_id is not None else None
    pending = membership is not None and membership.state == repo.PENDING
    name = membership.full_name if membership else ""
    if not pending:
        await answer_press(update, _("Esta solicitud ya fue decidida."))
        return ConversationHandler.END
    await answer_press(update)
    context.user_data[APPOINTING] = membership_id
    await say(update, context, esc(_("¿De qué institución o instituciones será enlace {name}? Escribe "
                                     "siglas o nombres separados por comas (/cancelar para salir).").format(
        name=name)))
    return INSTITUTIONS


async def typed_institutions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    admin_id = user_id_of(update)
    membership_id = context.user_data.get(APPOINTING)
    if membership_id is None or not await is_admin(context, admin_id):  # rights checked again on writing
        context.user_data.pop(APPOINTING, None)
        await refuse(update, context, _("Solo un administrador puede nombrar enlaces."))
        return ConversationHandler.END
    actors, unknown = resolve_institutions(data(context), update.message.text or "")
    if unknown or not actors:
        await say(update, context, esc(_("No encuentro estas instituciones: {names}. Escríbelas de nuevo "
                                         "o /cancelar.").format(names=", ".join(unknown) or "—")))
        return INSTITUTIONS
    context.user_data.pop(APPOINTING, None)
    membership = await db_call(context, repo.membership_by_id, membership_id)
    target = membership.person_id if membership else None
    new = (await db_call(context, _appoint_focal_point, target, actors, admin_id, membership_id)
           if target is not None else None)
    if new is None:
        await say(update, context, esc(_("Esta solicitud ya fue decidida.")))
        return ConversationHandler.END
    await say(update, context, esc(_appointed_text(_, target, actors, new)))
    return ConversationHandler.END


def focal_from_queue_flow() -> Flow:
    """An admin appoints a registered person focal point of the institutions they type."""
    return Flow(
        entry_points=[CallbackQueryHandler(focal_from_queue, pattern=r"^pa:mf:")],
        states={INSTITUTIONS: [MessageHandler(filters.TEXT & ~filters.COMMAND, typed_institutions)]},
        drafts=(APPOINTING,),
    )


def handlers() -> list:
    return [
        CommandHandler("admin", admin_command),
        CommandHandler("enlace", focal_point_command),
        CallbackQueryHandler(approve_as_focal_point, pattern=r"^pa:mi:"),
    ]
