"""The screens of the bot: text and inline keyboard for the menu, plans, commitments and hitos.

Each view returns a `Screen` (HTML text + keyboard) and never sends anything, so the same
screen is used for a command, a button (edit in place) and a deep link.  Texts of entities
come from the knowledge core's cards (`Knowledge.card`), escaped here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import handlers.callback_data as cb
from knowledge.compose import shorten
from knowledge.refs import Ref, commitment_ref, hito_ref, parse_ref, to_payload
from knowledge.schema import Commitment, Plan
from participation.context import Services
from participation.render import answer_html, esc
from participation.subscriptions import subscription_button

log = logging.getLogger(__name__)

COMMITMENTS_PER_PAGE = 8
HITOS_PER_PAGE = 10
Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Screen:
    text: str
    keyboard: InlineKeyboardMarkup | dict | None = None  # a dict is Telegram's JSON as is


def deep_link(bot_username: str, ref: str) -> str:
    return f"https://t.me/{bot_username}?start={to_payload(ref)}"


def share_button(services: Services, ref: str, _: Gettext) -> InlineKeyboardButton:
    link = deep_link(services.bot_username, ref)
    return InlineKeyboardButton(_("🔗 Compartir"), url=f"https://t.me/share/url?url={quote(link, safe='')}")


def subscription_row(ref: str, following: Collection[str], locale: str) -> list[InlineKeyboardButton]:
    """The participation room's follow / unfollow button; `following`: the refs the person
    follows (participation.followed, read before the screen is built)."""
    button = subscription_button(ref, locale, following)
    return [button] if button is not None else []


def pager_row(page: int, pages: int, make: Callable[[int], str], _: Gettext) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(_("◀️ Anterior"), callback_data=make(page - 1)))
    if page < pages - 1:
        row.append(InlineKeyboardButton(_("Siguiente ▶️"), callback_data=make(page + 1)))
    return row


def page_count(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def main_menu(locale: str, _: Gettext, first_name: str | None = None) -> Screen:
    greeting = _("¡Hola, {name}!").format(name=esc(first_name)) if first_name else _("¡Hola!")
    text = "\n\n".join([
        f"<b>{greeting}</b> " + _("Soy hitobot. Respondo preguntas sobre los planes de acción de "
                                  "Gobierno Abierto de Guatemala y el catálogo de buenas prácticas "
                                  "de cooperación de SEGEPLAN, solo con lo que dicen las fuentes."),
        _("Escríbeme como hablas, por ejemplo: <i>¿quién es responsable del hito 2 del compromiso 3?</i> "
          "o <i>¿qué significa ICEFI?</i>"),
        _("También puedes explorar con los botones o usar /ayuda para ver todo lo que sé hacer."),
    ])
    other = "en" if locale == "es" else "es"
    keyboard = InlineKeyboardMarkup([
        [InlineKeyboardButton(_("📋 Planes y compromisos"), callback_data=cb.plans())],
        [InlineKeyboardButton(_("📚 Catálogo de buenas prácticas"), callback_data=cb.catalogue())],
        [InlineKeyboardButton(_("🔎 Buscar"), switch_inline_query_current_chat="")],
        [InlineKeyboardButton("🌐 English" if other == "en" else "🌐 Español", callback_data=cb.language(other))],
    ])
    return Screen(text, keyboard)


def help_screen(bot_username: str, _: Gettext) -> Screen:
    lines = [
        "<b>" + _("Lo que puedo hacer") + "</b>",
        _("Pregúntame en tus palabras: responsables, fechas, avance, hitos atrasados, "
          "resultados esperados, siglas, prácticas del catálogo y proyectos de cooperación."),
        "/compromisos — " + _("explorar los planes, compromisos e hitos"),
        "/buscar — " + _("buscar por palabras"),
        "/avance — " + _("gráfica del avance de un compromiso"),
        "/catalogo — " + _("el catálogo de buenas prácticas de cooperación"),
        "/siglas — " + _("qué significa una sigla"),
        "/idioma — " + _("cambiar el idioma"),
        "/cancelar — " + _("cancelar lo que estés haciendo"),
        "",
        "<b>" + _("Participación") + "</b>",
        "/registro — " + _("registrarte como integrante de una organización de sociedad civil"),
        "/suscripciones — " + _("recibir avisos de compromisos, hitos e instituciones"),
        "/monitoreo — " + _("enviar un reporte de monitoreo (integrantes de OSC)"),
        "/mis_reportes — " + _("el estado de tus reportes"),
        "/actualizar — " + _("publicar el avance de un hito (enlaces institucionales)"),
        "/mis_datos, /borrar_mis_datos — " + _("ver o borrar lo que guardo sobre ti"),
        "/pendientes, /moderar, /enlace, /admin, /exportar — " + _("administración"),
        "",
        _("En cualquier chat puedes escribir @{bot} y unas palabras para compartir una ficha.").format(bot=esc(bot_username)),
        _("Solo respondo con lo que dicen los documentos oficiales; si no está en las fuentes, te lo digo."),
    ]
    return Screen("\n".join(lines), InlineKeyboardMarkup([[InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())]]))


def _plan_title(plan: Plan) -> str:
    """The plan's title, with its period only when the title does not already say it."""
    return plan.title if plan.period_label in plan.title else f"{plan.title} ({plan.period_label})"


