"""Retrieval over the knowledge base: one prebuilt inverted index over every record.

Every record (plan, plan fact, thematic table, commitment, hito, activity, actor, acronym,
practice, project, catalogue and its facts) becomes a `Doc` with weighted fields. Text is folded
and stemmed (Snowball, Spanish; English questions arrive translated by the lexicon) into an
inverted index: stem -> postings. A query touches only the postings of its own stems (BM25
scores), and rapidfuzz re-ranks only those candidates, so the cost grows with the matches, not
with the size of the knowledge base. `naive_search` scores every record with rapidfuzz: the
baseline bench/answer_latency.py compares against.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import snowballstemmer
from rapidfuzz import fuzz, process

from knowledge.normalize import fold_simple
from knowledge.schema import KnowledgeData

_ES = snowballstemmer.stemmer("spanish")
_EN = snowballstemmer.stemmer("english")
_ACRONYM_IN_NAME = re.compile(r"^(?P<name>.*?)\s*[-–(]\s*(?P<acr>[^\s\-–()]+)\s*[-–)]?\s*$")

BM25_K1 = 1.2
BM25_B = 0.6
RERANK = 40  # candidates re-ranked with rapidfuzz


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Spanish Snowball stem (cached: the stemmer is pure Python and words repeat a lot)."""
    return _ES.stemWord(word)


@functools.lru_cache(maxsize=20_000)
def stem_english(word: str) -> str:
    return _EN.stemWord(word)


@dataclass(slots=True)
class Doc:
    """One searchable record."""

    id: int
    ref: str
    kind: str  # plan, plan_fact, thematic_table, commitment, hito, activity, actor, acronym, practice, project, catalogue, catalogue_fact
    title: str  # one line, as the source says it
    snippet: str  # plain text, for search hits
    plan: str | None = None
    fields: list[tuple[str, float]] = field(default_factory=list)  # (text, weight)
    title_folded: str = ""
    payload: object = None  # the schema object (Commitment, Hito, PlanFact, ...)


@dataclass(frozen=True, slots=True)
class Scored:
    doc: Doc
    score: float  # BM25 + fuzzy, unnormalised
    coverage: float  # 0..1: idf-weighted share of the query's stems this record contains
    fuzzy: float  # 0..100: rapidfuzz similarity of the query to the record's title


