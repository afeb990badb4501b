"""/catalogo: SEGEPLAN's catalogue of cooperation good practices, browsed by institution, ODS
and sphere with buttons and pages, each practice as a short card; and the practices inline mode
lists for "@bot ods 16", "@bot TSE", "@bot ambiental".

The practices come only from `hitobot import-catalogue`.  Until a file is imported, the screens
say so and give what the press release does say (how many practices, from how many
institutions).  Finding and grouping: knowledge/practice_finder.py; ODS names: knowledge/ods.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import handlers.callback_data as cb
from handlers.views import Gettext, Screen, card_text, page_count, pager_row, share_button
from knowledge.answers import Hit
from knowledge.compose import shorten
from knowledge.ods import ods_label, ods_name
from knowledge.practice_finder import Found, PracticeFinder, finder_for
from knowledge.refs import CATALOGUE, practice_ref
from knowledge.schema import Practice
from participation.context import Services
from participation.render import esc

PER_PAGE = 8
SUMMARY_CHARS = 280
RESULTS_CHARS = 220
BENEFICIARIES_CHARS = 140


def finder(svc: Services) -> PracticeFinder:
    return finder_for(svc.knowledge)


def sphere_label(sphere: str | None, _: Gettext) -> str:
    labels = {"económico": _("Económica"), "social": _("Social"), "ambiental": _("Ambiental")}
    return labels.get(sphere or "", sphere or "")


def _ods_short(number: int, locale: str) -> str:
    return f"{number} ({ods_name(number, locale)})"


def _menu_row(_: Gettext, back: tuple[str, str] | None = None) -> list[InlineKeyboardButton]:
    """[back,] 📚 Catálogo (unless back is the catalogue), 🏠 Menú."""
    row = []
    if back is not None:
        row.append(InlineKeyboardButton(back[0], callback_data=back[1]))
    if back is None or back[1] != cb.catalogue():
        row.append(InlineKeyboardButton(_("📚 Catálogo"), callback_data=cb.catalogue()))
    row.append(InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu()))
    return row


def press_release_line(svc: Services, _: Gettext) -> str:
    """What the press release says of the catalogue's size ("" without the catalogue record)."""
    cat = svc.data.catalogue
    if cat is None:
        return ""
    return _("Según el comunicado de SEGEPLAN, el catálogo reúne {n} buenas prácticas de {m} instituciones "
             "públicas.").format(n=cat.practice_count, m=cat.institution_count)


def not_loaded_text(svc: Services, _: Gettext) -> str:
    """The list of practices has not been imported yet; and what the sources do say."""
    lines = [_("Todavía no se ha cargado la lista de las prácticas del catálogo (el archivo de SEGEPLAN, "
               "con «hitobot import-catalogue»), así que no puedo mostrarlas ni buscarlas.")]
    said = press_release_line(svc, _)
    if said:
        lines.append(said)
    return "\n".join(lines)


# --- screens ----------------------------------------------------------------------------------


def catalogue_screen(svc: Services, locale: str, _: Gettext) -> Screen:
    """/catalogo: how to browse the practices, or that their list has not been loaded."""
    cat = svc.data.catalogue
    title = cat.title if cat else _("Catálogo de buenas prácticas de cooperación")
    f = finder(svc)
    if not f.practices:
        facts = card_text(svc, CATALOGUE, locale, _) if cat else None
        text = "\n\n".join(x for x in (facts or f"<b>📚 {esc(title)}</b>", esc(not_loaded_text(svc, _))) if x)
        return Screen(text, InlineKeyboardMarkup([[InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())]]))
    lines = [f"<b>📚 {esc(title)}</b>",
             esc(_("Prácticas cargadas: {n}, de {m} instituciones.").format(
                 n=len(f.practices), m=len(f.institutions())))]
    said = press_release_line(svc, _)
    if said:
        lines.append(esc(said))
    lines.append(_("Explóralas por institución, por ODS o por esfera, o escríbeme, por ejemplo: "
                   "<i>prácticas del ODS 4</i>, <i>prácticas ambientales</i>."))
    rows = [
        [InlineKeyboardButton(_("🏛 Por institución"), callback_data=cb.catalogue("i"))],
        [InlineKeyboardButton(_("🎯 Por ODS"), callback_data=cb.catalogue("o")),
         InlineKeyboardButton(_("🌎 Por esfera"), callback_data=cb.catalogue("e"))],
        [InlineKeyboardButton(_("🔎 Buscar prácticas"), switch_inline_query_current_chat=_("prácticas") + " ")],
    ]
    if cat is not None:
        rows.append([InlineKeyboardButton(_("ℹ️ Sobre el catálogo"), callback_data=cb.catalogue("a"))])
    rows.append([InlineKeyboardButton(_("🏠 Menú"), callback_data=cb.menu())])
    return Screen("\n\n".join(lines), InlineKeyboardMarkup(rows))


