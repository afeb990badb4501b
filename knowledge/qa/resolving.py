"""Resolving what a question is about: explicit numbers first, then the records ranked by
subject words, nicknames and the institutions named together; a hito number alone offers the
commitments that have one.

`Resolver` is part of `QuestionAnswerer` (knowledge.qa.answerer), which provides the records'
ranker (`subjects`) and the knowledge base (`k`).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.answers import Answer, Choice
from knowledge.cards import Located
from knowledge.compose import Writer, make_answer, shorten
from knowledge.qa.reading import Query
from knowledge.qa.values import _folded
from knowledge.refs import (
    hito_of,
    hito_ref,
    is_record,
    kind_of,
    parse_ref,
    plan_key,
    plan_number,
    project_ref,
    record_ref,
    within,
)

ACCEPT_RECORD = 0.5  # share of the question's subject words a record must hold to be chosen by subject
RECORD_KINDS = frozenset({"plan", "commitment", "hito", "activity", "project", "catalogue"})


def _of_a_record(t) -> bool:
    """A subject text of a record (not an institution's or an acronym's: those are for search)."""
    return t.kind in RECORD_KINDS


@dataclass
class Found:
    """What a question resolved to: a record ref with how sure we are."""

    ref: str
    score: float  # bm25 plus boosts
    coverage: float  # share of the question's subject words the record holds (nicknames included)
    explicit: bool = False
    raw: float = 1.0  # the share its own words hold (no nickname or institution boosts)


class Resolver:

    @staticmethod
    def _under(texts) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            out.setdefault(t.ref, []).append(i)
            r = parse_ref(t.ref)
            if r is not None and r.commitment and (r.hito or r.activity):
                out.setdefault(str(r.up_to("commitment")), []).append(i)
                if r.activity:
                    out.setdefault(str(r.up_to("hito")), []).append(i)
        return out

    def _topic_refs(self, q: Query) -> tuple[str, ...]:
        return q.topics

    def resolve(self, q: Query, previous: str | None = None) -> tuple[Found | None, list[Found]]:
        """The record the question is about, and close alternatives."""
        k = self.k
        plan = plan_key(q.plan) if q.plan else None
        if q.commitment is not None:
            base = k._locate_commitment(q.commitment, plan)
            if base is None:
                return None, []
            ref = base.ref
            if q.hito is not None:
                h = next((x for x in base.commitment.hitos if x.number == q.hito), None)
                if h is None:
                    return None, []
                ref = Located(base.plan, base.commitment, h).ref
                if q.activity is not None and (a := next((x for x in h.activities if x.number == q.activity), None)):
                    return Found(Located(base.plan, base.commitment, h, a).ref, 99, 1.0, True), []
                if q.content and h.activities and "activity" not in q.plural and (
                        "activity" in q.named or q.asks_any("product", "verification")):
                    inner = self._rank(q, lambda t: t.kind == "activity" and within(t.ref, ref))
                    if inner and inner[0].coverage >= ACCEPT_RECORD:
                        return Found(inner[0].ref, inner[0].score, inner[0].coverage, True), []
                return Found(ref, 99, 1.0, True), []
            if q.content and ("hito" in q.named and "hito" not in q.plural or "activity" in q.named):
                inner = self._rank(q, lambda t: t.ref != ref and within(t.ref, ref))
                if inner and inner[0].coverage >= ACCEPT_RECORD:
                    return Found(inner[0].ref, inner[0].score, inner[0].coverage, True), []
            return Found(ref, 99, 1.0, True), []
        kinds = self._kinds_named(q)
        ranked = self._rank(q, None if kinds is None and plan is None and q.hito is None else (
            lambda t: (kinds is None or t.kind in kinds) and (plan is None or t.plan in (plan, None))
            and (q.hito is None or getattr(parse_ref(t.ref), "hito", None) == q.hito)))
        follow_up = previous and parse_ref(previous) and q.asks and len(q.subject) <= 2
        if not ranked:
            return (Found(previous, 1, 1.0, True), []) if follow_up else (None, [])
        best = ranked[0]
        # as good by score, and holding more of the question in its own words (not through the
        # commitment it is in): "el hito de revisar las plataformas" is the hito that says "revisar"
        fuller = [r for r in ranked[1:4] if r.score >= 0.85 * best.score and r.raw >= best.raw + 0.15
                  and r.coverage >= best.coverage and not within(best.ref, r.ref)]  # (not the one holding it)
        if fuller:
            best = max(fuller, key=lambda r: (r.raw, r.score))
        if is_record(best.ref) and "commitment" not in q.named:
            topical = bool(self._topic_refs(q))
            deeper = [r for r in ranked[1:8] if within(r.ref, best.ref) and r.ref != best.ref
                      and (r.coverage >= max(ACCEPT_RECORD, best.coverage - 0.1) if not topical
                           else r.raw >= 0.75 and r.raw >= best.raw + 0.2)]
            if deeper:
                best = deeper[0]
        if best.coverage < ACCEPT_RECORD and q.actors:
            # "lo de los portales, qué le toca a SENACYT": the record where the institution has a role
            held = [r for r in ranked[1:6] if r.coverage >= ACCEPT_RECORD and within(best.ref, r.ref)]
            if held:
                best = held[0]
        if best.coverage < ACCEPT_RECORD:
            # nearly as good by score, and holding the question where the first does not: "el hito de portales,
            # qué papel tiene el INAP" (the hito where the INAP has a role, not another about portals)
            close = [r for r in ranked[1:6] if r.coverage >= ACCEPT_RECORD and r.score >= 0.7 * best.score]
            if close:
                best = close[0]
        if "hito" in q.named and "hito" not in q.plural and "activity" in q.plural and kind_of(best.ref) == "activity":
            # "cuántas actividades tiene el hito de …": found by one of its activities, the hito is asked
            best = Found(hito_of(best.ref) or best.ref, best.score, best.coverage, raw=best.raw)
        if best.coverage < ACCEPT_RECORD and follow_up:
            return Found(previous, 1, 1.0, True), []
        others = [r for r in ranked[1:4] if r.score >= 0.85 * best.score and not within(r.ref, best.ref)]
        return best, others

    def _kinds_named(self, q: Query) -> set[str] | None:
        if "activity" in q.named or (q.asks_any("product", "verification") and not q.asks_any("results")):
            return {"activity", "hito"}
        if q.hito is not None:
            return {"hito"}
        each = bool({"cada", "each"} & set(q.tokens))  # "quién lidera cada hito del compromiso de …"
        if "hito" in q.plural or ("commitment" in q.named and (q.asks_any("status") or each)):
            return {"commitment"}  # "¿el compromiso de … ya cumplió algún hito?": the commitment's hitos
        if "hito" in q.named:
            return {"hito"}
        if "commitment" in q.named and "commitment" not in q.plural:
            return {"commitment"}
        return None

    def _rank(self, q: Query, wanted=None) -> list[Found]:
        """Records by subject words, nicknames and the institutions named, best first; `wanted`:
        which records may be found (a predicate on the subject), None for any record."""
        if wanted is None:  # (any record: ranked against a set of ids, no Python call per text)
            keep, allowed = _of_a_record, self._record_subjects
        else:
            keep = allowed = lambda t: t.kind in RECORD_KINDS and wanted(t)  # noqa: E731 - actors etc. are for search
        terms = self.subjects.terms(q.subject)
        texts = self.subjects.texts
        scores: dict[str, list[float]] = {}
        unknown = self.subjects.unknown_mass(q.subject)
        for bm25, coverage, i in self.subjects.rank(terms, allowed, limit=40, unknown=unknown):
            scores[texts[i].ref] = [bm25, coverage]
        raw = {ref: v[1] for ref, v in scores.items()}
        boost = max((v[0] for v in scores.values()), default=1.0) or 1.0
        for ref in self._topic_refs(q):
            for i in self._subjects_under.get(ref, ()):
                t = texts[i]
                if keep(t):
                    entry = scores.setdefault(t.ref, [0.0, 0.0])
                    entry[0] += 0.5 * boost if t.ref == ref else 0.25 * boost
                    entry[1] = min(1.0, entry[1] + (0.5 if t.ref == ref else 0.3))
        said = set(q.tokens)
        for pr in self.k.data.projects:  # a project named by its short name or code ("el PRODEV")
            if not said.intersection(_folded(x) for x in (pr.short_name, pr.reference_code) if x):
                continue
            i = self._subject_at.get(project_ref(pr.key))
            if i is not None and keep(texts[i]):
                entry = scores.setdefault(project_ref(pr.key), [0.0, 0.0])
                entry[0] += boost
                entry[1] = min(1.0, entry[1] + 0.5)
        if "commitment" in q.named and "commitment" not in q.plural and not q.topics:
            for key in q.actors:  # "el compromiso del MINTRAB": the commitment it leads
                for role in self.k.actors.roles.get(key, []):
                    i = self._subject_at.get(role.ref)
                    if role.role == "responsible" and i is not None and texts[i].kind == "commitment" and keep(texts[i]):
                        entry = scores.setdefault(role.ref, [0.0, 0.0])
                        entry[0] += boost
                        entry[1] = min(1.0, entry[1] + 0.5)
        # an institution named that has a role in a record is a word of the question it holds
        total = (self.subjects.idf_of(terms) + unknown) or 1.0
        for key in q.actors:
            actor = self.k.actors.actors[key]
            own = self.subjects.terms(_folded(f"{actor.acronym or ''} {actor.name}").split())
            named = {s: v for s, v in terms.items() if s in own}
            for ref in dict.fromkeys(r.ref for r in self.k.actors.roles.get(key, [])):
                i = self._subject_at.get(ref)
                if i is None or ref not in scores or not keep(texts[i]):
                    continue
                unsaid = {s: v for s, v in named.items() if s not in texts[i].stems}
                scores[ref][1] = min(1.0, scores[ref][1] + self.subjects.idf_of(unsaid) / total)
            for role in self.k.actors.roles.get(key, []):
                i = self._subject_at.get(role.ref)
                if i is None or not keep(texts[i]):
                    continue
                entry = scores.setdefault(role.ref, [0.0, 0.0])
                entry[0] += (0.3 if role.role == "responsible" else 0.1) * boost
        found = [Found(ref, s, c, raw=raw.get(ref, 0.0)) for ref, (s, c) in scores.items()]
        found.sort(key=lambda f: (-f.score, len(f.ref)))
        return found

    def _hito_choices(self, q: Query, w: Writer) -> Answer | None:
        """'hito 2' with no commitment: which commitment's? (choices, unless the words decide)."""
        having = [(p, c) for p in self.k.plans() for c in p.commitments if any(h.number == q.hito for h in c.hitos)]
        candidates = [hito_ref(p.key, c.number, q.hito) for p, c in having]
        periods = {hito_ref(p.key, c.number, q.hito): p.period_label for p, c in having} \
            if len({p.key for p, _c in having}) > 1 else {}  # several plans: which one's, in the label
        if len(candidates) <= 1:
            return None
        if q.content or q.actors or self._topic_refs(q):
            ranked = self._rank(q, lambda t: t.ref in candidates)
            if ranked and ranked[0].coverage >= ACCEPT_RECORD:
                return None
        text = w._("¿De qué compromiso? Hay un hito {n} en varios:", n=q.hito)
        choices = [Choice(shorten(" · ".join(filter(None, (periods.get(ref), self._label(ref, w)))), 60), ref)
                   for ref in candidates[:8]]
        text += "\n\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(choices, 1))
        return make_answer(text, w.locale, kind="choices", choices=choices, confidence=0.5)

    def _plan_choices(self, q: Query, w: Writer, previous: str | None = None) -> tuple[Query, Answer | None]:
        """'compromiso 3' with no plan when several plans number one 3: the plan of the last
        answer if it has one, else which plan's? (choices). The query unchanged and None when
        only one plan has it (every shipped plan numbers its commitments apart)."""
        if q.commitment is None or q.plan:
            return q, None
        plans = [p for p in self.k.plans_with(q.commitment)
                 if q.hito is None or self.k.hito(q.commitment, q.hito, p.key) is not None]
        if len(plans) <= 1:
            return q, None
        last = parse_ref(previous) if previous else None
        if last is not None and last.plan in {p.key for p in plans}:
            return Query(**{**q.__dict__, "plan": plan_number(last.plan)}), None
        refs = [record_ref(p.key, q.commitment, q.hito) for p in plans]
        text = w._("¿De qué plan? Hay un compromiso {n} en varios:", n=q.commitment)
        choices = [Choice(shorten(f"{p.period_label} · {self._label(ref, w)}", 60), ref)
                   for p, ref in zip(plans[:8], refs, strict=False)]
        text += "\n\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(choices, 1))
        return q, make_answer(text, w.locale, kind="choices", choices=choices, confidence=0.5)
