"""Understanding a question: which entity it is about and which aspect of it it asks for.

`Understander.read(question)` returns an `Intent`: the explicit numbers ("compromiso 3 hito 2",
"el 6to plan"), the actors and acronyms named, the topic nicknames found (lexicon/topics.yaml),
the aspect (who is responsible, who supports, dates, status, results, products, counts, lists,
meaning of an acronym, ...) and the words left for retrieval. It decides nothing about the
answer; knowledge.core does that with the knowledge base in hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.index import ActorDirectory, PhraseStarts, iter_phrases
from knowledge.normalize import Lexicon, Normalized, Normalizer, fold_simple
from knowledge.schema import Acronym, Project

_NUMBERED = {"compromiso": "commitment", "hito": "hito", "actividad": "activity", "plan": "plan",
             "practica": "practice"}
READ_MEMO = 2048  # questions whose reading is remembered (see Understander.read)
COUNT_TARGETS = {
    "hitos": "hitos", "hito": "hitos", "compromisos": "commitments", "compromiso": "commitments",
    "actividades": "activities", "actividad": "activities", "practicas": "practices",
    "practica": "practices", "instituciones": "institutions", "institucion": "institutions",
    "organizaciones": "organizations", "osc": "organizations", "planes": "plans",
    "mesas": "tables", "mesa": "tables",
}


@dataclass
class Intent:
    normalized: Normalized
    aspect: str = "about"
    aspects: list[str] = field(default_factory=list)
    commitment: int | None = None
    hito: int | None = None
    activity: int | None = None
    plan_number: int | None = None  # "6to plan", "plan 4"
    mentions_plan: bool = False  # the word plan/PAN appears
    actors: list[str] = field(default_factory=list)  # actor keys, in order of appearance
    acronyms: list[Acronym] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # refs from lexicon/topics.yaml
    projects: list[str] = field(default_factory=list)  # project keys (by name, code, acronym, nickname)
    missing: str | None = None  # an attribute the sources never give (lexicon aspects.yaml `unanswerable`)
    missing_phrase: str | None = None  # the words that asked for it ("secretaria general")
    date_part: str = "both"  # start, end, both
    revised: bool = False
    sector: str | None = None  # government, osc, other
    count_target: str | None = None
    rest: tuple[str, ...] = ()  # tokens not used by the above, for retrieval

    @property
    def english(self) -> bool:
        return self.normalized.english

    @property
    def has_entity(self) -> bool:
        return bool(self.commitment or self.hito or self.actors or self.acronyms or self.topics or self.projects)

    def says(self, *words: str) -> bool:
        """Whether any of the words is in the (normalised) question."""
        return any(w in self.normalized.tokens or w in self.normalized.canonical for w in words)


class Understander:
    def __init__(self, lexicon: Lexicon, normalizer: Normalizer, actors: ActorDirectory,
                 acronyms: list[Acronym], common_words: set[str] | frozenset[str] = frozenset(),
                 projects: list[Project] | None = None):
        self.lexicon = lexicon
        self.common_words = frozenset(common_words) | lexicon.stop_es | lexicon.stop_en
        self.normalizer = normalizer
        self.actors = actors
        self.acronyms: dict[str, list[Acronym]] = {}
        for a in acronyms:
            self.acronyms.setdefault(fold_simple(a.acronym), []).append(a)
        self._max_acronym = max((len(k.split()) for k in self.acronyms), default=1)
        self._topic_of: dict[str, str] = {}
        for ref, phrases in lexicon.topics.items():
            for p in phrases:
                self._topic_of.setdefault(p, ref)
        self._max_topic = max((len(p.split()) for p in self._topic_of), default=1)
        self._max_aspect = max((len(p.split()) for ps in lexicon.aspects.values() for p in ps), default=1)
        self._project_of: dict[str, str] = {}  # folded name, code or acronym -> project key
        for pr in projects or []:
            for name in (pr.short_name, pr.reference_code):
                if name and len(name.split()) <= 3:
                    self._project_of.setdefault(fold_simple(name), pr.key)
        by_title = {fold_simple(pr.title): pr.key for pr in projects or []}
        for folded, records in self.acronyms.items():
            for r in records:
                key = self._project_of.get(folded) or by_title.get(fold_simple(r.expansion))
                if key:
                    self._project_of[folded] = key
        self._max_project = max((len(p.split()) for p in self._project_of), default=1)
        self._acronym_starts = PhraseStarts(self.acronyms)
        self._project_starts = PhraseStarts(self._project_of)
        self._topic_starts = PhraseStarts(self._topic_of)
        # aspects and cues as sets: "does the question say any of these?" is one set operation
        self._aspect_sets = tuple((a, frozenset(ps)) for a, ps in lexicon.aspects.items())
        self._cue_sets = {name: frozenset(ps) for name, ps in lexicon.cues.items()}
        self._unanswerable_sets = tuple((attr, ps, frozenset(ps)) for attr, ps in lexicon.unanswerable.items())
        # the runs of words worth looking up for them (aspects and cues up to the longest aspect
        # or 4 words, unanswerable attributes up to 4 words: longer phrases never matched)
        self._aspect_limit = max(self._max_aspect, 4)
        self._aspect_starts = PhraseStarts(
            p for ps in (*lexicon.aspects.values(), *lexicon.cues.values()) for p in ps
            if len(p.split(" ")) <= self._aspect_limit)
        self._missing_starts = PhraseStarts(
            p for ps in lexicon.unanswerable.values() for p in ps if len(p.split(" ")) <= 4)
        self._read_memo: dict[str, Intent] = {}  # question -> what it asks (insertion order = age)
        self._question_words = frozenset({"que", "es", "son", "significa", "quiere", "decir", "sigla", "el", "la",
                                          "los", "las", "what", "is", "does", "mean", "stand", "for", "the",
                                          "q", "k", "ke", "sig", "significado", "de", "del", "siglas"})

    def read(self, question: str) -> Intent:
        """What the question asks. A pure function of the text (the lexicon, the actors and the
        acronyms never change in one Understander), so the last few thousand are remembered:
        people ask the same things in the same words. Callers must not change the Intent."""
        intent = self._read_memo.get(question)
        if intent is None:
            if len(self._read_memo) >= READ_MEMO:
                del self._read_memo[next(iter(self._read_memo))]  # the oldest goes first
            intent = self._read_memo[question] = self._read(question)
        return intent

    def _read(self, question: str) -> Intent:
        norm = self.normalizer.normalize(question)
        intent = Intent(norm)
        used: set[int] = set()
        self._numbers(intent, used)
        self._actors_and_acronyms(intent, question, used)
        self._projects(intent, used)
        self._topics(intent, used)
        self._aspect(intent)
        self._acronym_question(intent, question)
        self._missing(intent, used)
        tokens = norm.canonical
        intent.rest = tuple(t for i, t in enumerate(tokens) if i not in used)
        return intent

    # --- pieces ---------------------------------------------------------------------------

    def _numbers(self, intent: Intent, used: set[int]) -> None:
        toks = intent.normalized.tokens
        for i, t in enumerate(toks):
            if t in ("plan", "planes", "pan"):
                intent.mentions_plan = True
            kind = _NUMBERED.get(t)
            if kind is None:
                continue
            number = None
            if i + 1 < len(toks) and toks[i + 1].isdigit():
                number, pos = int(toks[i + 1]), i + 1
            elif i > 0 and toks[i - 1].isdigit() and t in _NUMBERED:
                number, pos = int(toks[i - 1]), i - 1
            elif i + 2 < len(toks) and toks[i + 1] in ("numero", "no", "nro", "n") and toks[i + 2].isdigit():
                number, pos = int(toks[i + 2]), i + 2
            if number is None or number > 999:
                continue
            if kind == "commitment" and intent.commitment is None:
                intent.commitment = number
            elif kind == "hito" and intent.hito is None:
                intent.hito = number
                of = self._commitment_after(toks, pos + 1) if pos > i else None
                if of is not None and intent.commitment is None:  # "hito 2 del 5": hito 2 of commitment 5
                    intent.commitment, at = of
                    used.add(at)
            elif kind == "activity" and intent.activity is None:
                intent.activity = number
            elif kind == "plan" and intent.plan_number is None:
                intent.plan_number = number
            else:
                continue
            used.update((i, pos))

    @staticmethod
    def _commitment_after(toks: tuple[str, ...], j: int) -> tuple[int, int] | None:
        """'del 5' / 'de el 5' / 'de 5' right after a hito number: (commitment number, its position)."""
        for lead in (("del",), ("de", "el"), ("de",), ("en", "el"), ("of",)):
            n = len(lead)
            if tuple(toks[j:j + n]) == lead and j + n < len(toks) and toks[j + n].isdigit():
                if j + n + 1 < len(toks) and toks[j + n + 1] in ("plan", "planes", "pan"):
                    return None  # "hito 2 del 6 plan" is not a commitment
                number = int(toks[j + n])
                return (number, j + n) if 0 < number < 1000 else None
        return None

    def _actors_and_acronyms(self, intent: Intent, question: str, used: set[int]) -> None:
        toks = intent.normalized.tokens
        for start, end, key in self.actors.find(toks, question):
            if used.intersection(range(start, end)):
                continue
            if key not in intent.actors:
                intent.actors.append(key)
            used.update(range(start, end))
        words = set(re.findall(r"[A-Za-z0-9]+", question))
        for start, end, phrase in self._acronym_starts.candidates(toks):
            records = self.acronyms.get(phrase)
            if not records or used.intersection(range(start, end)):
                continue
            short = len(phrase) <= 2 or phrase in self.common_words  # "OSC", "CoST": upper case only
            if short and not any(w.lower() == phrase and not w.islower() for w in words):
                continue
            intent.acronyms.extend(r for r in records if r not in intent.acronyms)
            used.update(range(start, end))

    def project_named(self, name: str) -> str | None:
        """The project key a short name, code or acronym names ('PRODEV' -> 'prodev')."""
        return self._project_of.get(fold_simple(name))

    def _projects(self, intent: Intent, used: set[int]) -> None:
        """Projects named by short name, code or acronym (also when the acronym was read as one)."""
        for start, end, phrase in self._project_starts.candidates(intent.normalized.tokens):
            key = self._project_of.get(phrase)
            if key and key not in intent.projects:
                intent.projects.append(key)
                used.update(range(start, end))
        for acr in intent.acronyms:
            key = self._project_of.get(fold_simple(acr.acronym))
            if key and key not in intent.projects:
                intent.projects.append(key)

    def _topics(self, intent: Intent, used: set[int]) -> None:
        for tokens in (intent.normalized.tokens, intent.normalized.canonical):
            for start, end, phrase in self._topic_starts.candidates(tokens):  # longest first
                ref = self._topic_of.get(phrase)
                if ref is None or used.intersection(range(start, end)):
                    continue
                if ref.startswith("pr:"):
                    if ref[3:] not in intent.projects:
                        intent.projects.append(ref[3:])
                elif ref not in intent.topics:
                    intent.topics.append(ref)
                used.update(range(start, end))

    def _acronym_question(self, intent: Intent, question: str) -> None:
        """'q es la mmm', 'q quiere decir osc', 'q significa pan': an acronym question, whatever the
        case and even when normalisation read the word as something else (pan -> plan)."""
        if intent.acronyms or intent.aspect not in ("meaning", "about"):
            return
        raw = fold_simple(question).split()
        rest = [t for t in raw if t not in self._question_words]
        if not rest or len(rest) > 3:
            return
        for start, end, phrase in iter_phrases(rest, self._max_acronym):
            records = self.acronyms.get(phrase)
            if not records or end < len(rest) and rest[end].isdigit():
                continue  # "pan 6" is the 6th plan, not the acronym
            if end - start != len(rest) and intent.aspect != "meaning":
                continue  # other words besides the acronym: not a bare "what is X"
            intent.acronyms.extend(records)
            intent.aspect = "meaning"
            intent.topics = [t for t in intent.topics if t not in self._topic_of.get(phrase, "")]
            intent.actors = [k for k in intent.actors if not any(r.actor == k for r in records)]
            return

    def _missing(self, intent: Intent, used: set[int]) -> None:
        """An attribute no source gives (a phone, a salary, the weather), from the question's free words."""
        free = [t for i, t in enumerate(intent.normalized.tokens) if i not in used]
        free_canonical = [t for i, t in enumerate(intent.normalized.canonical) if i not in used]
        grams = self._missing_starts.phrases(free) | self._missing_starts.phrases(free_canonical)
        for attribute, phrases, phrase_set in self._unanswerable_sets:
            if phrase_set.isdisjoint(grams):
                continue
            found = next((p for p in phrases if p in grams), None)
            if found:
                intent.missing, intent.missing_phrase = attribute, found
                return

    def _aspect(self, intent: Intent) -> None:
        toks = intent.normalized.canonical
        grams = self._aspect_starts.phrases(toks)
        found = [a for a, phrases in self._aspect_sets if not phrases.isdisjoint(grams)]
        intent.aspects = found
        intent.aspect = found[0] if found else "about"
        cues = self._cue_sets
        empty: frozenset[str] = frozenset()
        starts = not cues.get("date_start", empty).isdisjoint(grams)
        ends = not cues.get("date_end", empty).isdisjoint(grams)
        intent.date_part = "start" if starts and not ends else "end" if ends and not starts else "both"
        intent.revised = not cues.get("date_revised", empty).isdisjoint(grams)
        for sector in ("osc", "government", "other"):
            if not cues.get(f"sector_{sector}", empty).isdisjoint(grams):
                intent.sector = sector
                break
        if intent.aspect == "count":
            for t in toks:
                if t in COUNT_TARGETS:
                    intent.count_target = COUNT_TARGETS[t]
                    break
