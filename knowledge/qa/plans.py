"""A plan as a whole: its card and dates; a plan the sources do not hold (what the loaded plans
say of it, or a plain refusal); where a record comes from in an earlier plan; and the list of
hitos past their end date.

A mixin of `QuestionAnswerer` (knowledge.qa.answerer).
"""

from __future__ import annotations

import re

from knowledge.answers import Answer
from knowledge.compose import Writer, make_answer, paragraphs
from knowledge.qa import pieces
from knowledge.qa.reading import Query
from knowledge.qa.resolving import ACCEPT_RECORD
from knowledge.qa.sentences import names_a_plan, plan_marks
from knowledge.refs import (
    is_record,
    parse_ref,
    plan_key,
    plan_number,
    plan_ref,
)

_CLAUSES = re.compile(r"[?¿;]|,?\s+(?:y|and)\s+")  # the parts of a question that asks two things


class PlanAnswers:
    def _about_plan(self, q: Query) -> bool:
        """'cuándo termina el 6to plan': the plan itself, not something in it."""
        generic = {"gobierno", "abierto", "accion", "nacional", "pan", "guatemala", "action", "open", "government",
                   "vigente", "vigencia"}
        return bool(q.asks) and set(q.content) <= generic and not q.actors

    def plan_answer(self, q: Query, w: Writer) -> Answer:
        k = self.k
        plan = k.plan(plan_key(q.plan))
        lines = []
        if q.asks_any("dates", "start", "end") or not q.asks_any("count", "hitos"):
            period = w.period(plan.start, plan.end) if plan.start or plan.end else plan.period_label
            lines.append(w._("Vigencia: {period}.", period=period))
            if plan.end and plan.end.last_day() < k.today():
                lines.append(w._("Ya terminó; es el plan más reciente de mis fuentes.") if plan is k.plans()[0]
                             else w._("Ya terminó."))
        if q.asks_any("count", "hitos") or not q.asks_any("dates", "start", "end"):
            n = sum(len(c.hitos) for c in plan.commitments)
            lines.append(w._("Tiene {c} compromisos y {n} hitos en mis fuentes.", c=len(plan.commitments), n=n))
        text = paragraphs(plan.title, "\n".join(lines), self.cite(plan.source, w))
        return make_answer(text, w.locale, refs=[plan_ref(plan.key)], source=plan.source.document if plan.source else None)

    # --- resolving --------------------------------------------------------------------------


    # --- sentences --------------------------------------------------------------------------

    def _earlier_plan_sentence(self, q: Query):
        """"de qué plan anterior viene la mesa", "qué antecedente tiene el hito de la Contraloría": the
        sentence that names an earlier action plan by its ordinal ("en el marco del 5to. Plan …"),
        of the record asked about when one is found, else of all the sources; or None."""
        folded = " " + " ".join(q.tokens) + " "
        cues = [c for c in self.k.lexicon.cues.get("earlier_plan", ()) if f" {c} " in folded]
        if q.plan is not None or not cues:
            return None
        said = {x for c in cues for x in c.split()}
        sub = Query(**{**q.__dict__, "content": tuple(x for x in q.content if x not in said), "answer_type": None})
        newest = max((p.number for p in self.k.plans()), default=0)
        found, _others = self.resolve(sub)
        theirs = found is not None and any(self.k.actors.roles_at(key, found.ref) for key in q.actors)
        if found is not None and is_record(found.ref) and (found.explicit or found.coverage >= ACCEPT_RECORD or theirs):
            before = plan_number(parse_ref(found.ref).plan or "") or newest
            marks = tuple(m for n in range(1, before) for m in plan_marks(n))
            texts = self.sentences.texts
            own = [texts[j] for j in self._sentences_under.get(found.ref, ()) if names_a_plan(texts[j].text, marks)]
            if own:
                return own[0], found.coverage
        marks = tuple(m for n in range(1, newest) for m in plan_marks(n))
        said_plan = self.best_sentence(sub, None, extra=("plan",), must=marks)
        return said_plan if said_plan is not None and names_a_plan(said_plan[0].text, marks) else None

    def _other_plan(self, q: Query, w: Writer) -> Answer:
        marks = plan_marks(q.plan or 0)
        extra = ("plan",) + (("compromiso", str(q.commitment)) if q.commitment else ())

        def names_the_plan(found) -> bool:  # "su primer Plan de Acción", not "el primer año"
            return found is not None and names_a_plan(found[0].text, marks)

        sentence = self.best_sentence(q, None, extra=extra, must=marks)
        sentence = sentence if names_the_plan(sentence) else None
        for part in _CLAUSES.split(q.original) if sentence is None else ():
            # "¿desde qué año es miembro? ¿y su primer plan de qué año es?": the part about that plan
            sub = self.reader.read(part)
            if sub.plan == q.plan and len(sub.content) < len(q.content):
                sentence = self.best_sentence(sub, None, extra=extra, must=marks)
                if names_the_plan(sentence):
                    break
                sentence = None
        if sentence is not None:
            return self.sentence_answer(q, sentence, w)  # (with the other part's sentence, if it is another)
        known = ", ".join(p.title for p in self.k.plans())
        text = w._("Mis fuentes no dicen nada del plan {n}; solo tengo: {known}.", n=q.plan, known=known)
        return make_answer(text, w.locale, kind="no_answer", confidence=0.0)

    def overdue_answer(self, q: Query, w: Writer) -> Answer:
        """Past their end date and not recorded as completed: one hito, a commitment, a plan,
        or the hitos an institution is responsible for."""
        k = self.k
        found, _ = self.resolve(q)
        if found is not None and found.explicit and (r := parse_ref(found.ref)) and r.hito:
            loc = k.locate(r)
            text = paragraphs(k._hito_due_text(loc, w), pieces.header(loc, w),
                              self.cite(loc.hito.source, w, found.ref, loc.plan))
            return make_answer(text, w.locale, refs=[found.ref])
        plan = k.plan(plan_key(q.plan)) if q.plan else None
        only = None
        topics = [r for t in self._topic_refs(q) if (r := parse_ref(t)) and r.kind == "commitment"]
        if q.commitment is not None:
            loc = k._locate_commitment(q.commitment, plan.key if plan else None)
        else:
            loc = k.locate(topics[0]) if topics and (plan is None or topics[0].plan == plan.key) else None
        if loc is not None:
            plan, only = loc.plan, loc.commitment
        plan = plan or k.current_plan
        return k._overdue_in_plan(plan, q.actors[:1], w, assumed=q.plan is None, only=only)
