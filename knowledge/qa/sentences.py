"""Quoting the running text: the sentence that holds what a question asks (anywhere, or inside
the record the question is about), a second sentence for a second part, and the quote itself.

`SentenceFinder` is part of `QuestionAnswerer` (knowledge.qa.answerer), which provides the
rankers (`sentences`, `subjects`), the knowledge base (`k`) and `cite`.
"""

from __future__ import annotations

import functools
import re

from knowledge.answers import Answer
from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.normalize import fold_simple, strip_accents
from knowledge.qa.reading import SPEECH_WORDS, Query
from knowledge.qa.resolving import Found
from knowledge.qa.retrieval import stem_set
from knowledge.qa.values import _PERSON_CUES, _folded, holds_type, titled_name
from knowledge.refs import commitment_ref, is_record, parse_ref, within

_ITEM = re.compile(r"(?:(?<=\s)|^)(?:[a-h]|\d{1,2})\)\s")


def enumerated(text: str, width: int) -> str | None:
    """A long sentence that enumerates ("… tres grupos: a) Causas inmediatas: …; b) …; c) …"),
    shortened item by item so every item's head is kept; None when it is short or no list."""
    flat = " ".join(text.split())
    starts = [m.start() for m in _ITEM.finditer(flat)]
    if len(flat) <= width or len(starts) < 2 or starts[0] > 200:
        return None  # (a long lead is what the sentence says; the list only details it)
    lead = flat[:starts[0]].rstrip()
    room = max(40, (width - len(lead)) // len(starts))
    items = [shorten(flat[a:b].rstrip(" ;,."), room) for a, b in zip(starts, [*starts[1:], len(flat)], strict=True)]
    return lead + " " + " ".join(items)


_YEAR_OR_DATE = re.compile(r"\b(?:19|20)\d{2}\b")
_A_NUMBER = re.compile(r"\b\d+\b")
_CLAUSE = re.compile(r"(?<=[,;:“(])\s+|\s+(?=\d\)\s)")


def around(text: str, asked: frozenset[str], width: int, value: re.Pattern | None = None) -> str:
    """A long sentence cut to the part that holds most of the words asked ("… quedando plasmado
    en Compromiso número 8, «Diseño de estrategia…», que contempla 3 hitos"), from a clause start."""
    flat = " ".join(text.split())
    if len(flat) <= width or not asked:
        return shorten(flat, width)
    starts = [0] + [m.end() for m in _CLAUSE.finditer(flat) if m.end() < len(flat) - 15]

    def held(window: str) -> int:  # the words asked, and a value of the kind asked (a year for "desde cuándo")
        return len(asked & stem_set(window)) + (1 if value is not None and value.search(window) else 0)

    best, best_n = 0, held(flat[:width])
    for a in starts[1:]:
        n = held(flat[a:a + width])
        if n > best_n:
            best, best_n = a, n
    width = _whole_title(flat, best, width)
    return shorten(flat[best:], width) if best == 0 else "…" + shorten(flat[best:], width - 1)


_OPENING, _CLOSING = "“«", "”»"  # (a straight quote opens and closes alike: not used)
TITLE_ROOM = 160  # how far past the cut a title in quotation marks is still given whole


def _whole_title(flat: str, start: int, width: int) -> int:
    """The width that keeps whole a title in quotation marks the cut at `start + width` would break
    ("Compromiso número 8, “Diseño de estrategia … para la reducción de la migración irregular”")."""
    end = start + width
    window = flat[start:end]
    opened = max(window.rfind(c) for c in _OPENING)
    if opened < 0 or any(c in window[opened + 1:] for c in _CLOSING):
        return width
    closing = [i for c in _CLOSING if (i := flat.find(c, end)) >= 0]
    if not closing or min(closing) - end > TITLE_ROOM:
        return width
    space = flat.find(" ", min(closing))
    return (space if space >= 0 else len(flat)) - start + 1  # (shorten cuts at the space after it)


# where a second question starts: "…, y entre qué meses …", "… and in what year …", "…? ¿quién …"
_NEXT_QUESTION = re.compile(
    r"[?;]\s*¿?(?:(?:y|e|and)\s+)?(?=\S)|(?:,?\s+(?:y|e|and)\s+¿?)(?=(?:(?:en|entre|a|de|d|desde|hasta|para|con|por|in|at|on|by|from|to|for|since|until)\s+)?"
    r"(?:qu[eé]|q|k|cu[aá]l(?:es)?|cu[aá]ndo|qui[eé]n(?:es)?|d[oó]nde|cu[aá]nt[oa]s?|c[oó]mo|what|which|when|who|whom|where|how)\b)",
    re.IGNORECASE)


_JOINED = re.compile(r"\s(?:y|e|and)\s", re.IGNORECASE)  # (where _NEXT_QUESTION's second form can start)


_COUNT_WORDS = {"2": "dos", "3": "tres", "4": "cuatro", "5": "cinco", "6": "seis", "7": "siete", "8": "ocho",
                "9": "nueve", "10": "diez"}  # a count as the sources write it
_WHICH_WORDS = frozenset({"cual", "cuales", "which", "nombres", "nombre", "lista", "list", "names", "menciona",
                          "mencione", "enumera", "enumere", "nombra", "name"})  # words that ask which ones


def questions_in(text: str) -> list[str]:
    """The questions one message asks, each one whole enough to read alone (at least two words)."""
    body = text.rstrip()
    body = body[:-1] if body.endswith("?") else body  # (a question's own closing mark starts nothing)
    if "?" not in body and ";" not in body and not _JOINED.search(body):
        parts = [text.strip(" ¿?,;.")]  # (no place a second question could start)
    else:
        parts = [p.strip(" ¿?,;.") for p in _NEXT_QUESTION.split(text)]
    return [p for p in parts if len(p.split()) >= 2]


def plan_marks(n: int) -> tuple[str, ...]:
    """How a text writes the n-th plan's ordinal: "quinto", "5to", "5o", ..."""
    ordinal = {1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto", 5: "quinto", 6: "sexto", 7: "septimo",
               8: "octavo"}.get(n, "")
    return tuple(x for x in (ordinal, f"{n}o", f"{n}to", f"{n}vo", f"{n}er", f"{n}mo", f"{n}no", f"{n}ro", f"{n}do") if x) if n else ()


def names_a_plan(text: str, marks: tuple[str, ...]) -> bool:
    """'en el marco del 5to. Plan de Acción', not 'el primer año'."""
    words = fold_simple(text).split()
    return any(x in marks and words[i + 1:i + 2] in (["plan"], ["planes"], ["pan"]) for i, x in enumerate(words))


@functools.cache
def _other_plans_marks(plan: int) -> tuple[str, ...]:
    return tuple(m for n in range(1, 11) if n != plan for m in plan_marks(n))


@functools.lru_cache(maxsize=8192)  # (a sentence is a candidate for many questions)
def _of_another_plan(text: str, plan: int | None) -> bool:
    """Whether a sentence speaks of another plan than the one asked ("el primer Plan …" for the 6th)."""
    return bool(plan) and names_a_plan(text, _other_plans_marks(plan)) and not names_a_plan(text, plan_marks(plan))


ACCEPT_SENTENCE = 0.55  # share of the question's words a quoted sentence must hold
# asks whose own words a quoted sentence must hold ("países", "componentes", "lecciones", "transparencia")
_NAMED_ASKS = ("countries", "components", "pilots", "lessons", "transparency", "accountability", "solution",
               "modifications")
_PERSON_TITLES = frozenset({"presidente", "presidenta", "vicepresidente", "vicepresidenta", "comisionado",
                            "comisionada", "ministro", "ministra", "secretario", "secretaria", "director", "directora"})

_OTHER_GENDER = {a: b for x, y in (("presidente", "presidenta"), ("vicepresidente", "vicepresidenta"),
                                   ("comisionado", "comisionada"), ("ministro", "ministra"),
                                   ("secretario", "secretaria"), ("director", "directora"))
                 for a, b in ((x, y), (y, x))}


def _digits(restated: str) -> str:
    """'siete' -> '7' (the sources write counts both ways)."""
    first = restated.split()[0]
    return {"dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6", "siete": "7", "ocho": "8",
            "nueve": "9", "diez": "10"}.get(first, first)


_SERIES = re.compile(r"^([A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?: [a-záéíóúñ]+)?) (\d{1,2}),")


class SentenceFinder:

    def series(self, q: Query) -> list | None:
        """'¿cuándo fueron las mesas temáticas y de qué trató cada una?': texts that are one series
        ("Mesa temática 1, Datos abiertos, 10 de junio de 2024", "Mesa temática 2, …"), in order,
        when the question names the series in the plural. None when it does not."""
        index = getattr(self, "_series_at", None)
        if index is None:
            groups: dict[str, list[tuple[int, int]]] = {}
            for i, t in enumerate(self.sentences.texts):
                m = _SERIES.match(t.text) if t.span < 0 or t.text is t.body or len(t.text) < 200 else None
                if m:
                    groups.setdefault(_folded(m.group(1)), []).append((int(m.group(2)), i))
            index = self._series_at = {head: sorted(set(v)) for head, v in groups.items() if len({n for n, _ in v}) >= 3}
        if not index or q.answer_type == "number":
            return None
        asked = set(q.tokens)
        for head, items in index.items():
            words = head.split()
            plural = [w + ("es" if w.endswith(("l", "r", "n", "d")) else "s") for w in words]
            if all(w in asked for w in plural) or (words[0] + "s" in asked and all(w in asked or w + "s" in asked for w in words)):
                texts = [self.sentences.texts[i] for _n, i in items]
                # "las mesas de datos abiertos y de migración": the ones named, when some are
                shared = set.intersection(*(set(t.stems) for t in texts))  # "junio", "Ciudad de Guatemala"
                named = set(self.sentences.terms([c for c in q.content if c not in plural and c not in words
                                                  and not c.isdigit()])) - shared  # (a day is no name)
                named = {s for s in named if sum(s in t.stems for t in texts) <= len(texts) // 2}  # names one or two
                some = [t for t in texts if named & t.stems]
                return some if 0 < len(some) < len(texts) else texts
        return None


    def best_sentence(self, q: Query, found: Found | None, extra: tuple[str, ...] = (), must: tuple[str, ...] = ()):
        """(sentence Text, coverage) that holds most of the question's words and a value of the
        kind asked for; None when no sentence does."""
        words = list(q.content) + list(extra)
        if not words:
            return None
        terms = self.sentences.terms(words)
        if not terms:
            return None
        texts = self.sentences.texts
        unknown = self.sentences.unknown_mass(q.content)
        ranked = self.sentences.rank(terms, limit=40, unknown=unknown)
        restated = self._named_count(q)
        # "cuáles son las áreas …", "which are the …": a list asked, not a count or a definition
        which_ones = not q.answer_type and any(x in ("cuales", "which") for x in q.tokens[:3]) and any(
            x.endswith("s") and len(x) > 4 for x in q.content)
        years = [str(y) for y in q.years] if (q.answer_type == "number" or q.asks_any("count", "budget")) else []
        needed = set(self.sentences.terms(q.cue_words)) if q.asks_any(*_NAMED_ASKS) else set()
        titles = set(q.tokens) & _PERSON_TITLES if "person" in q.asks else set()
        titles |= {_OTHER_GENDER[t] for t in titles if t in _OTHER_GENDER}  # "the director" may be a directora
        answer_type = q.answer_type
        if "person" in q.asks:
            answer_type = "name"
        elif q.asks_any("budget"):
            answer_type = "money"
        elif q.asks_any("count", "contact"):
            answer_type = "number"
        head = next(iter(self.sentences.terms([q.head])), None) if q.head else None
        asked_plan = q.plan if not must else None  # (the other-plan question looks for another on purpose)
        best, best_key = None, None
        total = self.sentences.idf_of(terms) + unknown
        asked = frozenset(q.content)
        actors = self._actors_asked(q)
        top = max(ranked[0][0], 1e-9) if ranked else 1.0
        # (the checks below that read a sentence's own text; most questions need none of them)
        reads_text = bool(answer_type is not None or must or asked_plan or restated or years or titles
                          or which_ones)
        for bm25, coverage, i in ranked:
            t = texts[i]
            text = t.text if reads_text else ""
            if answer_type is not None and not holds_type(text, answer_type, q.count_target, asked):
                continue
            if answer_type and t.context:  # a value's sentence is about what the sentence before names
                extra = sum(self.sentences.idf[s] * v for s, v in terms.items() if s in t.context and s not in t.stems)
                coverage = min(1.0, coverage + 0.8 * extra / (total or 1.0))
            if must and not set(must).intersection(_folded(text).split()):
                continue
            if asked_plan and _of_another_plan(text, asked_plan):
                continue  # "la vigencia del 6to plan": not what a sentence says of the first one
            if restated and not self._lists(text, restated):
                continue  # "¿cuáles son los siete ministerios?": a list, not "siete ministerios" again
            if actors and not self._names_actors(t, actors):
                continue
            if years and not any(y in text or y in (t.before or "") for y in years):
                continue  # "cuántos viajaron en 2025": a sentence about other years does not answer
            if needed and not needed & (t.stems | t.context):
                continue  # "qué países …": a sentence about the catalogue that names no country does not answer
            scoped = found is not None and (within(t.ref, found.ref) or within(found.ref, t.ref))
            key = coverage + (0.1 if scoped else 0.0) + 0.02 * bm25 / top
            if titles and titles & set(_folded(text).split()):
                key += 0.2  # "el comisionado que habló": the sentence that names the comisionado
            if answer_type == "person" and titled_name(text):
                key += 0.1  # "who is quoted": a person named by their post
            if head and head in t.stems:
                key += 0.1  # "qué principios …": a sentence that names principles
            if which_ones and text.count(",") >= 4:
                key += 0.15  # "cuáles son las áreas prioritarias": the sentence that lists them
            if best_key is None or key > best_key:
                best, best_key = (t, coverage), key
        if best is None:
            return None
        matched = len((best[0].stems | best[0].context) & set(terms))
        # a count of the very thing asked ("230 personas" for "cuántas personas") is strong evidence
        counted = answer_type == "number" and bool(q.count_target) and q.count_target.endswith("s")
        titled = bool(titles & set(_folded(best[0].text).split()))  # "el comisionado ...": the post asked, named
        # "who is quoted", "quién informó": a name said by the verb of speech asked
        spoken = "person" in q.asks and bool(SPEECH_WORDS & set(q.tokens) & set(_folded(best[0].text).split()))
        threshold = ACCEPT_SENTENCE - 0.1 if counted or titled or spoken else ACCEPT_SENTENCE
        if titled and "person" in q.asks and self._titled_sentences(titles & set(_folded(best[0].text).split())) <= 2:
            threshold = 0.3  # "la vicepresidenta que habló": the one or two sentences that name a vicepresidenta
        if best[1] < threshold or (len(terms) >= 3 and matched < 2):
            return None
        return best

    def _titled_sentences(self, titles: set[str]) -> int:
        """How many sentences name a person by one of these posts (a rare post names its holder)."""
        cache = getattr(self, "_titled_count", None)
        if cache is None:
            cache = self._titled_count = {}
        key = frozenset(titles)
        if key not in cache:
            cache[key] = sum(1 for t in self.sentences.texts if titles & set(_folded(t.text).split())
                             and titled_name(t.text))
        return cache[key]

    @staticmethod
    def _named_count(q: Query) -> str | None:
        """'cuáles son los 7 ministerios', 'the five institutes': the count the question already
        gives, as the sources would write it ('siete ministerios'), when it asks which they are."""
        words, which = _COUNT_WORDS, _WHICH_WORDS
        for i, x in enumerate(q.tokens[:-1]):
            # "cuáles son los 27 …", "qué siete ministerios …" (not "menores de 5 años", nor "which
            # institutions lead each of the four milestones": the which-word asks for something else)
            before = q.tokens[i - 1] if i else ""
            if x.isdigit() and q.tokens[i + 1].endswith("s") and before in ("los", "las", "que", "the", "which", "son") \
                    and (before == "que" or any(t in which for t in q.tokens[max(0, i - 4):i])):
                return f"{words.get(x, x)} {q.tokens[i + 1][:5]}"
        return None

    @staticmethod
    def _lists(text: str, restated: str) -> bool:
        """Whether a sentence lists the N things asked ('… 8 áreas prioritarias: Educación, Salud, …'),
        rather than giving their number among other counts ('siete ministerios, tres secretarías')."""
        folded = _folded(text)
        number = restated.split()[0]
        n = {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
             "diez": 10}.get(number, int(number) if number.isdigit() else 3)
        if text.count(",") + folded.split().count("y") < min(n - 1, 3) or restated.split()[1] not in folded:
            return False  # not a list, or not a list of the things asked
        plain = strip_accents(text.lower())  # punctuation kept
        for form in (restated, restated.replace(number, _digits(restated), 1)):
            at = plain.find(form)
            if at >= 0:
                after = plain[at + len(form):][:40]
                if re.match(r"\w*\s*(?:,|y\b)\s*(?:dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|\d)", after):
                    return False  # a count among counts
        return True

    def scoped_sentence(self, q: Query, found: Found):
        """The best sentence inside the record found (its commitment, or its project), for the
        question's words that did not serve to find the record ("cómo promueve la transparencia
        el compromiso de seguridad alimentaria" → "transparencia" inside commitment 2)."""
        r = parse_ref(found.ref)
        if r is None:
            return None
        scope = commitment_ref(r.plan, r.commitment) if r.is_record else found.ref
        i = self._subject_at.get(found.ref)
        title = self.subjects.texts[i] if i is not None else None
        identity: set[str] = set()
        if title is not None:  # the record's own title: what found it
            identity = set(self._title_terms(i))
        for ref in self._topic_refs(q):  # the nickname that found it, not another record's
            if within(found.ref, ref):
                for words in self.k.lexicon.topics.get(ref, ()):
                    identity |= set(self.sentences.terms(words.split()))
        terms = {s: v for s, v in self.sentences.terms(q.content).items() if s not in identity}
        if not terms:
            return None
        texts = self.sentences.texts
        allowed, own = self._scope_sentences(found.ref, scope)
        if not allowed:
            return None
        answer_type = "name" if "person" in q.asks else "money" if q.asks_any("budget") else (
            "number" if q.asks_any("count", "contact") else q.answer_type)
        years = [str(y) for y in q.years] if answer_type in ("number", "money") else []  # "cuántos en 2025": that year
        restated = self._named_count(q)
        # the hito's own sentences (its activities, products) first, then the rest of its commitment
        actors = self._actors_asked(q)
        for pool in ([own] if own else []) + [allowed]:
            for _bm25, coverage, j in self.sentences.rank(terms, pool, limit=10):
                if restated and not self._lists(texts[j].text, restated):
                    continue  # "cuáles son las 27 municipalidades": the list, not the count again
                if years and not any(y in texts[j].text for y in years):
                    continue
                if coverage >= ACCEPT_SENTENCE and holds_type(texts[j].text, answer_type, q.count_target,
                                                              frozenset(q.content)) and self._names_actors(texts[j], actors):
                    return texts[j], coverage
        return None

    def _scope_sentences(self, ref: str, scope: str) -> tuple[frozenset[int], frozenset[int]]:
        """The sentences a record's answer may quote: those of its commitment (`scope`; a project:
        itself) but the record's own title, and those of the record itself (empty when it is the
        commitment). A pure function of the knowledge base, kept for the records questions find."""
        known = self._scopes.get(ref)
        if known is None:
            texts = self.sentences.texts
            allowed = frozenset(j for j in (*self._sentences_under.get(scope, ()), *self._sentences_under.get(ref, ()))
                                if not (texts[j].ref == ref and texts[j].field == "text"))
            own = frozenset(j for j in allowed if within(texts[j].ref, ref)) if ref != scope else frozenset()
            known = self._scopes.keep(ref, (allowed, own))
        return known

    def _title_terms(self, i: int) -> frozenset[str]:
        """The sentence terms of subject i's title: a pure function of the knowledge base, worked
        out the first time that record is found (at most once per record)."""
        cache = getattr(self, "_title_terms_of", None)
        if cache is None:
            cache = self._title_terms_of = {}
        terms = cache.get(i)
        if terms is None:
            terms = cache[i] = frozenset(self.sentences.terms(_folded(self.subjects.texts[i].text).split()))
        return terms

    @staticmethod
    def _title_of_actor(q: Query) -> bool:
        """'el director de CONAMIGUA': a post of the institution named (not an event's speaker)."""
        t = q.tokens
        return any(w in _PERSON_CUES and set(t[i + 1:i + 4]) & q.actor_words for i, w in enumerate(t))

    @staticmethod
    def _names_actors(t, asked: tuple) -> bool:
        """A sentence quoted for a question that names an institution must be about it: it names
        it, or belongs to a record where it has a role (never another body's phone number).
        `asked`: `_actors_asked(q)`, worked out once per question."""
        if not asked:
            return True
        words, records = asked
        if words and all(s in t.stems for s in words):
            return True
        return any(within(t.ref, ref) for ref in records)

    def _actors_asked(self, q: Query) -> tuple:
        """(the stems of the institutions' names, the records where they have a role), or () when
        the sentence need not name them."""
        if not q.actors or ("person" in q.asks and not self._title_of_actor(q)):
            return ()  # "qué presidente habló en el relanzamiento de la Comisión": the event's speaker
        return (tuple(self.sentences.terms(q.actor_words)),
                tuple(r.ref for key in q.actors for r in self.k.actors.roles.get(key, []) if is_record(r.ref)))

    def _quote(self, t, w: Writer, q: Query | None = None) -> str:
        text = t.parent if t.parent and len(t.parent) <= 320 else t.text  # an address with its phone
        value = {"date": _YEAR_OR_DATE, "number": _A_NUMBER}.get(q.answer_type) if q is not None else None
        width = 640 if q is not None and len(questions_in(q.original)) >= 2 else 420  # two questions: more room
        restated = self._named_count(q) if q is not None and len(text) > width else None
        flat = " ".join(text.split())
        at = _folded(flat).find(restated) if restated else -1
        if at > 0:  # "cuáles son los 3 pilares": a long sentence from the words that count them
            start = flat.find(" ", max(0, at - 60)) + 1 if at > 60 else 0
            return w._("Según la fuente: «{text}»", text=("…" if start else "") + shorten(flat[start:], width - 1))
        shown = enumerated(text, width) or (around(text, stem_set(" ".join(q.content)), width, value) if q is not None
                                            else shorten(text, width))
        return w._("Según la fuente: «{text}»", text=shown)

    @staticmethod
    def _beside(t, other) -> bool:
        """Whether two sentences follow one another in the same paragraph."""
        return other.body is t.body and t.span >= 0 and (other.span == t.prev or other.prev == t.span)

    def sentence_answer(self, q: Query, sentence, w: Writer) -> Answer:
        t, coverage = sentence
        lines = [self._quote(t, w, q)]
        # a second part the first sentence does not hold ("... y cuántos ...")
        terms = self.sentences.terms(q.content)
        rest = {s: v for s, v in terms.items() if s not in t.stems}
        # "cuándo … y quién …" quoted by a sentence that names the person but gives no date
        lacks_date = q.answer_type == "date" and (
            (len(q.asks) > 1 and not holds_type(t.text, "date")) or q.asked_twice)  # … or holds only one
        if rest and len(rest) < len(terms) and (
                lacks_date or self.sentences.idf_of(rest) > 0.2 * self.sentences.idf_of(terms)):
            shared = {s: v for s, v in terms.items() if s in t.stems}  # the words both parts are about
            whole = self.sentences.idf_of(shared) or 1.0

            def about(other) -> float:
                return sum(self.sentences.idf[s] * v for s, v in shared.items() if s in other.stems) / whole

            near = [(-(cov + 0.3 * about(other) + (0.2 if other.body is t.body else 0.0)), i)
                    for _bm25, cov, i in self.sentences.rank(rest, limit=200)
                    if (other := self.sentences.texts[i]) is not t and other.text not in lines[0]  # not quoted yet
                    and (cov >= 0.5 or (cov >= 0.25 and self._beside(t, other)))  # the sentence next to it: less needed
                    and (other.ref == t.ref or other.source == t.source)
                    and (not q.answer_type or holds_type(other.text, q.answer_type))  # a date for a date
                    and not _of_another_plan(other.text, q.plan)]
            if near:  # the same paragraph, and the same subject, first
                lines.append(w._("Y: «{text}»", text=shorten(self.sentences.texts[min(near)[1]].text, 300)))
        # "which president spoke and which commissioner presented …": each post asked, its own sentence
        posts = {x for x in q.tokens if x in _PERSON_TITLES} if "person" in q.asks else set()
        said = set(_folded(t.text).split())
        for post in sorted(posts):
            if len(posts) < 2 or {post, _OTHER_GENDER.get(post)} & said:
                continue
            forms = {post, _OTHER_GENDER.get(post, post)}
            other = next((x for _b, _c, i in self.sentences.rank(terms, limit=60)
                          if (x := self.sentences.texts[i]) is not t and forms & set(_folded(x.text).split())
                          and titled_name(x.text)), None)
            if other is not None and other.text not in "\n".join(lines):
                lines.append(w._("Y: «{text}»", text=shorten(other.text, 300)))
        text = paragraphs("\n".join(lines), self.cite(t.source, w, t.ref if is_record(t.ref) else None))
        return make_answer(text, w.locale, refs=[t.ref] if parse_ref(t.ref) else [], confidence=coverage,
                           source=t.source.document if t.source else None)
