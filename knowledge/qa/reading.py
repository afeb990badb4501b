"""Reading a question into a query: every ask it makes, the records it names, the words left.

`Reader.read(text)` returns a `Query`. A question can ask several things at once ("who is
responsible and when does it end" reads as the asks `responsible` and `end`); the asks, answer
types and sectors come from lexicon/asks.yaml, matched by word prefix with one typing error
allowed, so "encabezan", "coordinaba" and "responsabel" need no entry of their own. Words are
never rewritten into other words: a word the lexicon does not know stays as typed and is left
for retrieval, which matches it loosely against the records' own vocabulary.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

from knowledge.index import ActorDirectory
from knowledge.memo import Kept
from knowledge.normalize import YAML_LOADER, Lexicon, fold, fold_simple
from knowledge.schema import Acronym

ASKS_FILE = Path(__file__).resolve().parent.parent / "lexicon" / "asks.yaml"
MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_REF_WORDS = {
    "commitment": ("compromiso", "compromisos", "commitment", "commitments", "comp"),
    "hito": ("hito", "hitos", "milestone", "milestones"),
    "activity": ("actividad", "actividades", "activity", "activities"),
    "plan": ("plan", "pan", "planes"),
}
# "el primer hito en iniciar", "the first milestone to end": an order asked, not hito 1
_FIRST_TO = re.compile(r"\b(?:primer|primero|first)\b.*\b(?:en|to)\s+(?:iniciar|empezar|arrancar|comenzar|terminar|"
                       r"finalizar|acabar|start|begin|end|finish)")
_ORDINAL_ONE = re.compile(r"\b(1er|1ro|1ero|1ra|1era|primer|primero|primera|1st|first|1o|1a)\b")
# "qué publica en su página web", "lo que sale en el sitio web": where something is, not what is asked
_WHERE_SOMETHING_IS = re.compile(r"\b(?:en|in|on|parte de|part of|seccion de|section of)(?: (?:que|cual|which|what))?"
                                 r"(?: (?:su|sus|la|el|los|las|its|their|the))?$")  # ("en qué página web lo colocan")


SPEECH_WORDS = frozenset({"dijo", "hablo", "informo", "indico", "declaro", "refirio", "cito", "citado", "citada",
                     "quoted", "said", "spoke", "intervino", "senalo", "expreso", "afirmo"})


# "qué dirección de SEGEPLAN", "which office of": a unit of an institution, not its street address
_WHICH_UNIT = re.compile(r"\b(?:que|q|k|cual|cuales|which|what)$")
_TYPED_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")
_ASKER_IS = re.compile(r"\b(?:como|soy|somos|i am|im)(?: (?:el|la|un|una|a|an))?$")  # "soy secretario municipal"


def _introduces_asker(tokens: tuple[str, ...], start: int) -> bool:
    """'soy la directora de …', 'como alcalde …', 'somos funcionarios …': the asker's own post."""
    before = tokens[max(0, start - 2):start]
    return bool(before) and (before[-1] in ("como", "soy", "somos", "i'm", "im") or (
        len(before) == 2 and before[0] in ("como", "soy", "somos") and before[1] in ("el", "la", "un", "una")))


_PERSON_WORDS = frozenset({
    "presidente", "presidenta", "vicepresidente", "vicepresidenta", "comisionado", "comisionada", "ministro",
    "ministra", "secretario", "secretaria", "director", "directora", "jefe", "jefa", "alcalde", "alcaldesa",
    "coordinador", "coordinadora", "persona", "senor", "senora", "funcionario", "funcionaria", "titular",
    "encargado", "encargada", "representante", "diputado", "diputada"})
TOPICAL_ASKS = frozenset({"budget", "contact", "person", "transparency", "accountability", "solution",
                          "modifications", "components", "pilots", "lessons", "countries"})
