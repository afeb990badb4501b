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

from knowledge.index import ActorDirectory, iter_phrases
from knowledge.normalize import Lexicon, Normalized, Normalizer, fold_simple, ngrams
from knowledge.schema import Acronym

_NUMBERED = {"compromiso": "commitment", "hito": "hito", "actividad": "activity", "plan": "plan",
             "practica": "practice"}
COUNT_TARGETS = {
    "hitos": "hitos", "hito": "hitos", "compromisos": "commitments", "compromiso": "commitments",
    "actividades": "activities", "actividad": "activities", "practicas": "practices",
    "practica": "practices", "instituciones": "institutions", "institucion": "institutions",
    "organizaciones": "organizations", "osc": "organizations", "planes": "plans",
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
        return bool(self.commitment or self.hito or self.actors or self.acronyms or self.topics)


class Understander:
    def __init__(self, lexicon: Lexicon, normalizer: Normalizer, actors: ActorDirectory,
                 acronyms: list[Acronym], common_words: set[str] | frozenset[str] = frozenset()):
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

    def read(self, question: str) -> Intent:
        norm = self.normalizer.normalize(question)
        intent = Intent(norm)
        used: set[int] = set()
        self._numbers(intent, used)
        self._actors_and_acronyms(intent, question, used)
        self._topics(intent, used)
        self._aspect(intent)
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
            elif kind == "activity" and intent.activity is None:
                intent.activity = number
            elif kind == "plan" and intent.plan_number is None:
                intent.plan_number = number
            else:
                continue
            used.update((i, pos))

    def _actors_and_acronyms(self, intent: Intent, question: str, used: set[int]) -> None:
        toks = intent.normalized.tokens
        for start, end, key in self.actors.find(toks, question):
            if used.intersection(range(start, end)):
                continue
            if key not in intent.actors:
                intent.actors.append(key)
            used.update(range(start, end))
        words = set(re.findall(r"[A-Za-z0-9]+", question))
        for start, end, phrase in iter_phrases(toks, self._max_acronym):
            records = self.acronyms.get(phrase)
            if not records or used.intersection(range(start, end)):
                continue
            short = len(phrase) <= 2 or phrase in self.common_words  # "OSC", "CoST": upper case only
            if short and not any(w.lower() == phrase and not w.islower() for w in words):
                continue
            intent.acronyms.extend(r for r in records if r not in intent.acronyms)
            used.update(range(start, end))

    def _topics(self, intent: Intent, used: set[int]) -> None:
        for tokens in (intent.normalized.tokens, intent.normalized.canonical):
            for start, end, phrase in iter_phrases(tokens, self._max_topic):  # longest first
                ref = self._topic_of.get(phrase)
                if ref is None or used.intersection(range(start, end)):
                    continue
                if ref not in intent.topics:
                    intent.topics.append(ref)
                used.update(range(start, end))

    def _aspect(self, intent: Intent) -> None:
        toks = intent.normalized.canonical
        grams = ngrams(toks, max(self._max_aspect, 4))
        found = [a for a, phrases in self.lexicon.aspects.items() if any(p in grams for p in phrases)]
        intent.aspects = found
        intent.aspect = found[0] if found else "about"
        cues = self.lexicon.cues
        starts = any(p in grams for p in cues.get("date_start", ()))
        ends = any(p in grams for p in cues.get("date_end", ()))
        intent.date_part = "start" if starts and not ends else "end" if ends and not starts else "both"
        intent.revised = any(p in grams for p in cues.get("date_revised", ()))
        for sector in ("osc", "government", "other"):
            if any(p in grams for p in cues.get(f"sector_{sector}", ())):
                intent.sector = sector
                break
        if intent.aspect == "count":
            for t in toks:
                if t in COUNT_TARGETS:
                    intent.count_target = COUNT_TARGETS[t]
                    break
