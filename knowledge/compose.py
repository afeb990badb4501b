"""Writing answers: plain text from knowledge-base records, Spanish by default, English on request.

Every template is a gettext message (domain `knowledge`, Spanish msgids); the data itself stays
as the sources print it. An answer's first line answers the question; then the few details that
matter, the plan it belongs to, and the source (document and section). Nothing here decides
*what* to answer: knowledge.core picks the record and the aspect, this module writes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from knowledge.answers import Answer, Choice
from knowledge.i18n import format_partial_date, ngettext, translations
from knowledge.index import ActorDirectory
from knowledge.lookups import status_name
from knowledge.normalize import shorten
from knowledge.schema import (
    Activity,
    Commitment,
    Hito,
    PartialDate,
    Plan,
    Source,
    StatusDef,
)

MAX_LIST = 12
_DATES: dict[tuple[int, int | None, int | None, str], str] = {}  # (y, m, d, locale) -> words


class Writer:
    """Text helpers bound to one locale."""

    def __init__(self, locale: str, actors: ActorDirectory, documents: Mapping[str, str] | None = None):
        self.locale = locale
        self.actors = actors
        self.documents = documents or {}  # source file -> the title a person would cite it by
        self._gettext = translations(locale).gettext  # (an answer looks up a dozen messages)

    def _(self, message: str, **kw: object) -> str:
        text = self._gettext(message)
        return text.format(**kw) if kw else text

    def n_(self, singular: str, plural: str, n: int, **kw: object) -> str:
        return ngettext(self.locale, singular, plural, n).format(n=n, **kw)

    # --- pieces ---------------------------------------------------------------------------

    def date(self, d: PartialDate | None) -> str:
        if d is None:
            return ""
        key = (d.year, d.month, d.day, self.locale)
        text = _DATES.get(key)
        if text is None:  # Babel's formatting is the slow part of an answer; dates repeat
            text = _DATES[key] = format_partial_date(d, self.locale)
        return text

    def names(self, printed: Iterable[str]) -> str:
        shown = [self.actors.display(p) for p in printed if p and p.strip()]
        if not shown:
            return self._("(sin dato en la fuente)")
        if len(shown) > MAX_LIST:
            shown = shown[:MAX_LIST] + [self._("y {n} más", n=len(shown) - MAX_LIST)]
        return "; ".join(shown)

    def period(self, start: PartialDate | None, end: PartialDate | None, text: str | None = None) -> str:
        if start and end:
            return self._("de {start} a {end}", start=self.date(start), end=self.date(end))
        if end:
            return self._("hasta {end}", end=self.date(end))
        if start:
            return self._("desde {start}", start=self.date(start))
        return text or self._("(sin fecha en la fuente)")

    def source_line(self, source: Source | None) -> str:
        """'Fuente: 4º Plan de Acción Nacional de Gobierno Abierto 2018-2020, Compromiso 10, Hito 1.'
        (the document by its title; a section that lists several of them names no place in it)."""
        if source is None:
            return ""
        document = self.documents.get(source.document, source.document)
        section = (source.section or "").replace(" > ", ", ")
        if not section or ";" in section:
            return self._("Fuente: {title}.", title=document)
        return self._("Fuente: {document}, {section}.", document=document, section=section)

    def plan_source(self, line: str, reporters: Iterable[str]) -> str:
        """A "Fuente: …" line beside a status someone reported (a focal point's update): the plan
        is cited for what the plan says, the status for who reported it."""
        who = list(dict.fromkeys(r for r in reporters if r))
        if not line or not who:
            return line
        return line.rstrip(".") + " " + self._("(lo que dice el plan; el estado lo reportó {who}).",
                                               who=", ".join(who))

    def plan_line(self, plan: Plan | None, assumed: bool) -> str:
        if plan is None:
            return ""
        if assumed and plan.current:
            return self._("Plan: {title} (el plan vigente; no indicaste otro).", title=plan.title)
        return self._("Plan: {title}.", title=plan.title)

    def of_label(self, c: Commitment, h: Hito | None = None, a: Activity | None = None) -> str:
        """'del hito 2 del compromiso 3' / 'hito 2 of commitment 3' (after a noun: "Responsable ...")."""
        if a is not None and h is not None:
            return self._("de la actividad {a} del hito {h} del compromiso {c}", a=a.number, h=h.number, c=c.number)
        if h is not None:
            return self._("del hito {h} del compromiso {c}", h=h.number, c=c.number)
        return self._("del compromiso {c}", c=c.number)

    def subject_label(self, c: Commitment, h: Hito | None = None, a: Activity | None = None) -> str:
        """'El hito 2 del compromiso 3' / 'Milestone 2 of commitment 3' (subject of a sentence)."""
        if a is not None and h is not None:
            return self._("La actividad {a} del hito {h} del compromiso {c}", a=a.number, h=h.number, c=c.number)
        if h is not None:
            return self._("El hito {h} del compromiso {c}", h=h.number, c=c.number)
        return self._("El compromiso {c}", c=c.number)

    def status_name(self, status: StatusDef | None, key: str) -> str:
        return status_name(status, key, self.locale)

    def bullets(self, items: Iterable[str], limit: int = MAX_LIST) -> str:
        items = [i for i in items if i]
        lines = [f"- {shorten(i, 300)}" for i in items[:limit]]
        if len(items) > limit:
            lines.append(self._("y {n} más", n=len(items) - limit))
        return "\n".join(lines)


def paragraphs(*parts: str | None) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def make_answer(text: str, locale: str, *, refs: Iterable[str] = (), source: str | None = None,
                confidence: float = 1.0, facts: dict[str, str] | None = None,
                kind: str = "answer", choices: Iterable[Choice] = ()) -> Answer:
    return Answer(kind=kind, text=text, locale=locale, choices=tuple(choices), refs=tuple(dict.fromkeys(refs)),
                  source=source, confidence=round(max(0.0, min(confidence, 1.0)), 3), facts=facts or {})