_PLAN_YEARS = {("2018", "2020"): 4, ("2023", "2025"): 6, ("2016", "2018"): 3, ("2021", "2023"): 5,
               ("2014", "2016"): 2, ("2012", "2014"): 1}


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue phrase: its words, each matched exactly or as a prefix ("encabez*")."""

    words: tuple[tuple[str, bool], ...]  # (text, is_prefix)

    def match_at(self, tokens: tuple[str, ...], i: int, tolerant: bool = True, skip: int = 0) -> bool:
        """Whether the cue's words are at tokens[i:]; `skip`: its first words, known to match."""
        words = self.words
        if i + len(words) > len(tokens):
            return False
        for k in range(skip, len(words)):
            text, prefix = words[k]
            token = tokens[i + k]
            if not (_word_matches(token, text, prefix) if tolerant
                    else token == text or (prefix and token.startswith(text))):
                return False
        return True


def _word_matches(token: str, text: str, prefix: bool) -> bool:
    if prefix:
        if token.startswith(text):
            return True
        # one typing error in the part the cue gives: a letter wrong, missing ("resposable") or extra
        n = len(text)
        return n >= 7 and len(token) >= n - 1 and any(
            Levenshtein.distance(token[:k], text) <= 1 for k in (n - 1, n, n + 1))
    if token == text:
        return True
    return len(text) >= 7 and abs(len(token) - len(text)) <= 1 and Levenshtein.distance(token, text) <= 1


def _first_word_matches(token: str, first: tuple[str, bool], tolerant: bool) -> bool:
    text, prefix = first
    if not tolerant:
        return token == text or (prefix and token.startswith(text))
    return _word_matches(token, text, prefix)


def _cue(phrase: str) -> Cue:
    words = []
    for raw in phrase.split():
        w = fold_simple(raw)
        if w:
            words.append((w, raw.endswith("*")))
    return Cue(tuple(words))


@dataclass(frozen=True)
class CueTable:
    """Name -> cues, indexed by the first letter of the cue's first word."""

    by_letter: dict[str, tuple[tuple[str, Cue], ...]]
    tolerant: bool = True  # one typing error allowed (not for sectors: "gobiernos locales" is no sector)
    # word -> the cues its first word matches (bench/throughput.py: reading was half of each answer,
    # trying every cue of a letter at every word); a pure function of the word, bounded
    _starting: Kept[str, tuple[tuple[str, Cue], ...]] = field(default_factory=lambda: Kept(20_000), compare=False,
                                                              repr=False)
    # (word, the word after it) -> those of them whose second word matches too (bounded the same way)
    _pairs: Kept[tuple[str, str], tuple[tuple[str, Cue], ...]] = field(default_factory=lambda: Kept(20_000),
                                                                       compare=False, repr=False)

    @classmethod
    def of(cls, groups: dict[str, list[str]], tolerant: bool = True, canon=None) -> CueTable:
        """`canon` maps a word as questions are read ("which" -> "cual"): each cue is also kept in
        that form, so "over which years" is found once the question's English is mapped."""
        by_letter: dict[str, list[tuple[str, Cue]]] = {}
        for name, phrases in groups.items():
            for p in phrases:
                forms = [p]
                if canon is not None and " " in p:  # (phrases: one word keeps its own, narrower sense)
                    forms.append(" ".join(w if w.endswith("*") else canon(w) for w in p.split()))
                for form in dict.fromkeys(forms):
                    c = _cue(form)
                    if c.words:
                        by_letter.setdefault(c.words[0][0][0], []).append((name, c))
        # longer cues first, so "hasta cuando" (end) is taken before "cuando" (dates)
        return cls({k: tuple(sorted(v, key=lambda nc: -len(nc[1].words))) for k, v in by_letter.items()}, tolerant)

    def _starting_with(self, word: str) -> tuple[tuple[str, Cue], ...]:
        known = self._starting.get(word)
        if known is None:
            known = tuple((name, cue) for name, cue in self.by_letter.get(word[:1], ())
                          if _first_word_matches(word, cue.words[0], self.tolerant))
            # a word that is a cue's own word means that cue before one it is a typo of
            # ("finalidad" is the aim, not "finaliz*" mistyped)
            known = self._starting.keep(
                word, tuple(sorted(known, key=lambda nc: not _first_word_matches(word, nc[1].words[0], False))))
        return known

    def _starting_pair(self, word: str, following: str) -> tuple[tuple[str, Cue], ...]:
        """The cues `_starting_with(word)` whose second word, if they have one, matches `following`
        ("" after the last word)."""
        key = (word, following)
        known = self._pairs.get(key)
        if known is None:
            known = self._pairs.keep(key, tuple(
                (name, cue) for name, cue in self._starting_with(word) if len(cue.words) == 1 or (
                    following and _first_word_matches(following, cue.words[1], self.tolerant))))
        return known

    def find(self, tokens: tuple[str, ...]) -> list[tuple[int, int, str]]:
        """(start, end, name) of every cue found, leftmost-longest, no overlaps."""
        found: list[tuple[int, int, str]] = []
        i = 0
        n = len(tokens)
        starting = self._starting
        while i < n:
            first = starting.get(tokens[i])
            if not (first if first is not None else self._starting_with(tokens[i])):
                i += 1  # (most words start no cue)
                continue
            # (their first two words match tokens[i:i + 2])
            for name, cue in self._starting_pair(tokens[i], tokens[i + 1] if i + 1 < n else ""):
                if len(cue.words) <= 2 or cue.match_at(tokens, i, self.tolerant, skip=2):
                    found.append((i, i + len(cue.words), name))
                    i += len(cue.words)
                    break
            else:
                i += 1
        return found


