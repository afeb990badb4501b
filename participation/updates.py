"""Focal-point updates (/actualizar): hito -> status -> progress % -> note -> evidence -> confirm.

Only hitos of the focal point's own institutions are offered, and the same check runs again on
every press and at confirmation (a forged or stale button is refused).  The update is stored
as a new row of the status history (record_status_change: author and time; nothing is
overwritten), the commitment's progress is recomputed, and subscribers are notified through
the outbox in the same transaction.
"""

from __future__ import annotations

import re
import warnings

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
from knowledge.i18n import format_day
from knowledge.lookups import Located, heading
from knowledge.progress import commitment_progress, hito_progress, hito_state
from knowledge.refs import actor_ref, commitment_ref, hito_ref
from knowledge.schema import Commitment, Hito, KnowledgeData, Plan
from participation import notify
from participation.common import (
    Flow,
    Option,
    actor_index,
    answer_press,
    button,
    cb,
    continue_in_private,
    data,
    db_call,
    deep_link_entry,
    esc,
    institutions_of,
    int_arg,
    keyboard,
    not_saved,
    offer,
    option_rows,
    parse_pa,
    plan_hitos_of_institutions,
    pressed,
    record_of,
    records,
    refuse,
    responsible_keys,
    say,
    texts,
    user_id_of,
)
from participation.media import clean_attachment
from storage.repositories import knowledge as kr

HITO, STATUS, PROGRESS, NOTE, EVIDENCE, CONFIRM = range(10, 16)
DRAFT = "pa_update"
_URL = re.compile(r"^https?://\S{3,500}$")

# Buttons of a conversation are tracked per person and chat, not per message, on purpose.
warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)


async def may_update(context: ContextTypes.DEFAULT_TYPE, user_id: int | None, ref: str) -> bool:
    """Server-side rule: a focal point may update only hitos of their own institutions."""
    found = record_of(data(context), ref)
    if found is None or found.hito is None:
        return False
    commitment, hito = found.commitment, found.hito
    return bool(responsible_keys(data(context), commitment, hito) & set(await institutions_of(context, user_id)))


async def start_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    locale, _ = texts(update, context)
    if not await continue_in_private(update, context, "actualizar"):
        return ConversationHandler.END
    institutions = set(await institutions_of(context, user_id_of(update)))
    if not institutions:
        await refuse(update, context, _("Este comando es solo para enlaces institucionales."))
        return ConversationHandler.END
    pairs = plan_hitos_of_institutions(data(context), institutions)
    if not pairs:
        await say(update, context, esc(_("Tus instituciones no tienen hitos a su cargo en los planes.")))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    refs = [(hito_ref(p.key, c.number, h.number), h) for p, c, h in pairs[:40]]
    rows = [[Option(shorten(f"{records(data(context)).record_name(ref, locale)}: {h.text}", 60), cb("uh", ref))] for ref, h in refs]
    await offer(update, context, esc(_("¿Qué hito quieres actualizar? (/cancelar para salir)")), rows)
    return HITO


async def _guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The draft's hito if the person may still update it; refuses and returns None otherwise."""
    _locale, _ = texts(update, context)
    ref = context.user_data.get(DRAFT, {}).get("ref")
    if ref is None or not await may_update(context, user_id_of(update), ref):
        await refuse(update, context, _("No puedes actualizar este hito: no es de tu institución."))
        return None
    return ref


