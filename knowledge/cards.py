"""Cards: how a record is written out — a commitment's, hito's or activity's detail card, an
institution's appearances, a project, the catalogue, a plan, an acronym, the overdue hitos, and
the refusals that name what the sources lack.

`Cards` is the writing half of `knowledge.core.Knowledge` (which holds the lookups): the bot's
navigation and deep links show these cards, and the question-answering pipeline
(knowledge.qa) uses them for the records whose whole card is the answer.
"""

from __future__ import annotations

import datetime as dt

from knowledge.answers import Answer, Choice
from knowledge.clock import local_day
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.lookups import Located, heading
from knowledge.progress import is_overdue, reported
from knowledge.refs import commitment_ref, parse_ref, plan_ref
from knowledge.schema import (
    Commitment,
    Hito,
    PartialDate,
    Plan,
    Source,
)

MAX_CHOICES = 8
SECTION_ASPECTS = {"problem", "solution", "objective", "done", "modifications"}  # a commitment's own texts


class Cards:
    """Writers of cards and record answers; mixed into Knowledge, which provides the lookups
    (`data`, `actors`, `plans()`, `locate`, `progress`, `hito_progress`, `_status_of`, ...)."""

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
            tail[1] = w.plan_source(tail[1], self._reporters(found))
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
        return heading(found, w.locale)

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
        text = paragraphs(head, "\n".join(lines), w.plan_line(found.plan, assumed),
                          w.plan_source(w.source_line(source), self._reporters(found) if not a else []))
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
        """Past its end date and not recorded as completed (knowledge.progress)."""
        return is_overdue(h, self._statuses, today)

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
            counted = [(c, h) for c, h in counted
                       if Located(plan, c, h).ref in mine or Located(plan, c).ref in mine]
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
            return commitment_ref(plan.key, c.number)
        # one commitment asked about: its card; the plan: the plan's, and a button per commitment listed
        refs = [ref_of(only)] if only is not None else [plan_ref(plan.key)]
        choices = [] if only is not None else [
            Choice(self._choice_label(Located(plan, c), w), ref_of(c)) for c in late[:MAX_CHOICES]]
        documents = sorted({h.source.document for c in scope for h in c.hitos if h.source})
        sources = w._("Fuente: la fecha de fin y el estado de cada hito ({documents}).",
                      documents=", ".join(documents)) if documents else w.source_line(plan.source)
        body = paragraphs(head + ("\n" + "\n".join(lines) if lines else ""), note,
                          w.plan_line(plan, assumed), sources)
        return make_answer(body, w.locale, refs=refs, source=self._source_label(plan, plan.source),
                           facts={"overdue": len(overdue), "total": total}, choices=choices)

    def _reporters(self, found: Located) -> list[str]:
        """Who reported the statuses a record's answer shows (its hito, or its commitment's hitos)."""
        hitos = [found.hito] if found.hito is not None else found.commitment.hitos
        return [r.author or "" for h in hitos if (r := reported(h)) is not None]

    def _status_line(self, h: Hito, w: Writer) -> str:
        rep = reported(h)
        if rep is not None:  # a focal point's update: who reported it and when, not the plan
            st = self._statuses.get(rep.status)
            progress = self.hito_progress(h)
            line = w._("Estado: {status}", status=w.status_name(st, rep.status))
            if progress is not None:
                line += f" ({progress} %)"
            who = rep.author or w._("un enlace institucional")
            line += ", " + (w._("según {who}, {date}", who=who, date=w.date(PartialDate.parse(local_day(rep.since))))
                            if rep.since else w._("según {who}", who=who))
            if rep.note:
                line += ". " + w._("Nota: {note}", note=shorten(rep.note, 160))
            return line
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

    def _lacks(self, text: str, found: Located, w: Writer, source: Source) -> Answer:
        body = paragraphs(text, self._entity_title(found, w), w.source_line(source))
        return make_answer(body, w.locale, kind="no_answer", refs=[found.ref], confidence=0.0,
                           choices=[Choice(shorten(self._ref_title(found.ref, w.locale), 60), found.ref)])

    def _missing(self, text: str, choices: list[Choice], w: Writer) -> Answer:
        return make_answer(text, w.locale, kind="no_answer", confidence=0.0, choices=choices[:8])

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
            return self._choice_label(found, self.writer(locale), 170 if long else 60)
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
