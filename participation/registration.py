"""Registration (/registro) of OSC members and of institutions' staff, and the admins' queue
of applications (/pendientes).

/registro asks first whether the person comes from a civil-society organisation (OSC) or from
an institution of the plans, then their name, then which one: every OSC of the plans (or
another, typed) or every government institution of the plans, in pages of ten, each as its
full name with its acronym, numbered, and found by typing a number, part of the name or the
acronym; then an optional contact and consent (what is stored and why), and files an
application.  Admins decide from /pendientes: an OSC member is approved or rejected (or
appointed focal point of institutions, "Nombrar enlace"); an institution's staff member is
approved as focal point (enlace) of that institution with one tap ("pa:mi", see
participation.roles).  The applicant hears the outcome through the outbox.
An application is an institution's when its organisation is a government actor of the plans.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection

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

from knowledge.actors import fold_name
from knowledge.compose import shorten
from knowledge.i18n import N_
from knowledge.schema import Actor, KnowledgeData
from participation import notify
from participation.common import (
    OFFERED,
    TYPED,
    Flow,
    Option,
    actor_index,
    answer_press,
    button,
    cb,
    civil_society,
    config,
    continue_in_private,
    data,
    db_call,
    deep_link_entry,
    esc,
    institutions,
    institutions_of,
    int_arg,
    is_admin,
    keyboard,
    match_option,
    not_saved,
    offer,
    option_rows,
    parse_pa,
    pressed,
    private_chat_only,
    refuse,
    remember_offer,
    say,
    texts,
    touch,
    typed_number,
    user_id_of,
)
from participation.messaging import show
from storage.repositories import participation as repo

KIND, NAME, ORGANISATION, CONTACT, CONSENT = range(5)
DRAFT = "pa_registration"
PAGE_SIZE = 10
MAX_FOUND = 10
OSC, INSTITUTION = "o", "i"  # the two lists /registro offers (in callback data: pa:rp:o:<page>)

CONSENT_TEXT = N_(
    "Para registrarte guardamos tu nombre, tu organización, el contacto que quieras darnos y tu "
    "identificador de Telegram. Los usamos solo para verificar que perteneces a una organización "
    "de sociedad civil y para avisarte de tus reportes de monitoreo. No se publican: en los "
    "reportes tu nombre aparece solo si tú lo autorizas. Puedes ver tus datos con /mis_datos y "
    "borrarlos con /borrar_mis_datos. ¿Aceptas?"
)
CONSENT_TEXT_INSTITUTION = N_(
    "Para registrarte como enlace guardamos tu nombre, tu institución, el contacto que quieras "
    "darnos y tu identificador de Telegram. Los usamos solo para que un administrador verifique "
    "que trabajas en esa institución y te nombre su enlace. No se publican: las actualizaciones "
    "que hagas se publican a nombre de la institución. Puedes ver tus datos con /mis_datos y "
    "borrarlos con /borrar_mis_datos. ¿Aceptas?"
)

# Buttons of a conversation are tracked per person and chat, not per message, on purpose.
warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)


def actor_label(actor: Actor) -> str:
    """"Instituto Centroamericano de Estudios Fiscales (ICEFI)"; the name alone when it is the acronym."""
    if actor.acronym and fold_name(actor.acronym) != fold_name(actor.name):
        return f"{actor.name} ({actor.acronym})"
    return actor.name


def is_institution_application(kd: KnowledgeData, organisation_key: str | None) -> bool:
    actor = actor_index(kd).by_key(organisation_key) if organisation_key else None
    return actor is not None and actor.sector == "government"


def _listed(kd: KnowledgeData, which: str) -> list[Actor]:
    return institutions(kd) if which == INSTITUTION else civil_society(kd)


def find_actors(actors: list[Actor], text: str) -> list[Actor]:
    """The actors a typed text names: its acronym or whole name first, then those whose name,
    acronym or another spelling holds the text or every word of it (word starts)."""
    query = fold_name(text)
    words = query.split()
    if not words:
        return []
    exact, partial = [], []
    for actor in actors:
        names = [fold_name(n) for n in (actor.name, actor.acronym or "", *actor.aliases) if n]
        if query in names:
            exact.append(actor)
        elif any(query in n for n in names) or any(
                all(any(w.startswith(q) for w in n.split()) for q in words) for n in names):
            partial.append(actor)
    return exact + partial


def _option(actors: list[Actor], actor: Actor, which: str) -> Option:
    number = actors.index(actor) + 1
    return Option(f"{number}. {actor_label(actor)}", cb("ri" if which == INSTITUTION else "ro", actor.key), number)


async def _show_page(update: Update, context: ContextTypes.DEFAULT_TYPE, which: str, page: int) -> int:
    _locale, _ = texts(update, context)
    actors = _listed(data(context), which)
    pages = max(1, math.ceil(len(actors) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = actors[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    if which == INSTITUTION:
        text = _("¿En qué institución trabajas? Las instituciones de gobierno de los planes son {n}; van en "
                 "orden alfabético, de {size} en {size}: página {page} de {pages}. Escribe el número, parte "
                 "del nombre o las siglas para buscarla.")
    else:
        text = _("¿A qué organización perteneces? Las organizaciones de sociedad civil de los planes son {n}; "
                 "van en orden alfabético, de {size} en {size}: página {page} de {pages}. Escribe el número, "
                 "parte del nombre o las siglas para buscarla; si la tuya no es de los planes, escribe su "
                 "nombre completo.")
    text = text.format(n=len(actors), size=PAGE_SIZE, page=page + 1, pages=pages)
    rows = [[_option(actors, a, which)] for a in shown]
    nav = []
    if page > 0:
        nav.append(Option(_("‹ Anteriores"), cb("rp", which, page - 1)))
    if page < pages - 1:
        nav.append(Option(_("Siguientes ›"), cb("rp", which, page + 1)))
    if nav:
        rows.append(nav)
    remember_offer(context, rows)
    await show(update, context, esc(text), option_rows(rows))
    return ORGANISATION


async def start_registration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    if not await continue_in_private(update, context, "registro"):  # a name and a contact: not in a group
        return ConversationHandler.END
    await touch(update, context)
    latest = await db_call(context, repo.latest_membership, user_id_of(update))
    state = latest.state if latest else None
    focal_of = await institutions_of(context, user_id_of(update))
    if state == repo.APPROVED:
        await say(update, context, esc(_("Ya eres miembro registrado de una OSC.")))
        return ConversationHandler.END
    if state == repo.PENDING:
        await say(update, context, esc(_("Tu solicitud ya está en revisión. Te avisaremos del resultado.")))
        return ConversationHandler.END
    if focal_of:
        index = actor_index(data(context))
        names = ", ".join(actor_label(a) if (a := index.by_key(k)) else k for k in focal_of)
        await say(update, context, esc(_("Ya eres enlace de: {institutions}. Actualiza el avance de sus hitos "
                                         "con /actualizar.").format(institutions=names)))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    await offer(update, context, esc(_("¿Desde dónde participas? (/cancelar para salir)")),
                [[Option(_("Una organización de sociedad civil (OSC)"), cb("rt", OSC))],
                 [Option(_("Una institución de los planes (enlace)"), cb("rt", INSTITUTION))]])
    return KIND


async def picked_kind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await answer_press(update)
    args = parse_pa(pressed(update, context), "rt", 1)
    if not args or args[0] not in (OSC, INSTITUTION):
        return KIND
    context.user_data.setdefault(DRAFT, {})["kind"] = args[0]
    if args[0] == INSTITUTION:
        text = _("Registro de enlaces de las instituciones de los planes: un administrador te nombrará enlace "
                 "de tu institución. ¿Cuál es tu nombre completo? (/cancelar para salir)")
    else:
        text = _("Registro de organizaciones de sociedad civil (OSC). ¿Cuál es tu nombre completo? "
                 "(/cancelar para salir)")
    await say(update, context, esc(text))
    return NAME


async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    name = (update.message.text or "").strip()
    if not 2 <= len(name) <= 200:
        await say(update, context, esc(_("Escribe tu nombre (entre 2 y 200 caracteres).")))
        return NAME
    draft = context.user_data.setdefault(DRAFT, {})
    draft["full_name"] = name
    return await _show_page(update, context, draft.get("kind", OSC), 0)


async def turned_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answer_press(update)
    args = parse_pa(pressed(update, context), "rp", 2)
    page = int_arg(args[1]) if args and args[0] in (OSC, INSTITUTION) else None
    kind = context.user_data.get(DRAFT, {}).get("kind", OSC)
    if page is None or args[0] != kind:
        return ORGANISATION
    return await _show_page(update, context, kind, page)


async def _ask_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await offer(update, context, esc(_("Si quieres, escribe un correo o teléfono de contacto (opcional).")),
                [[Option(_("Omitir"), cb("rc", "skip"))]])
    return CONTACT


async def picked_organisation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """An OSC (pa:ro:<key>) or an institution (pa:ri:<key>) of the plans, as the draft's kind asks."""
    data_text = pressed(update, context) or ""
    which = INSTITUTION if data_text.startswith("pa:ri:") else OSC
    args = parse_pa(data_text, "r" + which, 1)
    actor = actor_index(data(context)).by_key(args[0]) if args else None
    await answer_press(update)
    draft = context.user_data.setdefault(DRAFT, {})
    if actor is None or actor not in _listed(data(context), which) or which != draft.get("kind", OSC):
        return ORGANISATION
    draft.update(organisation_key=actor.key, organisation_name=actor.name)
    return await _ask_contact(update, context)


