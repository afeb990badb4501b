"""The two collections a question is matched against, built once from a KnowledgeData.

- **subjects**: one text per record a question can be about (commitment, hito, activity,
  cooperation project, plan, catalogue): what it is, in the source's words, so a hito can be
  found by its subject ("lo del observatorio") as well as by its number.
- **sentences**: every sentence of the running text (a commitment's description, problem,
  background, results; a hito's results; an activity's product; the plans', the catalogue's and
  the projects' own texts), each with the record it belongs to and its source, so a fact written
  in prose can be quoted by the sentence that holds it.
"""

from __future__ import annotations

import re

from knowledge.index import acronym_key
from knowledge.qa.retrieval import Ranker, Text
from knowledge.refs import (
    CATALOGUE,
    acronym_ref,
    activity_ref,
    actor_ref,
    commitment_ref,
    hito_ref,
    plan_ref,
    practice_ref,
    project_ref,
)
from knowledge.schema import KnowledgeData

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡(«“\"\d-])")
# "5to. Plan", "No. 8", "Lic. Pérez", "Art. 3": a point that ends a word, not a sentence
_ABBREVIATION = re.compile(r"(?:\b\d+(?:er|ro|do|to|vo|mo|no|o|a)|\b(?:No|Núm|Art|Lic|Licda|Ing|Dr|Dra|Sr|Sra|Msc|MSc|Arq))\.$")


def split_sentences(text: str | None) -> list[str]:
    flat, spans = sentence_spans(text)
    return [flat[a:b] for a, b in spans]


def sentence_spans(text: str | None) -> tuple[str, list[tuple[int, int]]]:
    """(the text with its whitespace flattened, the (start, end) of each sentence in it)."""
    if not text:
        return "", []
    flat = " ".join(str(text).split())
    if flat == text:
        flat = text  # the same object: the record's own string is the one kept
    spans, start = [], 0
    for m in [*_SENTENCE_END.finditer(flat), None]:
        if m is not None and _ABBREVIATION.search(flat, max(0, m.start() - 8), m.start()):
            continue
        end = m.start() if m else len(flat)
        a, b = start, end
        while a < b and flat[a] == " ":
            a += 1
        while b > a and flat[b - 1] == " ":
            b -= 1
        if b - a > 15 and b < 0xFFFF:
            spans.append((a, b))
        start = m.end() if m else len(flat)
    return flat, spans


def in_context(text: str | None, ref: str, kind: str, field: str, source, plan, extra: str | None = None,
               first_before: str | None = None) -> list[Text]:
    """A paragraph's sentences, each knowing the sentence before it: "Asistieron 230 personas"
    is about the event the sentence before names."""
    flat, spans = sentence_spans(text)
    out, prev = [], -1
    for a, b in spans:
        out.append(Text(ref, kind, field, flat, source, plan, span=a << 16 | b, prev=prev,
                        lead=first_before if prev < 0 else None, extra=extra or None))
        prev = a << 16 | b
    return out


def build_subjects(data: KnowledgeData) -> list[Text]:
    out: list[Text] = []
    for plan in data.plans:
        out.append(Text(plan_ref(plan.key), "plan", "title", plan.title, plan.source, plan.key,
                        extra=plan.summary or None))
        for c in plan.commitments:
            ref = commitment_ref(plan.key, c.number)
            subject = " ".join(filter(None, [c.title, c.title, c.short_title or "", c.short_title or "",
                                             c.description or "", c.objective or "", c.problem or ""]))
            out.append(Text(ref, "commitment", "title", c.title, c.source, plan.key, extra=subject))
            for h in c.hitos:
                href = hito_ref(plan.key, c.number, h.number)
                subject = " ".join([h.text, h.text, *h.expected_results])
                out.append(Text(href, "hito", "title", h.text, h.source, plan.key, extra=subject))
                for a in h.activities:
                    subject = " ".join(filter(None, [a.text, a.text, a.product or "", a.verification or ""]))
                    out.append(Text(activity_ref(plan.key, c.number, h.number, a.number), "activity", "title", a.text, a.source, plan.key, extra=subject))
    for pr in data.projects:
        subject = " ".join(filter(None, [pr.title, pr.title, pr.short_name or "", pr.reference_code or "",
                                         pr.objective or "", *pr.countries, *pr.pilot_ministries,
                                         *(f"{p.actor} {p.role or ''}" for p in pr.partners)]))
        out.append(Text(project_ref(pr.key), "project", "title", pr.title, pr.source, None, extra=subject))
    if data.catalogue is not None:
        cat = data.catalogue
        out.append(Text(CATALOGUE, "catalogue", "title", cat.title, cat.source, None,
                        extra=f"{cat.title} catálogo buenas prácticas cooperación"))
    # found by search, not by the questions' record resolution (knowledge.qa.answerer.RECORD_KINDS)
    for a in data.actors:
        out.append(Text(actor_ref(a.key), "actor", "title", a.name, a.source, None, extra=" ".join(filter(None, [
            a.name, a.acronym or "", *a.aliases, a.description or ""]))))
    for acr in data.acronyms:
        out.append(Text(acronym_ref(acronym_key(acr.acronym)), "acronym", "title", f"{acr.acronym} {acr.expansion}",
                        acr.source, None))
    for pa in data.practices:
        out.append(Text(practice_ref(pa.id), "practice", "title", pa.title, pa.source, None, extra=" ".join(filter(None, [
            pa.title, pa.title, pa.institution, pa.sphere or "", " ".join(f"ods {n}" for n in pa.ods),
            pa.description or "", pa.results or ""]))))
    return out


