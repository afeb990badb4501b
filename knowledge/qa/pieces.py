"""One small writer per ask about one record: each returns a line (or None when the record has
no such value), so a two-part question gets both parts, and a part the sources do not give is
said in one clause instead of hiding the part they do give."""

from __future__ import annotations

import re

from knowledge.compose import Writer, shorten
from knowledge.normalize import fold_simple
from knowledge.qa.retrieval import stem_set
from knowledge.refs import commitment_ref, parse_ref, within

# asks a commitment-tree record answers from its own fields
RECORD_ASKS = ("responsible", "supporters", "start", "end", "dates", "status", "results", "product",
               "verification", "activities", "hitos", "count", "about", "problem", "solution", "transparency",
               "accountability", "modifications", "done_so_far", "budget", "role")
# asks no record has a field for: only a sentence of the running text can answer them
TEXT_ONLY_ASKS = ("contact", "person")
def N_(message: str) -> str:
    """Marks a message for the catalogues; it is translated where it is used."""
    return message


MISSING_LABEL = {
    "budget": N_("el monto o presupuesto"), "contact": N_("datos de contacto"), "person": N_("el nombre de esa persona"),
    "results": N_("resultados esperados"), "product": N_("el producto"), "verification": N_("el medio de verificación"),
    "activities": N_("actividades"), "problem": N_("el problema que atiende"), "start": N_("la fecha de inicio"),
    "end": N_("la fecha de fin"), "dates": N_("las fechas"), "supporters": N_("quiénes apoyan"),
    "responsible": N_("el responsable"), "count": N_("esa cifra"), "other": N_("ese dato"),
}


def header(found, w: Writer, asked: dict | None = None, whole: bool = False) -> str:
    """'Compromiso 3, hito 2: <subject>' — what the answer is about, in one line (whole when the
    words asked about are in the part a short line would cut)."""
    c, h, a = found.commitment, found.hito, found.activity
    width = 200
    text = (a or h).text if (a or h) is not None else ""
    if whole or (asked and len(text) > width and set(asked) & stem_set(text[width - 100:])):
        width = 600
    plan = "" if found.plan.current else w._(" ({n}º plan)", n=found.plan.number)
    if a is not None and h is not None:
        return w._("Compromiso {c}{plan}, hito {h}, actividad {a}: {text}", c=c.number, plan=plan, h=h.number,
                   a=a.number, text=shorten(a.text, width))
    if h is not None:
        return w._("Compromiso {c}{plan}, hito {h}: {text}", c=c.number, plan=plan, h=h.number,
                   text=shorten(h.text, width))
    return w._("Compromiso {c}{plan}: {text}", c=c.number, plan=plan, text=shorten(c.short_title or c.title, 120))


def _item(found):
    return found.activity or found.hito or found.commitment


def actor_list(w: Writer, printed) -> str:
    """Every name (lists are never cut): full names for a few, acronyms for a long list."""
    printed = [p for p in printed if p and p.strip()]
    if len(printed) <= 4:
        return "; ".join(w.actors.display(p) for p in printed)
    out = []
    for p in printed:
        key = w.actors.resolve(p)
        actor = w.actors.actors.get(key) if key else None
        out.append(actor.acronym if actor is not None and actor.acronym else w.actors.display(p))
    return "; ".join(dict.fromkeys(out))


def responsible(k, found, w: Writer, q) -> str | None:
    item = _item(found)
    names = item.responsible or (found.commitment.responsible if found.activity is None else [])
    if not names and found.activity is not None and found.hito is not None and found.hito.responsible:
        # an activity is its hito's: "quién recibía los POA" is who leads the hito
        return w._("Responsable del hito {n}: {names}.", n=found.hito.number, names=w.names(found.hito.responsible))
    if not names:
        return None
    line = w._("Responsable: {names}.", names=w.names(names))
    c = found.commitment
    if found.hito is None and len({tuple(x.responsible) for x in c.hitos}) > 1:
        line += "\n" + "\n".join(w._("- Hito {n}: {names}", n=x.number, names=w.names(x.responsible)) for x in c.hitos)
    return line


