"""Question answering: read the question, resolve what it is about, answer every ask, or refuse.

    question ──Reader──▶ Query (asks, answer type, numbers, actors, content words)
             ──resolve──▶ the record it is about, ranked: explicit numbers, then subject words,
                          nicknames and institutions together (naming an institution does not
                          stop the search for the hito about it)
             ──pieces──▶ one line per ask (knowledge.qa.pieces), or
             ──sentences──▶ the sentence of the running text that holds the value asked for
             ──▶ one short reply, its source named as a person would cite it; or a refusal
                 ("Mis fuentes no dicen …") with related topics when nothing answers it.

Abstaining competes with answering: a sentence is quoted only when it holds most of the
question's words and a value of the kind asked for (a number for "cuántos", a date for
"cuándo", ...), and a record is answered only when the question points at it.
"""

from __future__ import annotations

import re

from knowledge.answers import Answer, Choice, Hit
from knowledge.cards import Located
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.index import acronym_key
from knowledge.memo import Kept
from knowledge.normalize import fold_simple
from knowledge.qa import pieces
from knowledge.qa.aggregate import Aggregator
from knowledge.qa.meanings import Meanings
from knowledge.qa.parts import Parts
from knowledge.qa.plans import PlanAnswers
from knowledge.qa.practices import Practices
from knowledge.qa.projects import ProjectAnswers
from knowledge.qa.reading import TOPICAL_ASKS, Query, Reader
from knowledge.qa.records import build_rankers
from knowledge.qa.resolving import ACCEPT_RECORD, RECORD_KINDS, Found, Resolver
from knowledge.qa.retrieval import stem_set
from knowledge.qa.sentences import (
    ACCEPT_SENTENCE,
    SentenceFinder,
    questions_in,
)
from knowledge.qa.values import sentence_holds
from knowledge.refs import (
    actor_ref,
    commitment_of,
    is_record,
    kind_of,
    parse_ref,
    plan_key,
    plan_number,
    within,
)

# what a sentence must hold to give a contact detail asked for
# ("(502) 2220 5383", not the period "2016-2018")
_CONTACT_VALUE = {"phone": re.compile(r"\(\d{3}\)\s*\d{4}|\b(?!19|20)\d{4}[\s-]\d{4}\b"), "email": re.compile(r"\S@\S"),
                  "address": re.compile(r"\b(?:calle|avenida|zona|km|kilómetro|edificio)\b", re.IGNORECASE)}
# "la mesa de A y la de B", "las mesas de A y de B": a second thing of the same kind, its noun left out
_CLAUSES = re.compile(r"[?¿;]|,?\s+(?:y|and)\s+")  # the parts of a question that asks two things
_ELLIPSIS = re.compile(r"\s+(?:y|e|and)\s+(?:(?:cuando|cuándo|when)\s+)?(?:(?:cu[aá]l|qu[eé]|which|what)\s+"
                       r"(?:(?:es|son|is|are)\s+)?)?(?:(?:el|la|los|las|the one|the ones)\s+)?"
                       r"(?:de|del|d|of|for|para)\s+", re.IGNORECASE)  # "… y la de B", "… y cuál es el de B"
_HEAD = re.compile(r"^(.*\b(?:el|la|los|las|the)\s+[^\s]+(?:\s+[^\s]+)?\s+(?:de|del|d|of))\s", re.IGNORECASE)


def _paragraph(t) -> str:
    """A sentence with the paragraph it is part of (a contact detail may sit beside it)."""
    return f"{t.parent or ''} {t.index}"