def build_sentences(data: KnowledgeData) -> list[Text]:
    out: list[Text] = []

    def add(ref: str, kind: str, field: str, texts, source, plan: str | None, title: str | None = None) -> None:
        for text in texts:
            out.extend(in_context(text, ref, kind, field, source, plan, first_before=title))

    for plan in data.plans:
        pref = plan_ref(plan.key)
        add(pref, "plan", "summary", [plan.summary], plan.source, plan.key)
        for f in plan.facts:
            # a fact is found by its section too ("Contraportada: …", "Introducción (palabras del …)")
            extra = f.source.section
            out.extend(in_context(f.text, pref, "plan", f.topic, f.source, plan.key, extra=extra))
        for c in plan.commitments:
            ref = commitment_ref(plan.key, c.number)
            for field in ("description", "objective", "problem", "solution", "transparency", "accountability",
                          "participation", "resources"):
                add(ref, "commitment", field, [getattr(c, field)], c.source, plan.key)
            for field in ("causes", "done_so_far", "expected_results", "modifications"):
                add(ref, "commitment", field, getattr(c, field), c.source, plan.key)
            for h in c.hitos:
                href = hito_ref(plan.key, c.number, h.number)
                add(href, "hito", "text", [h.text], h.source, plan.key)
                add(href, "hito", "expected_results", h.expected_results, h.source, plan.key, title=h.text)
                if h.status is not None:
                    add(href, "hito", "status", [h.status.quote], h.status.source, plan.key)
                notes = [n[1:].strip() for n in h.responsible if n.startswith("~")]
                add(href, "hito", "responsible_note", notes, h.source, plan.key, title=h.text)
                for a in h.activities:
                    aref = activity_ref(plan.key, c.number, h.number, a.number)
                    add(aref, "activity", "text", [a.text], a.source, plan.key)
                    # what a table cell says beside the names ("... las 8 áreas prioritarias, Educación, …")
                    notes = [n[1:].strip() for n in a.responsible if n.startswith("~")]
                    add(aref, "activity", "responsible_note", notes, a.source, plan.key, title=a.text)
                    add(aref, "activity", "product", [a.product], a.source, plan.key, title=a.text)
                    add(aref, "activity", "verification", [a.verification], a.source, plan.key, title=a.text)
    for pr in data.projects:
        ref = project_ref(pr.key)
        for field in ("objective",):
            add(ref, "project", field, [getattr(pr, field)], pr.source, None)
        for field in ("specific_objectives", "context", "activities", "expected_results", "achievements",
                      "lessons_learned"):
            add(ref, "project", field, getattr(pr, field), pr.source, None)
        for comp in pr.components:
            add(ref, "project", "components", [" ".join(str(v) for v in comp.model_dump().values() if isinstance(v, str))],
                pr.source, None)
    if data.catalogue is not None:
        for f in data.catalogue.facts:
            out.extend(in_context(f.text, CATALOGUE, "catalogue", f.topic, f.source, None))
    for a in data.actors:
        if a.description:
            add(actor_ref(a.key), "actor", "description", [f"{a.name}: {a.description}"], a.source, None)
    return out


def build_rankers(data: KnowledgeData, stopwords: frozenset[str]) -> tuple[Ranker, Ranker]:
    return Ranker(build_subjects(data), stopwords, keep_index=False), Ranker(build_sentences(data), stopwords)