@functools.cache
def load_cues(canon=None) -> tuple[CueTable, CueTable, CueTable]:
    with ASKS_FILE.open(encoding="utf-8") as f:
        raw = yaml.load(f, Loader=YAML_LOADER)
    return (CueTable.of(raw["asks"], canon=canon), CueTable.of(raw["answer_types"], canon=canon),
            CueTable.of(raw["sectors"], tolerant=False, canon=canon))


_EVERY = frozenset({"cada", "every", "each"})
_AND = frozenset({"y", "e", "and", "tambien", "also"})
# value words that also say what is asked about, as the sources write it ("la prevalencia de sobrepeso")
_TOPICAL_VALUES = frozenset({"prevalencia", "prevalence"})
_WHICH = frozenset({"que", "cual", "cuales"})  # (English "what", "which" arrive mapped to these)
_ARTICLES = frozenset({"el", "la", "los", "las", "un", "una", "the", "a", "an"})


def _head(tokens: tuple[str, ...], content: tuple[str, ...]) -> str | None:
    """The noun an interrogative asks for ("en qué principios se basan …" -> "principios"), when it
    is a word left for retrieval (not "qué es", not a cue of what is asked such as "qué fecha")."""
    for i, t in enumerate(tokens[:5]):
        if t in _WHICH:
            nxt = [x for x in tokens[i + 1:i + 3] if x not in _ARTICLES][:1]
            if nxt and nxt[0] in content and len(nxt[0]) >= 4 and not nxt[0].isdigit():
                return nxt[0]
            return None
    return None


