"""Profiles: how the records outside the commitments are written out — a plan, an acronym, an
institution and where it appears, a cooperation project, a catalogue practice, the catalogue.

`Profiles` is part of `knowledge.core.Knowledge` (with `knowledge.cards.Cards` for the
commitments' records); the bot's cards and the question-answering pipeline use them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from knowledge.answers import Answer
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.index import acronym_key
from knowledge.normalize import fold_simple
from knowledge.ods import ods_name
from knowledge.refs import (
    CATALOGUE,
    acronym_ref,
    actor_ref,
    commitment_of,
    is_record,
    kind_of,
    parse_ref,
    plan_ref,
    practice_ref,
    project_ref,
)
from knowledge.refs import (
    within as within_ref,
)
from knowledge.schema import (
    Acronym,
    CatalogueInfo,
    Plan,
    Practice,
    Project,
)

MAX_SUMMARY_LINES = 30  # commitments / projects listed for one actor (the shipped plans have 7)
PROJECT_COUNT_WORDS = {"pilots": ("piloto", "pilotos", "ministerios"), "supporters": ("socios", "paises"),
                       "components": ("componentes",), "lessons": ("lecciones",), "achievements": ("logros",)}


@dataclass(frozen=True)
class Profiles:
    """Writers of plan, acronym, institution, project, practice and catalogue answers; mixed into
    Knowledge with Cards."""

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
        return make_answer(paragraphs(head, *body, *tail), w.locale, refs=[plan_ref(plan.key)],
                           source=self._source_label(plan, plan.source))

    def _meaning_answer(self, records: list[Acronym], w: Writer) -> Answer:
        first = records[0]
        same = [r for r in records if fold_simple(r.acronym) == fold_simple(first.acronym)]
        expansions = list(dict.fromkeys(r.expansion for r in same))
        head = w._("{acronym} significa {expansion}.", acronym=first.acronym, expansion=expansions[0])
        body = ""
        if len(expansions) > 1:
            body = w._("En las fuentes también aparece como:") + "\n" + "\n".join(f"- {e}" for e in expansions[1:])
        refs = [acronym_ref(acronym_key(first.acronym))]
        where = ""
        if first.actor and first.actor in self.actors.actors:
            refs.append(actor_ref(first.actor))
            where, _ = self._appearances(first.actor, w)
        project = self._project_named(first.acronym)
        if project is not None:
            pr = self._project(project)
            where = paragraphs(pr.title, w._("Periodo: {period}", period=pr.period_text or w.period(pr.start, pr.end))) if pr else ""
            refs.append(project_ref(project))
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
                                          w.source_line(actor.source)), w.locale, refs=[actor_ref(key)])
        projects = {r.ref for r in roles if kind_of(r.ref) == "project"}
        if roles and len(projects) == 1 and all(kind_of(r.ref) == "project" for r in roles) and aspect in (
                "supporters", "dates", "budget", "results", "objective", "participation"):
            pr = next(p for p in self.data.projects if project_ref(p.key) == next(iter(projects)))
            return self._project_answer(pr, aspect, w, confidence)
        responsible = [r for r in roles if r.role == "responsible"]
        if aspect == "count" and intent and intent.count_target in ("commitments", "hitos"):
            want_hitos = intent.count_target == "hitos"
            refs = [r.ref for r in responsible if kind_of(r.ref) == ("hito" if want_hitos else "commitment")]
            head = (w.n_("{name} es responsable de {n} hito.", "{name} es responsable de {n} hitos.", len(refs), name=name)
                    if want_hitos else
                    w.n_("{name} es responsable de {n} compromiso.", "{name} es responsable de {n} compromisos.", len(refs), name=name))
            body = "\n".join(f"- {self._ref_title(r, w.locale)}" for r in refs)
            return make_answer(paragraphs(head, body), w.locale, refs=[actor_ref(key), *refs], confidence=confidence)
        if aspect == "responsible":
            commitments = [r for r in responsible if kind_of(r.ref) == "commitment"]
            hitos = [r for r in responsible if kind_of(r.ref) == "hito"]
            if not commitments and not hitos:
                head = w._("{name} no es responsable de ningún compromiso ni hito en las fuentes.", name=name)
            else:
                head = w._("{name} es responsable de:", name=name)
            asks_hitos = intent is not None and any(t in ("hito", "hitos") for t in intent.normalized.tokens)
            if asks_hitos and hitos:
                listed = [r.ref for r in hitos]
            else:
                led = {c.ref for c in commitments}
                listed = [r.ref for r in commitments] + [r.ref for r in hitos if commitment_of(r.ref) not in led]
            lines = [f"- {self._ref_title(ref, w.locale, long=kind_of(ref) == 'hito')}" for ref in listed[:15]]
            if len(listed) > 15:
                lines.append(w._("y {n} más", n=len(listed) - 15))
            other = [r for r in roles if r.role != "responsible"]
            tail = w._("También aparece como apoyo en {n} lugares más.", n=len({r.ref for r in other})) if other else ""
            return make_answer(paragraphs(head, "\n".join(lines), tail, w.source_line(actor.source)), w.locale,
                               refs=[actor_ref(key), *(r.ref for r in commitments)], confidence=confidence)
        # about / participation / supporters / anything else: where the actor appears
        head = name
        if actor.description:
            head += "\n" + shorten(actor.description, 300)
        inside = {t for t in (intent.topics if intent else []) if is_record(t)}
        summary, details = self._appearances(key, w, within=inside)
        return make_answer(paragraphs(head, summary, details, w.source_line(actor.source)), w.locale,
                           refs=[actor_ref(key)], confidence=confidence)

    def _appearances(self, key: str, w: Writer, detail_limit: int = 12, within: set[str] | None = None) -> tuple[str, str]:
        """Where an actor appears: one line per commitment / project / practice (every one, with its
        roles), then the hitos and activities in detail (up to `detail_limit`). With `within`
        (commitment refs the question names), only there when it appears there at all."""
        roles = self.actors.roles.get(key, [])
        if within:
            inside = [r for r in roles if any(within_ref(r.ref, c) for c in within)]
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
            top = str(parsed.up_to("commitment")) if parsed and parsed.is_record else r.ref
            where = "" if top == r.ref else (str(parsed.hito) if parsed and parsed.activity is None else
                                               f"{parsed.hito}.{parsed.activity}" if parsed else "")
            groups.setdefault(top, {}).setdefault(labels.get(r.role, r.role), []).append(where)
            if top != r.ref:
                detail_refs.setdefault(r.ref, []).append(labels.get(r.role, r.role))
        practices = [top for top in groups if kind_of(top) == "practice"]  # the catalogue's practices it offers
        offered = [f"- {shorten(self._ref_title(top, w.locale), 80)}" for top in practices[:MAX_SUMMARY_LINES]]
        if len(practices) > MAX_SUMMARY_LINES:
            offered.append(w._("y {n} más", n=len(practices) - MAX_SUMMARY_LINES))
        groups = {top: by_role for top, by_role in groups.items() if top not in practices}
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
            + "\n" + "\n".join(lines) if groups else ""
        if offered:
            summary = paragraphs(summary, w.n_("Ofrece {n} práctica del catálogo:", "Ofrece {n} prácticas del catálogo:",
                                               len(practices)) + "\n" + "\n".join(offered))
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
                          len(pr.pilot_ministries), title=name) + "\n" + w.bullets(w.names([m]) for m in pr.pilot_ministries)]
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
                lines.append(w._("Ministerios piloto: {names}", names="; ".join(w.names([m]) for m in pr.pilot_ministries)))
            if components:
                lines.append(w._("Componentes:") + "\n" + w.bullets([c.title for c in pr.components], 6))
            if partners:
                lines.append(w._("Socios:") + "\n" + w.bullets(partners, 6))
        return make_answer(paragraphs(*lines, w.source_line(pr.source)), w.locale, refs=[project_ref(pr.key)],
                           confidence=confidence, source=pr.source.document)

    def _practice_answer(self, pa: Practice, aspect: str, w: Writer, confidence: float = 1.0) -> Answer:
        lines = [pa.title, w._("Institución: {name}", name=w.names([pa.institution]))]
        if aspect == "contact":
            lines = [w._("Contacto de la práctica «{title}»: {contact}", title=pa.title,
                         contact=pa.contact or w._("(sin dato en la fuente)"))]
        else:
            for label, value, width in ((w._("Esfera"), pa.sphere, 80), (w._("Descripción"), pa.description, 300),
                                        (w._("Resultados"), pa.results, 250), (w._("Beneficiarios"), pa.beneficiaries, 200)):
                if value:
                    lines.append(f"{label}: {shorten(value, width)}")
            if pa.ods:
                lines.append(w._("ODS: {list}", list=", ".join(f"{n} ({ods_name(n, w.locale)})" for n in pa.ods)))
            lines.append(w._("Contacto: {contact}", contact=pa.contact or w._("el archivo del catálogo no lo da")))
        source = w.source_line(pa.source) if pa.source else (pa.import_file or "")
        return make_answer(paragraphs(*lines, source), w.locale, refs=[practice_ref(pa.id)], confidence=confidence)

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
            dated = next((f for f in cat.facts if f.topic == "communique"), None)  # the release that made it known
            if dated is not None:
                body = w._("Según la fuente: «{text}»", text=dated.text)
        else:
            head = w._("{title}: {n} buenas prácticas de {m} instituciones públicas, publicado por {name}.",
                       title=cat.title, n=cat.practice_count, m=cat.institution_count, name=publisher)
            body = paragraphs(w._("Esferas: {list}", list=", ".join(cat.spheres)),
                              w._("Instituciones: {list}", list="; ".join(cat.institution_breakdown)))
        if self.data.practices:
            body = paragraphs(body, w.n_("Hay {n} práctica cargada en la base de datos.",
                                         "Hay {n} prácticas cargadas en la base de datos.", len(self.data.practices)))
        return make_answer(paragraphs(head, body, w.source_line(cat.source)), w.locale, refs=[CATALOGUE],
                           source=cat.source.document)

    def _project_named(self, name: str) -> str | None:
        """The key of the project whose short name or code is `name` (an acronym such as PRODEV)."""
        folded = fold_simple(name)
        for pr in self.data.projects:
            if folded in {fold_simple(pr.short_name or ""), fold_simple(pr.reference_code or "")} - {""}:
                return pr.key
        return None