def supporters(k, found, w: Writer, q) -> str | None:
    h = found.hito
    if found.activity is not None:
        return None
    if h is not None:
        groups = [("government", w._("Gobierno"), h.supporters.government), ("osc", w._("OSC"), h.supporters.osc),
                  ("other", w._("Otros"), h.supporters.other)]
        if q.sector:
            groups = [g for g in groups if g[0] == q.sector]
        lines = [f"{name}: {actor_list(w, actors)}" for _, name, actors in groups if actors]
        if not lines:
            return None
        return w._("Apoyan:") + "\n" + "\n".join(lines)
    c = found.commitment
    merged: dict[str, list[str]] = {"government": [], "osc": [], "other": []}
    for x in c.hitos:
        for key, names in (("government", x.supporters.government), ("osc", x.supporters.osc),
                           ("other", x.supporters.other)):
            merged[key] += [n for n in names if n not in merged[key]]
    for g in c.osc_and_other_actors:
        merged["osc"] += [n for n in g.actors if n not in merged["osc"]]
    merged["other"] += [n for n in c.other_actors if n not in merged["other"]]
    labels = (("government", w._("Gobierno")), ("osc", w._("OSC y otros")), ("other", w._("Otros")))
    lines = [f"{lbl}: {actor_list(w, merged[key])}" for key, lbl in labels if merged[key] and (not q.sector or q.sector == key)]
    if not lines:
        return None
    text = w._("Apoyan:") + "\n" + "\n".join(lines)
    if q.sector == "other" and "other_actors" in c.uncertain:
        # the source prints the responsible and the other actors as one list, and where one ends is
        # not certain (the curation says so): the whole list, in the source's words
        printed = [n.lstrip("~") for n in (*c.responsible, *c.other_actors)]
        text += "\n" + w._("La fuente imprime responsables y otros actores en una sola lista: {names}.",
                           names=", ".join(dict.fromkeys(printed)))
    leads = list(dict.fromkeys(n for x in c.hitos for n in x.responsible))
    if not q.sector and "responsible" not in q.asks and len(leads) > 1:  # "qué instituciones participan"
        text = w._("Responsables de sus hitos: {names}", names=actor_list(w, leads)) + "\n" + text
    return text


def _date_line(item, part: str, w: Writer) -> str | None:
    start, end = item.start, item.end
    if part == "start" and start:
        return w._("Inicio: {date}.", date=w.date(start))
    if part == "end" and end:
        line = w._("Fin: {date}.", date=w.date(end))
        original = getattr(item, "end_original", None)
        if original:
            line += " " + w._("(revisada; antes {old})", old=w.date(original))
        return line
    if part == "dates" and (start or end):
        return w._("Periodo: {period}.", period=w.period(start, end))
    text = getattr(item, "period_text", None)
    return w._("Periodo según la fuente: {text}", text=text) if text else None


def date_part(q) -> str:
    """Which date a question asks: "end", "start" or both ("dates")."""
    if q.asks_any("end") and not q.asks_any("start"):
        return "end"
    return "start" if q.asks_any("start") and not q.asks_any("end") else "dates"


def date_of(item, part: str, w: Writer) -> str:
    """An item's date asked ("junio de 2025", or its period), in words."""
    if part == "end":
        return w.date(item.end)
    if part == "start":
        return w.date(item.start)
    return w.period(item.start, item.end, getattr(item, "period_text", None))


def unclear_end(item, hitos, w: Writer) -> str:
    """' (la fuente no es clara en esta fecha) Sus hitos terminan a más tardar en …', where the
    source is unclear about an end date; "" otherwise."""
    if "end" not in item.uncertain:
        return ""
    clause = " " + w._("(la fuente no es clara en esta fecha)")
    last = max((x.end for x in hitos if x.end), default=None, key=lambda d: d.last_day())
    if last:
        clause += " " + w._("Sus hitos terminan a más tardar en {date}.", date=w.date(last))
    return clause


def dates(part: str):
    def piece(k, found, w: Writer, q) -> str | None:
        item = _item(found)
        line = _date_line(item, part, w)
        if line and part in ("end", "dates"):
            line += unclear_end(item, found.commitment.hitos if found.hito is None else (), w)
        return line
    return piece