def content_stems(tokens: Iterable[str], stopwords: frozenset[str] | set[str]) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, no bare numbers), in order, unique."""
    seen: dict[str, None] = {}
    for t in tokens:
        if t in stopwords or t.isdigit() or len(t) < 2:
            continue
        seen.setdefault(stem(t), None)
    return list(seen)


class SearchIndex:
    """Inverted index (stem -> postings) with BM25 scoring and rapidfuzz re-ranking."""

    def __init__(self, docs: list[Doc], stopwords: frozenset[str] | set[str] = frozenset()):
        self.docs = docs
        self.stopwords = frozenset(stopwords)
        self.vocabulary: Counter[str] = Counter()
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._doc_stems: list[dict[str, float]] = []  # stem -> weighted frequency
        lengths: list[float] = []
        for doc in docs:
            tf: dict[str, float] = defaultdict(float)
            for text, weight in doc.fields:
                for word in fold_simple(text).split():
                    self.vocabulary[word] += 1
                    if word in self.stopwords or len(word) < 2:
                        continue
                    tf[stem(word)] += weight
            doc.title_folded = fold_simple(doc.title)
            self._doc_stems.append(dict(tf))
            lengths.append(sum(tf.values()) or 1.0)
            for s, w in tf.items():
                self.postings[s].append((doc.id, w))
        self.postings = dict(self.postings)
        n = max(len(docs), 1)
        self._avg_len = sum(lengths) / n if lengths else 1.0
        self._norm = [BM25_K1 * (1 - BM25_B + BM25_B * ln / self._avg_len) for ln in lengths]
        self.idf = {s: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for s, p in self.postings.items()}
        self.max_idf = max(self.idf.values(), default=1.0)

    def stems_of(self, doc_id: int) -> set[str]:
        return set(self._doc_stems[doc_id])

    def search(self, tokens: Iterable[str], limit: int = 10, kinds: set[str] | None = None,
               query_text: str | None = None) -> list[Scored]:
        """Best records for the (normalised) query tokens; kinds restricts the record kinds."""
        tokens = list(tokens)
        all_stems = content_stems(tokens, self.stopwords)
        stems = [s for s in all_stems if s in self.postings]
        if not stems:
            return []
        unknown = len(all_stems) - len(stems)  # words the knowledge base never uses
        scores = self._bm25(stems, kinds)
        if not scores:
            return []
        top = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:RERANK]
        total_idf = (sum(self.idf[s] for s in stems) + unknown * self.max_idf) or 1.0
        query = query_text if query_text is not None else " ".join(tokens)
        out = []
        for doc_id, bm25 in top:
            doc = self.docs[doc_id]
            have = self._doc_stems[doc_id]
            # a word found only in a record's minor fields (weight < 1) counts in proportion
            coverage = sum(self.idf[s] * min(1.0, have.get(s, 0.0)) for s in stems) / total_idf
            similarity = fuzz.token_set_ratio(query, doc.title_folded) if doc.title_folded else 0.0
            out.append(Scored(doc, bm25 + similarity / 25.0, coverage, similarity))
        out.sort(key=lambda s: (s.coverage >= 0.99, s.score), reverse=True)
        return out[:limit]

    def _bm25(self, stems: list[str], kinds: set[str] | None) -> dict[int, float]:
        # Very common stems add little and cost the most: skip them when rarer ones exist.
        n = len(self.docs)
        ordered = sorted(stems, key=lambda s: len(self.postings[s]))
        rare = [s for s in ordered if len(self.postings[s]) <= max(50, n // 5)]
        use = rare or ordered[:1]
        scores: dict[int, float] = defaultdict(float)
        for s in use:
            idf = self.idf[s]
            for doc_id, tf in self.postings[s]:
                if kinds is not None and self.docs[doc_id].kind not in kinds:
                    continue
                scores[doc_id] += idf * tf * (BM25_K1 + 1) / (tf + self._norm[doc_id])
        return scores


class NaiveSearch:
    """Baseline for the bench: rapidfuzz WRatio of the query against every record's folded text
    (prepared once, like the index), no candidate generation."""

    def __init__(self, docs: list[Doc]):
        self.docs = docs
        self.choices = [fold_simple(d.title + " " + d.snippet) for d in docs]

    def search(self, query: str, limit: int = 10) -> list[tuple[Doc, float]]:
        found = process.extract(fold_simple(query), self.choices, scorer=fuzz.WRatio, limit=limit)
        return [(self.docs[i], score) for _, score, i in found]


# --- documents ------------------------------------------------------------------------------


def acronym_key(acronym: str) -> str:
    """The ref key of an acronym record ("Iniciativa MANO A MANO" -> "Iniciativa_MANO_A_MANO")."""
    return re.sub(r"[^A-Za-z0-9_\-]+", "_", acronym).strip("_")[:36] or "x"


def split_printed_name(printed: str) -> tuple[str, str | None]:
    """'Ministerio de Educación -MINEDUC-' -> ('Ministerio de Educación', 'MINEDUC')."""
    text = printed.strip().lstrip("~").strip()
    m = _ACRONYM_IN_NAME.match(text)
    if m and m["name"] and m["acr"] and any(c.isupper() for c in m["acr"]) and len(m["acr"]) <= 14:
        return m["name"].strip(" -–"), m["acr"]
    return text, None


def _join(items: Iterable[str | None]) -> str:
    return " ".join(i for i in items if i)


def _short(text: str | None, n: int = 200) -> str:
    t = " ".join((text or "").split())
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"


def build_documents(data: KnowledgeData) -> list[Doc]:
    """Every record of the knowledge base as a Doc, ids in order."""
    docs: list[Doc] = []

    def add(**kw: object) -> None:
        docs.append(Doc(id=len(docs), **kw))  # type: ignore[arg-type]

    for plan in data.plans:
        add(ref=f"plan:{plan.key}", kind="plan", title=plan.title, snippet=_short(plan.summary or plan.title),
            plan=plan.key, fields=[(plan.title, 3.0), (plan.summary or "", 1.0), ("plan accion nacional", 1.0)],
            payload=plan)
        for fact in plan.facts:
            add(ref=f"plan:{plan.key}", kind="plan_fact", title=_short(fact.text, 120), snippet=_short(fact.text),
                plan=plan.key, fields=[(fact.text, 2.0), (fact.topic.replace("_", " "), 1.0)], payload=fact)
        for table in plan.thematic_tables:
            add(ref=f"plan:{plan.key}", kind="thematic_table", title=f"Mesa temática {table.number}: {table.topic}",
                snippet=_short(f"Mesa temática {table.number}, {table.topic}, {table.date}"), plan=plan.key,
                fields=[(table.topic, 3.0), ("mesa tematica", 1.0), (table.place or "", 0.5)], payload=table)
        for c in plan.commitments:
            add(ref=f"c{c.number}", kind="commitment", title=c.title, snippet=_short(c.description or c.objective or c.title),
                plan=plan.key, payload=c, fields=[
                    (c.title, 3.0), (c.short_title or "", 3.0), (c.description or "", 1.0), (c.objective or "", 1.0),
                    (c.problem or "", 0.5), (c.solution or "", 0.5), (_join(c.expected_results), 0.5)])
            for h in c.hitos:
                add(ref=f"c{c.number}h{h.number}", kind="hito", title=h.text, snippet=_short(h.text), plan=plan.key,
                    payload=h, fields=[(h.text, 2.0), (_join(h.expected_results), 1.0), (c.short_title or "", 0.5)])
                for a in h.activities:
                    add(ref=f"c{c.number}h{h.number}a{a.number}", kind="activity", title=a.text, snippet=_short(a.text),
                        plan=plan.key, payload=a,
                        fields=[(a.text, 2.0), (a.product or "", 1.0), (a.verification or "", 0.5)])
    for actor in data.actors:
        add(ref=f"i:{actor.key}", kind="actor", title=actor.name + (f" ({actor.acronym})" if actor.acronym else ""),
            snippet=_short(actor.description or actor.name), payload=actor,
            fields=[(actor.name, 3.0), (actor.acronym or "", 3.0), (_join(actor.aliases), 2.0),
                    (actor.description or "", 0.5)])
    for acr in data.acronyms:
        add(ref=f"a:{acronym_key(acr.acronym)}", kind="acronym", title=f"{acr.acronym}: {acr.expansion}",
            snippet=_short(acr.expansion), payload=acr, fields=[(acr.acronym, 3.0), (acr.expansion, 2.0)])
    for p in data.practices:
        add(ref=f"p{p.id}", kind="practice", title=p.title, snippet=_short(p.description or p.title), payload=p,
            fields=[(p.title, 3.0), (p.institution, 1.0), (p.description or "", 1.0), (p.results or "", 0.5)])
    for pr in data.projects:
        add(ref=f"pr:{pr.key}", kind="project", title=pr.title, snippet=_short(pr.objective or pr.title), payload=pr,
            fields=[(pr.title, 3.0), (pr.short_name or "", 3.0), (pr.reference_code or "", 3.0),
                    (pr.objective or "", 1.0), (_join(pr.specific_objectives), 0.5), (_join(pr.countries), 1.0),
                    (_join(p.actor for p in pr.partners), 1.0), (_join(pr.context), 0.3), (_join(pr.activities), 0.3),
                    ("ministerios piloto " + _join(pr.pilot_ministries), 1.0 if pr.pilot_ministries else 0.0),
                    (_join(c.title for c in pr.components), 0.5), (_join(pr.expected_results), 0.3),
                    ("proyecto cooperacion", 0.5)])
    if data.catalogue:
        cat = data.catalogue
        add(ref="cat", kind="catalogue", title=cat.title, snippet=_short(cat.title), payload=cat,
            fields=[(cat.title, 3.0), ("catalogo buenas practicas cooperacion", 2.0), (_join(cat.spheres), 1.0),
                    (_join(cat.institution_breakdown), 0.5)])
        for fact in cat.facts:
            add(ref="cat", kind="catalogue_fact", title=_short(fact.text, 120), snippet=_short(fact.text),
                payload=fact, fields=[(fact.text, 2.0), (fact.topic.replace("_", " "), 1.0), ("catalogo", 0.5)])
    add_passages(docs, data)
    return docs


def iter_phrases(tokens: tuple[str, ...] | list[str], max_len: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, phrase) for every run of up to max_len consecutive tokens, longest first."""
    n = len(tokens)
    for length in range(min(max_len, n), 0, -1):
        for i in range(n - length + 1):
            yield i, i + length, " ".join(tokens[i:i + length])


