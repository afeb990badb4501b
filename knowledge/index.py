"""Names and words of the knowledge base: stemming, the actor directory (names, acronyms and
aliases of institutions and where each appears), and `Doc`, a view of every record as a title
and a snippet.

The question-answering pipeline ranks records and sentences itself (knowledge.qa.retrieval).
"""

from __future__ import annotations

import functools
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import snowballstemmer
import yaml

from knowledge.actors import fold_name, is_free_text, name_parts
from knowledge.normalize import LEXICON_DIR, YAML_LOADER, fold_simple, shorten
from knowledge.refs import (
    CATALOGUE,
    acronym_ref,
    activity_ref,
    actor_ref,
    commitment_ref,
    hito_ref,
    plan_ref,
    practice_ref,
    project_ref,
)
from knowledge.schema import Acronym, Actor, KnowledgeData

_ES = snowballstemmer.stemmer("spanish")
_ACRONYM_IN_NAME = re.compile(r"^(?P<name>.*?)\s*[-–(]\s*(?P<acr>[^\s\-–()]+)\s*[-–)]?\s*$")
_ALNUM_WORD = re.compile(r"[A-Za-z0-9]+")

KINDS = ("plan", "plan_fact", "thematic_table", "commitment", "hito", "activity", "actor", "acronym",
         "practice", "project", "catalogue", "catalogue_fact", "passage")
_KIND_CODE = {k: i for i, k in enumerate(KINDS)}

Fields = list[tuple[str, float]]  # (text, weight): what the index reads of a record


def _derivations() -> dict[str, str]:
    """The stem of a noun -> the stem of the verb it comes from (knowledge/lexicon/derivations.yaml)."""
    with (LEXICON_DIR / "derivations.yaml").open(encoding="utf-8") as f:
        pairs = yaml.load(f, Loader=YAML_LOADER) or {}
    return {_ES.stemWord(noun): _ES.stemWord(verb) for noun, verb in pairs.items()}


_DERIVED = _derivations()


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Spanish Snowball stem, a noun given its verb's ("difusión" as "difundir"); cached: the
    stemmer is pure Python and words repeat a lot."""
    s = _ES.stemWord(word)
    return _DERIVED.get(s, s)



class Doc:
    """One searchable record: a ref, a kind and the schema object; title and snippet are computed
    from the object when asked (nothing is copied per record)."""

    __slots__ = ("id", "ref", "kind", "plan", "payload")

    def __init__(self, id: int, ref: str, kind: str, payload: object = None, plan: str | None = None):  # noqa: A002
        self.id = id
        self.ref = ref
        self.kind = kind
        self.plan = plan
        self.payload = payload  # the schema object; for a passage (label, text, sentence number)

    def __repr__(self) -> str:
        return f"Doc({self.id}, {self.ref!r}, {self.kind!r})"

    @property
    def sentence(self) -> str:
        """A passage's sentence (split again from its text: cheap, and never stored)."""
        _, text, i = self.payload  # type: ignore[misc]
        return split_sentences(text)[i]

    @property
    def label(self) -> str | None:
        """A passage's section label ("problem", "done_so_far", ...)."""
        return self.payload[0] if self.kind == "passage" else None  # type: ignore[index]

    @property
    def title(self) -> str:
        p, k = self.payload, self.kind
        if k in ("plan", "commitment", "practice", "project", "catalogue"):
            return p.title  # type: ignore[union-attr]
        if k in ("hito", "activity"):
            return p.text  # type: ignore[union-attr]
        if k in ("plan_fact", "catalogue_fact"):
            return shorten(p.text, 120)  # type: ignore[union-attr]
        if k == "thematic_table":
            return f"Mesa temática {p.number}: {p.topic}"  # type: ignore[union-attr]
        if k == "actor":
            return p.name + (f" ({p.acronym})" if p.acronym else "")  # type: ignore[union-attr]
        if k == "acronym":
            return f"{p.acronym}: {p.expansion}"  # type: ignore[union-attr]
        if k == "passage":
            return shorten(self.sentence, 120)
        return self.ref

    @property
    def snippet(self) -> str:
        p, k = self.payload, self.kind
        if k == "plan":
            return shorten(p.summary or p.title, 200)  # type: ignore[union-attr]
        if k == "commitment":
            return shorten(p.description or p.objective or p.title, 200)  # type: ignore[union-attr]
        if k in ("hito", "activity", "plan_fact", "catalogue_fact"):
            return shorten(p.text, 200)  # type: ignore[union-attr]
        if k == "thematic_table":
            return shorten(f"Mesa temática {p.number}, {p.topic}, {p.date}", 200)  # type: ignore[union-attr]
        if k == "actor":
            return shorten(p.description or p.name, 200)  # type: ignore[union-attr]
        if k == "acronym":
            return shorten(p.expansion, 200)  # type: ignore[union-attr]
        if k == "practice":
            return shorten(p.description or p.title, 200)  # type: ignore[union-attr]
        if k == "project":
            return shorten(p.objective or p.title, 200)  # type: ignore[union-attr]
        if k == "passage":
            return shorten(self.sentence, 400)
        return shorten(self.title, 200)








