"""Ranking texts against a question's words: BM25 over Snowball stems, with loose matching.

Two collections use it (knowledge.qa.records): the records a question can be about (a hito by
its subject, an activity, a commitment, a project) and the sentences of the running text. A
word of the question that no text has is matched to the closest word the texts do have (one or
two typing errors, same first letter) at a lower weight, so "capasitacion" still finds
"capacitación" without the question ever being rewritten.
"""

from __future__ import annotations

import functools
import math
from array import array
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.index import stem
from knowledge.memo import Kept
from knowledge.normalize import fold_simple

K1, B = 1.2, 0.6
LOOSE_WEIGHT = 0.6  # a question word matched to a different vocabulary word counts less
SCORED_POSTINGS = 100_000  # postings kept scored (~9 MB at most; the shipped base has ~9,500 in all)
SMALL_RANK = 256  # postings a question's words have in all, up to which `rank` scores them without numpy
UNKNOWN_WEIGHT = 1.0  # a word no text has (not even with a typing error) says the sources may be silent
_UNSEEN = object()  # (a word not looked up yet, where None means "no term")


@dataclass(slots=True)
class Text:
    """One retrievable text: a record's subject (its title), or one sentence of running text.

    A sentence is kept as a span of its paragraph (`body`), which its sister sentences share: the
    knowledge base's running text is held once, not once more per sentence."""

    ref: str  # the record it belongs to (knowledge.refs grammar)
    kind: str  # commitment, hito, activity, project, plan, catalogue, actor, acronym
    field: str  # title, description, expected_results, fact, ...
    body: str  # the title, or the (whitespace-flattened) paragraph the sentence is part of
    source: object = None  # knowledge.schema.Source
    plan: str | None = None
    span: int = -1  # the sentence in `body`: start << 16 | end; -1 = all of it
    prev: int = -1  # the sentence before it in `body`, the same way; -1 = none
    lead: str | None = None  # what comes before the first sentence (its record's title)
    extra: str | None = None  # more words to index (a fact's section; a record's other texts)

    @property
    def text(self) -> str:
        s = self.span
        return self.body if s < 0 else self.body[s >> 16:s & 0xFFFF]

    @property
    def parent(self) -> str | None:
        return self.body if self.span >= 0 else None

    @property
    def before(self) -> str | None:
        p = self.prev
        return self.body[p >> 16:p & 0xFFFF] if p >= 0 else self.lead

    @property
    def index(self) -> str:
        return f"{self.text} {self.extra}" if self.extra else self.text

    @property
    def stems(self) -> frozenset[str]:
        """The stems of what is indexed (worked out when asked: only candidates are)."""
        return stem_set(self.index)

    @property
    def context(self) -> frozenset[str]:
        """The stems of the sentence before it."""
        before = self.before
        return stem_set(before) if before else frozenset()


def stems_of(words) -> list[str]:
    return [stem(w) for w in words if len(w) > 1 or w.isdigit()]


@functools.lru_cache(maxsize=8192)
def stem_set(text: str) -> frozenset[str]:
    return frozenset(stems_of(fold_simple(text).split()))


class _Idf:
    """A term's idf, worked out from its document frequency when first asked (only the terms
    questions use are kept, bounded: no table of the whole vocabulary)."""

    def __init__(self, ranker: Ranker) -> None:
        self._r = ranker
        self._known: Kept[str, float] = Kept(10_000)

    def __getitem__(self, term: str) -> float:
        idf = self._known.get(term)
        if idf is None:
            r = self._r
            k = r.postings[term]
            df = r._start[k + 1] - r._start[k]
            idf = self._known.keep(term, math.log(1 + (r.n - df + 0.5) / (df + 0.5)))
        return idf