@dataclass
class Query:
    original: str
    tokens: tuple[str, ...]  # folded, abbreviations expanded, numbers as digits, English mapped
    english: bool
    asks: list[str] = field(default_factory=list)  # in the order they appear, no repeats
    answer_type: str | None = None  # number, date, person, place (the first one asked)
    answer_types: tuple[str, ...] = ()  # every kind of value asked, in order
    asked_twice: bool = False  # one kind of value asked twice ("since what year … and when …")
    sector: str | None = None  # government, osc, other
    plan: int | None = None
    commitment: int | None = None
    hito: int | None = None
    activity: int | None = None
    plural: set[str] = field(default_factory=set)  # record kinds named in the plural ("hitos")
    named: set[str] = field(default_factory=set)  # record kinds named ("hito" without a number)
    actors: list[str] = field(default_factory=list)  # actor keys, in order
    acronyms: list[Acronym] = field(default_factory=list)
    months: list[tuple[int, int | None]] = field(default_factory=list)  # (month, year)
    years: list[int] = field(default_factory=list)
    hito_list: tuple[int, ...] = ()  # "los hitos 1, 2 y 4", "hitos del 1 al 3"
    commitment_list: tuple[int, ...] = ()  # every commitment named by number ("el 3 como el 6")
    ordinal_one: bool = False
    defined: bool = False  # "qué es la CNC": an acronym right after "qué es"
    missing: str | None = None  # an attribute no source gives (lexicon aspects.yaml `unanswerable`)
    count_target: str | None = None  # the word after "cuántos": hitos, actividades, municipios, ...
    head: str | None = None  # the thing asked for, right after "qué"/"cuál": "qué principios", "which law"
    content: tuple[str, ...] = ()  # words for retrieval: not function words, not cue words
    actor_words: frozenset[str] = frozenset()  # content words that name an actor
    cue_words: frozenset[str] = frozenset()  # content words that say what is asked ("presupuesto")
    topics: tuple[str, ...] = ()  # refs named by a nickname (lexicon/topics.yaml): "mano a mano" -> c2

    @property
    def subject(self) -> tuple[str, ...]:
        """The words that say what the question is about (not what it asks of it)."""
        return tuple(w for w in self.content if w not in self.cue_words)

    @property
    def locale(self) -> str:
        return "en" if self.english else "es"

    def asks_any(self, *names: str) -> bool:
        asks = self.asks
        for n in names:  # (asked a dozen times a question: a plain loop, no generator)
            if n in asks:
                return True
        return False