# --- documents ------------------------------------------------------------------------------


def acronym_key(acronym: str) -> str:
    """The ref key of an acronym record ("Iniciativa MANO A MANO" -> "Iniciativa_MANO_A_MANO")."""
    return re.sub(r"[^A-Za-z0-9_\-]+", "_", acronym).strip("_")[:36] or "x"


def split_printed_name(printed: str) -> tuple[str, str | None]:
    """'Ministerio de Educación -MINEDUC-' -> ('Ministerio de Educación', 'MINEDUC')."""
    text = printed.strip().lstrip("~").strip()
    m = _ACRONYM_IN_NAME.match(text)
    if m and m["name"] and m["acr"] and any(c.isupper() for c in m["acr"]) and len(m["acr"]) <= 14:
        return m["name"].strip(" -–"), m["acr"]
    return text, None


def _join(items: Iterable[str | None]) -> str:
    return " ".join(i for i in items if i)


Sink = Callable[[Doc, Fields], None]


def build_documents(data: KnowledgeData, sink: Sink | None = None) -> list[Doc]:
    """Every record of the knowledge base as a Doc, ids in order; `sink(doc, fields)` receives
    each record's weighted texts as it is made (the index reads them; nothing keeps them)."""
    docs: list[Doc] = []
    intern = sys.intern

    def add(ref: str, kind: str, payload: object, fields: Fields, plan: str | None = None) -> None:
        doc = Doc(len(docs), intern(ref), kind, payload, plan)
        docs.append(doc)
        if sink is not None:
            sink(doc, fields)

    for plan in data.plans:
        pref = intern(plan_ref(plan.key))
        add(pref, "plan", plan, [(plan.title, 3.0), (plan.summary or "", 1.0), ("plan accion nacional", 1.0)], plan.key)
        for fact in plan.facts:
            add(pref, "plan_fact", fact, [(fact.text, 2.0), (fact.topic.replace("_", " "), 1.0)], plan.key)
        for table in plan.thematic_tables:
            add(pref, "thematic_table", table, [(table.topic, 3.0), ("mesa tematica", 1.0), (table.place or "", 0.5)],
                plan.key)
        for c in plan.commitments:
            cref = commitment_ref(plan.key, c.number)
            add(cref, "commitment", c, [
                (c.title, 3.0), (c.short_title or "", 3.0), (c.description or "", 1.0), (c.objective or "", 1.0),
                (c.problem or "", 0.5), (c.solution or "", 0.5), (_join(c.expected_results), 0.5)], plan.key)
            for h in c.hitos:
                href = hito_ref(plan.key, c.number, h.number)
                add(href, "hito", h, [(h.text, 2.0), (_join(h.expected_results), 1.0), (c.short_title or "", 0.5)],
                    plan.key)
                for a in h.activities:
                    add(activity_ref(plan.key, c.number, h.number, a.number), "activity", a,
                        [(a.text, 2.0), (a.product or "", 1.0), (a.verification or "", 0.5)], plan.key)
    for actor in data.actors:
        add(actor_ref(actor.key), "actor", actor, [(actor.name, 3.0), (actor.acronym or "", 3.0),
                                              (_join(actor.aliases), 2.0), (actor.description or "", 0.5)])
    for acr in data.acronyms:
        add(acronym_ref(acronym_key(acr.acronym)), "acronym", acr, [(acr.acronym, 3.0), (acr.expansion, 2.0)])
    for p in data.practices:
        add(practice_ref(p.id), "practice", p, [(p.title, 3.0), (p.institution, 1.0), (p.description or "", 1.0),
                                         (p.results or "", 0.5)])
    for pr in data.projects:
        add(project_ref(pr.key), "project", pr, [
            (pr.title, 3.0), (pr.short_name or "", 3.0), (pr.reference_code or "", 3.0),
            (pr.objective or "", 1.0), (_join(pr.specific_objectives), 0.5), (_join(pr.countries), 1.0),
            (_join(p.actor for p in pr.partners), 1.0), (_join(pr.context), 0.3), (_join(pr.activities), 0.3),
            ("ministerios piloto " + _join(pr.pilot_ministries), 1.0 if pr.pilot_ministries else 0.0),
            (_join(c.title for c in pr.components), 0.5), (_join(pr.expected_results), 0.3),
            ("proyecto cooperacion", 0.5)])
    if data.catalogue:
        cat = data.catalogue
        add(CATALOGUE, "catalogue", cat, [(cat.title, 3.0), ("catalogo buenas practicas cooperacion", 2.0),
                                      (_join(cat.spheres), 1.0), (_join(cat.institution_breakdown), 0.5)])
        for fact in cat.facts:
            add(CATALOGUE, "catalogue_fact", fact, [(fact.text, 2.0), (fact.topic.replace("_", " "), 1.0), ("catalogo", 0.5)])
    for ref, label, text, i, sentence, plan_key in passages(data):
        add(ref, "passage", (label, text, i), [(sentence, 1.0)], plan_key)
    return docs