def about_screen(svc: Services, locale: str, _: Gettext) -> Screen | None:
    """The catalogue's own facts (the press release), with a way back to the practices."""
    text = card_text(svc, CATALOGUE, locale, _)
    if text is None:
        return None
    rows = [[share_button(svc, CATALOGUE, _)], _menu_row(_, (_("⬅️ Catálogo"), cb.catalogue()))]
    return Screen(text, InlineKeyboardMarkup(rows))


def groups_screen(svc: Services, group: str, page: int, locale: str, _: Gettext) -> Screen | None:
    """The institutions, ODS or spheres that have practices, a page of buttons."""
    f = finder(svc)
    if not f.practices:
        return catalogue_screen(svc, locale, _)
    per_page, per_row = PER_PAGE, 1
    prefix = "SDG" if locale == "en" else "ODS"
    if group == "i":
        title = _("Instituciones con prácticas en el catálogo")
        items = [(i.name, i.name, len(i.practices), cb.catalogue("i", i.id)) for i in f.institutions()]
    elif group == "o":  # at most 17: all on one page, three buttons a row
        title = _("Objetivos de Desarrollo Sostenible (ODS) de las prácticas")
        items = [(ods_label(n, locale), f"{prefix} {n}", len(ps), cb.catalogue("o", n)) for n, ps in f.ods_groups()]
        per_page, per_row = 18, 3
    elif group == "e":
        title = _("Esferas de desarrollo de las prácticas")
        items = [(sphere_label(s, _), sphere_label(s, _), len(ps), cb.catalogue("e", cb.sphere_code(s)))
                 for s, ps in f.sphere_groups()]
        per_row = 3
    else:
        return None
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 0), pages - 1)
    shown = items[page * per_page:(page + 1) * per_page]
    lines = [f"<b>{esc(title)}</b>"]
    if not items:
        lines.append(esc(_("No hay prácticas cargadas aquí.")))
    lines += [f"• {esc(label)} — {count}" for label, _short, count, _data in shown]
    if pages > 1:
        lines.append(esc(_("Página {page} de {pages}").format(page=page + 1, pages=pages)))
    buttons = [InlineKeyboardButton(shorten(f"{short} ({count})", 60), callback_data=data)
               for _label, short, count, data in shown]
    rows = [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]
    pager = pager_row(page, pages, lambda p: cb.catalogue(group, page=p), _)
    if pager:
        rows.append(pager)
    rows.append(_menu_row(_, (_("⬅️ Catálogo"), cb.catalogue())))
    return Screen("\n".join(lines), InlineKeyboardMarkup(rows))


def practices_screen(svc: Services, group: str, key: str, page: int, locale: str, _: Gettext) -> Screen | None:
    """The practices of one institution, ODS or sphere: a numbered page with a button each."""
    f = finder(svc)
    if not f.practices:
        return catalogue_screen(svc, locale, _)
    if group == "i":
        inst = f.institution(key)
        if inst is None:
            return None
        title, practices, back = _("Prácticas de {name}").format(name=inst.name), list(inst.practices), _("⬅️ Instituciones")
    elif group == "o":
        number = int(key)
        title, practices, back = (_("Prácticas del {ods}").format(ods=ods_label(number, locale)), f.with_ods(number),
                                  _("⬅️ ODS"))
    elif group == "e":
        sphere = cb.SPHERE_CODES[key]
        title, practices, back = (_("Prácticas de la esfera {sphere}").format(sphere=sphere_label(sphere, _).lower()),
                                  f.in_sphere(sphere), _("⬅️ Esferas"))
    else:
        return None
    pages = page_count(len(practices), PER_PAGE)
    page = min(max(page, 0), pages - 1)
    first = page * PER_PAGE
    shown = practices[first:first + PER_PAGE]
    lines = [f"<b>{esc(title)}</b>"]
    if not practices:
        lines.append(esc(_("No hay prácticas cargadas aquí.")))
    rows = []
    for number, p in enumerate(shown, start=first + 1):
        inst = f.institution_of(p)
        who = "" if group == "i" or inst is None else f" — {esc(inst.name)}"
        lines.append(f"{number}. {esc(p.title)}{who}")
        try:
            rows.append([InlineKeyboardButton(shorten(f"{number}. {p.title}", 60), callback_data=cb.ref(practice_ref(p.id)))])
        except ValueError:
            continue
    if pages > 1:
        lines.append(esc(_("Página {page} de {pages}").format(page=page + 1, pages=pages)))
    pager = pager_row(page, pages, lambda n: cb.catalogue(group, key, n), _)
    if pager:
        rows.append(pager)
    rows.append(_menu_row(_, (back, cb.catalogue(group))))
    return Screen("\n".join(lines), InlineKeyboardMarkup(rows))