class Reader:
    """Turns question text into a Query (pure: the same text always reads the same)."""

    def __init__(self, lexicon: Lexicon, normalizer, actors: ActorDirectory, acronyms: list[Acronym]):
        self.lexicon = lexicon
        self.normalizer = normalizer
        self.actors = actors
        self.stop = lexicon.stop_es | lexicon.stop_en
        self.ask_cues, self.type_cues, self.sector_cues = load_cues(normalizer._canonical_word)
        self.topic_phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for ref, phrases in lexicon.topics.items():
            for p in phrases:
                words = tuple(p.split())
                # as a question reads once its English words are mapped ("local government" -> "local gobierno")
                for form in dict.fromkeys((words, tuple(normalizer._canonical_word(w) for w in words))):
                    if form:
                        self.topic_phrases.setdefault(form[0], []).append((form, ref))
        # what the sources never say, each phrase between spaces as a question's words are searched
        self._unanswerable = tuple((attribute, tuple(f" {p} " for p in phrases))
                                   for attribute, phrases in lexicon.unanswerable.items())
        # (a phrase can be there only when its first word is one of the question's words)
        self._unanswerable_from: dict[str, set[int]] = {}
        for n, (_attribute, phrases) in enumerate(self._unanswerable):
            for p in phrases:
                if p.split():
                    self._unanswerable_from.setdefault(p.split()[0], set()).add(n)
        self.acronyms: dict[str, list[Acronym]] = {}
        for a in acronyms:
            self.acronyms.setdefault(fold_simple(a.acronym), []).append(a)

    def tokens(self, text: str, folded: str | None = None) -> tuple[tuple[str, ...], bool]:
        """Folded words, abbreviations expanded, number words as digits, English mapped to the
        sources' Spanish, filler phrases dropped (no spelling correction). `folded`: fold(text),
        when the caller has it already."""
        n = self.normalizer
        folded = fold(text) if folded is None else folded
        if "vice " in folded:  # "vice-president", "vice presidenta": one post
            folded = re.sub(r"\bvice (president[ae]?s?)\b", r"vice\1", folded)
        raw = folded.split()
        english = n.is_english(raw)
        words = n._numbers_to_digits(n._expand_abbreviations(raw))
        words = n._remove_fillers(words)
        # an institution's own name is never translated ("CoST Guatemala" is not "costo")
        names, canonical = self.actors.by_phrase, n._canonical
        return tuple(w if w in names else canonical.get(w, w) for w in words), english

    def read(self, text: str) -> Query:
        folded = fold(text)  # (once: the tokens, the words as typed and the ordinals read it)
        tokens, english = self.tokens(text, folded)
        q = Query(original=text, tokens=tokens, english=english)
        used: set[int] = set()
        cue_words: set[str] = set()
        self._refs(q, used, folded)
        found = self.ask_cues.find(tokens)
        in_charge = {start for start, _end, name in found if name == "responsible"}
        for start, end, name in found:
            if name == "person" and end - start == 1 and tokens[start].endswith("s") and tokens[start] not in _PERSON_WORDS:
                continue  # "secretarías", "ministros" in the plural: bodies or lists, not one person's name
            if name == "person" and _introduces_asker(tokens, start):
                continue  # "como secretario municipal quisiera saber …": who asks, not what
            if name == "person" and tokens[start] in ("quien", "who") and {end, end + 1} & in_charge:
                continue  # "quién es el responsable …": the body in charge, not a person's name
            if _names_record(tokens, start):
                continue  # "el hito de rendición de cuentas": the words name the hito, they ask nothing
            if name == "count" and q.count_target is None:
                q.count_target = next((w for w in tokens[end:end + 3] if w not in self.stop and not w.isdigit()), None)
            if name not in q.asks:
                q.asks.append(name)
            if name not in TOPICAL_ASKS:  # "presupuesto", "vicepresidenta" also say what it is about
                used.update(range(start, end))
            else:
                cue_words.update(tokens[start:end])
        self._names_of_things(q, tokens)
        last_end: dict[str, int] = {}  # answer type -> where its last cue ended
        for start, end, name in self.type_cues.find(tokens):
            q.answer_type = q.answer_type or name
            if name in q.answer_types and set(tokens[last_end[name]:start]) & _AND:
                q.asked_twice = True  # "desde qué año … y cuándo …": two values of one kind
            last_end[name] = end  # ("cuánto es la prevalencia": one value, asked with two words)
            if name not in q.answer_types:
                q.answer_types = (*q.answer_types, name)  # "cuándo empieza y dónde se publica": both
            if not set(tokens[start:end]) & _TOPICAL_VALUES:
                used.update(range(start, end))
        if "person" in q.answer_types and "person" not in q.asks and set(tokens) & SPEECH_WORDS:
            q.asks.append("person")  # "who from SEGEPLAN is quoted", "quién de la SESAN habló": a person's name
        sectors = {name for _start, _end, name in self.sector_cues.find(tokens)}
        if len(sectors) == 1:  # two sectors named ("las OSC y los otros actores"): no one of them alone
            q.sector = sectors.pop()
        actor_words: set[str] = set()
        for start, end, key in self.actors.find(tokens, text):
            if key not in q.actors:
                q.actors.append(key)
            actor_words.update(tokens[start:end])
        originals: set[str] | None = None  # the words as typed, capitals kept (for a short acronym)
        typed = folded.split()  # as typed: "pan" is also an acronym, not only the word plan
        acronyms = self.acronyms
        named = () if acronyms.keys().isdisjoint(tokens) and acronyms.keys().isdisjoint(typed) \
            else dict.fromkeys(tokens + tuple(typed))  # (most questions name no acronym)
        for t in named:
            for a in acronyms.get(t, ()):
                if len(t) <= 3 and originals is None:
                    originals = set(_TYPED_WORD.findall(text))
                # a short acronym counts only when typed in capitals or asked about directly
                if len(t) > 3 or any(o.lower() == t and not o.islower() for o in originals) \
                        or q.asks_any("meaning", "about", "what_is"):
                    if a not in q.acronyms:
                        q.acronyms.append(a)
        q.actor_words = frozenset(actor_words)
        q.cue_words = frozenset(cue_words)
        topics: list[str] = []
        # "en qué compromisos participa CoST Guatemala": the body's name, not a nickname of commitment 3
        where_it_is = q.asks_any("supporters", "responsible") and bool({"compromisos", "commitments"} & set(tokens))
        for i, t in enumerate(() if self.topic_phrases.keys().isdisjoint(tokens) else tokens):
            for words, ref in self.topic_phrases.get(t, ()):
                if tokens[i:i + len(words)] == words and ref not in topics and not (
                        where_it_is and set(words) <= actor_words):
                    topics.append(ref)
        q.topics = tuple(topics)
        text_folded = " " + " ".join(tokens) + " "
        maybe = () if self._unanswerable_from.keys().isdisjoint(tokens) else \
            sorted({n for t in set(tokens) for n in self._unanswerable_from.get(t, ())})
        for attribute, phrases in (self._unanswerable[n] for n in maybe):
            if any(p in text_folded and not _WHERE_SOMETHING_IS.search(before := text_folded.split(p)[0])
                   and not _ASKER_IS.search(before)
                   and not (attribute == "address" and _WHICH_UNIT.search(before)) for p in phrases):
                q.missing = attribute
                break
        what = [(start, end) for start, end, name in found if name == "what_is"]
        articles = {"el", "la", "los", "las", "un", "una", "the", "a", "an"}
        for start, end in what:
            nxt = [t for t in tokens[end:end + 3] if t not in articles][:1]
            if nxt and nxt[0] in self.acronyms or start and tokens[start - 1] in self.acronyms:
                q.defined = True  # "qué es la CNC", "la CNC qué es"
            elif nxt and (key := self.actors.by_phrase.get(nxt[0])) and key not in q.actors:
                q.actors.append(key)  # "qué es la mmm": an institution asked about in lower case
                q.actor_words = q.actor_words | {nxt[0]}
        q.content = tuple(t for i, t in enumerate(tokens)
                          if i not in used and t not in self.stop and len(t) > 1)
        q.head = _head(tokens, q.content)
        return q

    @staticmethod
    def _names_of_things(q: Query, tokens: tuple[str, ...]) -> None:
        """'cómo se llama la guía': the name of a thing, not of a person (no person ask)."""
        if "person" not in q.asks:
            return
        for i in range(len(tokens) - 2):
            if tokens[i:i + 3] == ("como", "se", "llama") or tokens[i:i + 2] == ("nombre", "de"):
                after = set(tokens[i + 2:i + 6])
                if not after & _PERSON_WORDS:
                    q.asks.remove("person")
                return

    def _refs(self, q: Query, used: set[int], folded: str) -> None:
        t = q.tokens
        # "el primer hito" is hito 1; "una institución", "one milestone" are not (folded: fold(q.original))
        q.ordinal_one = bool(_ORDINAL_ONE.search(folded)) and not _FIRST_TO.search(folded)
        last = len(t) - 1
        for i, w in enumerate(t):
            kind = _REF_KIND.get(w)
            if kind is None and i < last and t[i + 1][:1].isdigit():
                kind = ref_kind(w, t[i + 1])  # "compormiso 3", "jito 2": a typo before a number
            if kind is not None:
                if kind != "plan" and (w.endswith("s") or i and t[i - 1] in _EVERY):
                    q.plural.add(kind)  # "hitos", "cada compromiso", "every milestone"
                q.named.add(kind)
                used.add(i)
                if kind == "hito" and w in ("hitos", "milestones") and q.hito is None and not q.hito_list:
                    q.hito_list = _number_list(t, i + 1)
                num = _number_after(t, i)
                if num is None and i > 0 and t[i - 1].isdigit() and len(t[i - 1]) == 1 \
                        and (t[i - 1] != "1" or q.ordinal_one) and not w.endswith("s"):
                    num = int(t[i - 1])  # "el 2 hito", "6 plan" (ordinals arrive as digits)
                    used.add(i - 1)
                elif num is not None:
                    used.add(i + 1 if t[i + 1].isdigit() else i + 2)
                if num is None and kind == "plan" and (j := _ordinal_before_plan(t, i)) is not None:
                    num = int(t[j])  # "the 7th National Open Government Action Plan", "el 5to Plan Nacional"
                    used.add(j)
                if kind == "commitment":
                    listed = _number_list(t, i + 1) if w.endswith("s") else ()
                    at = i + 1 if i + 1 < len(t) and t[i + 1].isdigit() else i + 2  # where the number was read
                    more = (num, *_numbers_joined(t, at + 1)) if num is not None else ()
                    for n in (*listed, *more):
                        if n not in q.commitment_list:
                            q.commitment_list = (*q.commitment_list, n)
                if num is not None:
                    attr = {"commitment": "commitment", "hito": "hito", "activity": "activity", "plan": "plan"}[kind]
                    if getattr(q, attr) is None:
                        setattr(q, attr, num)
                    # "hito 2 del 5", "hito 3 de el 4": the second number is the commitment
                    if kind == "hito" and q.commitment is None and i + 1 < len(t):
                        k = i + (2 if t[i + 1].isdigit() else 3)
                        rest = t[k:k + 3]
                        if rest[:1] in (("del",), ("de",), ("of",)) and len(rest) > 1:
                            at = k + (1 if rest[1] != "el" else 2)
                            nxt = t[at] if at < len(t) else ""
                            if nxt.isdigit() and len(nxt) <= 2 and ref_kind(t[at + 1] if at + 1 < len(t) else "",
                                                                           "") != "plan":  # not "del 4to plan"
                                q.commitment = int(nxt)
            elif w in MONTHS:
                year = next((int(x) for x in t[i + 1:i + 3] if x.isdigit() and len(x) == 4), None)
                q.months.append((MONTHS[w], year))
            elif w.isdigit() and len(w) == 4 and w.startswith(("19", "20")):
                q.years.append(int(w))
        for i, w in enumerate(t if "plan" in t else ()):  # "el próximo plan", "the next plan": none yet
            if w in ("proximo", "siguiente", "next", "futuro", "nuevo", "septimo") and "plan" in t[i + 1:i + 3]:
                q.plan = 99
        for (a, b), number in _PLAN_YEARS.items() if q.years else ():
            # "el plan 2021-2023" names a plan by its years; "cuántos en 2021 y en 2023" only asks of two years
            if a in t and b in t and q.plan is None and (t.index(b) == t.index(a) + 1 or "plan" in t):
                q.plan = number


