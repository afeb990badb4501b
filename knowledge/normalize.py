"""Normalisation of everyday questions: how people type on phones -> tokens the core can match.

Steps, in order (each one small and testable):
1. `fold`: lower case, accents and ¿¡ and punctuation away (ñ -> n), "3°" -> "3o", repeated
   letters squeezed ("holaaa" -> "hola"), compact references spelled out
   ("c3h2", "c3 h2", "hito 3.2" -> "compromiso 3 hito 2"; "pan6" -> "plan 6").
2. chat abbreviations ("q" -> "que", "xfa" -> "por favor", "resp" -> "responsable").
3. numbers in words, ordinals and Roman numerals -> digits ("tercer" -> "3", "6to" -> "6",
   "plan iv" -> "plan 4").
4. typos: a word not in the vocabulary is replaced by the closest vocabulary word within one or
   two edits (`Speller`, a symmetric-delete index verified with rapidfuzz; no typo list).
5. fillers (greetings, "por favor", "quisiera saber") removed.
6. `canonical`: English words mapped to the Spanish words the sources use and everyday Spanish
   synonyms to the sources' words ("who leads" -> "quien lidera").
The lexicon (knowledge/lexicon/*.yaml) is data; this module only applies it.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA

from knowledge.memo import Kept

LEXICON_DIR = Path(__file__).with_name("lexicon")
# libyaml's safe loader when PyYAML has it (the same data, ~8x faster: the lexicon is read at every start)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_QUESTION_CHARS = 500  # longer input is cut: nobody asks a 10,000-character question

_NON_WORD = re.compile(r"[^a-z0-9.]+")
_LONE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_JOINED_PREFIX = re.compile(r"\b(co|re|pre|auto|sub) (?=[a-z]{4,})")  # "co-creación" -> "cocreacion"
_ROMAN_KEEP = {"iii", "viii", "xiii", "xviii"}
_DEGREE = re.compile(r"(\d)\s*\.?\s*[°º]")  # "6°", "6 º", "7.º"
_DIGIT = re.compile(r"\d")
_H_NUMBER = re.compile(r"\bh (\d{1,3})\b")
_C_NUMBER = re.compile(r"\bc (\d{1,3})\b")
_ORDINAL_DIGITS = re.compile(r"^(\d{1,3})(?:ro|ra|er|ero|era|do|da|to|ta|vo|va|no|na|mo|ma|st|nd|rd|th|o|a)$")
_HITO_DOTTED = re.compile(r"\b(?:hito|h)\s*(\d{1,3})\.(\d{1,3})\b")
_COMPACT_REF = re.compile(
    r"\bc\s?(\d{1,3})\s?(?:h\s?(\d{1,3}))(?:\s?a\s?(\d{1,3}))?\b"
)
_GLUED = re.compile(
    r"\b(c|h|comp|compr|compromiso|hito|pan|plan|act|actividad)(\d{1,3})\b"
)
_GLUED_WORDS = {"c": "compromiso", "comp": "compromiso", "compr": "compromiso", "compromiso": "compromiso",
                "h": "hito", "hito": "hito", "pan": "plan", "plan": "plan", "act": "actividad",
                "actividad": "actividad"}


@dataclass(frozen=True)
class Lexicon:
    """The word lists of knowledge/lexicon/, folded and ready to apply."""

    abbreviations: dict[str, tuple[str, ...]]
    fillers: tuple[tuple[str, ...], ...]
    cardinals: dict[str, int]
    ordinals: dict[str, int]
    roman: dict[str, int]
    numbered_words: frozenset[str]
    english: dict[str, str]
    spanish: dict[str, str]
    stop_es: frozenset[str]
    stop_en: frozenset[str]
    topics: dict[str, tuple[str, ...]]  # ref -> phrases
    aspects: dict[str, tuple[str, ...]]  # aspect -> phrases (in priority order)
    cues: dict[str, tuple[str, ...]]  # date_start, date_end, date_revised, sector_*
    unanswerable: dict[str, tuple[str, ...]] = field(default_factory=dict)  # attribute -> phrases

    def words(self) -> set[str]:
        """Every word the lexicon knows (part of the speller's vocabulary)."""
        out: set[str] = set()
        out.update(self.abbreviations)
        for exp in self.abbreviations.values():
            out.update(exp)
        for phrase in self.fillers:
            out.update(phrase)
        out.update(self.cardinals, self.ordinals, self.numbered_words)
        out.update(self.english)
        out.update(self.english.values())
        out.update(self.spanish)
        out.update(self.spanish.values())
        out.update(self.stop_es, self.stop_en)
        for phrases in (*self.topics.values(), *self.aspects.values(), *self.cues.values(),
                        *self.unanswerable.values()):
            for p in phrases:
                out.update(p.split())
        return {w for w in out if w}


def _read(name: str) -> dict:
    with (LEXICON_DIR / name).open(encoding="utf-8") as f:
        return yaml.load(f, Loader=YAML_LOADER) or {}


@functools.cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read knowledge/lexicon/*.yaml once per process."""
    del directory  # the files are read through _read (one directory per install)
    ab = _read("abbreviations.yaml")
    nums = _read("numbers.yaml")
    syn = _read("synonyms.yaml")
    stop = _read("stopwords.yaml")
    top = _read("topics.yaml")
    asp = _read("aspects.yaml")
    order = asp["priority"]
    return Lexicon(
        abbreviations={fold_simple(k): tuple(fold_simple(v or "").split()) for k, v in ab["abbreviations"].items()},
        fillers=tuple(sorted((tuple(fold_simple(p).split()) for p in ab.get("fillers", [])), key=len, reverse=True)),
        cardinals={fold_simple(k): int(v) for k, v in nums["cardinals"].items()},
        ordinals={fold_simple(k): int(v) for k, v in nums["ordinals"].items()},
        roman={k.lower(): int(v) for k, v in nums["roman"].items()},
        numbered_words=frozenset(nums["numbered_words"]),
        english={fold_simple(k): fold_simple(v) for k, v in syn["english"].items()},
        spanish={fold_simple(k): fold_simple(v) for k, v in syn["spanish"].items()},
        stop_es=frozenset(fold_simple(w) for w in stop["es"]),
        stop_en=frozenset(fold_simple(w) for w in stop["en"]),
        topics={t["ref"]: tuple(fold_simple(p) for p in t["phrases"]) for t in top["topics"]},
        aspects={a: tuple(fold_simple(p) for p in asp["aspects"][a]) for a in order},
        cues={k: tuple(fold_simple(p) for p in v) for k, v in asp.items()
              if k not in ("priority", "aspects", "unanswerable")},
        unanswerable={k: tuple(fold_simple(p) for p in v) for k, v in asp.get("unanswerable", {}).items()},
    )


def strip_accents(text: str) -> str:
    """'Educación Niño' -> 'Educacion Nino' (NFKD, then only ASCII is kept: the sources' words
    are Latin-script; anything else, emoji included, cannot match them anyway)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _fold_char(ch: str) -> str:
    """What fold_simple makes of one character: lower case, accents off, [a-z0-9.] kept, the rest a space."""
    ascii_part = strip_accents(ch.lower())
    if not ascii_part and not unicodedata.combining(ch):
        return " "  # a dash, a curly quote: between words, a space
    return "".join(c if c.isascii() and (c.isalnum() or c == ".") else " " for c in ascii_part)


# Latin characters folded by one str.translate (fast, in C); rarer scripts take the slow path.
# (with General Punctuation: a dash, a curly quote or "…" between words parts them, on the fast path)
_FOLD_TABLE = {i: _fold_char(chr(i)) for i in (*range(0x250), *range(0x2000, 0x2070))}


def fold_simple(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (no reference rewriting)."""
    t = str(text).translate(_FOLD_TABLE)
    if not t.isascii():  # accents off; any other character parts words
        t = _NON_WORD.sub(" ", "".join(c for c in unicodedata.normalize("NFKD", t.lower()) if not unicodedata.combining(c)))
    if "." in t:
        t = _LONE_DOT.sub(" ", t)
    if "co " in t or "re " in t or "auto " in t or "sub " in t:
        t = _JOINED_PREFIX.sub(r"\1", t)
    return " ".join(t.split())


def fold(text: str) -> str:
    """fold_simple plus the chat-specific rewrites: degrees, repeated letters, compact refs."""
    t = str(text)[:MAX_QUESTION_CHARS]
    if "°" in t or "º" in t:
        t = _DEGREE.sub(r"\1o ", t)
    t = fold_simple(t)
    if _REPEATS.search(t):  # most questions have no letter three times in a row
        # "holaaa" -> "hola"; a word of one letter repeated ("MMM", an acronym) stays
        t = " ".join(w if w in _ROMAN_KEEP or len(set(w)) == 1 else _REPEATS.sub(r"\1", w) for w in t.split())
    if _DIGIT.search(t):  # every rewrite below needs a number
        t = _HITO_DOTTED.sub(r"compromiso \1 hito \2", t)
        t = _COMPACT_REF.sub(_spell_compact_ref, t)
        t = _GLUED.sub(lambda m: f"{_GLUED_WORDS[m[1]]} {m[2]}", t)
        t = _H_NUMBER.sub(r"hito \1", t)
        t = _C_NUMBER.sub(r"compromiso \1", t)
    return " ".join(t.replace(".", " ").split())


def _spell_compact_ref(m: re.Match[str]) -> str:
    out = f"compromiso {m[1]} hito {m[2]}"
    if m[3]:
        out += f" actividad {m[3]}"
    return out


_SPELLER_MEMO = 20_000  # corrections remembered per speller (misspellings repeat)


class Speller:
    """Corrects a word to the closest vocabulary word (symmetric deletes, verified with OSA).

    Building it costs one pass over the vocabulary; a lookup generates the deletes of the
    word (at most two edits), so it stays cheap however large the vocabulary grows. The deletes
    are kept compactly: the hash of each delete string in one sorted array and the vocabulary
    word it comes from in another (a hash collision only adds a candidate that OSA rejects).
    """

    def __init__(self, vocabulary: dict[str, int], known: Callable[[str], bool] | None = None):
        self.vocabulary = vocabulary  # word -> frequency
        self.known = known  # another form of a known word ("alineado" when only "alineadas" occurs)
        self._words = [w for w in vocabulary if len(w) >= 4 and w.isalpha()]
        pairs = sorted((hash(d), i) for i, word in enumerate(self._words) for d in _deletes(word))
        self._hashes = array("q", (h for h, _ in pairs))
        self._word_ids = array("I", (i for _, i in pairs))
        self._memo: Kept[str, str] = Kept(_SPELLER_MEMO)  # word -> correction (the vocabulary never changes)

    def _words_with_delete(self, probe: str) -> Iterator[str]:
        h = hash(probe)
        i = bisect.bisect_left(self._hashes, h)
        while i < len(self._hashes) and self._hashes[i] == h:
            yield self._words[self._word_ids[i]]
            i += 1

    def correct(self, word: str) -> str:
        if word in self.vocabulary or len(word) < 5 or not word.isalpha():
            return word
        memo = self._memo.get(word)
        if memo is not None:
            return memo
        return self._memo.keep(word, self._correct(word))  # (bounded: a flood of random words cannot grow it)

    def _correct(self, word: str) -> str:
        if self.known is not None and self.known(word):
            return word
        max_edits = 1 if len(word) < 8 else 2
        probes = {word, *_deletes(word)}
        if max_edits == 2:
            probes.update(d2 for d1 in _deletes(word) for d2 in _deletes(d1))
        candidates: set[str] = set()
        for p in probes:
            if p in self.vocabulary:
                candidates.add(p)
            candidates.update(self._words_with_delete(p))
        best, best_key = word, None
        for cand in candidates:
            dist = OSA.distance(word, cand)
            if dist > max_edits:
                continue
            if cand[0] != word[0] and len(word) < 8:
                continue  # short words: a different first letter is a different word ("gano" is not "mano")
            key = (dist, cand[0] != word[0], -self.vocabulary.get(cand, 0), cand)
            if best_key is None or key < best_key:
                best, best_key = cand, key
        return best


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass(frozen=True)
class Normalized:
    """A question after normalisation."""

    original: str
    tokens: tuple[str, ...]  # folded, abbreviations, numbers, typos fixed, fillers removed
    canonical: tuple[str, ...]  # tokens with English and everyday words mapped to the sources' words
    english: bool
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

class Normalizer:
    """Applies the lexicon and the speller to a question."""

    def __init__(self, lexicon: Lexicon, vocabulary: Iterable[str] | dict[str, int] = (),
                 known: Callable[[str], bool] | None = None):
        self.lexicon = lexicon
        vocab: dict[str, int] = dict(vocabulary) if isinstance(vocabulary, dict) else {w: 1 for w in vocabulary}
        for w in lexicon.words():
            vocab[w] = vocab.get(w, 0) + 5  # lexicon words win ties (question words, topics)
        self._vocabulary, self._known = vocab, known
        self._speller: Speller | None = None
        es_markers = set(lexicon.stop_es) | set(lexicon.spanish) | {
            w for phrases in lexicon.aspects.values() for p in phrases for w in p.split()
        }
        en_markers = set(lexicon.stop_en) | {k for k, v in lexicon.english.items() if k != v}
        # fillers by their first word, keeping the lexicon's order (longest first): a position
        # only tries the phrases that can start there
        self._fillers_by_first: dict[str, tuple[tuple[str, ...], ...]] = {}
        for phrase in lexicon.fillers:
            if phrase:
                self._fillers_by_first[phrase[0]] = (*self._fillers_by_first.get(phrase[0], ()), phrase)
        self._es_only = frozenset(es_markers - en_markers)
        self._en_only = frozenset(en_markers - es_markers)
        # a word's language vote: +1 English, -1 Spanish (an abbreviation counts as Spanish)
        self._votes = {**{w: -1 for w in lexicon.abbreviations if w not in self._en_only},
                       **{w: -1 for w in self._es_only}, **{w: 1 for w in self._en_only}}
        # the sources' word for a word (Spanish everyday words first, then English), in one map
        self._canonical = {w: lexicon.spanish.get(w) or lexicon.english.get(w) or w
                           for w in (*lexicon.english, *lexicon.spanish)}
        # words a number can be written as ("tres", "tercer", "iii"): others skip those tables
        self._number_words = frozenset((*lexicon.cardinals, *lexicon.ordinals, *lexicon.roman))

    @property
    def speller(self) -> Speller:
        """Built on first use (by `normalize`): the core reads questions without it, so a start
        does not build it."""
        if self._speller is None:
            self._speller = Speller(self._vocabulary, self._known)
        return self._speller

    def normalize(self, question: str) -> Normalized:
        raw = fold(question).split()
        english = self.is_english(raw)
        tokens = self._expand_abbreviations(raw)
        tokens = self._numbers_to_digits(tokens)
        corrections: dict[str, str] = {}
        fixed = []
        for t in tokens:
            c = self.speller.correct(t)
            if c != t:
                corrections[t] = c
            fixed.append(c)
        tokens = self._remove_fillers(fixed)
        canonical = tuple(self._canonical_word(t) for t in tokens)
        return Normalized(question, tuple(tokens), canonical, english, corrections)

    def is_english(self, tokens: list[str]) -> bool:
        """More English-only words than Spanish-only ones (abbreviations count as Spanish)."""
        return sum(map(self._votes.get, tokens, itertools.repeat(0, len(tokens)))) > 0

    def _expand_abbreviations(self, tokens: list[str]) -> list[str]:
        abbreviations = self.lexicon.abbreviations
        if abbreviations.keys().isdisjoint(tokens):
            return list(tokens)
        out: list[str] = []
        for t in tokens:
            out.extend(abbreviations.get(t, (t,)))
        return out

    def _numbers_to_digits(self, tokens: list[str]) -> list[str]:
        lex = self.lexicon
        number_words = self._number_words
        out: list[str] = []
        for i, t in enumerate(tokens):
            if t not in number_words and not t[:1].isdigit():
                out.append(t)  # (most words: no number table holds them, no digit starts them)
            elif t in lex.cardinals:
                out.append(str(lex.cardinals[t]))
            elif t in lex.ordinals:
                out.append(str(lex.ordinals[t]))
            elif m := _ORDINAL_DIGITS.match(t):
                out.append(m[1])
            elif t in lex.roman and out and out[-1] in lex.numbered_words:
                out.append(str(lex.roman[t]))
            elif t in lex.roman and len(t) > 1 and i + 1 < len(tokens) and tokens[i + 1] in lex.numbered_words:
                out.append(str(lex.roman[t]))  # "III hito": a Roman ordinal before its noun
            else:
                out.append(t)
        return out

    def _remove_fillers(self, tokens: list[str]) -> list[str]:
        """Drop filler phrases, the longest one that starts at each position first."""
        by_first = self._fillers_by_first
        if by_first.keys().isdisjoint(tokens):
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for phrase in by_first.get(tokens[i], ()):
                n = len(phrase)
                if tuple(tokens[i:i + n]) == phrase:
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _canonical_word(self, token: str) -> str:
        return self._canonical.get(token, token)


@functools.lru_cache(maxsize=4096)  # the same titles and items are cut for many answers
def shorten(text: str | None, n: int = 220) -> str:
    """At most n characters, cut between words (a word longer than 40 % of n is cut) and ended
    with "…" when anything was left out."""
    t = " ".join((text or "").split())
    if len(t) <= n:
        return t
    room = n - 1
    cut = t[:room]
    if t[room] != " ":  # the cut falls inside a word: drop the broken word
        space = cut.rfind(" ")
        if space >= room * 0.6:
            cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