async def picked_hito(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    locale, _ = texts(update, context)
    args = parse_pa(pressed(update, context), "uh", 1)
    ref = records(data(context)).canonical(args[0]) or "" if args else ""  # an old button's "c3h2" too
    if not await may_update(context, user_id_of(update), ref):
        await refuse(update, context, _("No puedes actualizar este hito: no es de tu institución."))
        return HITO
    await answer_press(update)
    context.user_data.setdefault(DRAFT, {})["ref"] = ref
    kd = data(context)
    rows = [[Option(records(kd).status_name(s.key, locale), cb("us", s.key))] for s in records(kd).statuses()]
    await offer(update, context, esc(_("{title}: ¿cuál es su estado ahora?").format(
        title=records(kd).record_name(ref, locale))), rows)
    return STATUS


async def picked_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    if await _guard(update, context) is None:
        return ConversationHandler.END
    args = parse_pa(pressed(update, context), "us", 1)
    status = next((s for s in records(data(context)).statuses() if args and s.key == args[0]), None)
    await answer_press(update)
    if status is None:
        return STATUS
    context.user_data[DRAFT].update(status=status.key, progress=status.progress)
    if status.final or status.progress is None:  # completed = 100; unknown = no percentage
        return await _ask_note(update, context)
    rows = [[button(f"{p}%", cb("up", p)) for p in (0, 25, 50, 75, 100)]]
    await say(update, context, esc(_("¿Qué porcentaje de avance tiene? Elige o escribe un número de 0 a "
                                     "100.")), keyboard(rows))
    return PROGRESS


async def _ask_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await say(update, context, esc(_("Escribe una nota breve sobre el avance (qué se hizo, qué falta).")),
              keyboard([[button(_("Sin nota"), cb("un", "skip"))]]))
    return NOTE


async def _set_progress(update: Update, context: ContextTypes.DEFAULT_TYPE, value: int | None) -> int:
    _locale, _ = texts(update, context)
    if value is None or not 0 <= value <= 100:
        await say(update, context, esc(_("Escribe un número de 0 a 100.")))
        return PROGRESS
    context.user_data[DRAFT]["progress"] = value
    return await _ask_note(update, context)


async def picked_progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if await _guard(update, context) is None:
        return ConversationHandler.END
    await answer_press(update)
    args = parse_pa(update.callback_query.data, "up", 1)
    return await _set_progress(update, context, int_arg(args[0]) if args else None)


async def typed_progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if await _guard(update, context) is None:
        return ConversationHandler.END
    return await _set_progress(update, context, int_arg((update.message.text or "").strip().rstrip("%")))


async def _ask_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    await say(update, context, esc(_("¿Tienes evidencia? Envía una foto, un documento o un enlace.")),
              keyboard([[button(_("Sin evidencia"), cb("ue", "skip"))]]))
    return EVIDENCE


async def typed_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if await _guard(update, context) is None:
        return ConversationHandler.END
    context.user_data[DRAFT]["note"] = (update.message.text or "").strip()[:2000]
    return await _ask_evidence(update, context)


async def skipped_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answer_press(update)
    if await _guard(update, context) is None:
        return ConversationHandler.END
    context.user_data[DRAFT]["note"] = None
    return await _ask_evidence(update, context)


async def _ask_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    locale, _ = texts(update, context)
    draft, kd = context.user_data[DRAFT], data(context)
    progress = draft.get("progress")
    lines = [
        f"<b>{esc(_('Confirma la actualización'))}</b>",
        esc(records(kd).record_name(draft["ref"], locale)),
        esc(_("Estado: {status}").format(status=records(kd).status_name(draft["status"], locale))),
        esc(_("Avance: {progress}").format(progress=f"{progress}%" if progress is not None else "—")),
        esc(_("Nota: {note}").format(note=draft.get("note") or "—")),
        esc(_("Evidencia: {evidence}").format(evidence=_("sí") if draft.get("evidence") else _("no"))),
    ]
    await offer(update, context, "\n".join(lines), _confirm_options(_))
    return CONFIRM


def _confirm_options(_) -> list[list[Option]]:
    return [[Option(_("Confirmar"), cb("uc", "yes")), Option(_("Cancelar"), cb("uc", "no"))]]


async def got_evidence_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    if await _guard(update, context) is None:
        return ConversationHandler.END
    clean = await clean_attachment(update, context, esc(_("Evidencia que se guardará (sin metadatos).")))
    if clean is None:
        await say(update, context, esc(_("No pude leer ese archivo. Envía otra foto o un documento.")))
        return EVIDENCE
    context.user_data[DRAFT]["evidence"] = f"{clean[0]}:{clean[1]}"
    return await _ask_confirm(update, context)


async def got_evidence_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    if await _guard(update, context) is None:
        return ConversationHandler.END
    link = (update.message.text or "").strip()
    if not _URL.match(link):
        await say(update, context, esc(_("Envía un enlace que empiece con http:// o https://, una foto "
                                         "o un documento.")))
        return EVIDENCE
    context.user_data[DRAFT]["evidence"] = link
    return await _ask_confirm(update, context)


async def skipped_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answer_press(update)
    if await _guard(update, context) is None:
        return ConversationHandler.END
    context.user_data[DRAFT]["evidence"] = None
    return await _ask_confirm(update, context)


def notice_text(kd: KnowledgeData, plan: Plan, commitment: Commitment, before: Hito, after: Hito,
                reporter: str, progress: int | None, locale: str) -> str:
    """A subscriber's notice of a focal point's update: the plan, the hito as its card names it
    (knowledge.lookups.heading), what changed (status before → now, status names as the card
    gives them), the commitment's progress, the note, who reported it and when."""
    t = notify._gettext(locale)
    lines = [f"<b>{esc(plan.title)}</b>",
             f"<b>{esc(heading(Located(plan, commitment, after), locale))}</b>",
             esc(t("Estado: {before} → {after}").format(before=_state(kd, before, locale),
                                                       after=_state(kd, after, locale)))]
    if progress is not None:
        lines.append(esc(t("Avance del compromiso {c}: {p} %").format(c=commitment.number, p=progress)))
    if after.current is not None and after.current.note:
        lines.append(esc(t("Nota de {who}: {note}").format(who=reporter, note=after.current.note)))
    since = after.current.since if after.current is not None else None
    if since is not None:
        lines.append(esc(t("Lo reportó {who} el {date}.").format(who=reporter, date=format_day(local_day(since), locale))))
    return "\n".join(lines)


def _state(kd: KnowledgeData, hito: Hito, locale: str) -> str:
    """'En progreso (60 %)', or the status name alone when no figure is known."""
    status = hito_state(hito)[0] or "sin_informacion"
    name = records(kd).status_name(status, locale)
    figure = hito_progress(hito, kd.statuses)
    return f"{name} ({figure} %)" if figure is not None and status != "sin_informacion" else name


async def _record(context: ContextTypes.DEFAULT_TYPE, update: Update, draft: dict) -> int | None:
    """Store the change, notify subscribers; returns the commitment's new progress."""
    kd = data(context)
    found = record_of(kd, draft["ref"])
    plan, commitment, hito = found.plan, found.commitment, found.hito
    user = update.effective_user
    institutions = sorted(responsible_keys(kd, commitment, hito) & set(await institutions_of(context, user.id)))
    # signed by the institutions, never by the person: the history is public (exports, answers)
    index = actor_index(kd)
    label = ", ".join((a.acronym or a.name) if (a := index.by_key(k)) else k for k in institutions)

    def store(s: Session) -> tuple[Hito, int | None]:
        change = kr.record_status_change(
            s, plan.key, commitment.number, hito.number, draft["status"], draft.get("progress"),
            draft.get("note"), "user", user.id, label, None, draft.get("evidence"))
        # the hito as it is from now on; the commitment's progress by the one rule (knowledge.progress)
        after = hito.model_copy(update={"current": kr.as_current(change)})
        progress = commitment_progress([after if h is hito else h for h in commitment.hitos], kd.statuses)
        change_id = getattr(change, "id", None) or f"{draft['ref']}:{draft['status']}:{draft.get('progress')}"
        refs = [draft["ref"], commitment_ref(plan.key, commitment.number),
                *(actor_ref(k) for k in sorted(responsible_keys(kd, commitment, hito)))]

        def render(locale: str) -> str:
            return notice_text(kd, plan, commitment, hito, after, label, progress, locale)

        notify.notify_subscribers(s, refs, f"status:{change_id}", render, skip=[user.id])
        return after, progress

    after, progress = await db_call(context, store)
    # the stored change is the hito's status now: answers, cards and charts show it from here on
    hito.current = after.current
    return progress


async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _locale, _ = texts(update, context)
    args = parse_pa(pressed(update, context), "uc", 1)
    await answer_press(update)
    if not args or args[0] != "yes":
        context.user_data.pop(DRAFT, None)
        await say(update, context, esc(_("Actualización cancelada. No se guardó nada.")))
        return ConversationHandler.END
    if await _guard(update, context) is None:  # rights re-checked at the moment of writing
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    draft = context.user_data.get(DRAFT) or {}
    if "status" not in draft:
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    try:
        progress = await _record(context, update, draft)
    except Exception as exc:  # nothing was stored: the six steps stay, the button works again
        await not_saved(update, context, exc, option_rows(_confirm_options(_)))
        return CONFIRM
    context.user_data.pop(DRAFT, None)
    text = _("Actualización guardada. Avisamos a quienes siguen este hito.")
    if progress is not None:
        text += " " + _("El compromiso va en {p}%.").format(p=progress)
    await say(update, context, esc(text))
    return ConversationHandler.END


def update_flow() -> Flow:
    """/actualizar: a focal point reports a hito's status, progress, note and evidence."""
    text = filters.TEXT & ~filters.COMMAND
    return Flow(
        entry_points=[CommandHandler("actualizar", start_update), deep_link_entry("actualizar", start_update)],
        states={
            HITO: [CallbackQueryHandler(picked_hito, pattern=r"^pa:uh:")],
            STATUS: [CallbackQueryHandler(picked_status, pattern=r"^pa:us:")],
            PROGRESS: [CallbackQueryHandler(picked_progress, pattern=r"^pa:up:"),
                       MessageHandler(text, typed_progress)],
            NOTE: [CallbackQueryHandler(skipped_note, pattern=r"^pa:un:"), MessageHandler(text, typed_note)],
            EVIDENCE: [CallbackQueryHandler(skipped_evidence, pattern=r"^pa:ue:"),
                       MessageHandler(filters.PHOTO | filters.Document.ALL, got_evidence_file),
                       MessageHandler(text, got_evidence_link)],
            CONFIRM: [CallbackQueryHandler(confirmed, pattern=r"^pa:uc:")],
        },
        drafts=(DRAFT,),
    )


async def forged_update_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An /actualizar button pressed outside the conversation (old or forged): refuse it; someone
    who is no focal point is told it is not for them, not sent to a command they may not use."""
    _locale, _ = texts(update, context)
    if not await institutions_of(context, user_id_of(update)):
        await refuse(update, context, _("No tienes permiso para esto: solo los enlaces institucionales "
                                        "actualizan el avance de los hitos."))
        return
    await refuse(update, context, _("Este botón ya no es válido. Empieza de nuevo con /actualizar."))


def handlers() -> list:
    return [CallbackQueryHandler(forged_update_press, pattern=r"^pa:u[hspnec]:")]