_FUZZY_REF = {"compromiso": "commitment", "actividad": "activity", "milestone": "hito", "commitment": "commitment"}
_REF_KIND = {word: kind for kind, words in _REF_WORDS.items() for word in words}
_HITO_TYPOS = {"ito", "jito", "hto", "hitp", "hitos", "gito"}


_OF = frozenset({"de", "d", "del", "sobre", "about", "on", "of"})
_ASKING = frozenset({"que", "cual", "cuales", "quien", "quienes", "cuando", "donde", "cuanto", "cuantos", "cuanta",
                     "cuantas", "como", "y", "es", "son", "esta", "estan", "fue", "va", "van", "tiene", "tienen", "have",
                     "has", "is", "are", "was", "were"})  # (a question or its verb starts: the cue asks)


def _names_record(tokens: tuple[str, ...], start: int) -> bool:
    """The words at `start` follow "el hito de", "the milestone on", "el compromiso sobre la": they
    name the record by its subject."""
    if tokens[start] in _ASKING:
        return False  # "… de transparencia, qué apoyo da la SENACYT": the cue itself asks
    for k in range(start - 1, max(0, start - 9), -1):  # "el hito de portales de transparencia": a few words back
        if tokens[k] in _ASKING or (tokens[k].isdigit() and k and ref_kind(tokens[k - 1], tokens[k])):
            return False  # "el hito 2, quién lo lleva y cuál es su presupuesto": a question starts between
        if tokens[k] in _OF and ref_kind(tokens[k - 1], "") in ("hito", "commitment", "activity"):
            return k == start - 1 or not tokens[k - 1].endswith("s")  # (not "los hitos del ISP … atrasados")
    return False