def passages(data: KnowledgeData) -> Iterator[tuple[str, str, str, str | None]]:
    """(parent ref, section label, sentence, plan key) for the long texts the sources give."""
    for plan in data.plans:
        for c in plan.commitments:
            for label, texts in (
                ("description", [c.description]), ("problem", [c.problem]), ("causes", c.causes),
                ("done_so_far", c.done_so_far), ("solution", [c.solution]),
                ("expected_results", c.expected_results), ("transparency", [c.transparency]),
                ("accountability", [c.accountability]), ("participation", [c.participation]),
                ("modifications", c.modifications), ("resources", [c.resources]),
            ):
                for text in texts:
                    for sentence in split_sentences(text):
                        yield f"c{c.number}", label, sentence, plan.key
    for pr in data.projects:
        for label, texts in (("context", pr.context), ("activities", pr.activities),
                             ("achievements", pr.achievements), ("lessons_learned", pr.lessons_learned)):
            for text in texts:
                for sentence in split_sentences(text):
                    yield f"pr:{pr.key}", label, sentence, None


_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-ZÁÉÍÓÚÑ¿(\d])")


def split_sentences(text: str | None) -> list[str]:
    if not text:
        return []
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if len(s.strip()) > 20]


def add_passages(docs: list[Doc], data: KnowledgeData) -> None:
    for ref, label, sentence, plan_key in passages(data):
        docs.append(Doc(id=len(docs), ref=ref, kind="passage", title=_short(sentence, 120),
                        snippet=_short(sentence, 400), plan=plan_key, fields=[(sentence, 1.0)],
                        payload=label))