def status(k, found, w: Writer, q) -> str | None:
    h = found.hito
    if h is not None:
        if h.current is None and h.status is None:
            return w._("Estado: mis fuentes no indican si está en marcha o cumplido (sin información).")
        return k._status_line(h, w)  # a focal point's update says who reported it and when
    c = found.commitment
    known = [x for x in c.hitos if x.current is not None or x.status is not None]
    if not c.hitos:
        return None
    if not known:
        return w._("Estado: mis fuentes no indican el avance de sus hitos.")
    progress = k.progress(c)
    head = w._("Avance estimado: {p} %", p=progress) if progress is not None else w._("Estado:")
    return head + "\n" + "\n".join(
        w._("- Hito {n}: {status}", n=x.number, status=k._status_line(x, w).split(": ", 1)[-1]) for x in known)


def results(k, found, w: Writer, q) -> str | None:
    if found.activity is not None:
        return product(k, found, w, q)
    items = (found.hito or found.commitment).expected_results
    if not items and found.hito is not None and any(a.product for a in found.hito.activities):
        return product(k, found, w, q)  # a 4th-plan hito states what it delivers activity by activity
    if not items:
        return None
    return w._("Resultado esperado:") + "\n" + w.bullets(items, 6)


def product(k, found, w: Writer, q) -> str | None:
    acts = [found.activity] if found.activity else (found.hito.activities if found.hito else [])
    lines = [w._("- Actividad {n}: {text}", n=a.number, text=shorten(a.product, 200)) for a in acts if a.product]
    if not lines:
        return results(k, found, w, q) if found.activity is None and found.hito is not None and found.hito.expected_results else None
    return w._("Producto:") + "\n" + "\n".join(lines) if len(lines) > 1 else w._("Producto: {text}", text=lines[0].split(": ", 1)[1])


def verification(k, found, w: Writer, q) -> str | None:
    acts = [found.activity] if found.activity else (found.hito.activities if found.hito else [])
    lines = [w._("- Actividad {n}: {text}", n=a.number, text=shorten(a.verification, 200)) for a in acts if a.verification]
    if not lines:
        return None
    if len(lines) == 1:
        return w._("Medio de verificación: {text}", text=lines[0].split(": ", 1)[1])
    return w._("Medios de verificación:") + "\n" + "\n".join(lines)


def activities(k, found, w: Writer, q) -> str | None:
    h = found.hito
    if h is None:
        return hitos(k, found, w, q)
    acts = [found.activity] if found.activity else h.activities
    if not acts:
        return None
    lines = [w._("- {n}. {text} ({period})", n=a.number, text=shorten(a.text, 110),
                 period=a.period_text or w.period(a.start, a.end)) for a in acts]
    return w.n_("{n} actividad:", "{n} actividades:", len(acts)) + "\n" + "\n".join(lines)


_FIRST = frozenset({"primer", "primero", "primera", "antes", "first", "earliest", "earlier", "sooner"})
_LAST = frozenset({"ultimo", "ultima", "last", "latest", "later"})


def order_asked(q) -> str | None:
    """"cuál empieza primero" -> "first"; "which ends last" -> "last"; else None."""
    words = set(fold_simple(q.original).split())  # (the tokens have "primero" as 1 already)
    return "first" if words & _FIRST else "last" if words & _LAST else None


def hitos(k, found, w: Writer, q) -> str | None:
    c = found.commitment
    if not c.hitos:
        return None
    # "de qué trata cada uno", "what is each about": each hito said, not only named
    width = 240 if set(q.tokens) & {"cada", "each", "trata", "tratan", "consiste", "consisten"} else 90
    if q.asks_any("dates", "start", "end"):  # "cuándo empieza cada hito": each one's dates
        part = date_part(q)
        shown = list(c.hitos)
        order = order_asked(q)
        if order:  # "cuál empieza primero", "which ends last": earliest (or latest) first
            def when(x) -> tuple[int, int, int]:
                d = x.end if part == "end" else x.start
                return (d.year, d.month or 0, d.day or 0) if d is not None else (9999, 0, 0)
            shown.sort(key=when, reverse=order == "last")
            top = shown[0]
            lead = (w._("El primero: hito {n} ({date}).", n=top.number, date=date_of(top, part, w)) if order == "first"
                    else w._("El último: hito {n} ({date}).", n=top.number, date=date_of(top, part, w)))
            return lead + "\n" + w.n_("Tiene {n} hito:", "Tiene {n} hitos:", len(c.hitos)) + "\n" + "\n".join(
                w._("{n}. {text}", n=x.number, text=shorten(x.text, 90)) + " — " + date_of(x, part, w) for x in shown)
        return w.n_("Tiene {n} hito:", "Tiene {n} hitos:", len(c.hitos)) + "\n" + "\n".join(
            w._("{n}. {text}", n=x.number, text=shorten(x.text, 90)) + " — " + date_of(x, part, w) for x in shown)
    return w.n_("Tiene {n} hito:", "Tiene {n} hitos:", len(c.hitos)) + "\n" + "\n".join(
        w._("{n}. {text}", n=x.number, text=shorten(x.text, width)) for x in c.hitos)


