"""Finding the catalogue's practices: by institution (name or acronym), ODS, sphere and words.

What /catalogo browses (institutions, ODS, spheres, each with its practices) and what inline
mode lists when a query is about practices ("ods 16", "TSE", "ambiental", "prácticas de
huertos").  One finder per knowledge base (`finder_for(knowledge)`, remembered while that
knowledge base lives).

    finder = finder_for(knowledge)
    finder.institutions()            -> [Institution(id, name, actor, practices), ...] by name
    finder.ods_groups()              -> [(4, [Practice, ...]), ...] by goal number
    finder.sphere_groups()           -> [("económico", [...]), ("social", [...]), ...]
    finder.find("practicas del TSE") -> Found(practices, institutions, ods, spheres, words, ...)
                                        or None when the text is not about practices

An institution is named by its name (all of its own words: "tribunal supremo electoral"), by an
acronym the knowledge base knows (MINEDUC), printed in the file ("Instituto Sintético (ISX)") or
made of the first letters of its name's words (TSE, SAT, CONAP: written in capitals, or all
initials).  The practices themselves come only from the imported file: nothing is invented.
"""

from __future__ import annotations

import hashlib
import math
import re
import weakref
from dataclasses import dataclass, field

from knowledge.index import split_printed_name
from knowledge.normalize import fold_simple
from knowledge.ods import ods_mentions
from knowledge.refs import actor_ref
from knowledge.schema import Practice

SPHERES = ("económico", "social", "ambiental")
SPHERE_WORDS = {
    "economico": "económico", "economica": "económico", "economicos": "económico", "economicas": "económico",
    "economia": "económico", "economic": "económico", "economy": "económico",
    "social": "social", "sociales": "social",
    "ambiental": "ambiental", "ambientales": "ambiental", "medioambiental": "ambiental",
    "medioambientales": "ambiental", "environmental": "ambiental", "environment": "ambiental",
}
PRACTICE_WORDS = frozenset({"practica", "practicas", "practice", "practices", "experiencia", "experiencias",
                            "experience", "experiences"})
NOISE_WORDS = frozenset({  # what asking for a list of practices says besides its filters
    "buena", "buenas", "good", "best", "catalogo", "catalogue", "catalog", "cooperacion", "cooperation",
    "ods", "objetivo", "objetivos", "sdg", "sdgs", "goal", "goals", "esfera", "esferas", "sphere", "spheres",
    "ambito", "area", "institucion", "instituciones", "institution", "institutions", "entidad", "entidades",
    "lista", "listado", "list", "listame", "muestrame", "mostrar", "ver", "show", "q", "k", "cuantas", "todas",
    "tienes", "ofrece", "ofrecen", "offers", "offer", "sobre", "medio", "ambiente", "desarrollo", "sostenible",
    "guatemala", "publicas", "publica", "segeplan", "tipo", "tipos", "the", "of", "on", "by", "in",
})
_NAME_FUNCTION_WORDS = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "para", "por", "en", "a", "al",
                                  "of", "the", "and", "for"})
_WORD = re.compile(r"[^\W_]+")
WORD_PREFIX = 5  # "huerto" and "huertos", "escolar" and "escolares" match on their first letters


@dataclass(frozen=True)
class Institution:
    """An institution that offers practices, as the imported file names it."""

    id: str  # 8 hex digits, the same for the same name across imports (callback data, links)
    name: str  # as shown: the knowledge base's name and acronym when it knows the institution
    actor: str | None  # the actor key, when the knowledge base knows the institution
    acronyms: frozenset[str]  # folded
    words: tuple[str, ...]  # the folded words of its full name, without function words
    practices: tuple[Practice, ...]


@dataclass(frozen=True)
class Found:
    """What a text asks of the practices, and the practices that answer it (best first)."""

    practices: list[Practice]
    loaded: int  # how many practices the knowledge base has (0: the file was not imported)
    institutions: list[Institution] = field(default_factory=list)
    ods: list[int] = field(default_factory=list)
    spheres: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # words matched against the practices' texts
    explicit: bool = False  # the text says "prácticas" (else it only names an ODS, sphere, institution)


