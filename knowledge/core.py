"""The knowledge core: the records of one knowledge base, looked up, answered, searched.

`Knowledge(data)` is built once per process and then answers: `.ask(question, locale=None,
previous=None) -> Answer` (the question-answering pipeline of knowledge.qa), `.card(ref, locale)`
(the detail card of an entity, for the bot's navigation and deep links; written by
knowledge.cards), `.search(query, ...)` (inline mode, /buscar) and lookups (`plan`, `plans`,
`commitment`, `hito`, `actor`, `statuses`, `progress`).
"""

from __future__ import annotations

import logging

from knowledge import clock
from knowledge import progress as progress_rules
from knowledge.answers import Answer, Hit
from knowledge.cards import Cards
from knowledge.compose import Writer, make_answer
from knowledge.i18n import normalize_locale
from knowledge.index import (
    ActorDirectory,
    acronym_key,
)
from knowledge.lookups import Lookups
from knowledge.normalize import Normalizer, load_lexicon
from knowledge.profiles import Profiles
from knowledge.qa import QuestionAnswerer
from knowledge.refs import Ref, parse_ref
from knowledge.schema import (
    Actor,
    Commitment,
    Hito,
    KnowledgeData,
    Project,
    StatusDef,
)

log = logging.getLogger(__name__)


def document_titles(data: KnowledgeData) -> dict[str, str]:
    """Each source file -> how a person cites it: a plan's title, the catalogue's, a project's short name."""
    titles: dict[str, str] = {}
    for plan in data.plans:
        if plan.source:
            titles.setdefault(plan.source.document, plan.title)
    if data.catalogue is not None:
        titles.setdefault(data.catalogue.source.document, data.catalogue.title)
    for pr in data.projects:
        titles.setdefault(pr.source.document, pr.short_name or pr.title)
    return titles