def count(k, found, w: Writer, q) -> str | None:
    if found.hito is not None and found.activity is None and found.hito.activities:
        return w.n_("Tiene {n} actividad.", "Tiene {n} actividades.", len(found.hito.activities))
    if found.hito is None:
        return hitos(k, found, w, q)
    return None


def about(k, found, w: Writer, q) -> str | None:
    """What a record is for: a commitment's description; a hito's expected results (its text is
    the heading already); an activity's product."""
    if found.hito is None:
        text = found.commitment.description or found.commitment.objective or found.commitment.title
        return shorten(text, 300)
    if found.activity is not None:
        return product(k, found, w, q)
    return results(k, found, w, q)


def problem(k, found, w: Writer, q) -> str | None:
    c = found.commitment
    if not c.problem:
        return None
    line = w._("Problema: {text}", text=shorten(c.problem, 300))
    if c.causes:
        # the causes whole when what is asked comes after the first lines ("según el marco de UNICEF")
        asked = stem_set(" ".join(q.content)) - stem_set(c.title)
        width = 900 if len(asked & stem_set(c.causes[0][200:])) >= 2 else 250
        line += "\n" + w._("Causas: {text}", text=shorten(c.causes[0], width))
    return line


def section(field: str, label: str):
    """A commitment's own paragraph (its solution, how it is transparent, what changed, ...)."""
    def piece(k, found, w: Writer, q) -> str | None:
        if found.hito is not None:
            return None
        value = getattr(found.commitment, field)
        texts = value if isinstance(value, list) else [value]
        texts = [t for t in texts if t]
        if not texts:
            return None
        return w._(label) + " " + shorten(" ".join(texts), 450)
    return piece


def roles_of_named(k, found, w: Writer, q) -> str | None:
    """'¿Figura REDNOVI en el compromiso 5? ¿en qué hito?': where each institution named appears in it."""
    if found.hito is not None or not q.actors:
        return None
    scope = commitment_ref(found.plan.key, found.commitment.number)
    lines = []
    for key in q.actors:
        actor = k.actors.actors[key]
        mine = [(r.role, parse_ref(r.ref)) for r in k.actors.roles.get(key, []) if within(r.ref, scope)]
        if not mine:
            continue
        responsible = sorted({ref.hito for role, ref in mine if role == "responsible" and ref.hito})
        support = sorted({ref.hito for role, ref in mine if role != "responsible" and ref.hito})
        parts = []
        if responsible:
            parts.append(w.n_("responsable en el hito {list}", "responsable en los hitos {list}", len(responsible),
                              list=", ".join(map(str, responsible))))
        if support:
            parts.append(w.n_("apoyo en el hito {list}", "apoyo en los hitos {list}", len(support),
                              list=", ".join(map(str, support))))
        if not parts:
            parts.append(w._("en la lista del compromiso"))
        lines.append(f"{actor.acronym or actor.name}: " + "; ".join(parts))
    return "\n".join(lines) or None