class QuestionAnswerer(Parts, ProjectAnswers, Meanings, PlanAnswers, Resolver, SentenceFinder):
    """Answers questions from one Knowledge (its records, actors and writers)."""

    def __init__(self, knowledge):
        self.k = knowledge
        data = knowledge.data
        stop = knowledge.lexicon.stop_es | knowledge.lexicon.stop_en
        self.reader = Reader(knowledge.lexicon, knowledge.normalizer, knowledge.actors, data.acronyms)
        self.subjects, self.sentences = build_rankers(data, frozenset(stop))
        self._subject_at = {t.ref: i for i, t in enumerate(self.subjects.texts)}
        self._record_subjects = frozenset(i for i, t in enumerate(self.subjects.texts) if t.kind in RECORD_KINDS)
        # a record -> the subjects and sentences of itself and what it holds (its hitos, ...)
        self._subjects_under = self._under(self.subjects.texts)
        self._sentences_under = self._under(self.sentences.texts)
        self.aggregator = Aggregator(knowledge, self.reader)
        self.practices = Practices(knowledge, self.subjects)
        # (sentence, kind of contact detail) -> whether its paragraph gives one: a paragraph can be
        # long and is searched for many questions (bounded)
        self._contact_in: Kept[tuple[int, str], bool] = Kept(10_000)
        # SentenceFinder._scope_sentences (at x100 a commitment holds hundreds of sentences)
        self._scopes: Kept[str, tuple[frozenset[int], frozenset[int]]] = Kept(256)


    # --- entry point ------------------------------------------------------------------------

    def ask(self, text: str, locale: str | None = None, previous: str | None = None) -> Answer:
        unknown = self._unknown_names(text)
        if unknown:  # "the IRM's final assessment": a body the sources never name
            w = self.k.writer(locale or self.reader.read(text).locale)
            said = w._("Mis fuentes no mencionan {names}.", names=", ".join(f"«{x}»" for x in unknown))
            return make_answer(paragraphs(said, w._("Solo respondo con lo que está en los planes de Gobierno Abierto, el "
                                                    "catálogo de cooperación y dos proyectos de cooperación.")),
                               w.locale, kind="no_answer", confidence=0.0, facts={"refused": "unknown name"})
        answer = self._ask_whole(text, locale, previous)
        refused = answer.facts.get("refused") == "nothing matched" or "missing" in answer.facts  # (a detail not given)
        parts = questions_in(text)
        if refused and len(parts) >= 2:
            return self._each_part(parts, answer, locale, previous)
        if answer.kind == "answer" and len(parts) >= 2:
            return self._rest_of_parts(text, parts, answer, locale)
        return answer

    def _ask_whole(self, text: str, locale: str | None = None, previous: str | None = None) -> Answer:
        q = self.reader.read(text)
        w = self.k.writer(locale or q.locale)
        if not q.tokens:
            return self.k._invalid(w)
        if not (q.content or q.asks or q.named or q.commitment or q.hito or q.activity or q.plan or q.actors
                or q.acronyms):
            return self.k._invalid(w)
        if q.hito is not None and q.commitment is None:
            having = [c.number for p in self.k.plans() for c in p.commitments if any(h.number == q.hito for h in c.hitos)
                      and (not q.plan or p.number == q.plan)]  # "el hito 7 del 4to plan": its one commitment with one
            if len(having) == 1:  # "el hito 7": only one commitment has a seventh
                q = Query(**{**q.__dict__, "commitment": having[0]})
        if q.hito is None and q.commitment is None and "activity" in q.plural and "hito" in q.named \
                and "hito" not in q.plural and (q.years or q.months):
            # "las actividades del hito de portales que caen en 2020": that hito, then its activities in that time
            every_word = Query(**{**q.__dict__, "cue_words": frozenset()})  # "rendición de cuentas" names it here
            ranked = sorted(self._rank(every_word, lambda t: t.kind == "hito")[:3], key=lambda f: -f.coverage)
            if ranked and ranked[0].coverage >= ACCEPT_RECORD and (r := parse_ref(ranked[0].ref)) and r.hito:
                plan = self.subjects.texts[self._subject_at[ranked[0].ref]].plan or ""
                q = Query(**{**q.__dict__, "commitment": r.commitment, "hito": r.hito,
                             "plan": plan_number(plan) or q.plan})
        practices = self.practices.asked(q)  # "prácticas del MINEDUC": its practices, not what MINEDUC means
        if practices and self.practices.about_release(q) and not self._named_count(q) \
                and (said := self.best_sentence(q, None)) and said[0].ref == "cat":
            practices = False  # "en qué principios se apoyan las prácticas": what the press release says of them all
        if q.acronyms and not practices and self._asks_meaning(q):
            return self.meaning_answer(q, w)
        if q.actors and not practices and ("what_is" in q.asks or "meaning" in q.asks) \
                and len(set(q.content) - q.actor_words) <= 1:
            return self.k._actor_answer(q.actors[0], "about", w, None)
        if q.plan is not None and plan_key(q.plan) not in {p.key for p in self.k.data.plans}:
            return self._other_plan(q, w)
        if (earlier := self._earlier_plan_sentence(q)) is not None:
            return self.sentence_answer(q, earlier, w)  # "de qué plan anterior viene la mesa"
        q, which = self._plan_choices(q, w, previous)
        if which is not None:  # "compromiso 3" when two plans have a third: which plan's?
            return which
        if "overdue" in q.asks:
            return self.overdue_answer(q, w)
        if practices:
            return self.practices.answer(q, w)
        # (never a list of records for a detail the sources do not give: "el correo del enlace de …")
        agg = None if q.missing else self.aggregator.answer(q, w)
        if agg is not None and self._one_record_of_theirs(q):  # (resolved only when a list would answer)
            agg = None
        if agg is not None and q.actors and not q.plural and (said := self.best_sentence(q, None)) \
                and said[1] >= 0.75 and not is_record(said[0].ref):
            agg = None  # "con qué institución coordina SEGEPLAN el diálogo …": a fact of the running text
        if agg is not None:
            return agg
        if q.plan is not None and q.commitment is None and q.hito is None and self._about_plan(q):
            return self.plan_answer(q, w)
        if len(q.commitment_list) >= 2 and q.hito is None and not q.hito_list and q.activity is None:
            return self._each_commitment(q, w, previous)
        return self._answer_query(q, w, previous)

    def _each_commitment(self, q: Query, w: Writer, previous: str | None) -> Answer:
        """"quién es responsable del compromiso 2 y del 3": the same asks of each commitment named,
        one reply after the other."""
        answers = [self._answer_query(Query(**{**q.__dict__, "commitment": n, "commitment_list": (n,)}), w, previous)
                   for n in q.commitment_list[:3]]
        if all(a.kind != "answer" for a in answers):
            return answers[0]
        return make_answer(paragraphs(*(a.text for a in answers)), w.locale,
                           refs=[r for a in answers for r in a.refs],
                           confidence=min(a.confidence for a in answers), source=answers[0].source)

    def _answer_query(self, q: Query, w: Writer, previous: str | None = None) -> Answer:
        """The record a question is about and its asks, or the sentence that holds the value."""
        series = self.series(q)
        if series:  # "las mesas temáticas: fechas y temas": every one of them, in order
            lines = [f"- {t.text}" for t in series]
            cites = dict.fromkeys(self.cite(t.source, w) for t in series)
            return make_answer(paragraphs(w._("Según la fuente:") + "\n" + "\n".join(lines), *cites), w.locale,
                               confidence=0.8, source=series[0].source.document if series[0].source else None)
        if q.hito is not None and q.commitment is None and not q.plan:
            named = [r for t in self._topic_refs(q) if (r := parse_ref(t)) and r.kind == "commitment"]
            roles = [r for key in q.actors for r in self.k.actors.roles.get(key, []) if r.role == "responsible"]
            # "la Contraloría en el hito 6": the commitment whose hito 6 it leads, else one it leads
            held = [parse_ref(r.ref) for r in roles]
            led = [r.up_to("commitment") for r in held if r and r.kind == "hito" and r.hito == q.hito] + \
                [r for r in held if r and r.kind == "commitment"]  # "el hito 2 de la SESAN"
            led = [c for c in dict.fromkeys(led) if self.k.hito(c.commitment, q.hito, c.plan) is not None]
            # the institution named outweighs a topic's nickname ("qué publica el INFOM según el hito 4":
            # its hito 4, though "información pública" names another commitment)
            named = [c for c in named if c in led] or led[:1] or named
            if named and self.k.hito(named[0].commitment, q.hito, named[0].plan) is not None:
                # "gobiernos locales ... hito 1"
                q = Query(**{**q.__dict__, "commitment": named[0].commitment, "plan": plan_number(named[0].plan)})
            else:
                choices = self._hito_choices(q, w)
                if choices is not None:
                    return choices
        found, others = self.resolve(q, previous)
        sentence = self.best_sentence(q, found)
        about_actor = bool(q.actors) and set(q.content) <= q.actor_words and not self._topic_refs(q) \
            and not (set(q.asks) - {"responsible", "supporters", "about", "what_is"})
        if q.actors and not q.commitment and not q.hito and about_actor:
            aspect = "responsible" if q.asks_any("responsible") else "about"
            return self.k._actor_answer(q.actors[0], aspect, w, None)
        if found is not None and (found.explicit or found.coverage >= ACCEPT_RECORD):
            scoped = self.scoped_sentence(q, found)
            own_title = sentence is not None and sentence[0].ref == found.ref and sentence[0].field == "text" \
                and sentence[1] >= 0.9
            if scoped is not None and not own_title and (sentence is None or scoped[1] >= sentence[1] - 0.15):
                sentence = scoped  # (the record's own title, when it holds the question, is the answer)
        if q.missing in _CONTACT_VALUE and sentence is not None and not _CONTACT_VALUE[q.missing].search(
                f"{sentence[0].parent or ''} {sentence[0].text}"):
            sentence = None  # "el correo de la Comisión": its address and phone are no e-mail
        if q.missing in _CONTACT_VALUE and sentence is None:
            sentence = self._contact_sentence(q)  # "la dirección y el teléfono al final del plan"
        if q.missing and sentence is None:
            return self.k._refusal(q.missing, self._entity(q, found), w)
        listed = found is not None and found.coverage >= ACCEPT_RECORD and q.asks_any(
            "components", "pilots", "lessons", "hitos", "activities", "results", "countries")
        if sentence is None and self._named_count(q) and not listed:
            return self.refusal(q, w)  # "cuáles son los siete ministerios": no source lists them
        ellipsis = _ELLIPSIS.search(q.original)
        if (sentence is None or sentence[1] < 0.9 or ellipsis) and (
                q.answer_type in ("date", "number", "place") or (ellipsis and q.answer_type is None)):
            both = self._coordinated(q, w)
            if both is not None:
                return both
        if found is not None and self._record_answers(q, found, sentence):
            if self._bare(q) and not found.explicit and found.raw < 0.8 and is_record(found.ref) \
                    and (sentence is None or not self._same_commitment(sentence[0].ref, found.ref)):
                return self.refusal(q, w)  # nothing asked of it, and words of the question it does not hold
            return self.record_answer(q, found, others, w, sentence)
        if sentence is not None:
            return self.sentence_answer(q, sentence, w)
        if found is not None and (is_record(found.ref) or kind_of(found.ref) in ("project", "catalogue", "plan")):
            if found.explicit or found.coverage >= 0.75:
                return self.record_answer(q, found, others, w, None)
        return self.refusal(q, w)

    def _contact_sentence(self, q: Query):
        """The sentence that holds the contact detail asked (a phone number, a street address),
        of the plan named if one is: its other words need not match."""
        want = _CONTACT_VALUE[q.missing]
        plan = plan_key(q.plan) if q.plan else None
        for _bm25, coverage, i in self.sentences.rank(self.sentences.terms(q.content), limit=20):
            t = self.sentences.texts[i]
            if coverage < 0.25 or (plan is not None and t.plan != plan):
                continue
            holds = self._contact_in.get((i, q.missing))
            if holds is None:
                holds = self._contact_in.keep((i, q.missing), bool(want.search(_paragraph(t))))
            if holds and (not q.actors or stem_set(" ".join(q.actor_words)) <= stem_set(_paragraph(t))):
                return t, coverage  # (never another body's)
        return None

    def _one_record_of_theirs(self, q: Query) -> bool:
        """'qué instituciones apoyan a la GAE en la sensibilización sobre datos abiertos': one hito the
        institution leads, named by its subject (not everything the institution is in)."""
        if q.actors and "role" in q.asks and not q.months and not q.years:
            return True  # "qué papel cumple el INFOM en el compromiso de …": its roles there, one by one
        if not q.actors or q.plural & {"hito", "commitment", "activity"} or q.months or q.years:
            return False
        found, _others = self.resolve(q)
        if found is None or max(found.raw, found.coverage) < 0.75 or kind_of(found.ref) not in ("hito", "activity"):
            return False
        return any(r.ref == found.ref and r.role == "responsible" for key in q.actors
                   for r in self.k.actors.roles.get(key, []))

    def _coordinated(self, q: Query, w: Writer) -> Answer | None:
        """'¿cuándo fue la mesa de A y la de B?': the same value of two things, each from its own
        sentence (no one sentence holds both)."""
        m = _ELLIPSIS.search(q.original)
        if m is None:
            return None
        left, right = q.original[:m.start()], q.original[m.end():]
        head = _HEAD.match(left)
        if head is None:
            return None
        parts = [self.reader.read(part) for part in (left, head.group(1) + " " + right)]
        if any(sub.answer_type not in (None, q.answer_type) for sub in parts):
            return None
        # "… qué número es, y el de B": the part that does not say it asks the same kind of value
        parts = [sub if sub.answer_type else Query(**{**sub.__dict__, "answer_type": q.answer_type}) for sub in parts]
        found = []
        for sub in parts:
            sentence = self.best_sentence(sub, None)
            if sentence is None or any(sentence[0] is f[0] for f in found):
                break
            found.append(sentence)
        if len(found) < 2:  # each thing a record of its own ("las capacitaciones de A y las de B")
            answers = [self._answer_query(sub, w) for sub in parts]
            if all(a.kind == "answer" and a.refs for a in answers) and answers[0].refs != answers[1].refs:
                return make_answer(paragraphs(*(a.text for a in answers)), w.locale, refs=answers[0].refs + answers[1].refs,
                                   confidence=min(a.confidence for a in answers))
            return None
        lines = [self._quote(t, w, q) for t, _coverage in found]
        cites = dict.fromkeys(self.cite(t.source, w, t.ref if is_record(t.ref) else None) for t, _c in found)
        return make_answer(paragraphs("\n".join(lines), *cites), w.locale, confidence=min(c for _t, c in found),
                           source=found[0][0].source.document if found[0][0].source else None)

    def _entity(self, q: Query, found: Found | None) -> str:
        if q.actors:
            actor = self.k.actors.actors[q.actors[0]]
            return actor.acronym or actor.name
        if found is not None and found.explicit:
            return self._label(found.ref, self.k.writer("es"))
        return ""


    @staticmethod
    def _bare(q: Query) -> bool:
        """Nothing is asked of a record: no ask it answers, no kind of value wanted."""
        return not [a for a in q.asks if a in pieces.RECORD_ASKS or a in pieces.TEXT_ONLY_ASKS] and not q.answer_type

    def _holds_rest(self, q: Query, found: Found, sentence) -> bool:
        """The sentence holds every word of the question its record's title does not (two or more)."""
        i = self._subject_at.get(found.ref)
        own = stem_set(self.subjects.texts[i].text) if i is not None else frozenset()
        rest = [s for s in self.sentences.terms(q.subject) if s not in own]
        have = sentence[0].stems | sentence[0].context
        return len(rest) >= 2 and all(s in have for s in rest)

    def _adds(self, q: Query, found: Found, sentence) -> bool:
        """Whether a sentence of the record holds what the question asks beyond the record's own
        subject ("cuándo se empezó a formar el espacio de la mesa" under the commitment of the mesa)."""
        i = self._subject_at.get(found.ref)
        if i is None or not self._same_commitment(sentence[0].ref, found.ref):
            return False
        own = self.subjects.texts[i].stems
        rest = [s for s in self.sentences.terms(q.content) if s not in own]
        return bool(rest) and sum(1 for s in rest if s in sentence[0].stems) * 2 >= len(rest)


    def _record_answers(self, q: Query, found: Found, sentence) -> bool:
        """Whether the record's own fields answer (else a sentence of the running text does)."""
        if kind_of(found.ref) == "project":
            return found.coverage >= ACCEPT_RECORD
        if not is_record(found.ref):
            return found.coverage >= ACCEPT_RECORD and (sentence is None or sentence[1] < found.coverage)
        record_asks = [a for a in q.asks if a in pieces.RECORD_ASKS]
        text_asks = [a for a in q.asks if a in pieces.TEXT_ONLY_ASKS]
        if "count" in record_asks and (q.count_target or "hito")[:4] not in ("hito", "acti", "comp", "mile"):
            record_asks.remove("count")
            text_asks.append("count")
        if sentence is not None and self._named_count(q):
            return False  # "cuáles son los tres grupos de causas": the sentence that lists them
        if "count" in text_asks and sentence is not None and not found.explicit and not (
                record_asks and sentence[0].ref == found.ref):  # (its own text: under its heading, with the rest)
            return False  # "cuántas OSC participaron": the count's sentence, not who supports the record
        if found.explicit and q.answer_type in ("person", "date") and not record_asks:
            record_asks.append("responsible" if q.answer_type == "person" else "dates")
        if not found.explicit and found.coverage < ACCEPT_RECORD:
            return False
        if q.answer_type == "date" and "status" in record_asks and len(record_asks) > 1:
            record_asks.remove("status")  # "en qué fechas se realizaron …": when, not whether
        if (not found.explicit and sentence is not None and set(record_asks) <= {"dates", "start", "end", "count"}
                and sentence[1] >= 0.6 and sentence[1] > found.raw + 0.2):
            return False  # found by a nickname, asked for a date or a number its fields do not hold
        if sentence is not None and self._same_commitment(sentence[0].ref, found.ref) and not record_asks:
            return True  # a sentence of the record itself: quoted under the record's heading
        if not record_asks and not text_asks and q.answer_type is None:
            return sentence is None or found.coverage >= sentence[1]
        if not record_asks:
            return sentence is None
        if sentence is not None and record_asks == ["dates"] and not found.explicit and sentence[1] >= 0.8 \
                and (sentence[1] >= found.coverage or sentence[1] >= found.raw + 0.2):
            return False
        if sentence is not None and set(record_asks) <= {"dates", "start", "end"} and not found.explicit \
                and not self._same_commitment(sentence[0].ref, found.ref) and self._holds_rest(q, found, sentence):
            return False  # "cuándo fue la mesa temática de salud": the mesa's sentence, not the commitment's dates
        return True

    # --- writing ----------------------------------------------------------------------------

    def cite(self, source, w: Writer, ref: str | None = None, plan=None) -> str:
        """'Fuente: 6° Plan de Acción Nacional de Gobierno Abierto 2023-2025, Compromiso 3, Hito 2.'"""
        if source is None:
            return ""
        title = plan.title if plan is not None else self.k.documents.get(source.document, source.document)
        where = ""
        if ref and (r := parse_ref(ref)) and r.commitment:
            where = w._("Compromiso {c}", c=r.commitment)
            if r.hito:
                where += ", " + w._("Hito {h}", h=r.hito)
            if r.activity:
                where += ", " + w._("Actividad {a}", a=r.activity)
        else:
            where = source.section.split(" > ")[0]
        if not where or ";" in where:  # a list of the document's sections names no place in it
            return w._("Fuente: {title}.", title=title)
        return w._("Fuente: {title}, {where}.", title=title, where=shorten(where, 48))

    def record_answer(self, q: Query, found: Found, others: list[Found], w: Writer, sentence) -> Answer:
        k = self.k
        ref = parse_ref(found.ref)
        if ref is None or ref.kind not in ("commitment", "hito", "activity"):
            return self._other_record(q, found, w, sentence)
        loc = k.locate(ref)
        if loc is None:
            return self.refusal(q, w)
        asks = [a for a in q.asks if a in pieces.PIECES or a in pieces.TEXT_ONLY_ASKS]
        each = bool({"cada", "each"} & set(q.tokens)) and "hito" in q.named
        # "qué hito del compromiso 6 empieza primero": every hito with its date, in that order
        each = each or ("hito" in q.named and q.hito is None and q.asks_any("dates", "start", "end")
                        and bool(pieces.order_asked(q)))  # (the original folded only when a date is asked)
        if loc.hito is None and ("hito" in q.plural or each) and not set(asks) - {"about", "what_is", "count"}:
            asks = [a for a in asks if a not in ("about", "what_is")] + ["hitos"]  # "los hitos del compromiso 2"
        elif loc.hito is None and ("hito" in q.plural or each) and set(asks) & {"dates", "start", "end"} \
                and not set(asks) - {"about", "what_is", "count", "dates", "start", "end"}:
            asks = ["hitos"]  # "cuándo empieza cada hito del compromiso 6": each one with its dates
        if "dates" in asks and ("start" in asks or "end" in asks):
            asks.remove("dates")
        if q.sector and "supporters" not in asks:
            asks.append("supporters")
        # "cuándo tocaba … y quién los recibía": every kind of value asked, not only the first
        if "person" in q.answer_types and not (set(asks) & {"responsible", "supporters", "role", "person"}):
            asks.append("responsible")
        if "date" in q.answer_types and not (set(asks) & {"dates", "start", "end"}):
            asks.append("dates")
        if "count" in asks and "status" in asks:
            asks.remove("count")  # "cuánto avanza": the progress is the figure asked for
        if "count" in asks and (q.count_target or "hito")[:4] not in ("hito", "acti", "comp", "mile"):
            asks.remove("count")
            asks.append("count_other")
        if "overdue" in q.asks and loc.hito is not None:
            asks = ["end", "status"]
        lines: list[str] = []
        missing: list[str] = []
        for ask in asks:
            piece = pieces.PIECES.get(ask)
            line = piece(k, loc, w, q) if piece else None
            if line:
                if line not in lines:
                    lines.append(line)
            elif ask not in missing:
                missing.append(ask)
        if lines and missing and q.cue_words:
            item = loc.activity or loc.hito or loc.commitment
            subject = stem_set(getattr(item, "text", None) or item.title)
            if stem_set(" ".join(q.cue_words)) <= subject:  # "el hito de portales de transparencia": its subject
                missing = [m for m in missing if m not in TOPICAL_ASKS]
        if "place" in q.answer_types and not sentence_holds(sentence, "place"):
            placed = self.scoped_sentence(Query(**{**q.__dict__, "answer_type": "place"}), found)
            if placed is not None:
                sentence = placed  # "cuándo empieza y dónde se publica": the date piece, then where
        own = sentence is not None and within(sentence[0].ref, Located(loc.plan, loc.commitment).ref)
        if missing and own and sentence[1] >= ACCEPT_SENTENCE:
            lines.append(self._quote(sentence[0], w, q))
            missing = []
        elif asks and own and self._adds(q, found, sentence):
            lines.append(self._quote(sentence[0], w, q))
        if not asks:
            own_title = sentence is not None and sentence[0].ref == found.ref and sentence[0].field == "text"
            if sentence is not None and within(sentence[0].ref, Located(loc.plan, loc.commitment).ref) and not own_title:
                lines.append(self._quote(sentence[0], w, q))
            else:
                lines += [pieces.responsible(k, loc, w, q) or "", pieces.dates("dates")(k, loc, w, q) or ""]
        if loc.hito is not None and loc.activity is None and (set(asks) & {"dates", "start", "end"} or q.answer_type == "date"):
            # "quién lleva el hito 2 y cuándo se reciben los POA": the date of the activity the words name
            rest = stem_set(" ".join(q.content)) - stem_set(loc.hito.text)

            def said(a) -> frozenset[str]:  # an activity's words, and its product's ("la mesa técnica que se conformó")
                return stem_set(f"{a.text} {a.product or ''}")

            act = max(loc.hito.activities, key=lambda a: (len(rest & said(a)), -len(a.text)), default=None)
            if act is None or len(rest & said(act)) < 2:
                # "cuándo se divulga la guía" of "Elaboración y divulgación de la guía": the activity named whole
                act = next((a for a in loc.hito.activities if self._named_whole(a.text, q)), act)
            if act is not None and (len(rest & said(act)) >= 2 or self._named_whole(act.text, q)) \
                    and (act.start or act.end):
                lines.append(w._("Actividad {n} ({text}): {period}.", n=act.number, text=shorten(act.text, 80),
                                 period=w.period(act.start, act.end, act.period_text)))
        if q.actors and loc.hito is None and set(asks) & {"supporters", "responsible"}:
            where = pieces.roles_of_named(k, loc, w, q)
            if where:
                lines.append(where)
        kind = "answer"
        if missing:
            what = ", ".join(w._(pieces.MISSING_LABEL.get(m, pieces.MISSING_LABEL["other"])) for m in missing)
            lines.append(w._("Mis fuentes no dicen {what} de este registro.", what=what))
            if len(missing) == len(asks):
                kind = "no_answer"
        item = loc.activity or loc.hito or loc.commitment
        choices = [Choice(self._label(o.ref, w), o.ref) for o in others if parse_ref(o.ref)]
        whole = sentence is not None and sentence[0].ref == found.ref and sentence[0].field == "text"
        head = pieces.header(loc, w, self.sentences.terms(q.content), whole=whole)
        if whole and sentence[0].text in head:  # the heading already gives the sentence whole
            lines = [x for x in lines if x != self._quote(sentence[0], w, q)]
        cited = self.cite(item.source, w, found.ref, loc.plan)
        if "status" in asks and loc.activity is None:  # a reported status is not the plan's word
            cited = w.plan_source(cited, k._reporters(loc))
        text = paragraphs(head, "\n".join(x for x in lines if x), cited)
        return make_answer(text, w.locale, refs=[found.ref], source=k._source_label(loc.plan, item.source),
                           confidence=min(1.0, found.coverage) if kind == "answer" else 0.0, choices=choices, kind=kind)

    def _other_record(self, q: Query, found: Found, w: Writer, sentence) -> Answer:
        k = self.k
        r = parse_ref(found.ref)
        if r and r.kind == "project":
            return self.project_answer(q, k._project(r.key), found, w, sentence)
        if r and r.kind == "catalogue" and k.data.catalogue and q.answer_type == "date":
            return k._catalogue_answer(k.data.catalogue, "dates", None, w)  # "cuándo se dio a conocer el catálogo"
        if sentence is not None:
            return self.sentence_answer(q, sentence, w)
        if any(a in pieces.TEXT_ONLY_ASKS for a in q.asks):
            return self.sentence_answer(q, sentence, w) if sentence is not None else self.refusal(q, w)
        people = {"instituciones", "institutions", "entidades", "esferas", "spheres"} & set(q.tokens)
        general = (not [a for a in q.asks if a not in ("about", "what_is")] and found.coverage >= 0.75) or bool(people)
        if r and r.kind == "catalogue" and k.data.catalogue and general:
            return k._catalogue_answer(k.data.catalogue, "about", None, w)
        if r and r.kind == "plan" and general:
            return k._plan_answer(k.plan(r.key), "about", w, None)
        return self.refusal(q, w)

    def _named_whole(self, text: str, q: Query) -> bool:
        """Every word of a short text (two words or more, not counting function words) is in the question."""
        stop = self.k.lexicon.stop_es | self.k.lexicon.stop_en
        own = stem_set(" ".join(x for x in fold_simple(text).split() if x not in stop))
        return 2 <= len(own) <= 5 and own <= stem_set(" ".join(q.content))

    def search(self, query: str, locale: str) -> list[Hit]:
        """Every record, institution, acronym and practice matching a query, best first, one hit
        per entity; records whose running text matches come after those whose subject does."""
        q = self.reader.read(query)
        words = q.content or q.tokens
        hits: list[Hit] = []
        seen: set[str] = set()
        w = self.k.writer(locale)

        def add(ref: str, kind: str, title: str, snippet: str, score: float) -> None:
            if ref not in seen and parse_ref(ref) is not None:
                seen.add(ref)
                hits.append(Hit(ref=ref, kind=kind, title=shorten(title, 100), snippet=shorten(snippet, 200),
                                score=round(score, 3)))

        for key in q.actors:
            actor = self.k.actors.actors[key]
            add(actor_ref(key), "actor", actor.name, actor.description or actor.name, 99.0)
        for bm25, _coverage, i in self.subjects.rank(self.subjects.terms(words), limit=200):
            t = self.subjects.texts[i]
            kind = parse_ref(t.ref).kind if parse_ref(t.ref) else t.kind
            add(t.ref, kind, self.k._ref_title(t.ref, locale) if t.kind != "acronym" else t.text, t.text, bm25)
        for bm25, _coverage, i in self.sentences.rank(self.sentences.terms(words), limit=100):
            t = self.sentences.texts[i]
            r = parse_ref(t.ref)
            if r is not None:
                add(t.ref, r.kind, self.k._ref_title(t.ref, locale), t.text, bm25 / 2)
        del w
        return hits

    @staticmethod
    def _same_commitment(ref: str, record: str) -> bool:
        """`ref` is `record`, or (for a commitment, hito or activity) of the same commitment."""
        return within(ref, commitment_of(record) or record)

    def _label(self, ref: str, w: Writer) -> str:
        return shorten(self.k._ref_title(ref, w.locale), 60)

    def refusal(self, q: Query, w: Writer) -> Answer:
        related: list[Choice] = []
        ranked = self._rank(q)[:3]
        for f in ranked:
            if parse_ref(f.ref):
                related.append(Choice(self._label(f.ref, w), f.ref))
        text = w._("Mis fuentes no dicen eso. Solo respondo con lo que está en los planes de Gobierno Abierto, "
                   "el catálogo de cooperación y dos proyectos de cooperación.")
        if related:
            text += "\n\n" + w._("Temas cercanos:") + "\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(related, 1))
        return make_answer(text, w.locale, kind="no_answer", choices=related, confidence=0.0,
                           facts={"refused": "nothing matched"})


__all__ = ["QuestionAnswerer", "acronym_key"]
