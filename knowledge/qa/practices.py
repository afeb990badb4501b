"""The catalogue's practices: found by institution (name or acronym), ODS, sphere and words.

The 35 practices are not in the source texts; they arrive through `hitobot import-catalogue`.
Until then, a question about them says so and gives what the press release does say (how many
practices, from how many institutions) instead of answering something else.
"""

from __future__ import annotations

import re

from knowledge.answers import Answer, Choice
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.normalize import fold_simple
from knowledge.practice_finder import finder_for
from knowledge.qa.reading import Query
from knowledge.refs import CATALOGUE, practice_ref

PRACTICE_WORDS = frozenset({"practica", "practicas", "practice", "practices", "experiencia", "experiencias"})
LIST_WORDS = frozenset({"lista", "listado", "cual", "cuales", "nombres", "nombre", "list", "names", "which", "dame",
                        "muestrame", "hay"})
SPHERES = {"economico": "económico", "economica": "económico", "economicas": "económico", "economicos": "económico",
           "economic": "económico", "social": "social", "sociales": "social", "ambiental": "ambiental",
           "ambientales": "ambiental", "environmental": "ambiental", "medio": "ambiental"}
_ODS = re.compile(r"\b(?:ods|objetivo|objetivos|sdg|goal)\s+(\d{1,2})\b")
MAX_LISTED = 10
# words the press release shares with every question about practices
_GENERIC = PRACTICE_WORDS | {"buenas", "catalogo", "cooperacion", "internacional", "guatemala", "instituciones",
                             "institucion", "publicas", "registradas", "segeplan"}
_CHAT = frozenset({"xfa", "porfa", "pls", "please", "d", "q", "k", "x", "bajo", "cuantos", "cuantas", "dime"})