def institution_id(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def acronym_fits(acronym: str, words: tuple[str, ...] | list[str], initials_only: bool = False) -> bool:
    """True when `acronym` (folded) is made of the starts of the name's words, in order, from the
    first one ("conap": COnsejo Nacional de Areas Protegidas; "intecap": INstituto TEcnico de
    CAPacitacion [y Productividad]): at least two words, trailing words may be left out.  With
    `initials_only`, one letter per word and every word ("tse": Tribunal Supremo Electoral)."""
    if len(acronym) < 2 or len(words) < 2:
        return False
    if initials_only:
        return acronym == "".join(w[0] for w in words)

    def fits(i: int, j: int) -> bool:
        if i == len(acronym):
            return j >= 2
        if j == len(words):
            return False
        word = words[j]
        return any(acronym[i:i + k] == word[:k] and fits(i + k, j + 1)
                   for k in range(1, min(len(word), len(acronym) - i) + 1))

    return fits(0, 0)


def _stem(word: str) -> str:
    return word[:WORD_PREFIX]


class PracticeFinder:
    def __init__(self, knowledge):
        self.k = knowledge
        self.practices: list[Practice] = list(knowledge.data.practices)
        self.actors = getattr(knowledge, "actors", None)  # knowledge.index.ActorDirectory
        lexicon = getattr(knowledge, "lexicon", None)
        self.stop = frozenset(lexicon.stop_es | lexicon.stop_en) if lexicon is not None else _NAME_FUNCTION_WORDS
        self._institutions = self._group_institutions()
        self._by_id = {i.id: i for i in self._institutions}
        self._texts = {p.id: self._practice_words(p) for p in self.practices}

    # --- groups -----------------------------------------------------------------------------

    def _group_institutions(self) -> list[Institution]:
        groups: dict[str, list[Practice]] = {}
        shown: dict[str, tuple[str, str | None, set[str], tuple[str, ...]]] = {}
        for p in self.practices:
            printed = " ".join(p.institution.split())
            full, acronym = split_printed_name(printed)
            actor = self.actors.resolve(printed) if self.actors is not None else None
            key = actor_ref(actor) if actor else fold_simple(full)
            groups.setdefault(key, []).append(p)
            if key in shown:
                if acronym:
                    shown[key][2].add(fold_simple(acronym))
                continue
            acronyms = {fold_simple(acronym)} if acronym else set()
            name = printed
            if actor:
                a = self.actors.actors[actor]
                full = a.name
                name = self.actors.display(printed)
                acronyms |= {fold_simple(x) for x in (a.acronym, *(split_printed_name(n)[1] for n in a.aliases)) if x}
            words = tuple(w for w in fold_simple(full).split() if w not in _NAME_FUNCTION_WORDS)
            shown[key] = (name, actor, acronyms, words)
        institutions = []
        for key, ps in groups.items():
            name, actor, acronyms, words = shown[key]
            institutions.append(Institution(institution_id(key), name, actor, frozenset(acronyms - {""}), words,
                                            tuple(ps)))
        return sorted(institutions, key=lambda i: fold_simple(i.name))

    def institutions(self) -> list[Institution]:
        return list(self._institutions)

    def institution(self, institution_id: str) -> Institution | None:
        return self._by_id.get(institution_id)

    def ods_groups(self) -> list[tuple[int, list[Practice]]]:
        numbers = sorted({n for p in self.practices for n in p.ods})
        return [(n, self.with_ods(n)) for n in numbers]

    def with_ods(self, number: int) -> list[Practice]:
        return [p for p in self.practices if number in p.ods]

    def sphere_groups(self) -> list[tuple[str, list[Practice]]]:
        return [(s, ps) for s in SPHERES if (ps := self.in_sphere(s))]

    def in_sphere(self, sphere: str) -> list[Practice]:
        return [p for p in self.practices if p.sphere == sphere]

    def institution_of(self, practice: Practice) -> Institution | None:
        return next((i for i in self._institutions if practice in i.practices), None)

    # --- finding ----------------------------------------------------------------------------

    def find(self, text: str) -> Found | None:
        """The practices a text asks for; None when it is not about practices (then inline
        mode and /buscar search everything).  Without an imported file, a text that says
        "prácticas" or names an ODS gets a Found with no practices, `loaded` 0 and what it
        asked (ODS, spheres, its other words; no institutions: they come from the file)."""
        words = fold_simple(text or "").split()
        if not words:
            return None
        explicit = any(w in PRACTICE_WORDS for w in words)
        mentions = ods_mentions(text)
        ods = [m.number for m in mentions]
        spheres = list(dict.fromkeys(SPHERE_WORDS[w] for w in words if w in SPHERE_WORDS))
        institutions, named_by = self._institutions_named(text, words)
        used = {w for m in mentions for w in m.words} | set(named_by) | set(SPHERE_WORDS)
        rest = [w for w in words if w not in used and w not in PRACTICE_WORDS and w not in NOISE_WORDS
                and w not in self.stop and not w.isdigit()]
        if not self.practices:  # "prácticas del TSE" before an import: its words, for the answer to say so
            return Found([], 0, ods=ods, spheres=spheres, words=rest, explicit=explicit) if explicit or ods else None
        if not (explicit or ods or spheres or institutions):
            return None
        if not explicit and rest and not (ods or institutions):
            return None  # "auditoría social": a sphere's word among other words is not a sphere
        chosen = list(self.practices)
        if institutions:
            members = {p.id for i in institutions for p in i.practices}
            chosen = [p for p in chosen if p.id in members]
        if ods:
            chosen = [p for p in chosen if set(ods) & set(p.ods)]
        if spheres:
            chosen = [p for p in chosen if p.sphere in spheres]
        if rest:
            by_words = self._by_words(rest, chosen, every=bool(ods or spheres or institutions))
            if by_words or not (ods or spheres or institutions):
                chosen = by_words
        return Found(chosen, len(self.practices), institutions, ods, spheres, rest, explicit)

    def _institutions_named(self, text: str, words: list[str]) -> tuple[list[Institution], list[str]]:
        """The institutions a text names, and the folded words that named them."""
        found: dict[str, Institution] = {}
        named_by: list[str] = []
        if self.actors is not None:
            for _start, _end, key in self.actors.find(tuple(words), text):
                for inst in self._institutions:
                    if inst.actor == key:
                        found[inst.id] = inst
                        named_by.extend(fold_simple(self.actors.actors[key].name).split())
                        named_by.extend(inst.acronyms)
        capitals = {fold_simple(w) for w in _WORD.findall(text or "") if sum(c.isupper() for c in w) >= 2}
        for word in dict.fromkeys(words):
            if len(word) < 2 or word.isdigit():
                continue
            for inst in self._institutions:
                by_acronym = word in inst.acronyms or (len(word) >= 3 and (
                    acronym_fits(word, inst.words, initials_only=word not in capitals)))
                if by_acronym and (word in capitals or word not in self.stop):
                    found[inst.id] = inst
                    named_by.append(word)
        present = set(words)
        for inst in self._institutions:  # its whole name: "tribunal supremo electoral"
            if inst.words and set(inst.words) <= present:
                found[inst.id] = inst
                named_by.extend(inst.words)
        return list(found.values()), named_by

    @staticmethod
    def _practice_words(p: Practice) -> set[str]:
        text = " ".join(x for x in (p.title, p.institution, p.description, p.results, p.beneficiaries,
                                    p.country_scope) if x)
        return {_stem(w) for w in fold_simple(text).split()}

    def _by_words(self, rest: list[str], among: list[Practice], every: bool) -> list[Practice]:
        """The practices whose texts hold the words (every one, or at least half of them),
        most words first, then in the catalogue's order."""
        stems = list(dict.fromkeys(_stem(w) for w in rest))
        need = len(stems) if every else max(1, math.ceil(len(stems) / 2))
        scored = []
        for order, p in enumerate(among):
            have = self._texts.get(p.id, set())
            hits = sum(s in have for s in stems)
            title = {_stem(w) for w in fold_simple(p.title).split()}
            if hits >= need:
                scored.append((-hits, -sum(s in title for s in stems), order, p))
        return [p for *_k, p in sorted(scored, key=lambda item: item[:3])]


_FINDERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def finder_for(knowledge) -> PracticeFinder:
    """The finder of one knowledge base, made on first use and kept while it lives."""
    finder = _FINDERS.get(knowledge)
    practices = knowledge.data.practices
    if finder is None or len(finder.practices) != len(practices) or any(
            a is not b for a, b in zip(finder.practices, practices, strict=True)):
        finder = _FINDERS[knowledge] = PracticeFinder(knowledge)
    return finder