class Ranker:
    """BM25 over a fixed collection of `Text`s (built once per knowledge base)."""

    def __init__(self, texts: list[Text], stopwords: frozenset[str], keep_index: bool = True):
        """`keep_index=False`: the extra words indexed are dropped once indexed (a record's
        subject is its title plus its other texts; only the title is kept to show and compare)."""
        self.texts = texts
        ids: dict[str, array] = defaultdict(lambda: array("I"))
        tfs: dict[str, array] = defaultdict(lambda: array("H"))
        self.lengths = array("I")
        for i, t in enumerate(texts):
            words = [w for w in fold_simple(t.index).split() if w not in stopwords]
            stems = stems_of(words)
            counts: dict[str, int] = {}
            for s in stems:
                counts[s] = counts.get(s, 0) + 1
            for s, n in counts.items():
                ids[s].append(i)
                tfs[s].append(min(n, 65535))
            self.lengths.append(max(len(stems), 1))
        if not keep_index:
            for t in texts:
                t.extra = None
        # postings in CSR form: term -> its number; the ids and frequencies of all terms in two
        # flat arrays, term k's between start[k] and start[k + 1] (no objects per term or posting)
        self.postings: dict[str, int] = {}
        self._start = array("I", [0])
        self._ids = array("I")
        self._tfs = array("H")
        for k, term in enumerate(ids):
            self.postings[term] = k
            self._ids.extend(ids[term])
            self._tfs.extend(tfs[term])
            self._start.append(len(self._ids))
        del ids, tfs
        self.n = max(len(texts), 1)
        self.avg = sum(self.lengths) / self.n if self.lengths else 1.0
        self._np: tuple | None = None  # numpy and its views of the postings: `_vectors`
        self.idf = _Idf(self)
        self._by_letter: dict[str, list[str]] = defaultdict(list)
        for s in self.postings:
            if len(s) >= 4:
                self._by_letter[s[0]].append(s)
        self._loose: Kept[str, str | None] = Kept(10_000)
        self._word_terms: Kept[str, tuple[str, float] | None] = Kept(10_000)
        self._scored_terms: dict[str, tuple[float, tuple[tuple[int, float], ...]]] = {}
        self._scored_postings = 0  # how many postings `_scored_terms` holds

    def _vectors(self) -> tuple:
        """numpy and its views of the postings (no copy of the ids), made the first time many
        postings are scored (bench/answer_latency.py: at x100 a common word has thousands): a
        posting list is then scored in one vector step. The shipped knowledge base never needs
        them, so a start does not import numpy (~0.1 s)."""
        if self._np is None:
            import numpy as np

            ids = np.frombuffer(self._ids, dtype=np.uint32) if len(self._ids) else np.zeros(0, np.uint32)
            tfs = np.frombuffer(self._tfs, dtype=np.uint16).astype(np.float64) if len(self._tfs) else np.zeros(0)
            lengths = np.frombuffer(self.lengths, dtype=np.uint32).astype(np.float64) if len(self.lengths) \
                else np.zeros(1)
            self._np = (np, ids, tfs, lengths)
        return self._np

    def loose(self, s: str) -> str | None:
        """The vocabulary stem closest to an unknown stem (None when nothing is close)."""
        if s in self._loose:
            return self._loose[s]
        found = None
        if len(s) >= 4 and not s.isdigit():
            limit = 1 if len(s) < 7 else 2
            candidates = self._by_letter.get(s[0], ())
            hit = process.extractOne(s, candidates, scorer=Levenshtein.distance, score_cutoff=limit)
            found = hit[0] if hit else None
            if found is None and len(s) >= 6:
                # the stemmer cuts a noun and its verb apart ("revision" / "revis", "implementacion" /
                # "implement"): a stem that begins the other, sharing five letters or more
                shared = [c for c in candidates if len(c) >= 5 and (s.startswith(c) or c.startswith(s))]
                found = max(shared, key=len) if shared else None
        return self._loose.keep(s, found)

    def terms(self, words) -> dict[str, float]:
        """Question words -> {vocabulary stem: weight}."""
        out: dict[str, float] = {}
        known = self._word_terms
        for w in words:
            term = known.get(w, _UNSEEN)
            if term is _UNSEEN:
                term = self._term(w)
            if term is not None:
                s, weight = term
                out[s] = max(out.get(s, 0.0), weight)
        return out

    def _term(self, word: str) -> tuple[str, float] | None:
        """A question word's vocabulary stem and weight (its own stem, else the closest one at a
        lower weight; None for neither): a pure function of the word, kept (bounded)."""
        term = None
        if len(word) > 1 or word.isdigit():
            s = stem(word)
            if s in self.postings:
                term = (s, 1.0)
            elif near := self.loose(s):
                term = (near, LOOSE_WEIGHT)
        return self._word_terms.keep(word, term)

    def unknown_mass(self, words) -> float:
        """The idf mass of question words no text has (not even loosely): what the sources are
        silent about counts against every text's coverage."""
        rare = UNKNOWN_WEIGHT * math.log(1 + (self.n - 0.5) / 1.5)
        return sum(rare for s in set(stems_of(words)) if s not in self.postings and not self.loose(s))

    def rank(self, terms: dict[str, float], allowed=None, limit: int = 20,
             unknown: float = 0.0) -> list[tuple[float, float, int]]:
        """(bm25, coverage, text id), best first. Coverage: the share of the question's idf mass
        the text holds (1.0 = every question word is in it)."""
        if not terms:
            return []
        total = (sum(self.idf[s] * w for s, w in terms.items()) + unknown) or 1.0
        if sum(self._start[self.postings[s] + 1] - self._start[self.postings[s]] for s in terms) <= SMALL_RANK:
            return self._rank_small(terms, allowed, limit, total)
        np, np_ids, np_tfs, np_lengths = self._vectors()
        scores = np.zeros(len(self.texts))
        covered = np.zeros(len(self.texts))
        base, scale = K1 * (1 - B), K1 * B / self.avg
        for s, w in terms.items():
            weight = w * self.idf[s]
            k = self.postings[s]
            a, b = self._start[k], self._start[k + 1]
            ids, tf = np_ids[a:b], np_tfs[a:b]
            scores[ids] += weight * (tf * (K1 + 1) / (tf + (base + scale * np_lengths[ids])))
            covered[ids] += weight
        found = np.flatnonzero(covered)
        if allowed is not None:  # a set of ids, or a predicate on the text
            keep = [(int(i) in allowed) if isinstance(allowed, (set, frozenset)) else allowed(self.texts[i])
                    for i in found]
            found = found[np.array(keep, dtype=bool)] if len(found) else found
        # best first: by score, then coverage, then id (as sorted(…, reverse=True) gives them)
        order = np.lexsort((-found.astype(np.int64), -covered[found], -scores[found]))[:limit]
        return [(float(scores[i]), float(covered[i] / total), int(i)) for i in found[order]]

    def _rank_small(self, terms: dict[str, float], allowed, limit: int, total: float) -> list[tuple[float, float, int]]:
        """`rank` for a few postings (the shipped knowledge base: ~20 a word), in plain Python: the
        same arithmetic in the same order as the numpy vectors, so the same floats, without the
        fixed cost of a dozen array operations per call."""
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        for s, w in terms.items():
            idf, postings = self._scored(s)
            weight = w * idf
            if not scores:  # (the first term's texts start from its share: 0.0 + x is x)
                scores = {i: weight * part for i, part in postings}
                covered = dict.fromkeys(scores, weight)
                continue
            for i, part in postings:
                scores[i] = scores.get(i, 0.0) + weight * part
                covered[i] = covered.get(i, 0.0) + weight
        found = list(covered)
        if allowed is not None:  # a set of ids, or a predicate on the text
            found = [i for i in found if i in allowed] if isinstance(allowed, (set, frozenset)) \
                else [i for i in found if allowed(self.texts[i])]
        # best first: by score, then coverage, then id (as `rank` orders them), in three stable
        # sorts keyed in C rather than one keyed by a Python function called for every text
        found.sort(reverse=True)
        found.sort(key=covered.__getitem__, reverse=True)
        found.sort(key=scores.__getitem__, reverse=True)
        return [(scores[i], covered[i] / total, i) for i in found[:limit]]

    def _scored(self, s: str) -> tuple[float, tuple[tuple[int, float], ...]]:
        """A term's idf and its postings as (text id, BM25 share of the text), worked out the first
        time the term is asked (a pure function of the collection; at most SCORED_POSTINGS kept)."""
        known = self._scored_terms.get(s)
        if known is None:
            ids, tfs, lengths = self._ids, self._tfs, self.lengths
            base, scale = K1 * (1 - B), K1 * B / self.avg
            k = self.postings[s]
            postings = []
            for j in range(self._start[k], self._start[k + 1]):
                i = ids[j]
                tf = float(tfs[j])
                postings.append((i, tf * (K1 + 1) / (tf + (base + scale * float(lengths[i])))))
            known = (self.idf[s], tuple(postings))
            self._scored_postings += len(postings)
            if self._scored_postings > SCORED_POSTINGS:
                self._scored_terms.clear()
                self._scored_postings = len(postings)
            self._scored_terms[s] = known
        return known

    def idf_of(self, terms: dict[str, float]) -> float:
        return sum(self.idf[s] * w for s, w in terms.items())
