"""Monitoring feedback of OSC members (/monitoreo, /mis_reportes), answers and moderation.

/monitoreo: commitment (the most recent plan first, each plan named, closed plans marked) or hito
-> what they observe (on track / delayed / not started / other)
-> text -> optional photo or document (EXIF stripped) -> may their name be shown -> confirm.
The report gets a reference (RM-2026-00042); the responsible institution's focal points are
notified with a "Responder" button and their answer reaches the member; admins publish or hide
it (/moderar) with a reason the member sees.  Every step re-checks the role on the server.
"""

from __future__ import annotations

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

from knowledge.clock import local_day
from knowledge.compose import shorten
from knowledge.i18n import N_, format_day
from knowledge.refs import Ref, commitment_ref, hito_ref, parse_ref
from knowledge.schema import KnowledgeData, Plan
from participation import notify
from participation.common import (
    Flow,
    Option,
    answer_press,
    button,
    cb,
    config,
    continue_in_private,
    data,
    db_call,
    deep_link_entry,
    esc,
    institutions_of,
    int_arg,
    is_admin,
    is_osc_member,
    keyboard,
    not_saved,
    offer,
    option_rows,
    parse_pa,
    plan_closed,
    plan_end,
    plans_newest_first,
    pressed,
    private_chat_only,
    record_of,
    records,
    refuse,
    responsible_keys,
    say,
    texts,
    today_of,
    user_id_of,
)
from participation.media import clean_attachment
from storage.repositories import participation as repo

TARGET, OBSERVATION, TEXT, ATTACHMENT, SHOW_NAME, CONFIRM = range(20, 26)
ANSWER, REASON = 30, 31
DRAFT, ANSWERING, MODERATING = "pa_report", "pa_answer", "pa_moderation"

OBSERVATION_LABELS = {
    "on_track": N_("Va según lo previsto"),
    "delayed": N_("Está atrasado"),
    "not_started": N_("No ha iniciado"),
    "other": N_("Otra observación"),
}
STATE_LABELS = {
    "received": N_("recibido"),
    "answered": N_("respondido por la institución"),
    "published": N_("publicado"),
    "hidden": N_("no publicado"),
}

# Buttons of a conversation are tracked per person and chat, not per message, on purpose.
warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)


def _responsible_of(kd: KnowledgeData, ref: str) -> set[str]:
    found = record_of(kd, ref)
    return responsible_keys(kd, found.commitment, found.hito) if found else set()


async def start_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    if not await continue_in_private(update, context, "monitoreo"):
        return ConversationHandler.END
    if not await is_osc_member(context, user_id_of(update)):
        await refuse(update, context, _("El monitoreo es para miembros de OSC registrados. "
                                        "Regístrate con /registro."))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    locale, _ = texts(update, context)
    today = today_of(context)
    lines = [esc(_("¿Sobre qué compromiso es tu reporte? Elígelo o escribe su número (/cancelar para salir)."))]
    rows = []
    for plan in plans_newest_first(data(context)):
        if not plan.commitments:
            continue
        closed = plan_closed(plan, today)
        lines.append("• " + esc(_plan_line(plan, closed, locale)))
        tag = (_("{n}° plan, cerrado") if closed else _("{n}° plan")).format(n=plan.number)
        for c in sorted(plan.commitments, key=lambda c: c.number):
            room = 58 - len(tag) - len(str(c.number))
            rows.append([Option(f"{c.number}. {shorten(c.short_title or c.title, room)} · {tag}",
                                cb("fc", commitment_ref(plan.key, c.number)), c.number)])
    await offer(update, context, "\n".join(lines), rows)
    return TARGET


def _plan_line(plan: Plan, closed: bool, locale: str) -> str:
    """"6° Plan de Acción ... 2023-2025 (cerrado: terminó el 30 de junio de 2025): compromisos 1 a 6"."""
    _ = notify._gettext(locale)
    numbers = sorted(c.number for c in plan.commitments)
    which = (_("compromiso {n}").format(n=numbers[0]) if len(numbers) == 1
             else _("compromisos {first} a {last}").format(first=numbers[0], last=numbers[-1]))
    end, given = plan_end(plan)
    if closed and given:
        state = _("cerrado: terminó el {day}").format(day=format_day(end, locale))
    elif closed:
        state = _("cerrado")
    else:
        state = _("vigente")
    return f"{plan.title} ({state}): {which}"