@dataclass(frozen=True, slots=True)
class Role:
    """Where an actor appears: the entity ref and the role it plays there."""

    ref: str
    role: str  # responsible, government, osc, other, osc_group, other_actor, partner, institution
    plan: str | None = None


class ActorDirectory:
    """Names, acronyms and aliases -> actors; and where each actor appears in the plans."""

    def __init__(self, data: KnowledgeData, stopwords: frozenset[str] | set[str] = frozenset()):
        self.actors = {a.key: a for a in data.actors}
        self.by_phrase: dict[str, str] = {}
        self.short_acronyms: set[str] = set()  # need upper case in the question ("AC", "IV", "MP")
        for a in data.actors:
            for name in (a.name, *a.aliases):
                self._add(fold_simple(name), a.key)
                full, acr = split_printed_name(name)
                self._add(fold_simple(full), a.key)
                if acr:
                    self._add_acronym(acr, a.key, stopwords)
            if a.acronym:
                self._add_acronym(a.acronym, a.key, stopwords)
        for acr in data.acronyms:
            if acr.actor and acr.actor in self.actors:
                self._add(fold_simple(acr.expansion), acr.actor)
                self._add_acronym(acr.acronym, acr.actor, stopwords)
        self.max_phrase = max((len(p.split()) for p in self.by_phrase), default=1)
        self.roles: dict[str, list[Role]] = defaultdict(list)
        self._collect_roles(data)

    def _add(self, phrase: str, key: str) -> None:
        if phrase and phrase not in self.by_phrase:
            self.by_phrase[phrase] = key

    def _add_acronym(self, acronym: str, key: str, stopwords: frozenset[str] | set[str]) -> None:
        folded = fold_simple(acronym)
        if not folded:
            return
        self._add(folded, key)
        if len(folded) <= 2 or folded in stopwords:
            self.short_acronyms.add(folded)

    def resolve(self, printed: str) -> str | None:
        """Actor key for a name as a data file prints it, or None (free text, unknown)."""
        if not printed or printed.startswith("~"):
            return None
        folded = fold_simple(printed)
        if folded in self.by_phrase:
            return self.by_phrase[folded]
        full, acr = split_printed_name(printed)
        for candidate in (fold_simple(full), fold_simple(acr or "")):
            if candidate in self.by_phrase:
                return self.by_phrase[candidate]
        return None

    def display(self, printed: str) -> str:
        """How an actor name is shown: 'Full name (ACR)' when known, else as printed."""
        key = self.resolve(printed)
        if key is None:
            return printed.lstrip("~").strip()
        a = self.actors[key]
        return f"{a.name} ({a.acronym})" if a.acronym and fold_simple(a.acronym) not in fold_simple(a.name) else a.name

    def find(self, tokens: tuple[str, ...] | list[str], original: str) -> list[tuple[int, int, str]]:
        """Actors named in the question: (start, end, key), longest phrases first, no overlaps."""
        taken: set[int] = set()
        found: list[tuple[int, int, str]] = []
        upper_words = set(re.findall(r"[A-Za-z0-9]+", original))
        for start, end, phrase in iter_phrases(tokens, self.max_phrase):
            key = self.by_phrase.get(phrase)
            if key is None or taken.intersection(range(start, end)):
                continue
            if phrase in self.short_acronyms and not any(w.lower() == phrase and not w.islower() for w in upper_words):
                continue
            found.append((start, end, key))
            taken.update(range(start, end))
        return sorted(found)

    def _collect_roles(self, data: KnowledgeData) -> None:
        seen: set[tuple[str, Role]] = set()

        def note(names: Iterable[str], ref: str, role: str, plan: str | None) -> None:
            for name in names:
                key = self.resolve(name)
                if key and (key, Role(ref, role, plan)) not in seen:
                    seen.add((key, Role(ref, role, plan)))
                    self.roles[key].append(Role(ref, role, plan))

        for plan in data.plans:
            for c in plan.commitments:
                note(c.responsible, f"c{c.number}", "responsible", plan.key)
                for group in c.osc_and_other_actors:
                    note(group.actors, f"c{c.number}", "osc_group", plan.key)
                note(c.other_actors, f"c{c.number}", "other_actor", plan.key)
                for h in c.hitos:
                    ref = f"c{c.number}h{h.number}"
                    note(h.responsible, ref, "responsible", plan.key)
                    note(h.supporters.government, ref, "government", plan.key)
                    note(h.supporters.osc, ref, "osc", plan.key)
                    note(h.supporters.other, ref, "other", plan.key)
                    for a in h.activities:
                        note(a.responsible, f"{ref}a{a.number}", "responsible", plan.key)
        for pr in data.projects:
            note((p.actor for p in pr.partners), f"pr:{pr.key}", "partner", None)
            for p in pr.partners:  # "DGPCI de la AMEXCID": every actor named inside the partner
                text = f"{p.actor} {p.role or ''}"
                for _, _, key in self.find(fold_simple(text).split(), text):
                    if (key, Role(f"pr:{pr.key}", "partner", None)) not in seen:
                        seen.add((key, Role(f"pr:{pr.key}", "partner", None)))
                        self.roles[key].append(Role(f"pr:{pr.key}", "partner", None))
        for p in data.practices:
            note([p.institution], f"p{p.id}", "institution", None)