class PhraseStarts:
    """Where the phrases of a lookup table can occur in a question.

    `candidates(tokens)` gives the runs of consecutive tokens (longest first, then left to right)
    that start with a key's first word and have one of that word's key lengths: a question of ten
    words tries a handful of runs instead of every run of up to five words against every table.
    """

    __slots__ = ("_lengths",)

    def __init__(self, phrases: Iterable[str]) -> None:
        lengths: dict[str, set[int]] = defaultdict(set)
        for phrase in phrases:
            words = phrase.split(" ")
            if words[0]:
                lengths[words[0]].add(len(words))
        self._lengths = {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()}

    def candidates(self, tokens: tuple[str, ...] | list[str]) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        n = len(tokens)
        lengths = self._lengths
        for i, token in enumerate(tokens):
            for length in lengths.get(token, ()):
                if i + length <= n:
                    out.append((i, i + length, token if length == 1 else " ".join(tokens[i:i + length])))
        if len(out) > 1:
            out.sort(key=_longest_first)
        return out


    def phrases(self, tokens: tuple[str, ...] | list[str]) -> set[str]:
        """The candidate runs as a set (for "does the question say any of these?")."""
        lengths = self._lengths
        n = len(tokens)
        return {token if length == 1 else " ".join(tokens[i:i + length])
                for i, token in enumerate(tokens) for length in lengths.get(token, ()) if i + length <= n}


def _longest_first(match: tuple[int, int, str]) -> tuple[int, int]:
    return match[0] - match[1], match[0]