async def picked_commitment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    locale, _ = texts(update, context)
    await answer_press(update)
    args = parse_pa(pressed(update, context), "fc", 1)
    number = int_arg(args[0]) if args else None  # "pa:fc:3", an old button: commitment 3 as it was then
    ref = Ref("commitment", commitment=number) if number is not None else args[0] if args else None
    found = record_of(data(context), ref)
    if found is None or found.hito is not None:
        return TARGET
    plan, commitment = found.plan, found.commitment
    rows = [[Option(_("Todo el compromiso {c}").format(c=commitment.number),
                    cb("fr", commitment_ref(plan.key, commitment.number)))]]
    rows += [[Option(shorten(f"{_('Hito {h}').format(h=h.number)}: {h.text}", 60),
                     cb("fr", hito_ref(plan.key, commitment.number, h.number)), h.number)]
             for h in commitment.hitos]
    closed = plan_closed(plan, today_of(context))
    title = _("Compromiso {c}: {title} ({plan}{closed}).").format(
        c=commitment.number, title=commitment.short_title or commitment.title, plan=plan.title,
        closed=", " + _("cerrado") if closed else "")
    await offer(update, context, esc(title + " " + _("¿Todo el compromiso o un hito? Elige o escribe el número "
                                                     "del hito.")), rows)
    return TARGET