def role(k, found, w: Writer, q) -> str | None:
    """'¿qué papel cumple el INAP en el hito 7?': what the source says each named institution does
    there, as it writes it ("SENACYT (apoyo tecnológico)"); else in which hitos it appears."""
    if not q.actors:
        return None
    items = [found.activity or found.hito] if found.hito is not None else [found.commitment, *found.commitment.hitos]
    texts = [t for x in items if x is not None for t in (x.notes, getattr(x, "text", None), getattr(x, "description", None)) if t]
    lines = []
    for key in q.actors:
        actor = k.actors.actors[key]
        names = [n for n in (actor.acronym, actor.name) if n]
        said = next((m.group(1) for t in texts for n in names
                     for m in [re.search(re.escape(n) + r"\s*-?[A-Z]*-?\s*\(([^()]{3,80})\)", " ".join(t.split()))] if m), None)
        if said:
            lines.append(f"{actor.acronym or actor.name}: {said}")
    said = (w._("Según la fuente, el papel de cada uno:") + "\n" + "\n".join(lines)) if lines else None
    if found.hito is not None:
        return said
    # in a commitment: every hito and activity it has a part in, and the role the source writes beside it
    where = roles_in(k, found, w, q)
    return "\n".join(x for x in (where, said) if x) or None


def roles_in(k, found, w: Writer, q) -> str | None:
    """'qué papel cumple el INFOM en el compromiso 10': each hito and activity of the commitment
    where it is named, with its role and what that hito or activity is."""
    c = found.commitment
    scope = commitment_ref(found.plan.key, c.number)
    labels = {"responsible": w._("responsable"), "government": w._("apoyo (gobierno)"), "osc": w._("apoyo (OSC)"),
              "other": w._("apoyo (otros)")}
    out = []
    for key in q.actors:
        actor = k.actors.actors[key]
        mine = [r for r in k.actors.roles.get(key, []) if r.ref != scope and within(r.ref, scope)]
        lines = []
        for r in dict.fromkeys((r.ref, r.role) for r in mine):
            ref, role = r
            parsed = parse_ref(ref)
            hito_n, act_n = parsed.hito, parsed.activity
            h = next((x for x in c.hitos if x.number == hito_n), None)
            a = next((x for x in h.activities if x.number == act_n), None) if h is not None and act_n else None
            item = a or h
            if item is None:
                continue
            where = w._("Hito {n}", n=hito_n) if a is None else w._("Hito {n}, actividad {m}", n=hito_n, m=act_n)
            lines.append(f"- {where} ({labels.get(role, role)}): {shorten(item.text, 110)}")
        if lines:
            out.append(f"{actor.acronym or actor.name}:\n" + "\n".join(lines[:8]))
    return "\n".join(out) or roles_of_named(k, found, w, q)


def budget(k, found, w: Writer, q) -> str | None:
    """The resources the plan states for a commitment (the 4th plan gives them)."""
    if found.hito is not None or not found.commitment.resources:
        return None
    return w._("Recursos: {text}", text=shorten(found.commitment.resources, 300))


_ONLINE = re.compile(r"\b(?:p[aá]gina web|sitio web|portal(?:es)?|web|bot[oó]n)\b", re.IGNORECASE)


def online(k, found, w: Writer, q) -> str | None:
    """"en qué sección de su sitio web se publica": where the record's activities say their
    product is put online (a means of verification such as "colocado en la página web, botón …")."""
    acts = [found.activity] if found.activity else (found.hito.activities if found.hito else [])
    lines = [w._("- Actividad {n}: {text}", n=a.number, text=shorten(text, 200)) for a in acts
             for text in (a.verification, a.product) if text and _ONLINE.search(text)]
    if not lines:
        return None
    return w._("Dónde se publica, según la fuente:") + "\n" + "\n".join(dict.fromkeys(lines))


PIECES = {
    "budget": budget, "role": role, "contact": online,
    "responsible": responsible, "supporters": supporters, "start": dates("start"), "end": dates("end"),
    "dates": dates("dates"), "status": status, "results": results, "product": product,
    "verification": verification, "activities": activities, "hitos": hitos, "count": count, "about": about,
    "problem": problem,
    "solution": section("solution", N_("Solución propuesta:")),
    "transparency": section("transparency", N_("Transparencia:")),
    "accountability": section("accountability", N_("Rendición de cuentas:")),
    "modifications": section("modifications", N_("Cambios en la actualización:")),
    "done_so_far": section("done_so_far", N_("Lo hecho hasta ahora:")),
}
