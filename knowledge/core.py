"""The knowledge core: answers everyday questions from the knowledge base, never inventing.

`Knowledge(data)` is built once per process (it prebuilds the index, the actor directory and the
speller) and then answers: `.ask(question, locale=None) -> Answer`, `.card(ref, locale)` (the detail
card of an entity, for the bot's navigation and deep links), `.search(query, ...)` (inline mode),
and lookups (`plan`, `plans`, `commitment`, `hito`, `actor`, `statuses`, `progress`).
Routing: a plan the base does not hold (answered from the records that mention it, if any);
an attribute no source gives (a phone, a salary, the weather: refused, naming what is missing);
explicit numbers ("compromiso 3 hito 2", "hito 2 del 3"); acronym questions; projects (by name,
code or nickname, routed to the asked field); hitos and commitments named by their content;
numeric plan facts; actors, topic nicknames, the catalogue, the plan itself, and finally
retrieval. An answer only comes from a real match — otherwise the answer is kind "no_answer"
with the closest topics as choices.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.answers import Answer, Choice, Hit
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.i18n import normalize_locale
from knowledge.index import (
    ActorDirectory,
    Doc,
    Scored,
    SearchIndex,
    acronym_key,
)
from knowledge.normalize import Normalizer, fold_simple, load_lexicon
from knowledge.qa import QuestionAnswerer
from knowledge.refs import Ref, parse_ref
from knowledge.schema import (
    Acronym,
    Activity,
    Actor,
    CatalogueInfo,
    Commitment,
    Hito,
    KnowledgeData,
    PartialDate,
    Plan,
    PlanFact,
    Practice,
    Project,
    Source,
    StatusDef,
    ThematicTable,
)
from knowledge.understand import Intent, Understander

log = logging.getLogger(__name__)

MAX_CHOICES = 8
MAX_SUMMARY_LINES = 30  # commitments / projects listed for one actor (the shipped plans have 7)
MIN_COVERAGE = 0.6  # share of the question's meaningful words a record must contain
ROLE_WORDS = {  # what a text must contain to answer a person / contact / money question
    "person": ("secretari", "ministr", "director", "comisionad", "president", "jefe", "alcald"),
    "contact": ("telefon", "correo", "direccion", "www", "http", "@"),
    "budget": ("presupuest", "monto", "eur ", "q ", "quetzal", "dolar", "recursos financieros"),
}
FACT_KINDS = {"plan_fact", "catalogue_fact", "thematic_table"}
FACT_QUERY_NOISE = {"plan", "planes", "pan", "accion", "nacional", "compromisos", "compromiso", "hitos", "hito",
                    "actividades", "gobierno", "abierto", "tiene", "tienen", "hay", "6to", "sexto"}
PROJECT_ASPECTS = {"pilots", "lessons", "components", "achievements"}
SECTION_ASPECTS = {"problem", "solution", "objective", "done", "modifications"}  # a commitment's own texts
PROJECT_COUNT_WORDS = {"pilots": ("piloto", "pilotos", "ministerios"), "supporters": ("socios", "paises"),
                       "components": ("componentes",), "lessons": ("lecciones",), "achievements": ("logros",)}
COMMITMENT_ASPECTS = SECTION_ASPECTS | {"dates", "status", "results", "hitos", "count"}
STRUCTURED_ASPECTS = {"responsible", "supporters", "dates", "status", "results", "hitos", "activities",
                      "products", "participation"}


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


class Knowledge:
    """Answers questions about the plans, the catalogue and the projects of one KnowledgeData."""

    def __init__(self, data: KnowledgeData):
        self.data = data
        self.today = dt.date.today  # "which hitos are overdue" is asked of a day; tests set it
        self.lexicon = load_lexicon()
        stop = self.lexicon.stop_es | self.lexicon.stop_en
        self.index = SearchIndex.from_data(data, stopwords=stop)
        self.docs = self.index.docs
        common = stop | set(self.lexicon.english) | {w for ps in self.lexicon.aspects.values() for p in ps for w in p.split()}
        self.actors = ActorDirectory(data, stopwords=common)
        vocabulary = dict(self.index.vocabulary)
        for phrase in self.actors.by_phrase:
            for word in phrase.split():
                vocabulary[word] = vocabulary.get(word, 0) + 1
        self.normalizer = Normalizer(self.lexicon, vocabulary, known=self.index.knows_stem_of)
        self.understander = Understander(self.lexicon, self.normalizer, self.actors, data.acronyms, common,
                                         projects=data.projects)
        self._aspect_words = {w for ps in self.lexicon.aspects.values() for p in ps for w in p.split()}
        self._aspect_words |= {w for ps in self.lexicon.cues.values() for p in ps for w in p.split()}
        self._plans = {p.key: p for p in data.plans}
        self._kinds = {d.kind for d in self.docs}
        self._fact_texts = [(d, fold_simple(d.snippet)) for d in self.docs if d.kind in ("plan_fact", "catalogue_fact")]
        self._acronyms = {acronym_key(a.acronym): a for a in data.acronyms}
        self._statuses: dict[str, StatusDef] = {}
        self._hito_docs: dict[str, Doc] | None = None  # ref -> hito record, made on first use
        self._commitments: dict[tuple[str | None, int], Located] | None = None
        self._appearances_memo: dict[tuple[str, str, int, frozenset[str] | None], tuple[str, str]] = {}
        self.refresh_statuses()
        self._qa = QuestionAnswerer(self)  # reading, records, sentences: built once per knowledge base

    # --- lookups ----------------------------------------------------------------------------

    def refresh_statuses(self) -> None:
        self._statuses = {s.key: s for s in self.data.statuses}

    def data_changed(self) -> None:
        """Records of `data` were changed in place (a hito's status now, after a focal point's
        update): what is derived from them is worked out again."""
        self.refresh_statuses()
        self._appearances_memo.clear()

    def plans(self) -> list[Plan]:
        return sorted(self.data.plans, key=lambda p: (not p.current, -p.number))

    def plan(self, key: str) -> Plan | None:
        return self._plans.get(key)

    @property
    def current_plan(self) -> Plan | None:
        plans = self.plans()
        return plans[0] if plans else None

    def commitment(self, number: int, plan_key: str | None = None) -> Commitment | None:
        found = self._locate_commitment(number, plan_key)
        return found.commitment if found else None

    def hito(self, commitment: int, hito: int, plan_key: str | None = None) -> Hito | None:
        found = self._locate_commitment(commitment, plan_key)
        if not found:
            return None
        return next((h for h in found.commitment.hitos if h.number == hito), None)

    def actor(self, key: str) -> Actor | None:
        return self.actors.actors.get(key)

    def statuses(self) -> list[StatusDef]:
        return sorted(self.data.statuses, key=lambda s: s.order)

    def _status_of(self, hito: Hito) -> StatusDef | None:
        """A hito's status: its current one (history) first, else what the source states."""
        key = hito.current.status if hito.current is not None else (hito.status.status if hito.status else None)
        return self._statuses.get(key) if key else None

    def hito_progress(self, hito: Hito) -> int | None:
        """A hito's progress: a focal point's figure, else its status's implied one."""
        if hito.current is not None and hito.current.progress is not None:
            return hito.current.progress
        status = self._status_of(hito)
        return status.progress if status else None

    def progress(self, commitment: Commitment | int) -> int | None:
        """Roll-up: the mean progress of all hitos, an unknown one counting as 0 (not started
        as far as anyone can tell); None when no hito's progress is known at all."""
        c = self.commitment(commitment) if isinstance(commitment, int) else commitment
        if c is None or not c.hitos:
            return None
        values = [self.hito_progress(h) for h in c.hitos]
        if all(v is None for v in values):
            return None
        return round(sum(v or 0 for v in values) / len(values))

    def _locate_commitment(self, number: int, plan_key: str | None = None) -> Located | None:
        """Commitment `number` of the plan (default: the first plan, current first, that has one)."""
        if self._commitments is None:  # (plan key, number) and number -> where, made on first use
            by_key: dict[tuple[str | None, int], Located] = {}
            for plan in self.plans():
                for c in plan.commitments:
                    by_key.setdefault((plan.key, c.number), Located(plan, c))
                    by_key.setdefault((None, c.number), Located(plan, c))
            self._commitments = by_key
        return self._commitments.get((plan_key if plan_key in self._plans else None, number))

    def locate(self, ref: Ref) -> Located | None:
        if ref.commitment is None:
            return None
        found = self._locate_commitment(ref.commitment, ref.plan)
        if not found or ref.hito is None:
            return found
        h = next((x for x in found.commitment.hitos if x.number == ref.hito), None)
        if h is None:
            return None
        if ref.activity is None:
            return Located(found.plan, found.commitment, h)
        a = next((x for x in h.activities if x.number == ref.activity), None)
        return Located(found.plan, found.commitment, h, a) if a else None

    # --- public entry points ----------------------------------------------------------------

    def ask(self, question: str, locale: str | None = None, previous: str | None = None) -> Answer:
        """Answer one question; never raises (bad input gets a friendly answer).

        `previous`: the ref the last answer in this conversation was about, so a follow-up
        ("y cuándo termina?") continues with its subject."""
        loc = normalize_locale(locale) if locale else None
        try:
            return self._ask(question, loc, previous)
        except Exception:  # noqa: BLE001 - a question must never crash the bot
            log.exception("could not answer %r", question[:200] if isinstance(question, str) else question)
            w = Writer(loc or "es", self.actors)
            return make_answer(w._("Perdón, no pude procesar esa pregunta. ¿Puedes escribirla de otra forma?"),
                               w.locale, kind="invalid", confidence=0.0)

    def card(self, ref: Ref | str, locale: str = "es") -> Answer | None:
        """The detail card of an entity (navigation, deep links); None for an unknown ref."""
        try:
            return self._card(ref, locale)
        except Exception:  # noqa: BLE001 - a stale or forged ref must never crash the bot
            log.exception("could not build the card of %r", ref)
            return None

    def _card(self, ref: Ref | str, locale: str) -> Answer | None:
        parsed = parse_ref(ref) if isinstance(ref, str) else ref
        if parsed is None:
            return None
        w = Writer(normalize_locale(locale), self.actors)
        if parsed.kind in ("commitment", "hito", "activity"):
            found = self.locate(parsed)
            return self._entity_answer(found, "about", w, None, assumed=False) if found else None
        if parsed.kind == "plan":
            plan = self.plan(parsed.key or "")
            return self._plan_answer(plan, "about", w, None) if plan else None
        if parsed.kind == "actor":
            return self._actor_answer(parsed.key or "", "about", w, None) if parsed.key in self.actors.actors else None
        if parsed.kind == "acronym":
            acr = self._acronyms.get(parsed.key or "")
            return self._meaning_answer([acr], w) if acr else None
        if parsed.kind == "project":
            pr = next((p for p in self.data.projects if p.key == parsed.key), None)
            return self._project_answer(pr, "about", w) if pr else None
        if parsed.kind == "practice":
            pa = next((p for p in self.data.practices if p.id == parsed.practice), None)
            return self._practice_answer(pa, "about", w) if pa else None
        if parsed.kind == "catalogue" and self.data.catalogue:
            return self._catalogue_answer(self.data.catalogue, "about", None, w)
        return None

    def search(self, query: str, limit: int = 50, offset: int = 0, locale: str = "es") -> list[Hit]:
        """Records matching a query (inline mode), best first, one hit per entity."""
        if not isinstance(query, str) or not query.strip():
            return []
        norm = self.normalizer.normalize(query)
        results = self.index.search(norm.canonical, limit=200, query_text=" ".join(norm.tokens))
        hits: list[Hit] = []
        seen: set[str] = set()
        for s in results:
            if s.doc.ref in seen or s.doc.kind == "passage" and s.doc.ref in seen:
                continue
            seen.add(s.doc.ref)
            kind = {"plan_fact": "plan", "thematic_table": "plan", "catalogue_fact": "catalogue",
                    "passage": parse_ref(s.doc.ref).kind if parse_ref(s.doc.ref) else "commitment"}.get(s.doc.kind, s.doc.kind)
            title = s.doc.title if s.doc.kind != "passage" else self._ref_title(s.doc.ref, normalize_locale(locale))
            hits.append(Hit(ref=s.doc.ref, kind=kind, title=shorten(title, 100), snippet=shorten(s.doc.snippet, 200),
                            score=round(s.score, 3)))
        return hits[offset:offset + limit]

    # --- routing ----------------------------------------------------------------------------

    def _ask(self, question: object, locale: str | None, previous: str | None = None) -> Answer:
        if not isinstance(question, str) or not question.strip():
            w = Writer(locale or "es", self.actors)
            return self._invalid(w)
        if self._qa is None:
            self._qa = QuestionAnswerer(self)
        return self._qa.ask(question, locale, previous)

    def help_text(self, locale: str = "es") -> str:
        """What the bot can be asked, with examples (the chat's "ayuda")."""
        return self._invalid(Writer(normalize_locale(locale), self.actors)).text

    def _invalid(self, w: Writer) -> Answer:
        text = w._("Hola. Pregúntame por los planes de Gobierno Abierto de Guatemala o el catálogo de "
                   "cooperación, por ejemplo: «¿quién es responsable del hito 2 del compromiso 3?», "
                   "«¿qué significa ICEFI?» o «¿cuándo termina el plan?».")
        return make_answer(text, w.locale, kind="invalid", confidence=0.0)

    def _plan_key(self, intent: Intent) -> tuple[str | None, bool]:
        """(plan key, the plan was assumed) for the question."""
        if intent.plan_number is not None:
            return f"pan{intent.plan_number}", False
        return None, True

    def _route(self, intent: Intent, w: Writer) -> Answer:
        plan_key, assumed = self._plan_key(intent)
        if plan_key and plan_key not in self._plans:
            return self._other_plan(intent, w)
        if intent.missing:
            refused = self._unanswerable(intent, w)
            if refused is not None:
                return refused
        if intent.commitment is not None:
            return self._explicit(intent, plan_key, assumed, w)
        if intent.hito is not None:
            return self._hito_without_commitment(intent, plan_key, w)
        if intent.aspect == "overdue" and not intent.topics:
            plan = self._plans.get(plan_key or "") or self.current_plan
            if plan is not None:  # "q hitos estan atrasados" / "... del MSPAS"
                return self._overdue_in_plan(plan, intent.actors[:1], w, assumed=plan_key is None or assumed)
        if intent.aspect == "budget" and intent.says("proyecto", "proyectos") and not intent.topics:
            pr = self._project_by_aspect("budget")  # the one project whose sources give an amount
            if pr is not None:
                return self._project_answer(pr, "budget", w, intent=intent)
        if intent.aspect == "meaning" and (intent.acronyms or intent.actors):
            return self._meaning_for(intent, w)
        if intent.projects:
            pr = self._project(intent.projects[0])
            if pr is not None:
                return self._project_answer(pr, intent.aspect, w, intent=intent)
        if intent.aspect in PROJECT_ASPECTS:
            pr = self._project_by_aspect(intent.aspect)
            if pr is not None:
                return self._project_answer(pr, intent.aspect, w, intent=intent)
        named_hito = self._hito_by_content(intent, w) if intent.says("hito") else None
        if named_hito is not None:
            return named_hito
        extra = self._content(intent.rest)
        if intent.aspect in ("count", "dates") and not intent.topics and intent.count_target not in ("commitments", "hitos"):
            fact = self._fact_with_number(intent, w)  # "cuantas OSC participaron en la cocreacion"
            if fact is not None:
                return fact
        commitment_refs = [t for t in intent.topics if t.startswith("c") and t != "cat"]
        if intent.actors and commitment_refs and intent.aspect in COMMITMENT_ASPECTS:
            return self._topic_answer(intent, plan_key, assumed, w)  # "q ha hecho el MINTRAB en movilidad laboral"
        if intent.actors and intent.aspect in SECTION_ASPECTS:
            led = self._led_commitment(intent.actors[0])
            if led is not None:
                return self._entity_answer(led, intent.aspect, w, intent, assumed=led.plan.current)
        if intent.actors and not (intent.topics and intent.aspect in ("dates", "status", "results", "hitos")):
            return self._actor_answer(intent.actors[0], intent.aspect, w, intent)
        if intent.acronyms:
            if intent.aspect in ("meaning", "about") and not extra:
                return self._meaning_answer(intent.acronyms, w)
            found = self._retrieve(intent, [], w, extra_tokens=[fold_simple(a.acronym) for a in intent.acronyms],
                                   kinds=self._kinds - {"acronym"})
            return found or self._meaning_answer(intent.acronyms, w)
        if not intent.topics and intent.says("compromiso") and extra:
            named = self._commitment_by_content(intent, extra, w)
            if named is not None:
                return named
        if intent.topics:
            if intent.topics == ["cat"] and self.data.catalogue is not None:
                return self._catalogue_answer(self.data.catalogue, intent.aspect, intent, w)
            better = self._retrieve(intent, intent.topics, w) if extra else None
            if better is not None:
                return better
            return self._topic_answer(intent, plan_key, assumed, w)
        if (intent.plan_number is not None or intent.mentions_plan) and not self._content(
                intent.rest, drop={"plan", "planes", "accion", "nacional", "gobierno", "abierto", "vigente", "actual"}):
            plan = self._plans.get(plan_key or "") or self.current_plan
            return self._plan_answer(plan, intent.aspect, w, intent, assumed=plan_key is None)
        if intent.aspect == "count" and intent.count_target and (not extra or intent.count_target == "tables"):
            return self._count_without_entity(intent, w)
        found = self._retrieve(intent, [], w)
        return found if found is not None else self._no_answer(intent, w)

    # --- routing helpers ----------------------------------------------------------------------

    def _project(self, key: str) -> Project | None:
        return next((p for p in self.data.projects if p.key == key), None)

    def _project_by_aspect(self, aspect: str) -> Project | None:
        """The one project that has the asked field ('q ministerios fueron piloto' -> the one with pilots)."""
        field_of = {"pilots": "pilot_ministries", "lessons": "lessons_learned", "components": "components",
                    "achievements": "achievements", "budget": "amount"}
        having = [p for p in self.data.projects if getattr(p, field_of[aspect], None)]
        return having[0] if len(having) == 1 else None

    def _led_commitment(self, actor_key: str) -> Located | None:
        """The one commitment an actor is responsible for (None when it leads none or several)."""
        refs = {r.ref for r in self.actors.roles.get(actor_key, []) if r.role == "responsible"
                and parse_ref(r.ref) is not None and parse_ref(r.ref).kind == "commitment"}
        if len(refs) != 1:
            return None
        parsed = parse_ref(next(iter(refs)))
        return self.locate(parsed) if parsed else None

    def _hito_by_content(self, intent: Intent, w: Writer) -> Answer | None:
        """'el hito del observatorio cuando termina': the hito whose text has the question's words."""
        words = [t for t in self._content(intent.normalized.canonical) if t not in ("hito", "hitos")]
        if not words:
            return None
        results = self.index.search(words, limit=8, kinds={"hito"}, query_text=" ".join(words))
        if not results or results[0].coverage < MIN_COVERAGE:  # the words may be an activity's: its hito
            parents: dict[str, Scored] = {}
            for r in self.index.search(words, limit=8, kinds={"activity"}, query_text=" ".join(words)):
                hito_ref = r.doc.ref.rsplit("a", 1)[0]
                if hito_ref not in parents:
                    parents[hito_ref] = Scored(self._hito_doc(hito_ref) or r.doc, r.score, r.coverage, r.fuzzy)
            results = list(parents.values()) or results
        topic_commitments = {t for t in intent.topics if t.startswith("c") and t != "cat"}
        if topic_commitments:
            results = [r for r in results if r.doc.ref.split("h")[0] in topic_commitments] or results
        good = [r for r in results if r.coverage >= MIN_COVERAGE]
        if not good:
            return None
        best = good[0]
        close = [r for r in good[1:4] if r.coverage >= best.coverage - 1e-9 and r.score >= best.score * 0.9]
        if close:
            return self._choices(w._("Encontré varios hitos con esas palabras. ¿Cuál buscas?"),
                                 [Choice(shorten(self._ref_title(r.doc.ref, w.locale), 60), r.doc.ref)
                                  for r in [best, *close]], w, confidence=best.coverage * 0.8)
        parsed = parse_ref(best.doc.ref)
        found = self.locate(parsed) if parsed else None
        if found is None:
            return None
        return self._entity_answer(found, intent.aspect, w, intent, assumed=found.plan.current,
                                   confidence=0.5 + 0.5 * best.coverage)

    def _hito_doc(self, ref: str) -> Doc | None:
        if self._hito_docs is None:
            self._hito_docs = {d.ref: d for d in self.docs if d.kind == "hito"}
        return self._hito_docs.get(ref)

    def _commitment_by_content(self, intent: Intent, words: list[str], w: Writer) -> Answer | None:
        """'el problema del compromiso de datos': the commitment whose title has the other words."""
        results = self.index.search(words, limit=4, kinds={"commitment"}, query_text=" ".join(words))
        if not results or results[0].coverage < MIN_COVERAGE:
            return None
        best = results[0]
        if len(results) > 1 and results[1].coverage >= best.coverage and results[1].score >= best.score * 0.9:
            return None
        parsed = parse_ref(best.doc.ref)
        found = self.locate(parsed) if parsed else None
        if found is None:
            return None
        return self._entity_answer(found, intent.aspect, w, intent, assumed=found.plan.current,
                                   confidence=0.5 + 0.5 * best.coverage)

    def _fact_with_number(self, intent: Intent, w: Writer) -> Answer | None:
        """'cuantas OSC participaron en la cocreacion', 'cuando se valido la actualizacion': the plan or
        catalogue fact with the question's content words that states a number or a date."""
        words = self._content(intent.normalized.canonical, drop=FACT_QUERY_NOISE)
        if not words:
            return None
        results = self.index.search(words, limit=8, kinds=FACT_KINDS, query_text=" ".join(words))
        results = [r for r in results if r.coverage >= MIN_COVERAGE and any(ch.isdigit() for ch in r.doc.snippet)]
        if not results:
            return None
        best = max(results, key=lambda r: (round(r.coverage, 2), r.score))
        return self._doc_answer(best, intent, w)

    def _unanswerable(self, intent: Intent, w: Writer) -> Answer | None:
        """A question for an attribute the sources never give: refuse and say what is missing.
        Office holders and budgets are answered where a record states them (None: route on)."""
        attribute = intent.missing or ""
        if attribute == "official" and intent.actors:
            actor = self.actors.actors[intent.actors[0]]
            fact = self._fact_about(actor, "person", intent.missing_phrase)
            if fact is not None:
                return self._fact_answer(fact, w)
        return self._refusal(attribute, self._entity_name(intent, w), w)

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

    def _entity_name(self, intent: Intent, w: Writer) -> str:
        """A short name for the entity a question is about ('SEGEPLAN', 'el compromiso 3'), or ''."""
        if intent.actors:
            a = self.actors.actors[intent.actors[0]]
            return a.acronym or a.name
        if intent.acronyms:
            return intent.acronyms[0].acronym
        if intent.projects:
            pr = self._project(intent.projects[0])
            return (pr.short_name or pr.title) if pr else ""
        if intent.commitment is not None:
            found = self._locate_commitment(intent.commitment)
            if found:
                h = next((x for x in found.commitment.hitos if x.number == intent.hito), None)
                return w.subject_label(found.commitment, h).lower() if w.locale == "es" else \
                    w.subject_label(found.commitment, h)
        if "cat" in intent.topics and self.data.catalogue:
            return self.data.catalogue.title
        return ""

    def _other_plan(self, intent: Intent, w: Writer) -> Answer:
        """A plan the knowledge base does not hold: the records that mention it, else a refusal."""
        number = intent.plan_number or 0
        mentions = self._plan_mentions(number)
        if intent.commitment is not None:
            named = re.compile(rf"\bcompromiso (?:numero )?{intent.commitment}\b")
            exact = [ref for ref in mentions if named.search(self._record_text(ref))]
            mentions = exact or mentions
        if not mentions:
            return self._no_plan(number, w)
        head = w.n_("No tengo el plan {p}, pero {n} registro lo menciona:", "No tengo el plan {p}, pero {n} registros lo mencionan:",
                    len(mentions), p=number)
        lines = [f"- {self._ref_title(ref, w.locale, long=True)}" for ref in mentions[:MAX_CHOICES]]
        if len(mentions) > MAX_CHOICES:
            lines.append(w._("y {n} más", n=len(mentions) - MAX_CHOICES))
        return make_answer(paragraphs(head, "\n".join(lines)), w.locale, refs=mentions, confidence=0.7)

    def _record_text(self, ref: str) -> str:
        """The folded own text of a commitment-tree record."""
        parsed = parse_ref(ref)
        found = self.locate(parsed) if parsed else None
        if found is None:
            return ""
        item = found.activity or found.hito
        return fold_simple(item.text if item else found.commitment.title)

    def _plan_mentions(self, number: int) -> list[str]:
        """Refs of the hitos, activities and commitments whose text names the plan number `number`."""
        forms = {str(number)} | {w for w, n in self.lexicon.ordinals.items() if n == number} | \
                {w for w, n in self.lexicon.roman.items() if n == number and len(w) > 1}
        forms |= {f"{number}{suffix}" for suffix in ("er", "ro", "o", "to", "do", "vo", "mo", "no")}
        alternatives = "|".join(sorted(forms, key=len, reverse=True))
        pattern = re.compile(rf"\b(?:{alternatives})\s+(?:plan|pan)\b|\b(?:plan|pan)\s+(?:de accion nacional\s+)?"
                             rf"(?:de gobierno abierto\s+)?(?:{alternatives})\b")
        refs: list[str] = []
        # only records that say "plan" and the number (as a word, or as digits when they are indexed)
        with_plan = set(self.index.docs_with_word("plan", "pan"))
        with_number = set(self.index.docs_with_word(*(f for f in forms if not f.isdigit() or len(f) > 1)))
        for doc_id in sorted(with_plan & with_number):
            doc = self.docs[doc_id]
            if doc.kind == "hito" and doc.ref not in refs and pattern.search(fold_simple(doc.title)):
                refs.append(doc.ref)
        return refs

    def _content(self, tokens: Iterable[str], drop: set[str] = frozenset()) -> list[str]:
        """The words that say what the question is about (no function, aspect or entity words)."""
        stop = self.lexicon.stop_es | self.lexicon.stop_en
        return [t for t in tokens if t not in stop and t not in self._aspect_words and t not in drop
                and t not in self.lexicon.numbered_words and not t.isdigit() and len(t) > 1]

    def _explicit(self, intent: Intent, plan_key: str | None, assumed: bool, w: Writer) -> Answer:
        found = self._locate_commitment(intent.commitment or 0, plan_key)
        if found is None:
            return self._missing(w._("No tengo un compromiso {n} en los planes que conozco.", n=intent.commitment),
                                 self._commitment_choices(w), w)
        assumed = assumed and found.plan.current
        if intent.hito is None:
            return self._entity_answer(found, intent.aspect, w, intent, assumed)
        h = next((x for x in found.commitment.hitos if x.number == intent.hito), None)
        if h is None:
            return self._missing(
                w.n_("El compromiso {c} tiene {n} hito; no hay hito {h}.", "El compromiso {c} tiene {n} hitos; no hay hito {h}.",
                     len(found.commitment.hitos), c=found.commitment.number, h=intent.hito),
                [Choice(self._choice_label(Located(found.plan, found.commitment, x), w), f"c{found.commitment.number}h{x.number}")
                 for x in found.commitment.hitos], w)
        located = Located(found.plan, found.commitment, h)
        if intent.activity is not None:
            a = next((x for x in h.activities if x.number == intent.activity), None)
            if a is None:
                return self._missing(w._("{what} no tiene actividad {a} en las fuentes.",
                                         what=w.subject_label(found.commitment, h), a=intent.activity),
                                     [Choice(self._choice_label(Located(found.plan, found.commitment, h, x), w),
                                             f"c{found.commitment.number}h{h.number}a{x.number}") for x in h.activities], w)
            located = Located(found.plan, found.commitment, h, a)
        return self._entity_answer(located, intent.aspect, w, intent, assumed)

    def _hito_without_commitment(self, intent: Intent, plan_key: str | None, w: Writer) -> Answer:
        candidates: list[Located] = []
        refs = [t for t in intent.topics if t.startswith("c")]
        for key in intent.actors:
            refs += [r.ref for r in self.actors.roles.get(key, []) if r.role == "responsible" and "h" not in r.ref]
        for ref in dict.fromkeys(refs):
            parsed = parse_ref(ref)
            found = self.locate(parsed) if parsed else None
            if found:
                candidates.append(found)
        if len(candidates) != 1:
            plans = [self._plans[plan_key]] if plan_key in self._plans else self.plans()
            candidates = candidates or [Located(p, c) for p in plans for c in p.commitments][:200]
        options = []
        for found in candidates:
            h = next((x for x in found.commitment.hitos if x.number == intent.hito), None)
            if h:
                options.append(Located(found.plan, found.commitment, h))
        if len(options) == 1:
            return self._entity_answer(options[0], intent.aspect, w, intent, assumed=plan_key is None)
        if not options:
            return self._missing(w._("No encuentro un hito {h} con esos datos.", h=intent.hito),
                                 self._commitment_choices(w), w)
        return self._choices(w._("¿De qué compromiso? Hay un hito {h} en varios:", h=intent.hito),
                             [Choice(self._choice_label(o, w), o.ref) for o in options], w)

    def _topic_answer(self, intent: Intent, plan_key: str | None, assumed: bool, w: Writer) -> Answer:
        refs = list(dict.fromkeys(intent.topics))
        if len(refs) > 1:
            choices = []
            for ref in refs:
                label = self._ref_title(ref, w.locale)
                choices.append(Choice(shorten(label, 60), ref))
            return self._choices(w._("Tu pregunta toca varios temas. ¿Cuál de estos?"), choices, w)
        ref = refs[0]
        if ref == "cat":
            if self.data.catalogue is None:
                return self._no_answer(intent, w)
            return self._catalogue_answer(self.data.catalogue, intent.aspect, intent, w)
        parsed = parse_ref(ref)
        found = self.locate(parsed) if parsed else None
        if found is None:
            return self._no_answer(intent, w)
        return self._entity_answer(found, intent.aspect, w, intent, assumed=assumed and found.plan.current)

    # --- retrieval --------------------------------------------------------------------------

    def _retrieve(self, intent: Intent, topic_refs: list[str], w: Writer,
                  extra_tokens: list[str] | None = None, kinds: set[str] | None = None) -> Answer | None:
        """Answer from the best record retrieval finds, or None when nothing matches well enough.

        With topic_refs, retrieval only overrides the topic when the question's other words name
        something more precise (a thematic table, a plan fact) and that record contains them all."""
        tokens = self._content(intent.rest) + list(extra_tokens or [])
        if topic_refs:
            extra_stems, _ = self.index.query_stems(tokens)
            if not extra_stems:
                return None
            tokens = self._content(intent.normalized.canonical)
        if not tokens:
            return None
        results = self.index.search(tokens, limit=8, query_text=" ".join(tokens), kinds=kinds)
        if not results:
            return None
        if intent.plan_number is not None:  # "del 6to plan": that plan's records first
            plan_key = f"pan{intent.plan_number}"
            results.sort(key=lambda r: (r.doc.plan == plan_key and r.coverage >= MIN_COVERAGE), reverse=True)
        best = results[0]
        threshold = 0.8 if topic_refs else MIN_COVERAGE
        if best.coverage < threshold:
            return None
        if topic_refs:
            if best.doc.kind in ("commitment", "hito", "activity", "actor", "acronym", "passage"):
                return None  # the topic already names that tree; let the topic answer it
            if not all(self.index.has(best.doc.id, st) for st in extra_stems):
                return None
        ambiguous = [s for s in results[1:5] if s.doc.ref != best.doc.ref and s.coverage >= best.coverage - 1e-9
                     and s.score >= best.score * 0.92 and s.doc.kind == best.doc.kind
                     and s.doc.kind in ("hito", "commitment", "activity", "project", "practice")]
        if ambiguous:
            options = [best, *ambiguous]
            return self._choices(w._("Encontré varias coincidencias. ¿Cuál buscas?"),
                                 [Choice(shorten(self._ref_title(s.doc.ref, w.locale), 60), s.doc.ref) for s in options], w,
                                 confidence=best.coverage * 0.8)
        return self._doc_answer(best, intent, w)

    def _doc_answer(self, hit: Scored, intent: Intent, w: Writer) -> Answer | None:
        doc = hit.doc
        confidence = 0.5 + 0.5 * hit.coverage
        aspect = intent.aspect
        if aspect in ROLE_WORDS and doc.kind in ("plan_fact", "catalogue_fact", "thematic_table", "passage", "plan"):
            if not any(word in fold_simple(doc.snippet) for word in ROLE_WORDS[aspect]):
                return None  # the record is on topic but does not give a name, a phone or an amount
        if doc.kind in ("commitment", "hito", "activity") or (doc.kind == "passage" and aspect in STRUCTURED_ASPECTS):
            parsed = parse_ref(doc.ref)
            if parsed and parsed.kind == "project":
                pr = next((p for p in self.data.projects if p.key == parsed.key), None)
                return self._project_answer(pr, aspect, w, confidence) if pr else None
            found = self.locate(parsed) if parsed else None
            if found is None:
                return None
            return self._entity_answer(found, aspect, w, intent, assumed=found.plan.current, confidence=confidence)
        if doc.kind == "actor":
            return self._actor_answer(doc.ref[2:], aspect, w, intent, confidence)
        if doc.kind == "acronym":
            return self._meaning_answer([doc.payload], w)  # type: ignore[list-item]
        if doc.kind == "project":
            return self._project_answer(doc.payload, aspect, w, confidence)  # type: ignore[arg-type]
        if doc.kind == "practice":
            return self._practice_answer(doc.payload, aspect, w, confidence)  # type: ignore[arg-type]
        if doc.kind == "catalogue":
            return self._catalogue_answer(doc.payload, aspect, intent, w)  # type: ignore[arg-type]
        if doc.kind == "plan":
            return self._plan_answer(doc.payload, aspect, w, intent, assumed=False)  # type: ignore[arg-type]
        if doc.kind in ("plan_fact", "catalogue_fact"):
            return self._fact_answer(doc, w, confidence)
        if doc.kind == "thematic_table":
            return self._table_answer(doc, w, confidence)
        if doc.kind == "passage":
            return self._passage_answer(doc, w, confidence)
        return None

    # --- answers: plans, commitments, hitos, activities --------------------------------------

    def _entity_answer(self, found: Located, aspect: str, w: Writer, intent: Intent | None,
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

    def _dates_text(self, found: Located, label: str, w: Writer, intent: Intent | None) -> str:
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

    # --- past their end date ----------------------------------------------------------------

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

    def _count_text(self, found: Located, intent: Intent | None, w: Writer) -> str:
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

    def _plan_answer(self, plan: Plan | None, aspect: str, w: Writer, intent: Intent | None,
                     assumed: bool = False) -> Answer:
        if plan is None:
            return self._no_answer(intent, w) if intent else self._invalid(w)
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

    def _count_without_entity(self, intent: Intent, w: Writer) -> Answer:
        target = intent.count_target
        if target in ("practices", "institutions") and self.data.catalogue:
            return self._catalogue_answer(self.data.catalogue, "count", intent, w)
        if target == "tables" and self.current_plan and self.current_plan.thematic_tables:
            plan = self.current_plan
            head = w.n_("El {title} tuvo {n} mesa temática:", "El {title} tuvo {n} mesas temáticas:",
                        len(plan.thematic_tables), title=plan.title)
            body = "\n".join(f"- {t.number}. {t.topic} ({w.date(t.date)})" for t in plan.thematic_tables)
            return make_answer(paragraphs(head, body, w.source_line(plan.source)), w.locale, refs=[f"plan:{plan.key}"])
        if target == "plans":
            head = w.n_("Tengo información de {n} plan:", "Tengo información de {n} planes:", len(self.data.plans))
            body = "\n".join(f"- {p.title}" for p in self.plans())
            return make_answer(paragraphs(head, body), w.locale, refs=[f"plan:{p.key}" for p in self.plans()])
        plan = self.current_plan
        if plan is None or target not in ("commitments", "hitos"):
            found = self._retrieve(intent, [], w)
            return found or self._no_answer(intent, w)
        return self._plan_answer(plan, "count", w, intent, assumed=True)

    # --- answers: actors, acronyms, projects, practices, catalogue, facts --------------------

    def _meaning_for(self, intent: Intent, w: Writer) -> Answer:
        if intent.acronyms:
            return self._meaning_answer(intent.acronyms, w)
        actor = self.actors.actors[intent.actors[0]]
        records = [a for a in self.data.acronyms if a.actor == actor.key]
        if records:
            return self._meaning_answer(records, w)
        return self._actor_answer(actor.key, "about", w, intent)

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
        project = self.understander.project_named(first.acronym)
        if project is not None:
            pr = self._project(project)
            where = paragraphs(pr.title, w._("Periodo: {period}", period=pr.period_text or w.period(pr.start, pr.end))) if pr else ""
            refs.append(f"pr:{project}")
        sources = "\n".join(dict.fromkeys(w.source_line(r.source) for r in same))
        return make_answer(paragraphs(head, body, where, sources), w.locale, refs=refs, source=first.source.document,
                           facts={"expansion": expansions[0]})

    def _actor_answer(self, key: str, aspect: str, w: Writer, intent: Intent | None,
                      confidence: float = 1.0) -> Answer:
        actor = self.actors.actors[key]
        name = w.names([actor.name]) if not actor.acronym else f"{actor.name} ({actor.acronym})"
        roles = self.actors.roles.get(key, [])
        if aspect in ("person", "contact", "budget"):
            fact = self._fact_about(actor, aspect)
            if fact is None:
                attribute = (intent.missing if intent else None) or {"person": "official"}.get(aspect, aspect)
                return self._refusal(attribute, actor.acronym or actor.name, w)
            return self._fact_answer(fact, w, confidence)
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

    def _fact_about(self, actor: Actor, aspect: str, phrase: str | None = None) -> Doc | None:
        """A plan or catalogue fact that names the actor and the asked role word (a person, a phone);
        with `phrase` (the role as asked: "secretaria general"), the fact must contain it."""
        words = (phrase,) if phrase else ROLE_WORDS[aspect]
        names = {fold_simple(actor.name), fold_simple(actor.acronym or "")} - {""}
        for doc, text in self._fact_texts:
            if any(n in text for n in names) and any(wd in text for wd in words):
                return doc
        return None

    def _fact_answer(self, doc: Doc, w: Writer, confidence: float = 1.0) -> Answer:
        fact: PlanFact = doc.payload  # type: ignore[assignment]
        plan = self._plans.get(doc.plan or "")
        lines = [fact.text, w._("Plan: {title}.", title=plan.title) if plan else "", w.source_line(fact.source)]
        return make_answer(paragraphs(*lines), w.locale, refs=[doc.ref], confidence=confidence,
                           source=self._source_label(plan, fact.source))

    def _table_answer(self, doc: Doc, w: Writer, confidence: float) -> Answer:
        table: ThematicTable = doc.payload  # type: ignore[assignment]
        plan = self._plans.get(doc.plan or "")
        head = w._("La mesa temática {n} ({topic}) fue el {date}.", n=table.number, topic=table.topic, date=w.date(table.date))
        if table.place:
            head += " " + w._("Lugar: {place}.", place=table.place)
        return make_answer(paragraphs(head, w.plan_line(plan, False), w.source_line(plan.source if plan else None)),
                           w.locale, refs=[doc.ref], confidence=confidence)

    def _passage_answer(self, doc: Doc, w: Writer, confidence: float) -> Answer:
        parsed = parse_ref(doc.ref)
        found = self.locate(parsed) if parsed else None
        if found:
            where, source, plan = self._entity_title(found, w), found.commitment.source, found.plan
        else:
            pr = next((p for p in self.data.projects if f"pr:{p.key}" == doc.ref), None)
            where, source, plan = (pr.title if pr else ""), (pr.source if pr else None), None
        head = w._("Según la fuente: «{text}»", text=doc.snippet)
        return make_answer(paragraphs(head, where, w.plan_line(plan, False), w.source_line(source)), w.locale,
                           refs=[doc.ref], confidence=confidence * 0.9, source=self._source_label(plan, source))

    def _project_answer(self, pr: Project, aspect: str, w: Writer, confidence: float = 1.0,
                        intent: Intent | None = None) -> Answer:
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

    def _catalogue_answer(self, cat: CatalogueInfo, aspect: str, intent: Intent | None, w: Writer) -> Answer:
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
        elif (fact := self._catalogue_fact(intent)) is not None:
            return self._fact_answer(fact, w)
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

    def _catalogue_fact(self, intent: Intent | None) -> Doc | None:
        """The catalogue fact with the question's other words (ODS, principios, cuerpo diplomático)."""
        if intent is None:
            return None
        words = [t for t in self._content(intent.normalized.canonical)
                 if t not in ("catalogo", "cooperacion", "buenas", "practicas", "internacional")]
        if not words:
            return None
        results = self.index.search(words, limit=4, kinds={"catalogue_fact"}, query_text=" ".join(words))
        return results[0].doc if results and results[0].coverage >= MIN_COVERAGE else None

    # --- no answer, choices -----------------------------------------------------------------

    def _lacks(self, text: str, found: Located, w: Writer, source: Source) -> Answer:
        body = paragraphs(text, self._entity_title(found, w), w.source_line(source))
        return make_answer(body, w.locale, kind="no_answer", refs=[found.ref], confidence=0.0,
                           choices=[Choice(shorten(self._ref_title(found.ref, w.locale), 60), found.ref)])

    def _missing(self, text: str, choices: list[Choice], w: Writer) -> Answer:
        return make_answer(text, w.locale, kind="no_answer", confidence=0.0, choices=choices[:8])

    def _no_plan(self, number: int, w: Writer) -> Answer:
        known = ", ".join(p.title for p in self.plans())
        return self._missing(w._("No tengo información del plan {n}. Conozco: {known}.", n=number, known=known),
                             [Choice(shorten(p.title, 60), f"plan:{p.key}") for p in self.plans()], w)

    def _no_answer(self, intent: Intent | None, w: Writer) -> Answer:
        suggestions: list[Choice] = []
        if intent is not None:
            tokens = self._content(intent.normalized.canonical)
            seen: set[str] = set()
            for s in self.index.search(tokens, limit=20) if tokens else []:
                ref = s.doc.ref
                parsed = parse_ref(ref)
                if parsed and parsed.kind in ("hito", "activity"):
                    ref = f"c{parsed.commitment}"
                if ref in seen:
                    continue
                seen.add(ref)
                suggestions.append(Choice(shorten(self._ref_title(ref, w.locale), 60), ref))
                if len(suggestions) == 3:
                    break
        if not suggestions:
            suggestions = self._commitment_choices(w)[:4]
        text = paragraphs(
            w._("Las fuentes que tengo no responden eso (los planes de acción de Gobierno Abierto, el catálogo de "
                "cooperación y dos proyectos de cooperación). No quiero inventar una respuesta."),
            w._("Temas cercanos:") + "\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(suggestions, 1)))
        return make_answer(text, w.locale, kind="no_answer", confidence=0.0, choices=suggestions)

    def _choices(self, text: str, choices: list[Choice], w: Writer, confidence: float = 0.5) -> Answer:
        choices = choices[:MAX_CHOICES]
        listing = "\n".join(f"{i}. {c.label}" for i, c in enumerate(choices, 1))
        return make_answer(paragraphs(text, listing), w.locale, kind="choices", choices=choices, confidence=confidence)

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