async def picked_target(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    locale, _ = texts(update, context)
    await answer_press(update)
    args = parse_pa(pressed(update, context), "fr", 1)
    kd = data(context)
    ref = records(kd).canonical(args[0]) if args else None  # an old button's "c3h2" too
    if ref is None or record_of(kd, ref) is None:
        return TARGET
    parsed = parse_ref(ref)
    context.user_data.setdefault(DRAFT, {})["ref"] = str(parsed)
    rows = [[Option(_(label), cb("fo", key))] for key, label in OBSERVATION_LABELS.items()]
    await offer(update, context, esc(_("¿Qué observas en {title}?").format(title=records(kd).record_name(str(parsed), locale))),
                rows)
    return OBSERVATION


async def picked_observation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await answer_press(update)
    args = parse_pa(pressed(update, context), "fo", 1)
    if not args or args[0] not in OBSERVATION_LABELS:
        return OBSERVATION
    context.user_data.setdefault(DRAFT, {})["observation"] = args[0]
    await say(update, context, esc(_("Cuéntanos lo que observas (hechos, fechas, lugares).")))
    return TEXT


async def typed_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    text = (update.message.text or "").strip()
    if len(text) < 5:
        await say(update, context, esc(_("Escribe un poco más (al menos 5 caracteres).")))
        return TEXT
    context.user_data.setdefault(DRAFT, {})["text"] = text[:3500]
    await offer(update, context, esc(_("Si tienes una foto o documento, envíalo ahora.")),
                [[Option(_("Sin adjunto"), cb("fa", "skip"))]],
                hint=_("Aquí puedes enviar una foto o un documento, o seguir sin adjunto."))
    return ATTACHMENT


async def _ask_show_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await offer(update, context, esc(_("Si el reporte se publica, ¿podemos mostrar tu nombre? Por defecto "
                                       "se publica sin nombre.")),
                [[Option(_("Sí, con mi nombre"), cb("fn", "yes")), Option(_("No, anónimo"), cb("fn", "no"))]])
    return SHOW_NAME


async def got_attachment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    clean = await clean_attachment(update, context, esc(_("Adjunto que se guardará (sin metadatos).")))
    if clean is None:
        await say(update, context, esc(_("No pude leer ese archivo. Envía otra foto o un documento.")))
        return ATTACHMENT
    context.user_data.setdefault(DRAFT, {}).update(attachment_kind=clean[0], attachment_file_id=clean[1])
    return await _ask_show_name(update, context)


async def skipped_attachment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answer_press(update)
    return await _ask_show_name(update, context)


async def picked_show_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    locale, _ = texts(update, context)
    await answer_press(update)
    args = parse_pa(pressed(update, context), "fn", 1)
    if not args or args[0] not in ("yes", "no"):
        return SHOW_NAME
    draft = context.user_data.setdefault(DRAFT, {})
    draft["show_name"] = args[0] == "yes"
    lines = [f"<b>{esc(_('Confirma tu reporte'))}</b>",
             esc(records(data(context)).record_name(draft.get("ref", ""), locale)),
             esc(_(OBSERVATION_LABELS.get(draft.get("observation", ""), "?"))),
             esc(draft.get("text", ""))]
    attached = {"photo": _("Con una foto adjunta (sin metadatos)."),
                "document": _("Con un documento adjunto (sin metadatos).")}.get(draft.get("attachment_kind"))
    if attached:
        lines.append("📎 " + esc(attached))
    lines.append(esc(_("Con tu nombre") if draft["show_name"] else _("Anónimo")))
    await offer(update, context, "\n".join(lines), _send_options(_))
    return CONFIRM


async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await answer_press(update)
    args = parse_pa(pressed(update, context), "fk", 1)
    draft = context.user_data.get(DRAFT) or {}
    user_id = user_id_of(update)
    if not args or args[0] != "yes" or not {"ref", "observation", "text"} <= draft.keys():
        context.user_data.pop(DRAFT, None)
        await say(update, context, esc(_("Reporte cancelado. No se guardó nada.")))
        return ConversationHandler.END
    if not await is_osc_member(context, user_id):
        context.user_data.pop(DRAFT, None)
        await refuse(update, context, _("El monitoreo es para miembros de OSC registrados."))
        return ConversationHandler.END
    try:
        reference = await db_call(context, _store_report, data(context), user_id, draft, config(context).admin_ids)
    except Exception as exc:  # nothing was stored: the report stays, the button works again
        await not_saved(update, context, exc, option_rows(_send_options(_)))
        return CONFIRM
    context.user_data.pop(DRAFT, None)
    await say(update, context, esc(_("Gracias. Tu reporte quedó registrado con la referencia {ref}. "
                                     "Sigue su estado con /mis_reportes.").format(ref=reference)))
    return ConversationHandler.END


def _send_options(_) -> list[list[Option]]:
    return [[Option(_("Enviar"), cb("fk", "yes")), Option(_("Cancelar"), cb("fk", "no"))]]


def _store_report(s: Session, kd: KnowledgeData, user_id: int, draft: dict, configured_admins: Collection[int]) -> str:
    """The report and its notices to focal points and admins, in one transaction."""
    report = repo.create_report(s, user_id, draft["ref"], draft["observation"], draft["text"],
                                draft.get("attachment_kind"), draft.get("attachment_file_id"),
                                draft.get("show_name", False))
    reference, report_id = report.reference, report.id
    focal = notify.locales_of(s, repo.focal_points_of(s, _responsible_of(kd, draft["ref"])))
    admins = notify.locales_of(s, repo.admin_ids(s, configured_admins))

    def render(locale: str) -> str:
        t = notify._gettext(locale)
        return "\n".join([
            f"<b>{esc(t('Nuevo reporte de monitoreo {ref}').format(ref=reference))}</b>",
            esc(records(kd).record_name(draft["ref"], locale)) + " — " + esc(t(OBSERVATION_LABELS[draft["observation"]])),
            esc(draft["text"]),
        ])

    def answer_markup(locale: str) -> dict:
        t = notify._gettext(locale)
        return {"inline_keyboard": [[{"text": t("Responder"), "callback_data": cb("fx", report_id)}]]}

    def moderation_markup(locale: str) -> dict:
        t = notify._gettext(locale)
        return {"inline_keyboard": [[{"text": t("Publicar"), "callback_data": cb("fp", report_id)},
                                     {"text": t("Ocultar"), "callback_data": cb("fh", report_id)}]]}

    notify.notify_people(s, focal, f"report:{report_id}", render, "feedback", answer_markup)
    notify.notify_people(s, admins, f"moderate:{report_id}", render, "admin", moderation_markup)
    return reference


def report_flow() -> Flow:
    """/monitoreo: a report on a commitment or hito, with an optional photo or document."""
    text = filters.TEXT & ~filters.COMMAND
    return Flow(
        entry_points=[CommandHandler("monitoreo", start_report), deep_link_entry("monitoreo", start_report)],
        states={
            TARGET: [CallbackQueryHandler(picked_commitment, pattern=r"^pa:fc:"),
                     CallbackQueryHandler(picked_target, pattern=r"^pa:fr:")],
            OBSERVATION: [CallbackQueryHandler(picked_observation, pattern=r"^pa:fo:")],
            TEXT: [MessageHandler(text, typed_text)],
            ATTACHMENT: [CallbackQueryHandler(skipped_attachment, pattern=r"^pa:fa:"),
                         MessageHandler(filters.PHOTO | filters.Document.ALL, got_attachment)],
            SHOW_NAME: [CallbackQueryHandler(picked_show_name, pattern=r"^pa:fn:")],
            CONFIRM: [CallbackQueryHandler(confirmed, pattern=r"^pa:fk:")],
        },
        drafts=(DRAFT, ANSWERING, MODERATING),
    )


# --- /mis_reportes -------------------------------------------------------------------------------


def _reports_with_answers(s: Session, user_id: int) -> list[tuple[object, list[str]]]:
    """The person's last 30 reports, each with the institution's answers."""
    return [(r, [e.text for e in repo.report_events(s, r.id) if e.kind == "answer"])
            for r in repo.reports_of(s, user_id)[:30]]


async def my_reports(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    locale, _ = texts(update, context)
    if not await continue_in_private(update, context, "mis_reportes"):
        return
    kd = data(context)
    reports = await db_call(context, _reports_with_answers, user_id_of(update))
    lines = [f"<b>{esc(_('Tus reportes de monitoreo'))}</b>"]
    for r, answers in reports:
        lines.append(esc(f"{r.reference} · {records(kd).record_name(r.ref, locale)} · "
                         f"{format_day(local_day(r.created_at), locale)} · {_(STATE_LABELS.get(r.state, r.state))}"))
        if r.state_reason:
            lines.append("   " + esc(_("Motivo: {reason}").format(reason=r.state_reason)))
        for text in answers:
            lines.append("   " + esc(_("Respuesta de la institución: {text}").format(text=text)))
    if len(lines) == 1:
        lines.append(esc(_("Aún no has enviado reportes. Usa /monitoreo.")))
    await say(update, context, "\n".join(lines))


# --- focal points answer ---------------------------------------------------------------------------


async def _may_answer(context: ContextTypes.DEFAULT_TYPE, user_id: int | None, report_id: int) -> bool:
    report = await db_call(context, repo.report_by_id, report_id)
    ref = report.ref if report else None
    return ref is not None and bool(_responsible_of(data(context), ref) & set(await institutions_of(context, user_id)))


async def start_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    args = parse_pa(update.callback_query.data, "fx", 1)
    report_id = int_arg(args[0]) if args else None
    if report_id is None or not await _may_answer(context, user_id_of(update), report_id):
        await refuse(update, context, _("Solo los enlaces de la institución responsable pueden responder."))
        return ConversationHandler.END
    await answer_press(update)
    context.user_data[ANSWERING] = report_id
    await say(update, context, esc(_("Escribe tu respuesta al reporte; la recibirá quien lo envió.")))
    return ANSWER


def _answer(s: Session, report_id: int, user_id: int, answer: str) -> None:
    """A focal point's answer and the member's notice, in one transaction."""
    report = repo.answer_report(s, report_id, user_id, answer)
    if report and report.person_id:
        member = notify.locales_of(s, [report.person_id])
        reference = report.reference
        count = len(repo.report_events(s, report_id))

        def render(locale: str) -> str:
            t = notify._gettext(locale)
            return "\n".join([f"<b>{esc(t('Respuesta a tu reporte {ref}').format(ref=reference))}</b>",
                              esc(answer)])

        notify.notify_people(s, member, f"answer:{report_id}:{count}", render, "feedback")


async def typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    report_id = context.user_data.pop(ANSWERING, None)
    user_id = user_id_of(update)
    if report_id is None or not await _may_answer(context, user_id, report_id):
        await refuse(update, context, _("Solo los enlaces de la institución responsable pueden responder."))
        return ConversationHandler.END
    answer = (update.message.text or "").strip()[:3000]
    await db_call(context, _answer, report_id, user_id, answer)
    await say(update, context, esc(_("Respuesta enviada.")))
    return ConversationHandler.END


def answer_flow() -> Flow:
    """A focal point answers a report (its button pa:fx:)."""
    return Flow(
        entry_points=[CallbackQueryHandler(start_answer, pattern=r"^pa:fx:")],
        states={ANSWER: [MessageHandler(filters.TEXT & ~filters.COMMAND, typed_answer)]},
        drafts=(DRAFT, ANSWERING, MODERATING),
    )


# --- moderation (admins) -------------------------------------------------------------------------


async def moderation_queue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    locale, _ = texts(update, context)
    if not await is_admin(context, user_id_of(update)):
        await refuse(update, context, _("Este comando es solo para administradores."))
        return
    if not await private_chat_only(update, context):  # reports not yet published
        return
    kd = data(context)
    reports = [(r.id, r.reference, r.ref, r.observation, r.text)
               for r in await db_call(context, repo.reports_awaiting_moderation)]
    if not reports:
        await say(update, context, esc(_("No hay reportes por moderar.")))
        return
    for rid, reference, ref, observation, text in reports:
        body = f"<b>{esc(reference)}</b> · {esc(records(kd).record_name(ref, locale))} · {esc(_(OBSERVATION_LABELS[observation]))}\n{esc(text)}"
        await say(update, context, body, keyboard([[button(_("Publicar"), cb("fp", rid)),
                                                    button(_("Ocultar"), cb("fh", rid))]]))


async def start_moderation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    data_text = update.callback_query.data
    publish = data_text.startswith("pa:fp:")
    args = parse_pa(data_text, "fp" if publish else "fh", 1)
    report_id = int_arg(args[0]) if args else None
    if not await is_admin(context, user_id_of(update)):
        await refuse(update, context, _("Solo un administrador puede moderar reportes."))
        return ConversationHandler.END
    if report_id is None:
        await answer_press(update, _("Este botón ya no es válido."))
        return ConversationHandler.END
    await answer_press(update)
    context.user_data[MODERATING] = (report_id, publish)
    await say(update, context, esc(_("Escribe el motivo (lo verá quien envió el reporte).")),
              keyboard([[button(_("Sin motivo"), cb("fm", "skip"))]]))
    return REASON


def _moderation(s: Session, report_id: int, admin_id: int, publish: bool, reason: str | None) -> None:
    """Publish or hide a report and tell its member, in one transaction."""
    report = repo.moderate_report(s, report_id, admin_id, publish, reason)
    if report is not None and report.person_id:
        member = notify.locales_of(s, [report.person_id])
        reference = report.reference

        def render(locale: str) -> str:
            t = notify._gettext(locale)
            text = (t("Tu reporte {ref} fue publicado.") if publish
                    else t("Tu reporte {ref} no se publicará.")).format(ref=reference)
            if reason:
                text += "\n" + t("Motivo: {reason}").format(reason=reason)
            return esc(text)

        notify.notify_people(s, member, f"moderated:{report_id}:{report.state}:{len(repo.report_events(s, report_id))}",
                             render, "feedback")


async def _moderate(update: Update, context: ContextTypes.DEFAULT_TYPE, reason: str | None) -> int:
    _locale, _ = texts(update, context)
    pending = context.user_data.pop(MODERATING, None)
    admin_id = user_id_of(update)
    if pending is None or not await is_admin(context, admin_id):
        await refuse(update, context, _("Solo un administrador puede moderar reportes."))
        return ConversationHandler.END
    report_id, publish = pending
    await db_call(context, _moderation, report_id, admin_id, publish, reason)
    await say(update, context, esc(_("Reporte publicado.") if publish else _("Reporte ocultado.")))
    return ConversationHandler.END


async def typed_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await _moderate(update, context, (update.message.text or "").strip()[:1000] or None)


async def skipped_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answer_press(update)
    return await _moderate(update, context, None)


def moderation_flow() -> Flow:
    """An admin publishes or hides a report, with an optional reason."""
    return Flow(
        entry_points=[CallbackQueryHandler(start_moderation, pattern=r"^pa:f[ph]:")],
        states={REASON: [CallbackQueryHandler(skipped_reason, pattern=r"^pa:fm:"),
                         MessageHandler(filters.TEXT & ~filters.COMMAND, typed_reason)]},
        drafts=(DRAFT, ANSWERING, MODERATING),
    )


def flows() -> list[Flow]:
    return [report_flow(), answer_flow(), moderation_flow()]


def handlers() -> list:
    return [
        CommandHandler("mis_reportes", my_reports),
        deep_link_entry("mis_reportes", my_reports),
        CommandHandler("moderar", moderation_queue),
    ]