class Practices:
    def __init__(self, knowledge, subjects):
        self.k = knowledge
        self.subjects = subjects  # the records' ranker: practices are among its texts (kind "practice")
        self._release: set[str] | None = None  # the press release's words
        self._practices: set[str] | None = None  # the imported practices' words

    def asked(self, q: Query) -> bool:
        """A question about the catalogue's practices (not the catalogue's own facts, nor a "guía
        práctica")."""
        words = set(q.tokens)
        named = words & (PRACTICE_WORDS - {"practica"}) or ("practica" in words and words & {"buena", "catalogo"})
        if not named or (words & {"instituciones", "institutions", "tipo", "tipos"} and not q.actors):
            return False  # "qué tipo de instituciones ofrecen prácticas": the catalogue's own facts
        if "person" in q.asks:
            return False  # "qué funcionaria habló de las experiencias del catálogo": a person, not practices
        if "catalogo" in words and q.answer_type == "date" and not q.actors:
            return False  # "cuándo lanzaron el catálogo de buenas prácticas": practices have no dates; the catalogue has
        if words & LIST_WORDS or q.actors or _ODS.search(" ".join(q.tokens)) or words & set(SPHERES):
            return True
        found = finder_for(self.k).find(q.original)  # "prácticas de la SAT", "… de educación de calidad"
        if found is None or q.answer_type == "number":
            return False  # "cuántos ministerios ofrecen prácticas": the press release's figures
        # "prácticas de huertos escolares" (words the press release does not use; its own words —
        # principios, esferas, ministerios — ask about the catalogue itself)
        topical = set(map(fold_simple, found.words)) - self._release_words() - self.k.lexicon.stop_es - self.k.lexicon.stop_en - _CHAT
        return bool(found.institutions or found.ods or found.spheres or topical)

    def about_release(self, q: Query) -> bool:
        """A word of the question that only the press release uses (not a practice's text, not the
        name of an institution), with no ODS or sphere named: the release's account of the practices."""
        if _ODS.search(" ".join(q.tokens)) or set(q.tokens) & set(SPHERES):
            return False
        title = set(fold_simple(self.k.data.catalogue.title).split()) if self.k.data.catalogue else set()
        own = self._release_words() - title - self._practice_words() - _GENERIC - self.k.lexicon.stop_es - self.k.lexicon.stop_en
        return any(len(t) >= 5 and t in own for t in set(q.content) - q.actor_words)

    def _practice_words(self) -> set[str]:
        if self._practices is None:
            self._practices = set(fold_simple(" ".join(
                f"{p.title} {p.institution} {p.description or ''} {p.results or ''}" for p in self.k.data.practices)).split())
        return self._practices

    def _release_words(self) -> set[str]:
        if self._release is None:
            cat = self.k.data.catalogue
            text = " ".join([cat.title, *cat.institution_breakdown, *cat.spheres, *(f.text for f in cat.facts)]) if cat else ""
            self._release = set(fold_simple(text).split())
        return self._release

    def answer(self, q: Query, w: Writer) -> Answer:
        practices = self.k.data.practices
        cat = self.k.data.catalogue
        if not practices:
            said = w._("El comunicado dice que son {n} buenas prácticas de {m} instituciones públicas.",
                       n=cat.practice_count, m=cat.institution_count) if cat else ""
            text = w._("Mis fuentes no incluyen todavía la lista de las prácticas del catálogo: no se ha cargado "
                       "el archivo de SEGEPLAN («hitobot import-catalogue»).") + (" " + said if said else "")
            return make_answer(text, w.locale, kind="no_answer", refs=[CATALOGUE], confidence=0.0)
        chosen = self.select(q)
        if not chosen:
            text = w._("Mis fuentes no tienen prácticas del catálogo que cumplan eso ({n} cargadas).", n=len(practices))
            return make_answer(text, w.locale, kind="no_answer", refs=[CATALOGUE], confidence=0.0)
        lines = [f"- {shorten(p.title, 90)} ({w.names([p.institution])}"
                 + (f"; ODS {', '.join(map(str, p.ods))}" if p.ods else "") + ")" for p in chosen[:MAX_LISTED]]
        if len(chosen) > MAX_LISTED:
            lines.append(w._("y {n} más", n=len(chosen) - MAX_LISTED))
        head = w.n_("{n} práctica del catálogo:", "{n} prácticas del catálogo:", len(chosen))
        choices = [Choice(shorten(p.title, 60), practice_ref(p.id)) for p in chosen[:8]]
        return make_answer(paragraphs(head + "\n" + "\n".join(lines)), w.locale, refs=[CATALOGUE], choices=choices,
                           confidence=0.8)

    def select(self, q: Query) -> list:
        """The practices the question's filters select, best first."""
        found = finder_for(self.k).find(q.original)
        if found is not None and found.loaded:
            return list(found.practices)
        chosen = list(self.k.data.practices)
        folded = " ".join(q.tokens)
        if q.actors:
            keys = set(q.actors)
            chosen = [p for p in chosen if self.k.actors.resolve(p.institution) in keys
                      or any(fold_simple(self.k.actors.actors[k].acronym or "") in fold_simple(p.institution).split()
                             for k in keys)]
        ods = {int(n) for n in _ODS.findall(folded)}
        if ods:
            chosen = [p for p in chosen if ods & set(p.ods)]
        spheres = {SPHERES[t] for t in q.tokens if t in SPHERES}
        if spheres:
            chosen = [p for p in chosen if p.sphere in spheres]
        rest = [t for t in q.subject if t not in PRACTICE_WORDS | LIST_WORDS and t not in SPHERES and t not in q.actor_words
                and t not in ("catalogo", "cooperacion", "buenas", "ods", "objetivo") and not t.isdigit()]
        if rest and not (q.actors or ods or spheres):
            ranked = self.subjects.rank(self.subjects.terms(rest), lambda t: t.kind == "practice", limit=50)
            order = {self.subjects.texts[i].ref: n for n, (_s, cov, i) in enumerate(ranked) if cov >= 0.5}
            chosen = sorted((p for p in chosen if practice_ref(p.id) in order), key=lambda p: order[practice_ref(p.id)])
        return chosen