class Knowledge(Lookups, Cards, Profiles):
    """Answers questions about the plans, the catalogue and the projects of one KnowledgeData."""

    def __init__(self, data: KnowledgeData):
        Lookups.__init__(self, data)  # plans, commitments, hitos, statuses: knowledge.lookups
        self.today = clock.today  # "which hitos are overdue" is asked of a day (Guatemala's); tests set it
        self.lexicon = load_lexicon()
        stop = self.lexicon.stop_es | self.lexicon.stop_en
        common = stop | set(self.lexicon.english) | {w for ps in self.lexicon.aspects.values() for p in ps for w in p.split()}
        self.actors = ActorDirectory(data, stopwords=common, heads=self.lexicon.cues.get("institution_heads", ()))
        self.normalizer = Normalizer(self.lexicon)  # abbreviations, numbers, English words; no speller
        self.documents = document_titles(data)
        self._acronyms = {acronym_key(a.acronym): a for a in data.acronyms}
        self._qa = QuestionAnswerer(self)  # reading, records, sentences: built once per knowledge base

    def writer(self, locale: str) -> Writer:
        """Text helpers in one locale that cite this knowledge base's documents by their titles."""
        return Writer(locale, self.actors, self.documents)

    # --- lookups ----------------------------------------------------------------------------

    def actor(self, key: str) -> Actor | None:
        return self.actors.actors.get(key)

    def _status_of(self, hito: Hito) -> StatusDef | None:
        """A hito's status: its current one (history) first, else what the source states."""
        key = progress_rules.hito_state(hito)[0]
        return self._statuses.get(key) if key else None

    def hito_progress(self, hito: Hito) -> int | None:
        """A hito's progress: the figure reported, else its status's implied one (knowledge.progress)."""
        return progress_rules.hito_progress(hito, self._statuses)

    def progress(self, commitment: Commitment | int) -> int | None:
        """A commitment's roll-up, by the one rule of knowledge.progress (an unknown hito counts
        as 0; None when no hito's progress is known)."""
        c = self.commitment(commitment) if isinstance(commitment, int) else commitment
        if c is None:
            return None
        return progress_rules.commitment_progress(c.hitos, self._statuses)

    # --- public entry points ----------------------------------------------------------------

    def ask(self, question: str, locale: str | None = None, previous: str | None = None) -> Answer:
        """Answer one question; never raises (bad input gets a friendly answer).

        `previous`: the ref the last answer in this conversation was about, so a follow-up
        ("y cuándo termina?") continues with its subject."""
        loc = normalize_locale(locale) if locale else None
        try:
            return self._ask(question, loc, previous)
        except Exception:  # noqa: BLE001 - a question must never crash the bot
            log.exception("could not answer %r", question[:200] if isinstance(question, str) else question)
            w = self.writer(loc or "es")
            return make_answer(w._("Perdón, no pude procesar esa pregunta. ¿Puedes escribirla de otra forma?"),
                               w.locale, kind="invalid", confidence=0.0)

    def card(self, ref: Ref | str, locale: str = "es") -> Answer | None:
        """The detail card of an entity (navigation, deep links); None for an unknown ref."""
        try:
            return self._card(ref, locale)
        except Exception:  # noqa: BLE001 - a stale or forged ref must never crash the bot
            log.exception("could not build the card of %r", ref)
            return None

    def _card(self, ref: Ref | str, locale: str) -> Answer | None:
        parsed = parse_ref(ref) if isinstance(ref, str) else ref
        if parsed is None:
            return None
        w = self.writer(normalize_locale(locale))
        if parsed.kind in ("commitment", "hito", "activity"):
            found = self.locate(parsed)
            return self._entity_answer(found, "about", w, None, assumed=False) if found else None
        if parsed.kind == "plan":
            plan = self.plan(parsed.key or "")
            return self._plan_answer(plan, "about", w, None) if plan else None
        if parsed.kind == "actor":
            return self._actor_answer(parsed.key or "", "about", w, None) if parsed.key in self.actors.actors else None
        if parsed.kind == "acronym":
            acr = self._acronyms.get(parsed.key or "")
            return self._meaning_answer([acr], w) if acr else None
        if parsed.kind == "project":
            pr = next((p for p in self.data.projects if p.key == parsed.key), None)
            return self._project_answer(pr, "about", w) if pr else None
        if parsed.kind == "practice":
            pa = next((p for p in self.data.practices if p.id == parsed.practice), None)
            return self._practice_answer(pa, "about", w) if pa else None
        if parsed.kind == "catalogue" and self.data.catalogue:
            return self._catalogue_answer(self.data.catalogue, "about", None, w)
        return None

    def search(self, query: str, limit: int = 50, offset: int = 0, locale: str = "es") -> list[Hit]:
        """Records matching a query (inline mode, /buscar), best first, one hit per entity."""
        if not isinstance(query, str) or not query.strip():
            return []
        return self._qa.search(query, normalize_locale(locale))[offset:offset + limit]

    # --- routing ----------------------------------------------------------------------------

    def _ask(self, question: object, locale: str | None, previous: str | None = None) -> Answer:
        if not isinstance(question, str) or not question.strip():
            w = self.writer(locale or "es")
            return self._invalid(w)
        return self._qa.ask(question, locale, previous)

    def help_text(self, locale: str = "es") -> str:
        """What the bot can be asked, with examples (the chat's "ayuda")."""
        return self._invalid(self.writer(normalize_locale(locale))).text




    # --- routing helpers ----------------------------------------------------------------------

    def _project(self, key: str) -> Project | None:
        return next((p for p in self.data.projects if p.key == key), None)


















    # --- retrieval --------------------------------------------------------------------------



    # --- answers: plans, commitments, hitos, activities --------------------------------------






    # --- past their end date ----------------------------------------------------------------













    # --- answers: actors, acronyms, projects, practices, catalogue, facts --------------------














    # --- no answer, choices -----------------------------------------------------------------