def ref_kind(word: str, following: str) -> str | None:
    """The record kind a word names ("compromiso", "hito", ...), typing errors allowed when a
    number follows ("compormiso 3", "jito 2")."""
    kind = _REF_KIND.get(word)
    if kind is not None:
        return kind
    if not following[:1].isdigit():
        return None
    if word in _HITO_TYPOS:
        return "hito"
    for ref_word, kind in _FUZZY_REF.items():
        if len(word) >= 6 and Levenshtein.distance(word, ref_word) <= 2:
            return kind
    return None


# the words a plan's name puts between its ordinal and "plan" ("7th National Action Plan")
_PLAN_NAME_WORDS = frozenset({"nacional", "accion", "de", "gobierno", "abierto", "national", "open", "government",
                              "action", "guatemala"})


def _ordinal_before_plan(t: tuple[str, ...] | list[str], i: int) -> int | None:
    """Where the ordinal of the plan named at t[i] is, when a plan's name words come between."""
    j = i - 1
    while j >= 0 and i - j <= 5 and t[j] in _PLAN_NAME_WORDS:
        j -= 1
    return j if j >= 0 and t[j].isdigit() and len(t[j]) <= 2 and t[j] != "1" and (j < i - 1 or len(t[j]) == 2) else None


def _number_list(t: tuple[str, ...], i: int) -> tuple[int, ...]:
    """'1 2 y 4', '1 al 3', 'del 2 al 5' after a plural kind word (commas are already gone)."""
    numbers: list[int] = []
    while i < len(t) and t[i] in ("del", "de", "los", "las", "el"):
        i += 1
    while i < len(t):
        w = t[i]
        if w.isdigit() and len(w) <= 2:
            if t[i + 1:i + 2] in (("de",), ("of",)) and i + 2 < len(t) and t[i + 2] in MONTHS:
                break  # "… y el 30 de junio": a date
            numbers.append(int(w))
        elif w in ("al", "a", "hasta", "to") and numbers and i + 1 < len(t) and t[i + 1].isdigit():
            numbers.extend(range(numbers[-1] + 1, int(t[i + 1]) + 1))
            i += 1
        elif w not in ("y", "e", "and", "o", "el", "the"):
            break
        i += 1
    return tuple(dict.fromkeys(numbers)) if len(numbers) > 1 else ()


