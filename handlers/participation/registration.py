"""Registration of OSC members (/registro) and the admins' queue of applications (/pendientes).

/registro asks name -> organisation (a civil-society actor of the plans, or typed) -> optional
contact -> consent (what is stored and why) and files an application.  Admins decide from
/pendientes with approve / reject buttons, or appoint the applicant focal point of institutions
("Nombrar enlace", see handlers.participation.roles); the applicant hears the outcome through
the outbox.
"""

from __future__ import annotations

import warnings

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

from handlers.participation import notify
from handlers.participation.common import (
    actor_index,
    answer_press,
    button,
    cb,
    civil_society,
    config,
    continue_in_private,
    conversation,
    data,
    deep_link_entry,
    esc,
    int_arg,
    is_admin,
    keyboard,
    not_saved,
    parse_pa,
    private_chat_only,
    refuse,
    say,
    session_for,
    texts,
    touch,
    user_id_of,
)
from knowledge.i18n import N_
from storage.repositories import participation as repo

NAME, ORGANISATION, CONTACT, CONSENT = range(4)
DRAFT = "pa_registration"
MAX_ORG_BUTTONS = 24

CONSENT_TEXT = N_(
    "Para registrarte guardamos tu nombre, tu organización, el contacto que quieras darnos y tu "
    "identificador de Telegram. Los usamos solo para verificar que perteneces a una organización "
    "de sociedad civil y para avisarte de tus reportes de monitoreo. No se publican: en los "
    "reportes tu nombre aparece solo si tú lo autorizas. Puedes ver tus datos con /mis_datos y "
    "borrarlos con /borrar_mis_datos. ¿Aceptas?"
)

# Buttons of a conversation are tracked per person and chat, not per message, on purpose.
warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)


async def start_registration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    if not await continue_in_private(update, context, "registro"):  # a name and a contact: not in a group
        return ConversationHandler.END
    touch(update, context)
    with session_for(context) as s:
        latest = repo.latest_membership(s, user_id_of(update))
        state = latest.state if latest else None
    if state == repo.APPROVED:
        await say(update, context, esc(_("Ya eres miembro registrado de una OSC.")))
        return ConversationHandler.END
    if state == repo.PENDING:
        await say(update, context, esc(_("Tu solicitud ya está en revisión. Te avisaremos del resultado.")))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    await say(update, context, esc(_("Registro de organizaciones de sociedad civil (OSC). "
                                     "¿Cuál es tu nombre completo? (/cancelar para salir)")))
    return NAME


async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    name = (update.message.text or "").strip()
    if not 2 <= len(name) <= 200:
        await say(update, context, esc(_("Escribe tu nombre (entre 2 y 200 caracteres).")))
        return NAME
    context.user_data.setdefault(DRAFT, {})["full_name"] = name
    rows = [[button(a.acronym or a.name[:30], cb("ro", a.key))]
            for a in civil_society(data(context))[:MAX_ORG_BUTTONS]]
    await say(update, context, esc(_("¿A qué organización perteneces? Elige una de las OSC de los "
                                     "planes o escribe el nombre de otra.")), keyboard(rows) if rows else None)
    return ORGANISATION


async def _ask_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await say(update, context, esc(_("Si quieres, escribe un correo o teléfono de contacto "
                                     "(opcional).")), keyboard([[button(_("Omitir"), cb("rc", "skip"))]]))
    return CONTACT


async def picked_organisation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    args = parse_pa(update.callback_query.data, "ro", 1)
    actor = actor_index(data(context)).by_key(args[0]) if args else None
    await answer_press(update)
    if actor is None or actor.sector != "civil_society":
        return ORGANISATION
    context.user_data.setdefault(DRAFT, {}).update(organisation_key=actor.key, organisation_name=actor.name)
    return await _ask_contact(update, context)


async def typed_organisation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    name = (update.message.text or "").strip()
    if not 2 <= len(name) <= 300:
        await say(update, context, esc(_("Escribe el nombre de tu organización.")))
        return ORGANISATION
    actor = actor_index(data(context)).resolve(name)
    draft = context.user_data.setdefault(DRAFT, {})
    if actor is not None and actor.sector == "civil_society":
        draft.update(organisation_key=actor.key, organisation_name=actor.name)
    else:
        draft.update(organisation_key=None, organisation_name=name)
    return await _ask_contact(update, context)


async def _ask_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await say(update, context, esc(_(CONSENT_TEXT)), _consent_keyboard(_))
    return CONSENT


async def typed_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data.setdefault(DRAFT, {})["contact"] = (update.message.text or "").strip()[:300]
    return await _ask_consent(update, context)


async def skipped_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answer_press(update)
    context.user_data.setdefault(DRAFT, {})["contact"] = None
    return await _ask_consent(update, context)


