"""Cards: how a record is written out — a commitment's, hito's or activity's detail card, an
institution's appearances, a project, the catalogue, a plan, an acronym, the overdue hitos, and
the refusals that name what the sources lack.

`Cards` is the writing half of `knowledge.core.Knowledge` (which holds the lookups): the bot's
navigation and deep links show these cards, and the question-answering pipeline
(knowledge.qa) uses them for the records whose whole card is the answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from knowledge.answers import Answer, Choice
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.index import acronym_key
from knowledge.normalize import fold_simple
from knowledge.refs import parse_ref
from knowledge.schema import (
    Acronym,
    Activity,
    CatalogueInfo,
    Commitment,
    Hito,
    PartialDate,
    Plan,
    Practice,
    Project,
    Source,
)

MAX_CHOICES = 8
MAX_SUMMARY_LINES = 30  # commitments / projects listed for one actor (the shipped plans have 7)
SECTION_ASPECTS = {"problem", "solution", "objective", "done", "modifications"}  # a commitment's own texts
PROJECT_COUNT_WORDS = {"pilots": ("piloto", "pilotos", "ministerios"), "supporters": ("socios", "paises"),
                       "components": ("componentes",), "lessons": ("lecciones",), "achievements": ("logros",)}


@dataclass(frozen=True)
class Located:
    """A commitment-tree entity with its plan (hito and activity may be None)."""

    plan: Plan
    commitment: Commitment
    hito: Hito | None = None
    activity: Activity | None = None

    @property
    def ref(self) -> str:
        r = f"c{self.commitment.number}"
        if self.hito:
            r += f"h{self.hito.number}"
            if self.activity:
                r += f"a{self.activity.number}"
        return r


class Cards:
    """Writers of cards and record answers; mixed into Knowledge, which provides the lookups
    (`data`, `actors`, `plans()`, `locate`, `progress`, `hito_progress`, `_status_of`, ...)."""

    def _project_named(self, name: str) -> str | None:
        """The key of the project whose short name or code is `name` (an acronym such as PRODEV)."""
        folded = fold_simple(name)
        for pr in self.data.projects:
            if folded in {fold_simple(pr.short_name or ""), fold_simple(pr.reference_code or "")} - {""}:
                return pr.key
        return None





    def _invalid(self, w: Writer) -> Answer:
        text = w._("Hola. Pregúntame por los planes de Gobierno Abierto de Guatemala o el catálogo de "
                   "cooperación, por ejemplo: «¿quién es responsable del hito 2 del compromiso 3?», "
                   "«¿qué significa ICEFI?» o «¿cuándo termina el plan?».")
        return make_answer(text, w.locale, kind="invalid", confidence=0.0)

    def _refusal(self, attribute: str, entity: str, w: Writer) -> Answer:
        """'No tengo el teléfono de SEGEPLAN en mis fuentes.' (kind no_answer)."""
        what = self._missing_label(attribute, w)
        if entity:
            text = w._("No tengo {what} de {entity} en mis fuentes.", what=what, entity=entity)
        else:
            text = w._("No tengo {what} en mis fuentes.", what=what)
        text = paragraphs(text, w._("Mis fuentes son los planes de acción de Gobierno Abierto, el catálogo de "
                                    "cooperación y dos proyectos de cooperación; no quiero inventar ese dato."))
        return make_answer(text, w.locale, kind="no_answer", confidence=0.0, facts={"missing": attribute})

    def _missing_label(self, attribute: str, w: Writer) -> str:
        labels = {
            "phone": w._("el teléfono"), "email": w._("el correo electrónico"), "address": w._("la dirección"),
            "website": w._("el sitio web"), "schedule": w._("el horario de atención"),
            "staff": w._("el número de empleados"), "salary": w._("los salarios"),
            "population": w._("la población"), "weather": w._("el clima"),
            "official": w._("el nombre de quien ocupa ese cargo"), "budget": w._("el presupuesto"),
            "contact": w._("los datos de contacto"),
        }
        return labels.get(attribute, w._("ese dato"))


    def _entity_answer(self, found: Located, aspect: str, w: Writer, intent: object | None,
                       assumed: bool = False, confidence: float = 1.0) -> Answer:
        c, h, a = found.commitment, found.hito, found.activity
        source = (a or h or c).source
        refs = [found.ref]
        tail = [w.plan_line(found.plan, assumed), w.source_line(source)]
        label = w.of_label(c, h, a)
        title = self._entity_title(found, w)
        if aspect == "participation":
            aspect = "responsible" if a is not None else "supporters"
        if aspect == "responsible" or (aspect == "supporters" and a is not None):
            names = (a or h or c).responsible
            head = w._("Responsable {what}: {names}.", what=label, names=w.names(names))
            body = [title]
            if h is None and len(c.hitos) > 1:
                by_hito = {w.names(x.responsible) for x in c.hitos}
                if len(by_hito) > 1:
                    body.append(w._("Por hito:") + "\n" + "\n".join(
                        w._("- Hito {n}: {names}", n=x.number, names=w.names(x.responsible)) for x in c.hitos))
            text, facts = head, {"responsible": w.names(names)}
        elif aspect == "supporters":
            text, body, facts = self._supporters_text(found, label, w, intent.sector if intent else None), [title], {}
        elif aspect == "dates":
            text, body, facts = self._dates_text(found, label, w, intent), [title], {}
        elif aspect == "status":
            text, body, facts = self._status_text(found, label, w), [title], {}
        elif aspect == "overdue":
            if h is None:
                return self._overdue_in_plan(found.plan, [], w, assumed, only=c)
            text, body, facts = self._hito_due_text(found, w), [title], {}
        elif aspect == "results":
            results = (h.expected_results if h else c.expected_results) if not a else [a.product or ""]
            if not any(results):
                return self._lacks(w._("Las fuentes no indican resultados esperados {what}.", what=label), found, w, source)
            text = w._("Resultados esperados {what}:", what=label) + "\n" + w.bullets(results)
            body, facts = [title], {}
        elif aspect in ("products", "activities") and h is not None:
            text, body, facts = self._activities_text(found, label, w, aspect), [title], {}
        elif aspect == "hitos" or (aspect == "activities" and h is None):
            text, body, facts = self._hitos_text(found, w), [], {}
        elif aspect == "count":
            text, body, facts = self._count_text(found, intent, w), [title], {}
        elif aspect == "budget":
            if not c.resources or h is not None:
                return self._lacks(w._("Las fuentes no indican el presupuesto {what}.", what=label), found, w, source)
            text, body, facts = w._("Recursos {what}: {text}", what=label, text=c.resources), [title], {}
        elif aspect in ("person", "contact"):
            return self._lacks(w._("Las fuentes no dan ese dato {what}.", what=label), found, w, source)
        elif aspect in SECTION_ASPECTS and h is None:
            text, body, facts = self._commitment_section(c, aspect, label, w), [], {}
        else:
            return self._entity_card(found, w, assumed, confidence)
        return make_answer(paragraphs(text, *body, *tail), w.locale, refs=refs, confidence=confidence,
                           source=self._source_label(found.plan, source), facts=facts)

    def _entity_title(self, found: Located, w: Writer) -> str:
        c, h, a = found.commitment, found.hito, found.activity
        if a and h:
            return w._("Actividad {a} del hito {h} (compromiso {c}): {text}", a=a.number, h=h.number, c=c.number,
                       text=shorten(a.text, 200))
        if h:
            return w._("Hito {h} del compromiso {c}: {text}", h=h.number, c=c.number, text=shorten(h.text, 220))
        return w._("Compromiso {n}: {title}", n=c.number, title=shorten(c.title, 220))

    def _entity_card(self, found: Located, w: Writer, assumed: bool, confidence: float = 1.0) -> Answer:
        c, h, a = found.commitment, found.hito, found.activity
        source = (a or h or c).source
        lines: list[str] = []
        if a and h:
            lines.append(w._("Responsable: {names}", names=w.names(a.responsible)))
            lines.append(w._("Periodo: {period}", period=a.period_text or w.period(a.start, a.end)))
            if a.product:
                lines.append(w._("Producto: {text}", text=shorten(a.product, 300)))
            if a.verification:
                lines.append(w._("Medio de verificación: {text}", text=shorten(a.verification, 300)))
            head = self._entity_title(found, w)
        elif h:
            lines.append(w._("Responsable: {names}", names=w.names(h.responsible)))
            lines.append(w._("Periodo: {period}", period=h.period_text or w.period(h.start, h.end)))
            lines.append(self._status_line(h, w))
            if h.expected_results:
                lines.append(w._("Resultados esperados:") + "\n" + w.bullets(h.expected_results, 5))
            if h.activities:
                lines.append(w.n_("Tiene {n} actividad.", "Tiene {n} actividades.", len(h.activities)))
            head = self._entity_title(found, w)
        else:
            head = w._("Compromiso {n}: {title}", n=c.number, title=c.title)
            if c.description or c.objective:
                lines.append(shorten(c.description or c.objective, 500))
            lines.append(w._("Responsable: {names}", names=w.names(c.responsible)))
            period = w.period(c.start, c.end) if (c.start or c.end) else None
            if period:
                lines.append(w._("Periodo: {period}", period=period))
            lines.append(w.n_("Tiene {n} hito.", "Tiene {n} hitos.", len(c.hitos)))
            progress = self.progress(c)
            if progress is not None:
                lines.append(w._("Avance estimado: {p} %", p=progress))
        text = paragraphs(head, "\n".join(lines), w.plan_line(found.plan, assumed), w.source_line(source))
        return make_answer(text, w.locale, refs=[found.ref], confidence=confidence,
                           source=self._source_label(found.plan, source))

    def _supporters_text(self, found: Located, label: str, w: Writer, sector: str | None) -> str:
        c, h = found.commitment, found.hito
        if h is not None:
            groups = [("government", w._("Gobierno"), h.supporters.government), ("osc", w._("OSC"), h.supporters.osc),
                      ("other", w._("Otros"), h.supporters.other)]
            if sector:
                groups = [g for g in groups if g[0] == sector]
            lines = [f"{name}: {w.names(actors)}" for _, name, actors in groups if actors]
            if not lines:
                return w._("Las fuentes no nombran partes interesadas de apoyo {what} en ese sector.", what=label)
            return w._("Partes interesadas de apoyo {what}:", what=label) + "\n" + "\n".join(lines)
        lines = []
        for group in c.osc_and_other_actors:
            lines.append(f"{group.label}: {w.names(group.actors)}")
        if c.other_actors:
            lines.append(w._("Otros actores: {names}", names=w.names(c.other_actors)))
        if not lines:
            merged: dict[str, list[str]] = {"government": [], "osc": [], "other": []}
            for x in c.hitos:
                for key, names in (("government", x.supporters.government), ("osc", x.supporters.osc),
                                   ("other", x.supporters.other)):
                    merged[key] += [n for n in names if n not in merged[key]]
            lines = [f"{lbl}: {w.names(merged[k])}" for k, lbl in (("government", w._("Gobierno")), ("osc", w._("OSC")),
                                                                    ("other", w._("Otros"))) if merged[k]]
        if not lines:
            return w._("Las fuentes no nombran organizaciones de apoyo {what}.", what=label)
        return w._("Organizaciones de sociedad civil y otros actores {what}:", what=label) + "\n" + "\n".join(lines)

    def _dates_text(self, found: Located, label: str, w: Writer, intent: object | None) -> str:
        item = found.activity or found.hito or found.commitment
        start, end = item.start, item.end
        original = getattr(item, "end_original", None)
        part = intent.date_part if intent else "both"
        period_text = getattr(item, "period_text", None)
        if not start and not end:
            if period_text:
                return w._("Periodo {what} (como lo da la fuente): {text}", what=label, text=period_text)
            return w._("Las fuentes no dan fechas {what}.", what=label)
        if part == "start" and start:
            text = w._("{what} inicia en {date}.", what=w.subject_label(found.commitment, found.hito, found.activity), date=w.date(start)) if start.precision != "day" else \
                w._("{what} inicia el {date}.", what=w.subject_label(found.commitment, found.hito, found.activity), date=w.date(start))
        elif part == "end" and end:
            text = w._("{what} termina en {date}.", what=w.subject_label(found.commitment, found.hito, found.activity), date=w.date(end)) if end.precision != "day" else \
                w._("{what} termina el {date}.", what=w.subject_label(found.commitment, found.hito, found.activity), date=w.date(end))
        else:
            text = w._("{what} va {period}.", what=w.subject_label(found.commitment, found.hito, found.activity), period=w.period(start, end))
        if original and end:
            text += " " + w._("La fecha de término fue revisada: antes era {old}; ahora es {new}.",
                              old=w.date(original), new=w.date(end))
        if period_text:
            text += " " + w._("Periodo como lo da la fuente: {text}", text=period_text)
        return text

    def _is_final(self, h: Hito) -> bool:
        """Recorded as completed (its current status, else what the source states)."""
        status = self._status_of(h)
        return bool(status and status.final)

    def _is_overdue(self, h: Hito, today: dt.date) -> bool:
        """Past its end date and not recorded as completed."""
        return h.end is not None and h.end.last_day() < today and not self._is_final(h)

    def _hito_due_text(self, found: Located, w: Writer) -> str:
        c, h = found.commitment, found.hito
        assert h is not None
        subject = w.subject_label(c, h)
        status = self._status_line(h, w).split(": ", 1)[-1]
        if h.end is None:
            return w._("Las fuentes no dan la fecha de fin {what}; no puedo decir si está atrasado.",
                       what=w.of_label(c, h)) + "\n" + w._("Estado: {status}", status=status)
        if self._is_final(h):
            return w._("{subject} consta como completado: {status}", subject=subject, status=status)
        day = h.end.precision == "day"
        if self._is_overdue(h, self.today()):
            return (w._("{subject} debía terminar el {date} y no consta como completado. Estado: {status}",
                        subject=subject, date=w.date(h.end), status=status) if day else
                    w._("{subject} debía terminar en {date} y no consta como completado. Estado: {status}",
                        subject=subject, date=w.date(h.end), status=status))
        return (w._("{subject} termina el {date}: todavía está en plazo. Estado: {status}",
                    subject=subject, date=w.date(h.end), status=status) if day else
                w._("{subject} termina en {date}: todavía está en plazo. Estado: {status}",
                    subject=subject, date=w.date(h.end), status=status))

    def _overdue_in_plan(self, plan: Plan, actors: list[str], w: Writer, assumed: bool,
                         only: Commitment | None = None) -> Answer:
        """Which hitos passed their end date without being recorded as completed (of one
        commitment, or of the plan; of one responsible actor's when `actors` names one)."""
        today = self.today()
        scope = [c for c in plan.commitments if only is None or c is only]
        counted = [(c, h) for c in scope for h in c.hitos]
        what = w.of_label(only) if only is not None else w._("del {title}", title=plan.title)
        if actors:  # the hitos it is responsible for, itself or through the whole commitment
            mine = {r.ref for r in self.actors.roles.get(actors[0], []) if r.role == "responsible"
                    and r.plan == plan.key}
            counted = [(c, h) for c, h in counted if f"c{c.number}h{h.number}" in mine or f"c{c.number}" in mine]
            what += " " + w._("a cargo de {name}", name=self.actors.display(self.actors.actors[actors[0]].name))
        overdue = [(c, h) for c, h in counted if self._is_overdue(h, today)]
        total = len(counted)
        by_commitment: dict[int, list[Hito]] = {}
        for c, h in overdue:
            by_commitment.setdefault(c.number, []).append(h)
        on = w.date(PartialDate.parse(today))
        if not overdue:
            head = w._("Ningún hito {what} pasó su fecha de fin sin constar como completado (al {date}).",
                       what=what, date=on)
            lines = []
        else:
            head = w.n_("{n} de {total} hitos {what} pasó su fecha de fin sin constar como completado (al {date}):",
                        "{n} de {total} hitos {what} pasaron su fecha de fin sin constar como completados (al {date}):",
                        len(overdue), total=total, what=what, date=on)
            lines = []
            for c in scope:
                hitos = by_commitment.get(c.number)
                if not hitos:
                    continue
                ends = {h.end for h in hitos}
                numbers = ", ".join(str(h.number) for h in hitos)
                name = c.short_title or shorten(c.title, 60)
                if len(ends) == 1:
                    lines.append(w.n_("- Compromiso {c} ({name}): hito {numbers} (fin: {date})",
                                      "- Compromiso {c} ({name}): hitos {numbers} (fin: {date})",
                                      len(hitos), c=c.number, name=name, numbers=numbers,
                                      date=w.date(next(iter(ends)))))
                else:
                    each = ", ".join(w._("{n} ({date})", n=h.number, date=w.date(h.end)) for h in hitos)
                    lines.append(w._("- Compromiso {c} ({name}): hitos {each}", c=c.number, name=name, each=each))
            unknown = sum(1 for _c, h in overdue if h.current is None and h.status is None)
            if unknown == len(overdue):
                lines.append(w._("Ninguno tiene un estado registrado (sin información)."))
            elif unknown:
                lines.append(w.n_("{n} de ellos no tiene ningún estado registrado (sin información).",
                                  "{n} de ellos no tienen ningún estado registrado (sin información).", unknown))
        note = w._("Cuenta la fecha de fin de cada hito y su estado registrado (de la fuente o de un enlace "
                   "institucional); no es una evaluación de cumplimiento.")
        late = [c for c in scope if c.number in by_commitment]

        def ref_of(c: Commitment) -> str:
            return f"c{c.number}" if plan.current else f"{plan.key}.c{c.number}"
        # one commitment asked about: its card; the plan: the plan's, and a button per commitment listed
        refs = [ref_of(only)] if only is not None else [f"plan:{plan.key}"]
        choices = [] if only is not None else [
            Choice(self._choice_label(Located(plan, c), w), ref_of(c)) for c in late[:MAX_CHOICES]]
        documents = sorted({h.source.document for c in scope for h in c.hitos if h.source})
        sources = w._("Fuente: la fecha de fin y el estado de cada hito ({documents}).",
                      documents=", ".join(documents)) if documents else w.source_line(plan.source)
        body = paragraphs(head + ("\n" + "\n".join(lines) if lines else ""), note,
                          w.plan_line(plan, assumed), sources)
        return make_answer(body, w.locale, refs=refs, source=self._source_label(plan, plan.source),
                           facts={"overdue": len(overdue), "total": total}, choices=choices)

    def _status_line(self, h: Hito, w: Writer) -> str:
        if h.current is not None:
            st = self._statuses.get(h.current.status)
            progress = self.hito_progress(h)
            line = w._("Estado: {status}", status=w.status_name(st, h.current.status))
            if progress is not None:
                line += f" ({progress} %)"
            if h.current.note:
                line += " — " + shorten(h.current.note, 160)
            return line
        if h.status is not None:
            st = self._statuses.get(h.status.status)
            return w._("Estado según la fuente: {status} («{quote}»)", status=w.status_name(st, h.status.status),
                       quote=shorten(h.status.quote, 200))
        st = self._statuses.get("sin_informacion")
        return w._("Estado: {status}", status=w.status_name(st, "sin_informacion") if st else w._("sin información"))

    def _status_text(self, found: Located, label: str, w: Writer) -> str:
        c, h = found.commitment, found.hito
        if h is not None:
            return w._("Estado {what}:", what=label) + " " + self._status_line(h, w).split(": ", 1)[-1]
        progress = self.progress(c)
        head = (w._("Avance estimado {what}: {p} %.", what=label, p=progress) if progress is not None
                else w._("Las fuentes no dan el avance {what} en conjunto.", what=label))
        lines = [w._("- Hito {n}: {status}", n=x.number, status=self._status_line(x, w).split(": ", 1)[-1]) for x in c.hitos]
        return head + "\n" + "\n".join(lines)

    def _activities_text(self, found: Located, label: str, w: Writer, aspect: str) -> str:
        h = found.hito
        assert h is not None
        items = [found.activity] if found.activity else h.activities
        if not items:
            return w._("Las fuentes no detallan actividades {what}.", what=label)
        lines = []
        for a in items:
            if a is None:
                continue
            line = w._("- Actividad {n}: {text}", n=a.number, text=shorten(a.text, 160))
            if aspect == "products":
                if a.product:
                    line += "\n  " + w._("Producto: {text}", text=shorten(a.product, 200))
                if a.verification:
                    line += "\n  " + w._("Medio de verificación: {text}", text=shorten(a.verification, 200))
            lines.append(line)
        head = (w._("Productos y medios de verificación {what}:", what=label) if aspect == "products"
                else w.n_("{what} tiene {n} actividad:", "{what} tiene {n} actividades:", len(h.activities), what=w.subject_label(found.commitment, h)))
        return head + "\n" + "\n".join(lines)

    def _hitos_text(self, found: Located, w: Writer) -> str:
        c = found.commitment
        if found.hito is not None:
            return self._activities_text(found, w.of_label(c, found.hito), w, "activities")
        head = w.n_("El compromiso {c} tiene {n} hito:", "El compromiso {c} tiene {n} hitos:", len(c.hitos), c=c.number)
        return head + "\n" + "\n".join(w._("{n}. {text}", n=x.number, text=shorten(x.text, 140)) for x in c.hitos)

    def _count_text(self, found: Located, intent: object | None, w: Writer) -> str:
        c, h = found.commitment, found.hito
        target = intent.count_target if intent else None
        if h is not None and target in (None, "activities"):
            return w.n_("{what} tiene {n} actividad.", "{what} tiene {n} actividades.", len(h.activities),
                        what=w.subject_label(c, h))
        if target == "activities":
            n = sum(len(x.activities) for x in c.hitos)
            return w.n_("El compromiso {c} tiene {n} actividad en total.", "El compromiso {c} tiene {n} actividades en total.", n, c=c.number)
        if target == "organizations":
            names = {self.actors.resolve(n) or n for g in c.osc_and_other_actors for n in g.actors}
            if not names:
                names = {self.actors.resolve(n) or n for x in c.hitos for n in x.supporters.osc}
            return w.n_("El compromiso {c} nombra {n} organización de sociedad civil y otros actores.",
                        "El compromiso {c} nombra {n} organizaciones de sociedad civil y otros actores.", len(names), c=c.number)
        return w.n_("El compromiso {c} tiene {n} hito.", "El compromiso {c} tiene {n} hitos.", len(c.hitos), c=c.number) + \
            "\n" + "\n".join(w._("{n}. {text}", n=x.number, text=shorten(x.text, 110)) for x in c.hitos)

    def _commitment_section(self, c: Commitment, aspect: str, label: str, w: Writer) -> str:
        if aspect == "problem":
            body = [c.problem or ""] + [w._("Causas:")] + c.causes if c.causes else [c.problem or ""]
            head = w._("Problema {what}:", what=label)
        elif aspect == "solution":
            body, head = [c.solution or ""], w._("Solución propuesta {what}:", what=label)
        elif aspect == "objective":
            body, head = [c.objective or c.description or ""], w._("Objetivo {what}:", what=label)
        elif aspect == "done":
            body, head = c.done_so_far, w._("Lo que se ha hecho hasta ahora {what}:", what=label)
        else:
            body, head = c.modifications, w._("Modificaciones {what}:", what=label)
        if not any(body):
            return w._("Las fuentes no dan ese dato {what}.", what=label)
        return head + "\n" + "\n".join(shorten(b, 600) for b in body if b)

    def _plan_answer(self, plan: Plan | None, aspect: str, w: Writer, intent: object | None,
                     assumed: bool = False) -> Answer:
        if plan is None:
            return self._invalid(w)
        tail = [w.plan_line(plan, assumed) if assumed else "", w.source_line(plan.source)]
        if aspect == "dates":
            if plan.start or plan.end:
                part = intent.date_part if intent else "both"
                if part == "end" and plan.end:
                    head = w._("El {title} termina el {date}.", title=plan.title, date=w.date(plan.end))
                elif part == "start" and plan.start:
                    head = w._("El {title} inicia el {date}.", title=plan.title, date=w.date(plan.start))
                else:
                    head = w._("El {title} va {period}.", title=plan.title, period=w.period(plan.start, plan.end))
            else:
                head = w._("El {title} cubre el periodo {period}.", title=plan.title, period=plan.period_label)
            body = []
        elif aspect in ("count", "hitos") and (intent is None or intent.count_target in (None, "commitments", "hitos")):
            if intent and intent.count_target == "hitos":
                n = sum(len(c.hitos) for c in plan.commitments)
                head = w.n_("El {title} tiene {n} hito en total.", "El {title} tiene {n} hitos en total.", n, title=plan.title)
            else:
                head = w.n_("El {title} tiene {n} compromiso en las fuentes.", "El {title} tiene {n} compromisos en las fuentes.",
                            len(plan.commitments), title=plan.title)
            body = ["\n".join(w._("{n}. {text}", n=c.number, text=shorten(c.title, 120)) for c in plan.commitments)]
        elif aspect in ("budget", "person", "contact"):
            return self._missing(w._("Las fuentes no dan ese dato del {title}.", title=plan.title), [], w)
        else:
            head = w._("{title} ({period})", title=plan.title, period=plan.period_label)
            body = [plan.summary or ""]
            if plan.start or plan.end:
                body.append(w._("Vigencia: {period}.", period=w.period(plan.start, plan.end)))
            if plan.commitments:
                body.append(w.n_("Compromisos: {n}.", "Compromisos: {n}.", len(plan.commitments)) + "\n" + "\n".join(
                    w._("{n}. {text}", n=c.number, text=shorten(c.title, 120)) for c in plan.commitments))
        return make_answer(paragraphs(head, *body, *tail), w.locale, refs=[f"plan:{plan.key}"],
                           source=self._source_label(plan, plan.source))

    def _meaning_answer(self, records: list[Acronym], w: Writer) -> Answer:
        first = records[0]
        same = [r for r in records if fold_simple(r.acronym) == fold_simple(first.acronym)]
        expansions = list(dict.fromkeys(r.expansion for r in same))
        head = w._("{acronym} significa {expansion}.", acronym=first.acronym, expansion=expansions[0])
        body = ""
        if len(expansions) > 1:
            body = w._("En las fuentes también aparece como:") + "\n" + "\n".join(f"- {e}" for e in expansions[1:])
        refs = [f"a:{acronym_key(first.acronym)}"]
        where = ""
        if first.actor and first.actor in self.actors.actors:
            refs.append(f"i:{first.actor}")
            where, _ = self._appearances(first.actor, w)
        project = self._project_named(first.acronym)
        if project is not None:
            pr = self._project(project)
            where = paragraphs(pr.title, w._("Periodo: {period}", period=pr.period_text or w.period(pr.start, pr.end))) if pr else ""
            refs.append(f"pr:{project}")
        sources = "\n".join(dict.fromkeys(w.source_line(r.source) for r in same))
        return make_answer(paragraphs(head, body, where, sources), w.locale, refs=refs, source=first.source.document,
                           facts={"expansion": expansions[0]})

    def _actor_answer(self, key: str, aspect: str, w: Writer, intent: object | None,
                      confidence: float = 1.0) -> Answer:
        actor = self.actors.actors[key]
        name = w.names([actor.name]) if not actor.acronym else f"{actor.name} ({actor.acronym})"
        roles = self.actors.roles.get(key, [])
        if aspect in ("person", "contact", "budget"):
            return self._refusal({"person": "official"}.get(aspect, aspect), actor.acronym or actor.name, w)
        if aspect == "meaning" and actor.acronym:
            return make_answer(paragraphs(w._("{acronym} significa {expansion}.", acronym=actor.acronym, expansion=actor.name),
                                          w.source_line(actor.source)), w.locale, refs=[f"i:{key}"])
        projects = {r.ref for r in roles if r.ref.startswith("pr:")}
        if roles and len(projects) == 1 and all(r.ref.startswith("pr:") for r in roles) and aspect in (
                "supporters", "dates", "budget", "results", "objective", "participation"):
            pr = next(p for p in self.data.projects if f"pr:{p.key}" == next(iter(projects)))
            return self._project_answer(pr, aspect, w, confidence)
        responsible = [r for r in roles if r.role == "responsible"]
        if aspect == "count" and intent and intent.count_target in ("commitments", "hitos"):
            want_hitos = intent.count_target == "hitos"
            refs = [r.ref for r in responsible if ("h" in r.ref) == want_hitos and "a" not in r.ref.split("h")[-1]]
            head = (w.n_("{name} es responsable de {n} hito.", "{name} es responsable de {n} hitos.", len(refs), name=name)
                    if want_hitos else
                    w.n_("{name} es responsable de {n} compromiso.", "{name} es responsable de {n} compromisos.", len(refs), name=name))
            body = "\n".join(f"- {self._ref_title(r, w.locale)}" for r in refs)
            return make_answer(paragraphs(head, body), w.locale, refs=[f"i:{key}", *refs], confidence=confidence)
        if aspect == "responsible":
            commitments = [r for r in responsible if "h" not in r.ref and not r.ref.startswith(("p", "pr"))]
            hitos = [r for r in responsible if "h" in r.ref and "a" not in r.ref.split("h")[-1]]
            if not commitments and not hitos:
                head = w._("{name} no es responsable de ningún compromiso ni hito en las fuentes.", name=name)
            else:
                head = w._("{name} es responsable de:", name=name)
            asks_hitos = intent is not None and any(t in ("hito", "hitos") for t in intent.normalized.tokens)
            if asks_hitos and hitos:
                listed = [r.ref for r in hitos]
            else:
                led = {c.ref for c in commitments}
                listed = [r.ref for r in commitments] + [r.ref for r in hitos if r.ref.split("h")[0] not in led]
            lines = [f"- {self._ref_title(ref, w.locale, long='h' in ref)}" for ref in listed[:15]]
            if len(listed) > 15:
                lines.append(w._("y {n} más", n=len(listed) - 15))
            other = [r for r in roles if r.role != "responsible"]
            tail = w._("También aparece como apoyo en {n} lugares más.", n=len({r.ref for r in other})) if other else ""
            return make_answer(paragraphs(head, "\n".join(lines), tail, w.source_line(actor.source)), w.locale,
                               refs=[f"i:{key}", *(r.ref for r in commitments)], confidence=confidence)
        # about / participation / supporters / anything else: where the actor appears
        head = name
        if actor.description:
            head += "\n" + shorten(actor.description, 300)
        within = {t for t in (intent.topics if intent else []) if t.startswith("c") and t != "cat"}
        summary, details = self._appearances(key, w, within=within)
        return make_answer(paragraphs(head, summary, details, w.source_line(actor.source)), w.locale,
                           refs=[f"i:{key}"], confidence=confidence)

    def _appearances(self, key: str, w: Writer, detail_limit: int = 12, within: set[str] | None = None) -> tuple[str, str]:
        """Where an actor appears: one line per commitment / project / practice (every one, with its
        roles), then the hitos and activities in detail (up to `detail_limit`). With `within`
        (commitment refs the question names), only there when it appears there at all.
        Remembered per actor and language (roles and titles are the records' own text)."""
        memo_key = (key, w.locale, detail_limit, frozenset(within) if within else None)
        found = self._appearances_memo.get(memo_key)
        if found is None:
            if len(self._appearances_memo) >= 4096:
                self._appearances_memo.clear()
            found = self._appearances_memo[memo_key] = self._appearances_uncached(key, w, detail_limit, within)
        return found

    def _appearances_uncached(self, key: str, w: Writer, detail_limit: int, within: set[str] | None) -> tuple[str, str]:
        roles = self.actors.roles.get(key, [])
        if within:
            inside = [r for r in roles if any(r.ref == c or r.ref.startswith(c + "h") for c in within)]
            if not inside and roles:
                where = ", ".join(self._ref_title(c, w.locale) for c in sorted(within))
                note = w._("No aparece en {where}.", where=where)
                summary, details = self._appearances(key, w, detail_limit)
                return paragraphs(note, summary), details
            roles = inside
        if not roles:
            return w._("No aparece como responsable ni como apoyo en los planes que conozco."), ""
        labels = {"responsible": w._("responsable"), "government": w._("apoyo (gobierno)"), "osc": w._("apoyo (OSC)"),
                  "other": w._("apoyo (otros)"), "osc_group": w._("OSC y otros actores"),
                  "other_actor": w._("otros actores"), "partner": w._("socio"), "institution": w._("institución")}
        groups: dict[str, dict[str, list[str]]] = {}  # top ref -> role label -> hito numbers ("" = itself)
        detail_refs: dict[str, list[str]] = {}
        for r in roles:
            parsed = parse_ref(r.ref)
            top = f"c{parsed.commitment}" if parsed and parsed.commitment is not None else r.ref
            where = "" if top == r.ref else (str(parsed.hito) if parsed and parsed.activity is None else
                                               f"{parsed.hito}.{parsed.activity}" if parsed else "")
            groups.setdefault(top, {}).setdefault(labels.get(r.role, r.role), []).append(where)
            if top != r.ref:
                detail_refs.setdefault(r.ref, []).append(labels.get(r.role, r.role))
        lines = []
        for top, by_role in itertools.islice(groups.items(), MAX_SUMMARY_LINES):
            parts = []
            for label, places in by_role.items():
                numbers = [p for p in dict.fromkeys(places) if p]
                if "" in places or not numbers:
                    parts.append(label)
                else:
                    parts.append(w.n_("{role} en el hito {list}", "{role} en los hitos {list}", len(numbers),
                                      role=label, list=", ".join(numbers)))
            lines.append(f"- {shorten(self._ref_title(top, w.locale), 80)}: {'; '.join(parts)}")
        if len(groups) > MAX_SUMMARY_LINES:
            lines.append(w._("y {n} más", n=len(groups) - MAX_SUMMARY_LINES))
        summary = w.n_("Aparece en {n} compromiso o proyecto:", "Aparece en {n} compromisos o proyectos:", len(groups)) \
            + "\n" + "\n".join(lines)
        details = [f"- {self._ref_title(ref, w.locale, long=True)} ({', '.join(dict.fromkeys(rs))})"
                   for ref, rs in list(detail_refs.items())[:detail_limit]]
        if len(detail_refs) > detail_limit:
            details.append(w._("y {n} más", n=len(detail_refs) - detail_limit))
        return summary, (w._("En detalle:") + "\n" + "\n".join(details)) if details else ""



    def _project_answer(self, pr: Project, aspect: str, w: Writer, confidence: float = 1.0,
                        intent: object | None = None) -> Answer:
        name = pr.short_name or pr.title
        head = pr.title + (f" ({pr.short_name})" if pr.short_name and pr.short_name not in pr.title else "")
        period = pr.period_text or (w.period(pr.start, pr.end) if pr.start or pr.end else "")
        if w.locale != "es" and (pr.start or pr.end):
            period = w.period(pr.start, pr.end)  # the printed period is Spanish
        partners = [f"{p.actor}" + (f" ({p.country})" if p.country else "") + (f": {p.role}" if p.role else "") for p in pr.partners]
        components = [c.title + (" — " + "; ".join(c.expected_results) if c.expected_results else "") for c in pr.components]
        if aspect == "count" and intent is not None:
            aspect = next((a for a, words in PROJECT_COUNT_WORDS.items() if intent.says(*words)), "components")
        if aspect == "budget":
            if not pr.amount:
                return self._missing(w._("Las fuentes no dan el monto de {title}.", title=name), [], w)
            lines = [w._("Monto de {title}: {amount}.", title=name, amount=pr.amount), head]
        elif aspect == "dates":
            lines = [w._("Periodo de {title}: {period}.", title=name, period=period or w._("(sin fecha en la fuente)")), head]
        elif aspect in ("supporters", "responsible", "participation"):
            lines = [w._("Socios de {title}:", title=name) + "\n" + w.bullets(partners)] if partners else \
                [w._("Las fuentes no nombran socios de {title}; la ficha no dice quién lo financió.", title=name)]
            if pr.countries:
                lines.append(w._("Países: {names}", names=", ".join(pr.countries)))
        elif aspect == "results":
            results = pr.expected_results or [r for comp in pr.components for r in comp.expected_results]
            lines = [w._("Resultados esperados de {title}:", title=name) + "\n" + w.bullets(results)]
        elif aspect == "components":
            lines = [w.n_("{title} tiene {n} componente:", "{title} tiene {n} componentes:", len(components), title=name)
                     + "\n" + w.bullets(components)] if components else [w._("Las fuentes no detallan componentes de {title}.", title=name)]
        elif aspect == "lessons":
            if not pr.lessons_learned:
                return self._missing(w._("Las fuentes no dan lecciones aprendidas de {title}.", title=name), [], w)
            lines = [w._("Lecciones aprendidas de {title}:", title=name) + "\n" + w.bullets(pr.lessons_learned)]
        elif aspect == "achievements":
            items = pr.achievements or pr.activities
            if not items:
                return self._missing(w._("Las fuentes no dan logros de {title}.", title=name), [], w)
            lines = [w._("Avances y logros de {title}:", title=name) + "\n" + w.bullets(items, 8)]
        elif aspect == "pilots":
            if not pr.pilot_ministries:
                return self._missing(w._("Las fuentes no nombran ministerios piloto de {title}.", title=name), [], w)
            lines = [w.n_("{title} tuvo {n} ministerio piloto:", "{title} tuvo {n} ministerios piloto:",
                          len(pr.pilot_ministries), title=name) + "\n" + w.bullets(pr.pilot_ministries)]
        elif aspect == "objective":
            lines = [w._("Objetivo de {title}: {text}", title=name, text=pr.objective or w._("(sin dato en la fuente)"))]
            if pr.specific_objectives:
                lines.append(w._("Objetivos específicos:") + "\n" + w.bullets(pr.specific_objectives))
        elif aspect == "countries":
            lines = [w._("Países de {title}: {names}", title=name, names=", ".join(pr.countries) or w._("(sin dato en la fuente)"))]
        elif aspect in ("activities", "products"):
            items = pr.activities or [c.title for c in pr.components]
            lines = [w._("Actividades de {title}:", title=name) + "\n" + w.bullets(items, 8)]
        elif aspect in ("person", "contact"):
            return self._missing(w._("Las fuentes no dan ese dato de {title}.", title=name), [], w)
        else:
            lines = [head]
            if pr.reference_code:
                lines.append(w._("Código: {code}", code=pr.reference_code))
            if pr.objective:
                lines.append(w._("Objetivo: {text}", text=shorten(pr.objective, 400)))
            if period:
                lines.append(w._("Periodo: {period}", period=period))
            if pr.countries:
                lines.append(w._("Países: {names}", names=", ".join(pr.countries)))
            if pr.amount:
                lines.append(w._("Monto: {amount}", amount=pr.amount))
            if pr.pilot_ministries:
                lines.append(w._("Ministerios piloto: {names}", names="; ".join(pr.pilot_ministries)))
            if components:
                lines.append(w._("Componentes:") + "\n" + w.bullets([c.title for c in pr.components], 6))
            if partners:
                lines.append(w._("Socios:") + "\n" + w.bullets(partners, 6))
        return make_answer(paragraphs(*lines, w.source_line(pr.source)), w.locale, refs=[f"pr:{pr.key}"],
                           confidence=confidence, source=pr.source.document)

    def _practice_answer(self, pa: Practice, aspect: str, w: Writer, confidence: float = 1.0) -> Answer:
        lines = [pa.title, w._("Institución: {name}", name=w.names([pa.institution]))]
        if aspect == "contact":
            lines = [w._("Contacto de la práctica «{title}»: {contact}", title=pa.title,
                         contact=pa.contact or w._("(sin dato en la fuente)"))]
        else:
            for label, value in ((w._("Esfera"), pa.sphere), (w._("Descripción"), pa.description),
                                 (w._("Resultados"), pa.results), (w._("Beneficiarios"), pa.beneficiaries)):
                if value:
                    lines.append(f"{label}: {shorten(value, 400)}")
            if pa.ods:
                lines.append(w._("ODS: {list}", list=", ".join(str(n) for n in pa.ods)))
        source = w.source_line(pa.source) if pa.source else (pa.import_file or "")
        return make_answer(paragraphs(*lines, source), w.locale, refs=[f"p{pa.id}"], confidence=confidence)

    def _catalogue_answer(self, cat: CatalogueInfo, aspect: str, intent: object | None, w: Writer) -> Answer:
        publisher = w.names([cat.publisher]) if self.actors.resolve(cat.publisher) else cat.publisher
        asks_institutions = intent is not None and intent.says("instituciones", "institucion", "entidades", "institutions")
        if aspect == "count" or (asks_institutions and aspect in ("about", "responsible", "participation", "hitos")):
            if asks_institutions:
                head = w._("El {title} reúne prácticas de {n} instituciones públicas:", title=cat.title, n=cat.institution_count)
                body = w.bullets(cat.institution_breakdown)
            else:
                head = w._("El {title} contiene {n} buenas prácticas de {m} instituciones públicas.",
                           title=cat.title, n=cat.practice_count, m=cat.institution_count)
                body = ""
        elif aspect in ("person", "contact", "budget"):
            return self._missing(w._("Las fuentes no dan ese dato del catálogo."), [], w)
        elif aspect in ("responsible", "participation"):
            head, body = w._("El {title} lo publica {name}.", title=cat.title, name=publisher), ""
        elif aspect == "dates":
            head, body = w._("El {title} cubre el periodo {period}.", title=cat.title, period=cat.period_label), ""
        else:
            head = w._("{title}: {n} buenas prácticas de {m} instituciones públicas, publicado por {name}.",
                       title=cat.title, n=cat.practice_count, m=cat.institution_count, name=publisher)
            body = paragraphs(w._("Esferas: {list}", list=", ".join(cat.spheres)),
                              w._("Instituciones: {list}", list="; ".join(cat.institution_breakdown)))
        if self.data.practices:
            body = paragraphs(body, w.n_("Hay {n} práctica cargada en la base de datos.",
                                         "Hay {n} prácticas cargadas en la base de datos.", len(self.data.practices)))
        return make_answer(paragraphs(head, body, w.source_line(cat.source)), w.locale, refs=["cat"],
                           source=cat.source.document)


    def _lacks(self, text: str, found: Located, w: Writer, source: Source) -> Answer:
        body = paragraphs(text, self._entity_title(found, w), w.source_line(source))
        return make_answer(body, w.locale, kind="no_answer", refs=[found.ref], confidence=0.0,
                           choices=[Choice(shorten(self._ref_title(found.ref, w.locale), 60), found.ref)])

    def _missing(self, text: str, choices: list[Choice], w: Writer) -> Answer:
        return make_answer(text, w.locale, kind="no_answer", confidence=0.0, choices=choices[:8])


    def _commitment_choices(self, w: Writer, limit: int = MAX_CHOICES) -> list[Choice]:
        commitments = (c for p in self.plans() for c in p.commitments)
        return [Choice(shorten(w._("Compromiso {n}: {title}", n=c.number, title=c.short_title or c.title), 60), f"c{c.number}")
                for c in itertools.islice(commitments, limit)]

    def _choice_label(self, found: Located, w: Writer, width: int = 60) -> str:
        c, h, a = found.commitment, found.hito, found.activity
        if a and h:
            return shorten(w._("Compromiso {c}, hito {h}, actividad {a}: {text}", c=c.number, h=h.number, a=a.number, text=a.text), width)
        if h:
            return shorten(w._("Compromiso {c}, hito {h}: {text}", c=c.number, h=h.number, text=h.text), width)
        return shorten(w._("Compromiso {n}: {title}", n=c.number, title=c.short_title or c.title), width)

    def _ref_title(self, ref: str, locale: str = "es", long: bool = False) -> str:
        """A one-line human title for any ref (Spanish, as the source); `long` keeps more of a
        hito's or activity's own text (for lists that answer with the texts)."""
        parsed = parse_ref(ref)
        if parsed is None:
            return ref
        if parsed.kind in ("commitment", "hito", "activity"):
            found = self.locate(parsed)
            if not found:
                return ref
            return self._choice_label(found, Writer(locale, self.actors), 170 if long else 60)
        if parsed.kind == "actor" and parsed.key in self.actors.actors:
            a = self.actors.actors[parsed.key]
            return a.name + (f" ({a.acronym})" if a.acronym else "")
        if parsed.kind == "plan" and parsed.key in self._plans:
            return self._plans[parsed.key].title
        if parsed.kind == "project":
            pr = next((p for p in self.data.projects if p.key == parsed.key), None)
            return pr.title if pr else ref
        if parsed.kind == "practice":
            pa = next((p for p in self.data.practices if p.id == parsed.practice), None)
            return pa.title if pa else ref
        if parsed.kind == "catalogue" and self.data.catalogue:
            return self.data.catalogue.title
        if parsed.kind == "acronym" and parsed.key in self._acronyms:
            a = self._acronyms[parsed.key]
            return f"{a.acronym}: {a.expansion}"
        return ref

    def _source_label(self, plan: Plan | None, source: Source | None) -> str | None:
        if source is None:
            return None
        prefix = f"{plan.title} ({source.document})" if plan else source.document
        return f"{prefix}, {source.section}"