def passages(data: KnowledgeData) -> Iterator[tuple[str, str, str, int, str, str | None]]:
    """(parent ref, section label, text, sentence number, sentence, plan key) for the long texts."""
    for plan in data.plans:
        for c in plan.commitments:
            ref = sys.intern(commitment_ref(plan.key, c.number))
            for label, texts in (
                ("description", [c.description]), ("problem", [c.problem]), ("causes", c.causes),
                ("done_so_far", c.done_so_far), ("solution", [c.solution]),
                ("expected_results", c.expected_results), ("transparency", [c.transparency]),
                ("accountability", [c.accountability]), ("participation", [c.participation]),
                ("modifications", c.modifications), ("resources", [c.resources]),
            ):
                for text in texts:
                    for i, sentence in enumerate(split_sentences(text)):
                        yield ref, label, text, i, sentence, plan.key
    for pr in data.projects:
        ref = sys.intern(project_ref(pr.key))
        for label, texts in (("context", pr.context), ("activities", pr.activities),
                             ("achievements", pr.achievements), ("lessons_learned", pr.lessons_learned)):
            for text in texts:
                for i, sentence in enumerate(split_sentences(text)):
                    yield ref, label, text, i, sentence, None


_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-ZÁÉÍÓÚÑ¿(\d])")


def split_sentences(text: str | None) -> list[str]:
    if not text:
        return []
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if len(s.strip()) > 20]


@dataclass(frozen=True, slots=True)
class Role:
    """Where an actor appears: the entity ref and the role it plays there."""

    ref: str
    role: str  # responsible, government, osc, other, osc_group, other_actor, partner, institution
    plan: str | None = None