async def consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    args = parse_pa(update.callback_query.data, "rk", 1)
    await answer_press(update)
    draft = context.user_data.get(DRAFT) or {}
    if not args or args[0] != "yes" or "full_name" not in draft or "organisation_name" not in draft:
        context.user_data.pop(DRAFT, None)
        await say(update, context, esc(_("Registro cancelado. No guardamos nada.")))
        return ConversationHandler.END
    try:
        _file_application(context, user_id_of(update), draft)
    except Exception as exc:  # nothing was stored: the answers stay, the button works again
        await not_saved(update, context, exc, _consent_keyboard(_))
        return CONSENT
    context.user_data.pop(DRAFT, None)
    await say(update, context, esc(_("¡Gracias! Tu solicitud fue enviada. Un administrador la revisará "
                                     "y te avisaremos aquí.")))
    return ConversationHandler.END


def _consent_keyboard(_):
    return keyboard([[button(_("Acepto"), cb("rk", "yes")), button(_("No acepto"), cb("rk", "no"))]])


def _file_application(context: ContextTypes.DEFAULT_TYPE, user_id: int, draft: dict) -> None:
    """The application and the admins' notices, in one transaction."""
    with session_for(context) as s:
        membership = repo.apply_for_membership(s, user_id, draft["full_name"], draft["organisation_name"],
                                               draft.get("organisation_key"), draft.get("contact"))
        admins = notify.locales_of(s, repo.admin_ids(s, config(context).admin_ids))

        def render(locale: str) -> str:
            t = notify._gettext(locale)
            return t("Nueva solicitud de registro OSC: {name} ({org}). Revísala con /pendientes.").format(
                name=esc(membership.full_name), org=esc(membership.organisation_name))

        notify.notify_people(s, admins, f"reg:{membership.id}", render, kind="admin")


def registration_conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        entry_points=[CommandHandler("registro", start_registration),
                      deep_link_entry("registro", start_registration)],
        states={
            NAME: [MessageHandler(text, got_name)],
            ORGANISATION: [CallbackQueryHandler(picked_organisation, pattern=r"^pa:ro:"),
                           MessageHandler(text, typed_organisation)],
            CONTACT: [CallbackQueryHandler(skipped_contact, pattern=r"^pa:rc:"),
                      MessageHandler(text, typed_contact)],
            CONSENT: [CallbackQueryHandler(consent, pattern=r"^pa:rk:")],
        },
        name="pa_registration",
        drafts=(DRAFT,),
    )


# --- the admins' queue ----------------------------------------------------------------------------


async def pending_queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    if not is_admin(context, user_id_of(update)):
        await refuse(update, context, _("Este comando es solo para administradores."))
        return
    if not await private_chat_only(update, context):  # applicants' names and contacts
        return
    with session_for(context) as s:
        pending = repo.pending_memberships(s)
        rows = [(m.id, m.person_id, m.full_name, m.organisation_name, m.organisation_key, m.contact)
                for m in pending]
    if not rows:
        await say(update, context, esc(_("No hay solicitudes pendientes.")))
        return
    for mid, person_id, name, org, org_key, contact in rows:
        known = _("OSC de los planes") if org_key else _("organización nueva")
        text = _("Solicitud {id}: {name}, {org} ({known}). Contacto: {contact}. Usuario: {user}").format(
            id=mid, name=esc(name), org=esc(org), known=known, contact=esc(contact or "-"), user=person_id)
        await say(update, context, text, keyboard([[button(_("Aprobar"), cb("ma", mid)),
                                                    button(_("Rechazar"), cb("mr", mid))],
                                                   [button(_("Nombrar enlace"), cb("mf", mid))]]))


async def decide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    query = update.callback_query
    approve = query.data.startswith("pa:ma:")
    args = parse_pa(query.data, "ma" if approve else "mr", 1)
    admin_id = user_id_of(update)
    if not is_admin(context, admin_id):
        await refuse(update, context, _("Solo un administrador puede decidir solicitudes."))
        return
    membership_id = int_arg(args[0]) if args else None
    if membership_id is None:
        await answer_press(update, _("Este botón ya no es válido."))
        return
    with session_for(context) as s:
        membership = repo.decide_membership(s, membership_id, approve, admin_id)
        if membership is not None:
            applicant = notify.locales_of(s, [membership.person_id])

            def render(locale: str) -> str:
                t = notify._gettext(locale)
                if approve:
                    return t("Tu registro como miembro de {org} fue aprobado. Ya puedes enviar reportes "
                             "de monitoreo con /monitoreo.").format(org=esc(membership.organisation_name))
                return t("Tu solicitud de registro no fue aprobada. Si crees que es un error, vuelve a "
                         "intentarlo con /registro.")

            notify.notify_people(s, applicant, f"regdecision:{membership.id}", render)
    if membership is None:
        await answer_press(update, _("Esta solicitud ya fue decidida."))
        return
    await answer_press(update, _("Aprobada.") if approve else _("Rechazada."))
    await say(update, context, esc((_("Solicitud {id} aprobada.") if approve
                                    else _("Solicitud {id} rechazada.")).format(id=membership_id)))


def handlers() -> list:
    return [
        registration_conversation(),
        CommandHandler("pendientes", pending_queue),
        CallbackQueryHandler(decide, pattern=r"^pa:m[ar]:"),
    ]