_JOINERS = frozenset({"y", "e", "como", "and", "con", "tambien", "also", "el", "al", "del", "the", "a"})


def _numbers_joined(t: tuple[str, ...], i: int) -> tuple[int, ...]:
    """The numbers joined to a record's number without repeating its kind word: "compromiso 4 y
    el 6", "compromiso 3 como el 5", "commitment 1 and 3" (not "… y el 30 de junio")."""
    numbers: list[int] = []
    while i < len(t) and t[i] in _JOINERS and t[i] not in ("el", "al", "del", "the", "a"):
        k = i
        while k < len(t) and t[k] in _JOINERS:
            k += 1
        if k < len(t) and t[k].isdigit() and len(t[k]) <= 2 and t[k + 1:k + 2] not in (("de",), ("of",)) \
                and not (k + 1 < len(t) and ref_kind(t[k + 1], "") is not None):
            numbers.append(int(t[k]))
            i = k + 1
        else:
            break
    return tuple(numbers)


def _number_after(t: tuple[str, ...], i: int) -> int | None:
    for k in (i + 1, i + 2):
        if k < len(t) and t[k].isdigit() and len(t[k]) <= 2:
            if k == i + 2 and t[i + 1] not in ("no", "numero", "number", "nro", "num", "n"):
                return None
            return int(t[k])
    return None