def _plan_label(plan: Plan, _: Gettext) -> str:
    current = " ⭐" if plan.current else ""
    return shorten(_plan_title(plan) + current, 60)


def plans_screen(services: Services, _: Gettext) -> Screen:
    plans = sorted(services.knowledge.plans(), key=lambda p: (not p.current, -p.number))
    text = "<b>" + _("Planes de acción de Gobierno Abierto") + "</b>\n\n" + "\n".join(
        f"• {esc(_plan_title(p))}" + (" — " + _("plan vigente") if p.current else "")
        for p in plans)
    rows = [[InlineKeyboardButton(_plan_label(p, _), callback_data=cb.plan(p.key))] for p in plans]
    rows.append([InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())])
    return Screen(text, InlineKeyboardMarkup(rows))


def plan_screen(services: Services, plan: Plan, page: int, _: Gettext) -> Screen:
    commitments = sorted(plan.commitments, key=lambda c: c.number)
    pages = page_count(len(commitments), COMMITMENTS_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    shown = commitments[page * COMMITMENTS_PER_PAGE:(page + 1) * COMMITMENTS_PER_PAGE]
    header = f"<b>{esc(_plan_title(plan))}</b>"
    listing = "\n".join(f"{c.number}. {esc(c.short_title or c.title)}" for c in shown)
    text = header + "\n\n" + (listing or _("Este plan no tiene compromisos registrados."))
    if pages > 1:
        text += "\n\n" + _("Página {page} de {pages}").format(page=page + 1, pages=pages)
    rows = [[InlineKeyboardButton(shorten(f"{c.number}. {c.short_title or c.title}", 60),
                                  callback_data=cb.commitment(commitment_ref(plan.key, c.number)))] for c in shown]
    pager = pager_row(page, pages, lambda p: cb.plan(plan.key, p), _)
    if pager:
        rows.append(pager)
    rows.append([InlineKeyboardButton(_("⬅️ Planes"), callback_data=cb.plans()),
                 InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())])
    return Screen(text, InlineKeyboardMarkup(rows))


def card_text(services: Services, ref: str, locale: str, _: Gettext) -> str | None:
    try:
        answer = services.knowledge.card(ref, locale)
    except Exception:  # a broken card must not hide the navigation: fall back to the title
        log.exception("Knowledge.card(%r) failed", ref)
        return None
    return answer_html(answer) if answer is not None else None


def commitment_screen(services: Services, plan: Plan, commitment: Commitment, page: int, locale: str,
                      _: Gettext, following: Collection[str] = frozenset()) -> Screen:
    ref = commitment_ref(plan.key, commitment.number)
    text = card_text(services, ref, locale, _) or f"<b>{esc(commitment.title)}</b>"
    hitos = sorted(commitment.hitos, key=lambda h: h.number)
    pages = page_count(len(hitos), HITOS_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    shown = hitos[page * HITOS_PER_PAGE:(page + 1) * HITOS_PER_PAGE]
    buttons = [InlineKeyboardButton(_("Hito {n}").format(n=h.number),
                                    callback_data=cb.hito(hito_ref(plan.key, commitment.number, h.number)))
               for h in shown]
    rows = [buttons[i:i + 4] for i in range(0, len(buttons), 4)]
    pager = pager_row(page, pages, lambda p: cb.commitment(ref, p), _)
    if pager:
        rows.append(pager)
    extra = [InlineKeyboardButton(_("📊 Avance"), callback_data=cb.chart(ref))] if hitos else []
    rows.append(extra + [share_button(services, ref, _)] + subscription_row(ref, following, locale))
    rows.append([InlineKeyboardButton(_("⬅️ Compromisos"), callback_data=cb.plan(plan.key)),
                 InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())])
    return Screen(text, InlineKeyboardMarkup(rows))


def located(services: Services, ref: Ref | str | None):
    """Where a commitment, hito or activity ref points (an old one without its plan, as it did
    then); None for anything else."""
    parsed = parse_ref(ref) if isinstance(ref, str) else ref
    if parsed is None or not parsed.is_record:
        return None
    return services.knowledge.locate(parsed)


def hito_screen(services: Services, ref: Ref | str, locale: str, _: Gettext,
                following: Collection[str] = frozenset()) -> Screen | None:
    found = located(services, ref)
    if found is None or found.hito is None:
        return None
    hito, ref = found.hito, hito_ref(found.plan.key, found.commitment.number, found.hito.number)
    cref = commitment_ref(found.plan.key, found.commitment.number)
    text = card_text(services, ref, locale, _) or f"<b>{esc(hito.text)}</b>"
    rows = [
        [share_button(services, ref, _)] + subscription_row(ref, following, locale),
        [InlineKeyboardButton(_("⬅️ Compromiso {n}").format(n=found.commitment.number),
                              callback_data=cb.commitment(cref)),
         InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())],
    ]
    return Screen(text, InlineKeyboardMarkup(rows))


def language_screen(_: Gettext) -> Screen:
    return Screen(_("¿En qué idioma prefieres que te responda?"), InlineKeyboardMarkup([[
        InlineKeyboardButton("Español", callback_data=cb.language("es")),
        InlineKeyboardButton("English", callback_data=cb.language("en")),
    ]]))