class ActorDirectory:
    """The one actor registry: names, acronyms and aliases -> actors; and where each actor appears.

    `resolve(printed)` turns an institution's name as a source prints it into its key. The seeds
    print one institution many ways ("Secretaría de Planificación y Programación de la
    Presidencia -SEGEPLAN-", "SEGEPLAN", "Segeplan", "- SEGEPLAN."): case, accents, spacing,
    leading bullets and dashes and trailing punctuation do not matter (`knowledge.actors.fold_name`);
    the canonical name, the acronym and the aliases of actors.yaml match, then the expansions
    and acronyms acronyms.yaml links to an actor; "Full Name -ACR-", "Full Name (ACR)" and
    "Full Name - ACR" match by either part ("MINGOB - SEGEPLAN" names two actors, so none).
    A name marked free text ("~...") is no actor.
    A whole name claimed by two actors is a data error (`collisions`, reported by the loader).

    Built from a KnowledgeData (the core: also the roles, and the phrases a question can name
    an actor by) or from a list of actors (the loader, storage, participation: names only;
    `acronyms` adds acronyms.yaml's links).
    """

    def __init__(self, data: KnowledgeData | Iterable[Actor], stopwords: frozenset[str] | set[str] = frozenset(),
                 *, acronyms: Iterable[Acronym] = (), heads: Iterable[str] = ()):
        whole = data if isinstance(data, KnowledgeData) else None
        actors: list[Actor] = list(whole.actors if whole is not None else data)
        linked = list(whole.acronyms if whole is not None else acronyms)
        self.actors: dict[str, Actor] = {}
        for a in actors:
            self.actors.setdefault(a.key, a)
        self._by_name: dict[str, str] = {}  # folded name (fold_name) -> key
        self.collisions: dict[str, list[str]] = {}  # folded name -> keys of the actors claiming it
        # Canonical names first, then acronyms, then aliases, then acronyms.yaml: an earlier claim wins.
        for a in actors:
            self._claim(a.name, a.key)
        for a in actors:
            if a.acronym:
                self._claim(a.acronym, a.key)
        for a in actors:
            for alias in a.aliases:
                self._claim(alias, a.key)
        for acr in linked:
            if acr.actor and acr.actor in self.actors:
                self._claim(acr.expansion, acr.actor, report=False)
                self._claim(acr.acronym, acr.actor, report=False)
        self.by_phrase: dict[str, str] = {}  # what a question names an actor by (fold_simple)
        self.short_acronyms: set[str] = set()  # need upper case in the question ("AC", "IV", "MP")
        for a in actors:
            for name in (a.name, *a.aliases):
                self._add(fold_simple(name), a.key)
                full, acr = split_printed_name(name)
                self._add(fold_simple(full), a.key)
                if acr:
                    self._add_acronym(acr, a.key, stopwords)
            if a.acronym:
                self._add_acronym(a.acronym, a.key, stopwords)
        for acr in linked:
            if acr.actor and acr.actor in self.actors:
                self._add(fold_simple(acr.expansion), acr.actor)
                self._add_acronym(acr.acronym, acr.actor, stopwords)
        for head in heads:  # "la Contraloría": the one body whose name starts with it
            named = {a.key for a in actors if fold_simple(a.name).split()[:1] == [head]}
            if len(named) == 1:
                self._add(head, named.pop())
        self._starts = PhraseStarts(self.by_phrase)
        self._display: dict[str, str] = {}  # printed name -> shown name (names come from the data)
        self._resolved: dict[str, str | None] = {}  # printed name -> key (the same names repeat)
        self.roles: dict[str, list[Role]] = defaultdict(list)
        if whole is not None:
            self._collect_roles(whole)
        self._roles_at: dict[str, dict[str, list[Role]]] = {}  # actor -> ref -> its roles there

    def _claim(self, name: str, key: str, report: bool = True) -> None:
        folded = fold_name(name)
        forms = [folded] + [p for p in name_parts(folded) if p != folded]
        for i, form in enumerate(forms):
            if not form:
                continue
            owner = self._by_name.get(form)
            if owner is None:
                self._by_name[form] = key
            elif owner != key and i == 0 and report:
                # Only a whole name claimed twice is a conflict; split parts just lose.
                keys = self.collisions.setdefault(form, [owner])
                if key not in keys:
                    keys.append(key)

    def by_key(self, key: str) -> Actor | None:
        return self.actors.get(key)

    def actor_named(self, printed: str) -> Actor | None:
        """The actor a printed name means (`resolve`), or None."""
        key = self.resolve(printed)
        return self.actors[key] if key is not None else None

    def __len__(self) -> int:
        return len(self.actors)

    def __contains__(self, key: object) -> bool:
        return key in self.actors

    def roles_at(self, key: str, ref: str) -> list[Role]:
        """The roles an actor plays in one record (grouped by record the first time an actor is
        asked about: at x100 an actor holds thousands of roles and a list asks about each record)."""
        by_ref = self._roles_at.get(key)
        if by_ref is None:
            by_ref = self._roles_at[key] = defaultdict(list)
            for r in self.roles.get(key, ()):
                by_ref[r.ref].append(r)
        return by_ref.get(ref, [])

    def _add(self, phrase: str, key: str) -> None:
        if phrase and phrase not in self.by_phrase:
            self.by_phrase[phrase] = key

    def _add_acronym(self, acronym: str, key: str, stopwords: frozenset[str] | set[str]) -> None:
        folded = fold_simple(acronym)
        if not folded:
            return
        self._add(folded, key)
        if len(folded) <= 2 or folded in stopwords:
            self.short_acronyms.add(folded)

    def resolve(self, printed: str) -> str | None:
        """Actor key for a name as a source or a person prints it, or None (free text, unknown)."""
        if not isinstance(printed, str):
            return None
        try:
            return self._resolved[printed]
        except KeyError:
            key = self._resolved[printed] = self._resolve(printed)
            return key

    def _resolve(self, printed: str) -> str | None:
        if is_free_text(printed):
            return None
        folded = fold_name(printed)
        if not folded:
            return None
        by_name = self._by_name
        if folded in by_name:
            return by_name[folded]
        for part in name_parts(folded):
            if part in by_name:
                return by_name[part]
        full, acr = split_printed_name(printed)  # "Full Name - ACR": both parts, when they agree
        named = {by_name.get(fold_name(part)) for part in (full, acr) if part} - {None}
        if len(named) == 1:
            return named.pop()
        simple = fold_simple(printed)  # as a question's words are folded
        if simple in self.by_phrase:
            return self.by_phrase[simple]
        return None

    def display(self, printed: str) -> str:
        """How an actor name is shown: 'Full name (ACR)' when known, else as printed."""
        shown = self._display.get(printed)
        if shown is None:
            shown = self._display[printed] = self._display_uncached(printed)
        return shown

    def _display_uncached(self, printed: str) -> str:
        key = self.resolve(printed)
        if key is None:
            return printed.lstrip("~").strip()
        a = self.actors[key]
        # "CoST" is already in "… CoST Guatemala"; "OFI" is not in "Oficina …" (a word, not letters)
        said = fold_simple(a.acronym or "") in fold_simple(a.name).split()
        return f"{a.name} ({a.acronym})" if a.acronym and not said else a.name

    def find(self, tokens: tuple[str, ...] | list[str], original: str) -> list[tuple[int, int, str]]:
        """Actors named in the question: (start, end, key), longest phrases first, no overlaps."""
        taken: set[int] = set()
        found: list[tuple[int, int, str]] = []
        typed: set[str] | None = None  # the words as typed, capitals kept (for a short acronym)
        for start, end, phrase in self._starts.candidates(tokens):
            key = self.by_phrase.get(phrase)
            if key is None or taken.intersection(range(start, end)):
                continue
            if phrase in self.short_acronyms:
                typed = set(_ALNUM_WORD.findall(original)) if typed is None else typed
                if not any(w.lower() == phrase and not w.islower() for w in typed):
                    continue
            found.append((start, end, key))
            taken.update(range(start, end))
        return sorted(found)

    def _collect_roles(self, data: KnowledgeData) -> None:
        seen: set[tuple[str, Role]] = set()

        def note(names: Iterable[str], ref: str, role: str, plan: str | None) -> None:
            for name in names:
                key = self.resolve(name)
                if key and (key, Role(ref, role, plan)) not in seen:
                    seen.add((key, Role(ref, role, plan)))
                    self.roles[key].append(Role(ref, role, plan))

        for plan in data.plans:
            for c in plan.commitments:
                cref = commitment_ref(plan.key, c.number)
                note(c.responsible, cref, "responsible", plan.key)
                for group in c.osc_and_other_actors:
                    note(group.actors, cref, "osc_group", plan.key)
                note(c.other_actors, cref, "other_actor", plan.key)
                for h in c.hitos:
                    ref = hito_ref(plan.key, c.number, h.number)
                    note(h.responsible, ref, "responsible", plan.key)
                    note(h.supporters.government, ref, "government", plan.key)
                    note(h.supporters.osc, ref, "osc", plan.key)
                    note(h.supporters.other, ref, "other", plan.key)
                    for a in h.activities:
                        note(a.responsible, activity_ref(plan.key, c.number, h.number, a.number), "responsible", plan.key)
        for pr in data.projects:
            pref = project_ref(pr.key)
            note((p.actor for p in pr.partners), pref, "partner", None)
            for p in pr.partners:  # "DGPCI de la AMEXCID": every actor named inside the partner
                text = f"{p.actor} {p.role or ''}"
                for _, _, key in self.find(fold_simple(text).split(), text):
                    if (key, Role(pref, "partner", None)) not in seen:
                        seen.add((key, Role(pref, "partner", None)))
                        self.roles[key].append(Role(pref, "partner", None))
        for p in data.practices:
            note([p.institution], practice_ref(p.id), "institution", None)