async def other_organisation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """"It is another organisation" (pa:rn:new): the name typed before, not of the plans."""
    await answer_press(update)
    draft = context.user_data.setdefault(DRAFT, {})
    typed = draft.get("typed_organisation")
    if draft.get("kind", OSC) != OSC or not typed:
        return ORGANISATION
    draft.update(organisation_key=None, organisation_name=typed)
    return await _ask_contact(update, context)


_TYPED_ROUTES = {"pa:rp:": turned_page, "pa:ro:": picked_organisation, "pa:ri:": picked_organisation,
                 "pa:rn:": other_organisation}


async def _as_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, option: Option) -> int:
    route = next(fn for prefix, fn in _TYPED_ROUTES.items() if option.data.startswith(prefix))
    context.user_data[TYPED] = option.data
    try:
        return await route(update, context)
    finally:
        context.user_data.pop(TYPED, None)


async def typed_organisation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Typed at the list: a number of the list, a button of this page by name, else a search of
    the whole list (by name, part of it or acronym); an OSC not found may be another one."""
    _locale, _ = texts(update, context)
    draft = context.user_data.setdefault(DRAFT, {})
    which = draft.get("kind", OSC)
    text = (update.message.text or "").strip()
    actors = _listed(data(context), which)
    number = typed_number(text)
    if number is not None:
        if 1 <= number <= len(actors):
            return await _as_pressed(update, context, _option(actors, actors[number - 1], which))
        await say(update, context, esc(_("No hay ninguna con el número {n}: la lista va del 1 al {total}.").format(
            n=number, total=len(actors))))
        return ORGANISATION
    if not 2 <= len(text) <= 300:
        await say(update, context, esc(_("Escribe el nombre, parte del nombre o las siglas.")))
        return ORGANISATION
    offered = context.user_data.get(OFFERED)
    option = match_option(text, offered.options) if offered else None
    if option is not None and any(option.data.startswith(p) for p in _TYPED_ROUTES):
        return await _as_pressed(update, context, option)
    found = find_actors(actors, text)
    if len(found) == 1 and fold_name(text) in [fold_name(n) for n in (found[0].name, found[0].acronym or "")]:
        return await _as_pressed(update, context, _option(actors, found[0], which))
    rows = [[_option(actors, a, which)] for a in found[:MAX_FOUND]]
    back = [Option(_("Ver la lista completa"), cb("rp", which, 0))]
    if which == OSC:
        draft["typed_organisation"] = text
        rows.append([Option(_("Es otra: «{name}»").format(name=shorten(text, 40)), cb("rn", "new"))])
    rows.append(back)
    if not found:
        message = (_("No encuentro «{text}» entre las instituciones de los planes. Prueba con otra parte del "
                     "nombre o con las siglas, o mira la lista completa.") if which == INSTITUTION else
                   _("No encuentro «{text}» entre las organizaciones de sociedad civil de los planes. Si es "
                     "otra organización, confírmalo con el botón; si no, prueba con otra parte del nombre o "
                     "mira la lista completa."))
    elif len(found) > MAX_FOUND:
        message = _("Hay {n} que coinciden con «{text}»; estas son las primeras {shown}. Escribe algo más "
                    "preciso para acotar.")
    else:
        message = _("Coinciden con «{text}»: elige la tuya.")
    remember_offer(context, rows)
    await say(update, context, esc(message.format(text=text, n=len(found), shown=MAX_FOUND)), option_rows(rows))
    return ORGANISATION


async def _ask_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    institution = context.user_data.get(DRAFT, {}).get("kind") == INSTITUTION
    await offer(update, context, esc(_(CONSENT_TEXT_INSTITUTION if institution else CONSENT_TEXT)),
                _consent_options(_))
    return CONSENT


async def typed_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    text = (update.message.text or "").strip()
    offered = context.user_data.get(OFFERED)
    if offered and match_option(text, offered.options) is not None:  # "omitir"
        context.user_data.setdefault(DRAFT, {})["contact"] = None
    else:
        context.user_data.setdefault(DRAFT, {})["contact"] = text[:300]
    return await _ask_consent(update, context)


async def skipped_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answer_press(update)
    context.user_data.setdefault(DRAFT, {})["contact"] = None
    return await _ask_consent(update, context)


async def consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    args = parse_pa(pressed(update, context), "rk", 1)
    await answer_press(update)
    draft = context.user_data.get(DRAFT) or {}
    if not args or args[0] != "yes" or "full_name" not in draft or "organisation_name" not in draft:
        context.user_data.pop(DRAFT, None)
        await say(update, context, esc(_("Registro cancelado. No guardamos nada.")))
        return ConversationHandler.END
    try:
        await db_call(context, _file_application, user_id_of(update), draft, config(context).admin_ids)
    except Exception as exc:  # nothing was stored: the answers stay, the button works again
        await not_saved(update, context, exc, option_rows(_consent_options(_)))
        return CONSENT
    context.user_data.pop(DRAFT, None)
    if draft.get("kind") == INSTITUTION:
        text = _("¡Gracias! Tu solicitud para ser enlace de {institution} fue enviada. Un administrador la "
                 "revisará y te avisaremos aquí.").format(institution=draft["organisation_name"])
    else:
        text = _("¡Gracias! Tu solicitud fue enviada. Un administrador la revisará y te avisaremos aquí.")
    await say(update, context, esc(text))
    return ConversationHandler.END


def _consent_options(_) -> list[list[Option]]:
    return [[Option(_("Acepto"), cb("rk", "yes")), Option(_("No acepto"), cb("rk", "no"))]]


def _file_application(s: Session, user_id: int, draft: dict, configured_admins: Collection[int]) -> None:
    """The application and the admins' notices, in one transaction."""
    institution = draft.get("kind") == INSTITUTION
    membership = repo.apply_for_membership(s, user_id, draft["full_name"], draft["organisation_name"],
                                           draft.get("organisation_key"), draft.get("contact"))
    admins = notify.locales_of(s, repo.admin_ids(s, configured_admins))

    def render(locale: str) -> str:
        t = notify._gettext(locale)
        text = (t("Nueva solicitud para ser enlace de {org}: {name}. Revísala con /pendientes.") if institution
                else t("Nueva solicitud de registro OSC: {name} ({org}). Revísala con /pendientes."))
        return text.format(name=esc(membership.full_name), org=esc(membership.organisation_name))

    notify.notify_people(s, admins, f"reg:{membership.id}", render, kind="admin")


