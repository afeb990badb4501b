"""What an acronym means: the expansion the sources give, the institution behind it, and where
the sources spell it out when it is only explained in running text.

A mixin of `QuestionAnswerer` (knowledge.qa.answerer).
"""

from __future__ import annotations

from knowledge.answers import Answer
from knowledge.compose import Writer, make_answer, paragraphs
from knowledge.index import acronym_key
from knowledge.normalize import fold_simple
from knowledge.qa import pieces
from knowledge.qa.reading import Query
from knowledge.qa.resolving import ACCEPT_RECORD
from knowledge.qa.values import _folded
from knowledge.refs import (
    acronym_ref,
    is_record,
    parse_ref,
)

_SMALL_WORDS = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "para", "en", "of", "the", "and", "for"})


class Meanings:
    def _asks_meaning(self, q: Query) -> bool:
        named = {fold_simple(a.acronym) for a in q.acronyms}
        rest = [w for w in q.content if w not in named]
        if "meaning" in q.asks or q.defined:
            return True
        if q.commitment or q.hito or q.named:
            return False
        others = [a for a in q.asks if a not in ("what_is", "about")]
        bare = not q.asks and len(rest) <= 1 and len(q.tokens) <= 4  # "icefi?", "y el ensmi"
        return bare or ("what_is" in q.asks and not others and len(rest) <= 3)

    def _spelled_by(self, a) -> str | None:
        """The institution's other name whose initials spell the acronym, when its expansion's do
        not ('Open Government Partnership' for OGP, printed as 'Alianza Mundial …')."""
        def initials(name: str) -> str:
            return "".join(x[0] for x in fold_simple(name).split() if x not in _SMALL_WORDS)
        key = fold_simple(a.acronym)
        actor = self.k.actors.actors.get(a.actor) if a.actor else None
        if actor is None or initials(a.expansion) == key:
            return None
        return next((n for n in (actor.name, *actor.aliases) if initials(n) == key), None)

    def meaning_answer(self, q: Query, w: Writer) -> Answer:
        lines, refs, sources = [], [], []
        seen: set[str] = set()
        asked = q.acronyms[:1] if (q.hito is not None or q.commitment is not None) else q.acronyms
        for a in asked:  # (with a record also asked about, the others name it: "el hito 2 de la SESAN")
            key = fold_simple(a.acronym)
            if key in seen:
                continue
            seen.add(key)
            spelled = self._spelled_by(a)
            if spelled:  # "OGP, por sus siglas en inglés": the name its letters come from
                lines.append(w._("{acronym} significa {expansion} (siglas de «{name}»).", acronym=a.acronym,
                                 expansion=a.expansion, name=spelled))
            else:
                lines.append(w._("{acronym} significa {expansion}.", acronym=a.acronym, expansion=a.expansion))
            refs.append(acronym_ref(acronym_key(a.acronym)))
            sources.append(a.source)
        other = [x for x in q.asks if x not in ("meaning", "about", "what_is")] or (
            [q.answer_type] if q.answer_type else [])
        if other:
            # "qué significa PRECODE y hasta cuándo ...": the second ask is of the record it names
            found, _ = self.resolve(q)
            asks = [x for x in other if x in pieces.PIECES]
            # only the record the acronym names ("el instrumento denominado PRECODE"), not one that mentions it
            names_it = found is not None and (i := self._subject_at.get(found.ref)) is not None and any(
                fold_simple(a.acronym) in _folded(self.subjects.texts[i].text).split() for a in q.acronyms)
            loc = self.k.locate(parse_ref(found.ref)) if names_it and found.raw >= ACCEPT_RECORD and asks \
                and is_record(found.ref) else None
            answered = [pieces.PIECES[x](self.k, loc, w, q) for x in asks] if loc is not None else []
            if loc is not None and any(answered):
                lines += [pieces.header(loc, w), *filter(None, answered)]
            else:
                rest = Query(**{**q.__dict__, "content": tuple(c for c in q.content if c not in seen)})
                sentence = self.best_sentence(rest, None, extra=tuple(seen))
                if sentence is not None:
                    lines.append(self._quote(sentence[0], w, q))
        text = paragraphs("\n".join(lines), self.cite(sources[0], w))
        if q.hito is not None or q.commitment is not None:
            # "qué significa X y qué hace el hito 2 de la SESAN": the record asked about, after the meaning
            rest = Query(**{**q.__dict__, "acronyms": [], "defined": False,
                            "asks": [x for x in q.asks if x not in ("meaning", "what_is")]})
            record = self._answer_query(rest, w)
            if record is not None and record.kind == "answer":
                text = paragraphs(text, record.text)
                refs = [*refs, *record.refs]
        return make_answer(text, w.locale, refs=refs, source=sources[0].document, confidence=1.0)