def practice_card(svc: Services, p: Practice, locale: str, _: Gettext) -> str:
    """A practice in a few lines, what a foreign institution needs to decide whether to ask for
    it: institution, sphere and ODS, a summary, results, beneficiaries, contact; its source."""
    f = finder(svc)
    inst = f.institution_of(p)
    lines = [f"<b>{esc(p.title)}</b>", "🏛 " + esc(inst.name if inst else p.institution)]
    tags = []
    if p.sphere:
        tags.append(_("Esfera {sphere}").format(sphere=sphere_label(p.sphere, _).lower()))
    if p.ods:
        tags.append(_("ODS {list}").format(list=", ".join(_ods_short(n, locale) for n in p.ods)))
    if tags:
        joined = " · ".join(tags)
        lines.append("🎯 " + esc(joined[:1].upper() + joined[1:]))  # "Economic sphere · SDG 1 (...)"
    if p.description:
        lines.append("📝 " + esc(shorten(p.description, SUMMARY_CHARS)))
    if p.results:
        lines.append("✅ " + esc(_("Resultados: {text}").format(text=shorten(p.results, RESULTS_CHARS))))
    if p.beneficiaries:
        lines.append("👥 " + esc(_("Beneficiarios: {text}").format(text=shorten(p.beneficiaries, BENEFICIARIES_CHARS))))
    contact = _("Contacto: {text}").format(text=shorten(p.contact, 200)) if p.contact else \
        _("Contacto: el archivo del catálogo no lo da.")
    lines.append("📞 " + esc(contact))
    if p.source is not None:
        source = _("Fuente: {document}, {section}.").format(document=p.source.document, section=p.source.section)
    elif p.import_file:
        source = _("Fuente: el archivo del catálogo importado ({file}).").format(file=p.import_file)
    else:
        source = ""
    if source:
        lines.append(f"<i>{esc(source)}</i>")
    return "\n".join(lines)


def practice_screen(svc: Services, practice_id: str, locale: str, _: Gettext) -> Screen | None:
    p = next((x for x in finder(svc).practices if x.id == practice_id), None)
    if p is None:
        return None
    inst = finder(svc).institution_of(p)
    rows = [[share_button(svc, practice_ref(p.id), _)]]
    if inst is not None and len(inst.practices) > 1:
        rows[0].append(InlineKeyboardButton(_("🏛 Más de esta institución"), callback_data=cb.catalogue("i", inst.id)))
    rows.append(_menu_row(_))
    return Screen(practice_card(svc, p, locale, _), InlineKeyboardMarkup(rows))


# --- inline mode --------------------------------------------------------------------------------


def practice_hit(svc: Services, p: Practice, locale: str, _: Gettext) -> Hit:
    inst = finder(svc).institution_of(p)
    tags = [inst.name if inst else p.institution]
    if p.sphere:
        tags.append(sphere_label(p.sphere, _))
    if p.ods:
        tags.append(_("ODS {list}").format(list=", ".join(str(n) for n in p.ods)))
    snippet = " · ".join(tags) + (f" — {p.description}" if p.description else "")
    return Hit(ref=practice_ref(p.id), kind="practice", title=p.title, snippet=snippet, score=1.0)


def catalogue_hit(svc: Services, _: Gettext) -> Hit:
    """Inline mode's one result when a query is about practices and none is loaded."""
    cat = svc.data.catalogue
    title = cat.title if cat else _("Catálogo de buenas prácticas de cooperación")
    return Hit(ref=CATALOGUE, kind="catalogue", title=title, snippet=not_loaded_text(svc, _), score=1.0)


def found_practices(svc: Services, text: str) -> Found | None:
    """The practices a query asks for (None: the query is not about practices)."""
    return finder(svc).find(text)


def search_with_practices(svc: Services, words: str, limit: int, offset: int, locale: str, _: Gettext) -> list[Hit]:
    """Inline mode's and /buscar's results: for a query about practices ("prácticas de huertos"),
    the practices only; for one that names an ODS, a sphere or an institution with practices
    ("ods 16", "ambiental", "TSE"), those practices first, then everything else it matches;
    before an import, a first result saying the list is not loaded; else the core's search."""
    found = found_practices(svc, words)
    if found is None or (found.loaded and not found.practices):
        return svc.knowledge.search(words, limit=limit, offset=offset, locale=locale)
    if not found.loaded:
        first = [catalogue_hit(svc, _)]
    else:
        first = [practice_hit(svc, p, locale, _) for p in found.practices]
        if found.explicit:
            return first[offset:offset + limit]
    refs = {h.ref for h in first}
    rest = [h for h in svc.knowledge.search(words, limit=offset + limit, offset=0, locale=locale) if h.ref not in refs]
    return (first + rest)[offset:offset + limit]