def registration_flow() -> Flow:
    """/registro: an OSC member or an institution's focal point asks to join."""
    text = filters.TEXT & ~filters.COMMAND
    return Flow(
        entry_points=[CommandHandler("registro", start_registration),
                      deep_link_entry("registro", start_registration)],
        states={
            KIND: [CallbackQueryHandler(picked_kind, pattern=r"^pa:rt:")],
            NAME: [MessageHandler(text, got_name)],
            ORGANISATION: [CallbackQueryHandler(picked_organisation, pattern=r"^pa:r[oi]:"),
                           CallbackQueryHandler(turned_page, pattern=r"^pa:rp:"),
                           CallbackQueryHandler(other_organisation, pattern=r"^pa:rn:"),
                           MessageHandler(text, typed_organisation)],
            CONTACT: [CallbackQueryHandler(skipped_contact, pattern=r"^pa:rc:"),
                      MessageHandler(text, typed_contact)],
            CONSENT: [CallbackQueryHandler(consent, pattern=r"^pa:rk:")],
        },
        drafts=(DRAFT,),
    )


# --- the admins' queue ----------------------------------------------------------------------------


async def pending_queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    if not await is_admin(context, user_id_of(update)):
        await refuse(update, context, _("Este comando es solo para administradores."))
        return
    if not await private_chat_only(update, context):  # applicants' names and contacts
        return
    rows = [(m.id, m.person_id, m.full_name, m.organisation_name, m.organisation_key, m.contact)
            for m in await db_call(context, repo.pending_memberships)]
    if not rows:
        await say(update, context, esc(_("No hay solicitudes pendientes.")))
        return
    kd = data(context)
    index = actor_index(kd)
    for mid, person_id, name, org, org_key, contact in rows:
        actor = index.by_key(org_key) if org_key else None
        if is_institution_application(kd, org_key):
            text = _("Solicitud {id}: {name} pide ser enlace de {org} (institución de los planes). Contacto: "
                     "{contact}. Usuario: {user}").format(id=mid, name=esc(name), org=esc(actor_label(actor)),
                                                         contact=esc(contact or "-"), user=person_id)
            markup = keyboard([[button(shorten(_("Aprobar como enlace de {org}").format(org=actor.acronym or actor.name), 60),
                                       cb("mi", mid))],
                               [button(_("Rechazar"), cb("mr", mid))]])
            await say(update, context, text, markup)
            continue
        known = _("OSC de los planes") if org_key else _("organización nueva")
        text = _("Solicitud {id}: {name}, {org} ({known}). Contacto: {contact}. Usuario: {user}").format(
            id=mid, name=esc(name), org=esc(org), known=known, contact=esc(contact or "-"), user=person_id)
        await say(update, context, text, keyboard([[button(_("Aprobar"), cb("ma", mid)),
                                                    button(_("Rechazar"), cb("mr", mid))],
                                                   [button(_("Nombrar enlace"), cb("mf", mid))]]))


def _decide(s: Session, membership_id: int, approve: bool, admin_id: int):
    """The decision and the applicant's notice, in one transaction; None if already decided."""
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
    return membership


async def decide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _locale, _ = texts(update, context)
    query = update.callback_query
    approve = query.data.startswith("pa:ma:")
    args = parse_pa(query.data, "ma" if approve else "mr", 1)
    admin_id = user_id_of(update)
    if not await is_admin(context, admin_id):
        await refuse(update, context, _("Solo un administrador puede decidir solicitudes."))
        return
    membership_id = int_arg(args[0]) if args else None
    if membership_id is None:
        await answer_press(update, _("Este botón ya no es válido."))
        return
    membership = await db_call(context, _decide, membership_id, approve, admin_id)
    if membership is None:
        await answer_press(update, _("Esta solicitud ya fue decidida."))
        return
    await answer_press(update, _("Aprobada.") if approve else _("Rechazada."))
    await say(update, context, esc((_("Solicitud {id} aprobada.") if approve
                                    else _("Solicitud {id} rechazada.")).format(id=membership_id)))


def handlers() -> list:
    return [
        CommandHandler("pendientes", pending_queue),
        CallbackQueryHandler(decide, pattern=r"^pa:m[ar]:"),
    ]
