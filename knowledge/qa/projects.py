"""Cooperation projects: one part per ask a project has a field for (budget, period, partners,
components, lessons, pilots, ...), what a partner contributes in its own words, and a listed
item given whole when it holds what the question asks.

A mixin of `QuestionAnswerer` (knowledge.qa.answerer).
"""

from __future__ import annotations

from knowledge.answers import Answer
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.normalize import fold_simple
from knowledge.qa.reading import Query
from knowledge.qa.resolving import Found
from knowledge.qa.retrieval import stem_set
from knowledge.qa.sentences import ACCEPT_SENTENCE
from knowledge.qa.values import holds_type

_CONTRIBUTED = frozenset({"puso", "pusieron", "pone", "aporto", "aporta", "aportaron", "aporte", "contribuyo",
                          "dio", "dieron", "financio", "contributed", "put", "gave", "paid", "pago", "contribute",
                          "contribution", "aportacion", "contribucion"})
_GIVING = ("aporte", "aporta", "apoya", "brinda", "contribucion", "contribuye")  # what a partner gives
_GIVING_STEMS = stem_set(" ".join(_GIVING))
PROJECT_ASPECTS = {
    "budget": "budget", "dates": "dates", "start": "dates", "end": "dates", "supporters": "supporters",
    "responsible": "supporters", "results": "results", "components": "components", "lessons": "lessons",
    "pilots": "pilots", "countries": "countries", "activities": "activities", "about": "objective",
    "what_is": "about",
}


class ProjectAnswers:
    def _their_part(self, found: Found, givers: list[list[str]]) -> list:
        """For each partner (a list of its names), the sentence of the project's own text that says
        what it contributes, where one does."""
        out = []
        for forms in givers:
            names = [stem_set(form) for form in forms]
            ranked = self.sentences.rank(self.sentences.terms([*map(fold_simple, forms), *_GIVING]), limit=40)
            t = next((t for _b, _c, i in ranked if (t := self.sentences.texts[i]).ref == found.ref
                      and t.stems & _GIVING_STEMS and any(n <= t.stems for n in names)), None)
            if t is not None and t not in out:
                out.append(t)
        return out

    def project_answer(self, q: Query, pr, found: Found, w: Writer, sentence) -> Answer:
        """A cooperation project: one part per ask it has a field for, and the sentence of its
        own text that holds the rest."""
        aspects = []
        for ask in q.asks + (["dates"] if "date" in q.answer_types else []):
            aspect = PROJECT_ASPECTS.get(ask)
            if aspect and aspect not in aspects:
                aspects.append(aspect)
        if "lessons" in aspects:  # "hasta qué mes recomiendan empezar": a date the lessons give, not the project's period
            aspects = [a for a in aspects if a != "dates"]
        if "results" in aspects and pr.achievements:
            aspects.append("achievements")
        countries = {fold_simple(c) for c in pr.countries}
        givers = [self.k.actors.actors[a].acronym or self.k.actors.actors[a].name for a in q.actors] + \
            [c for c in pr.countries if fold_simple(c) in q.tokens and fold_simple(c) != "guatemala"]  # as printed
        gave = bool(set(q.tokens) & _CONTRIBUTED) or any(  # "cuánto puso México", "presupuesto de la GIZ"
            t.startswith(("presupuest", "fondo", "monto")) and set(q.tokens[i + 1:i + 4]) & (q.actor_words | countries)
            for i, t in enumerate(q.tokens))
        if "role" in q.asks and givers and not aspects:  # "qué aporta México al proyecto": what the source says it gives
            forms = [[a.acronym or a.name, a.name] for a in map(self.k.actors.actors.get, q.actors)] + \
                [[c] for c in pr.countries if fold_simple(c) in q.tokens and fold_simple(c) != "guatemala"]
            said = self._their_part(found, forms)
            if said:
                return make_answer(paragraphs("\n".join(self._quote(t, w, q) for t in said), self.cite(pr.source, w)),
                                   w.locale, refs=[found.ref], confidence=found.coverage, source=pr.source.document)
        if "budget" in aspects and givers and gave and pr.amount:
            # "cuánto puso México", "presupuesto de la GIZ": the source gives only the total
            forms = [[a.acronym or a.name, a.name] for a in map(self.k.actors.actors.get, q.actors)] + \
                [[c] for c in pr.countries if fold_simple(c) in q.tokens and fold_simple(c) != "guatemala"]
            said = self._their_part(found, forms)  # "el aporte de México se basa en …": what it gives instead
            text = paragraphs(w._("Mis fuentes no dicen cuánto aportó {who}; solo dan el monto total del proyecto: {amount}.",
                                  who=", ".join(dict.fromkeys(givers)), amount=pr.amount),
                              "\n".join(self._quote(t, w, q) for t in said), self.cite(pr.source, w))
            return make_answer(text, w.locale, kind="no_answer", refs=[found.ref], confidence=0.0)
        parts, refused = [], 0
        for aspect in aspects or (["about"] if sentence is None else []):
            part = self.k._project_answer(pr, aspect, w, confidence=found.coverage)
            refused += part.kind == "no_answer"
            text = part.text
            parts.append(self._whole_items(q, pr, text.rsplit("\n\n", 1)[0] if "\n\n" in text else text))
        if sentence is not None and sentence[0].ref == found.ref and sentence[1] >= ACCEPT_SENTENCE and (
                not aspects or self._adds(q, found, sentence)):
            parts.append(self._quote(sentence[0], w, q))
        if not aspects and sentence is None:
            parts = parts[:1]
        if not any(parts):
            return self.refusal(q, w)  # nothing of it answers (never a bare source line)
        shown = list(dict.fromkeys(p for part in parts for p in part.split("\n\n")))  # (the title once)
        text = paragraphs(*shown, self.cite(pr.source, w))
        kind = "no_answer" if aspects and refused == len(aspects) else "answer"
        return make_answer(text, w.locale, refs=[found.ref], source=pr.source.document, confidence=found.coverage,
                           kind=kind)

    def _whole_items(self, q: Query, pr, text: str) -> str:
        """A listed item cut short is given whole when it holds what the question asks beyond the
        list ("las lecciones del proyecto: en qué mes conviene empezar"): the cut part may be the answer."""
        asked = stem_set(" ".join(q.content)) - stem_set(" ".join((pr.title, pr.short_name or "")))
        fields = ("lessons_learned", "expected_results", "achievements", "activities", "specific_objectives")
        items = [item for field in fields for item in getattr(pr, field, None) or () if shorten(item, 300) in text]
        # "hasta qué mes conviene empezar": the one or two items that give a month are the answer
        dated = [i for i in items if holds_type(i, "date")] if q.answer_type == "date" else []
        for item in items:
            cut = shorten(item, 300)
            if cut != " ".join(item.split()) and cut in text and (
                    len(asked & stem_set(item)) >= 2 or (item in dated and len(dated) <= 2)):
                text = text.replace(cut, " ".join(item.split()))
        return text
