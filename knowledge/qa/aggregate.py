"""Questions over many records, as a civil-society coordinator preparing a report asks them:
which hitos start or end in a month, which hitos or commitments an institution leads or
supports, how many hitos each commitment has (and which has most or fewest), which hitos the
source states as fulfilled, which organisations two commitments share.

The question's filters (plan, commitment, institution and role, month, status) select hitos or
activities from the structured data; the reply is a count and a short list, one line a record,
each line naming the commitment, the hito, who is responsible and the dates.
"""

from __future__ import annotations

from knowledge.compose import Writer, make_answer, paragraphs, shorten
from knowledge.qa.pieces import date_of, date_part, unclear_end
from knowledge.qa.reading import Query
from knowledge.refs import (
    commitment_of,
    commitment_ref,
    hito_ref,
    is_record,
    kind_of,
    parse_ref,
    plan_key,
    record_ref,
)

MAX_LINES = 14
_MOST = ("mas", "mayor", "maximo", "most", "more", "largest", "greatest", "biggest", "highest")
_LEAST = ("menos", "menor", "least", "fewest", "fewer")
_MOST_OR_LEAST = frozenset(_MOST + _LEAST)
_DONE = ("cumplid", "cumplier", "cumplio", "complet", "finaliz", "fulfill", "logrado")
_LIST = ("cuales", "cual", "que", "lista", "listado", "which", "what", "list", "todos", "all", "nombres")
_LEADING = ("respons", "lider", "encargad", "cabeza", "lead", "in charge")
_APART = frozenset({"aparte", "excepto", "salvo", "except", "besides", "apart"})
_SHARED = frozenset({"ambos", "tanto", "vez", "comparten", "comun", "both", "shared"})
_PEOPLE = frozenset({"instituciones", "institucion", "organizaciones", "organizacion", "osc", "entidades", "actores",
                     "institutions", "organizations", "organisations"})
# what a list word must be near to ask for a list of records or of the bodies in them
_LISTED = frozenset({"hitos", "compromisos", "actividades", "milestones", "commitments", "activities", "partners",
                     "socios", "cooperantes", "stakeholders", "organismos", "ministerios", "secretarias",
                     "alguna", "algun", "alguno", "any", *_PEOPLE})

# words that qualify the commitments' dates rather than name something else that has dates
_QUALIFIERS = frozenset({"misma", "mismo", "mismas", "mismos", "igual", "iguales", "otra", "otras", "otro", "otros",
                         "distinta", "distintas", "diferente", "diferentes", "vigente", "alguno", "alguna", "algun",
                         "todos", "todas", "cada", "same", "other", "different", "any", "all", "each", "every"})
_MONTH_WORDS = frozenset({"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                          "setiembre", "octubre", "noviembre", "diciembre"})


class Aggregator:
    def __init__(self, knowledge, reader):
        self.k = knowledge
        self.reader = reader

    # --- selection --------------------------------------------------------------------------

    def _plans(self, q: Query, topics: list[str] = ()):
        plans = self.k.plans()
        if q.plan is not None:
            return [p for p in plans if p.number == q.plan]
        if q.commitment is not None:
            return [p for p in plans if any(c.number == q.commitment for c in p.commitments)]
        named = [p for p in plans if any(commitment_ref(p.key, c.number) in topics for c in p.commitments)]
        if named or q.actors:  # an institution's hitos: in every plan
            return named or plans
        return plans[:1]  # the most recent plan unless another is named

    def _commitments(self, q: Query, plans, topics: list[str]):
        cs = [(p, c) for p in plans for c in p.commitments]
        if q.commitment is not None:
            return [(p, c) for p, c in cs if c.number == q.commitment]
        named = [r for r in topics if kind_of(r) == "commitment"]
        if named and not self._shared(q):
            return [(p, c) for p, c in cs if commitment_ref(p.key, c.number) in named] or cs
        return cs

    @staticmethod
    def _shared(q: Query) -> bool:
        return not _SHARED.isdisjoint(q.tokens)

    @staticmethod
    def _role_asked(q: Query) -> str:
        """The role a listed record must give the institution: "lead", "support" or "any"."""
        only_support = any(t == "como" and any(x.startswith("apoy") for x in q.tokens[i + 1:i + 5])
                           for i, t in enumerate(q.tokens)) and not q.asks_any("responsible")
        if only_support:  # "figura como parte interesada de apoyo": supporting only, not leading
            return "support"
        only_lead = any(t == "como" and any(x.startswith(_LEADING) for x in q.tokens[i + 1:i + 3])
                        for i, t in enumerate(q.tokens))
        if only_lead and not any(x.startswith(("apoy", "support")) for x in q.tokens):  # "aparece como responsable"
            return "lead"
        if (q.asks_any("responsible") and q.asks_any("supporters")) or any(
                t.startswith(("particip", "aparec", "involucr", "figur")) for t in q.tokens):
            return "any"  # "como responsable o apoyando", "en qué hitos participa": any role
        if q.asks_any("responsible"):
            return "lead"
        if q.asks_any("supporters"):
            return "support"
        return "any"

    def _role_ok(self, key: str, ref: str, cref: str, own: bool, asked: str) -> bool:
        """The actor plays the asked role (`_role_asked`) in the record (its own list when it has one)."""
        refs = (ref,) if own else (ref, cref)
        roles = [r for x in refs for r in self.k.actors.roles_at(key, x)]
        if asked == "lead":
            return any(r.role == "responsible" for r in roles)
        if asked == "support":
            return any(r.role != "responsible" for r in roles)
        return bool(roles)

    def _date_ok(self, q: Query, item) -> bool:
        if (not q.months and not q.years) or "todos" in q.tokens or "all" in q.tokens:
            return True
        if not q.asks_any("start", "end"):  # "in March 2019", "in 2020": under way then
            for month, year in q.months:
                if year and item.start and item.end:
                    first, last = item.start.first_day(), item.end.last_day()
                    if (first.year, first.month) <= (year, month) <= (last.year, last.month):
                        return True
            if not q.months and "activity" in q.plural and item.start and item.end:  # "actividades de 2020"
                return any(item.start.year <= y <= item.end.year for y in q.years)
            return False
        fields = [item.start] if q.asks_any("start") and not q.asks_any("end") else \
            [item.end] if q.asks_any("end") and not q.asks_any("start") else [item.start, item.end]
        for d in fields:
            if d is None:
                continue
            for month, year in q.months:
                if d.month == month and (year is None or d.year == year):
                    return True
            if not q.months and d.year in q.years:
                return True
        return False

    def _done(self, q: Query) -> bool:
        return any(t.startswith(_DONE) for t in q.tokens)

    # --- entry point ------------------------------------------------------------------------

    def answer(self, q: Query, w: Writer):
        plural = q.plural & {"hito", "commitment", "activity"}
        filtered = bool(q.months or q.years or q.actors or self._done(q) or self._shared(q))
        people = not _PEOPLE.isdisjoint(q.tokens)
        superlative = not _MOST_OR_LEAST.isdisjoint(q.tokens) and bool(plural or q.named & {"hito", "commitment", "activity"})
        counting = "count" in q.asks and (q.count_target or "")[:4] in ("hito", "comp", "acti")
        if q.activity is not None or (q.hito is not None and "activity" not in plural and not q.hito_list):
            return None
        # "qué hitos …", "cuáles son los compromisos …", "lista de actividades" (not "en qué reuniones se
        # validaron los compromisos": the list word asks about something else)
        listing = bool(plural) and any(t in _LIST and set(q.tokens[max(0, i - 2):i + 5]) & _LISTED
                                       for i, t in enumerate(q.tokens[:6]))
        role = q.asks_any("responsible", "supporters")
        topics = self._topic_refs(q)
        if set(q.tokens) & {"proyecto", "project", "programa", "programme"} and not plural - {"commitment"}:
            return None  # a cooperation project's partners or activities: the project answers
        if len([t for t in topics if is_record(t)]) == 1 and "commitment" in q.named and not plural \
                and not q.months and not superlative:
            return None  # "qué actores participan en el compromiso de X": that commitment's card answers
        each_one = "commitment" in q.named and bool({"cada", "each", "every"} & set(q.tokens))
        of_others = [t for t in q.content if not t.isdigit() and t not in _QUALIFIERS and t not in _MONTH_WORDS]
        if (plural == {"commitment"} or each_one) and q.asks_any("start", "end", "dates") and q.commitment is None \
                and not of_others and not q.actors and not topics and not superlative:
            # "cuándo termina cada compromiso", "cuántos compromisos empiezan en junio de 2023"
            cs = [(p, c) for p, c in self._commitments(q, self._plans(q, topics), topics) if self._date_ok(q, c)]
            return self._commitment_dates(q, w, cs)
        named = [found.ref for n in q.commitment_list
                 if (found := self.k._locate_commitment(n, plan_key(q.plan) if q.plan else None))]
        if people and len(named) >= 2:
            return self._shared_supporters(q, w, self._plans(q, topics), named[:2])
        if people and self._shared(q) and len([r for r in topics if is_record(r)]) >= 2:
            return self._shared_supporters(q, w, self._plans(q, topics), [r for r in topics if is_record(r)][:2])
        if "hito" in q.named and "hito" not in q.plural and not q.months and not superlative and not (
                q.years and "activity" in plural) and (
                not counting or (q.count_target or "").startswith("acti")):
            return None  # "el hito de …", "cuántas actividades tiene el hito de …": one hito, named by its subject
        one_of_many = ("hito" in q.named and q.hito is None and bool(q.months)) or bool(q.hito_list)
        if not (superlative or counting or one_of_many or (plural and (filtered or listing))
                or (people and role and filtered)):
            return None
        single = q.commitment is not None or ("commitment" in q.named and "commitment" not in q.plural)
        if single and not superlative and not filtered and not q.hito_list:
            return None  # "cuántos hitos tiene el compromiso 2": the record answers
        topics = self._topic_refs(q)
        # "aparte del compromiso de datos abiertos, ¿en qué hitos …?": the one named is left out
        left_out = set(topics) if set(q.tokens) & _APART else set()
        if left_out:
            topics = ()
        plans = self._plans(q, topics)
        cs = [(p, c) for p, c in self._commitments(q, plans, topics) if commitment_ref(p.key, c.number) not in left_out]
        if people and self._shared(q) and len([r for r in topics if is_record(r)]) >= 2:
            return self._shared_supporters(q, w, plans, [r for r in topics if is_record(r)][:2])
        every = any(t in ("todos", "all", "cada", "every") for t in q.tokens) or any(
            t == str(len(cs)) and "compromisos" in q.tokens[i + 1:i + 2] for i, t in enumerate(q.tokens))
        if people and every and "commitment" in plural and not q.asks_any("responsible") and not q.actors:
            return self._shared_supporters(q, w, plans, [commitment_ref(p.key, c.number) for p, c in cs])
        if people and "responsible" in q.asks and not q.actors and not q.months and "commitment" in q.named:
            return self._per_commitment(q, w, cs, people)  # "qué compromiso tiene más instituciones responsables"
        if people and "responsible" in q.asks and not q.actors and not q.months and "hito" in q.named:
            return self._responsible_counts(q, w, cs)
        dated = q.asks_any("start", "end", "dates")
        whole_plan = counting and q.commitment is None and not q.actors and not q.months and not topics \
            and ("commitment" in plural or "hito" in plural)  # "cuántos hitos suma el 6.º plan"
        if (superlative and not dated and not q.actors) or whole_plan:
            return self._per_commitment(q, w, cs, people)
        if q.actors and q.commitment is None and not topics and superlative and dated:
            # "in the MINTRAB commitment, which hito starts last": the commitments it leads
            led = {r.ref for key in q.actors for r in self.k.actors.roles.get(key, []) if r.role == "responsible"}
            cs = [(p, c) for p, c in cs if commitment_ref(p.key, c.number) in led] or cs
            q = Query(**{**q.__dict__, "actors": []})
        want_activities = "activity" in plural
        role_asked = self._role_asked(q)
        rows = []
        # an institution has a role only in the commitments its roles name: the others hold no row
        # for it (at x100 a list of an institution's hitos would otherwise test every hito)
        touched = set.intersection(*({commitment_of(r.ref) for r in self.k.actors.roles.get(key, ())}
                                     for key in q.actors)) if q.actors else None
        for p, c in cs:
            cref = commitment_ref(p.key, c.number)
            if touched is not None and cref not in touched:
                continue
            for h in c.hitos:
                if q.hito_list and h.number not in q.hito_list:
                    continue
                if q.hito is not None and not q.hito_list and h.number != q.hito:
                    continue
                items = [(h, a) for a in h.activities] if want_activities else [(h, None)]
                for hh, a in items:
                    item = a or hh
                    ref = record_ref(p.key, c.number, hh.number, a.number if a else None)
                    own = bool(item.responsible) if a is not None else bool(hh.responsible)
                    # with a hito number the institution says which commitment's, not a role filter
                    target = hito_ref(p.key, c.number, hh.number) if q.hito is not None else ref
                    # listing commitments: a role in the commitment's own list counts too
                    by_commitment = "commitment" in plural and "hito" not in plural
                    if q.actors and not all(self._role_ok(key, target, cref, own and q.hito is None
                                                          and not by_commitment, role_asked) for key in q.actors):
                        continue
                    if not self._date_ok(q, item):
                        continue
                    if self._done(q) and not self.k._is_final(hh):
                        continue
                    rows.append((p, c, hh, a))
        if "commitment" in plural and not want_activities and "hito" not in plural:
            return self._commitment_list(q, w, rows)
        if superlative and dated:
            late = any(t in ("tarde", "ultimo", "ultima", "last", "latest") for t in q.tokens)
            field = "end" if q.asks_any("end") and not q.asks_any("start") else "start"

            def when(r):
                d = getattr(r[3] or r[2], field)
                return d.first_day() if d else None
            rows = sorted((r for r in rows if when(r)), key=when, reverse=late)
        return self._rows_answer(q, w, rows, want_activities)

    def _topic_refs(self, q: Query) -> list[str]:
        return list(q.topics)

    # --- writing ----------------------------------------------------------------------------

    def _line(self, w: Writer, p, c, h, a, width: int = 90) -> str:
        plan = "" if p.current else w._(" ({n}º plan)", n=p.number)
        item = a or h
        who = "; ".join(self._short_names(item.responsible or h.responsible))
        period = item.period_text if getattr(item, "period_text", None) else w.period(item.start, item.end)
        if a is not None:
            return w._("- Compromiso {c}{plan}, hito {h}, actividad {a} ({who}): {text} — {period}", c=c.number,
                       plan=plan, h=h.number, a=a.number, who=who, text=shorten(a.text, width), period=period)
        return w._("- Compromiso {c}{plan}, hito {h} ({who}): {text} — {period}", c=c.number, plan=plan,
                   h=h.number, who=who, text=shorten(h.text, width), period=period)

    @staticmethod
    def _numbers(w: Writer, numbers: list[int]) -> str:
        if len(numbers) == 1:
            return w._("hito {n}", n=numbers[0])
        return w._("hitos {list} y {last}", list=", ".join(map(str, numbers[:-1])), last=numbers[-1])

    def _full_names(self, printed) -> list[str]:
        return [self.k.actors.display(n) for n in printed if not n.startswith("~")]

    def _named(self, c) -> str:
        """A commitment as a list line names it: its short title and who leads it ("Migración irregular; CONAMIGUA")."""
        return "; ".join(x for x in (c.short_title or shorten(c.title, 50), ", ".join(self._short_names(c.responsible))) if x)

    def _short_names(self, printed) -> list[str]:
        out = []
        for name in printed:
            if name.startswith("~"):  # free text printed beside the names ("con el acompañamiento de …")
                continue
            key = self.k.actors.resolve(name)
            actor = self.k.actors.actors.get(key) if key else None
            # an acronym of two letters ("IV", "MP") says little on its own: the name, then
            out.append(actor.acronym if actor is not None and actor.acronym and len(actor.acronym) > 2
                       else actor.name if actor is not None else name)
        return out

    def _rows_answer(self, q: Query, w: Writer, rows, activities: bool):
        done = self._done(q)
        if not rows:
            return None  # nothing matches the filters: the other readings of the question may answer
        head = (w.n_("{n} actividad:", "{n} actividades:", len(rows)) if activities
                else w.n_("{n} hito:", "{n} hitos:", len(rows)))
        width = 170 if len(rows) <= 6 else 90  # a short list has room for what each one is about
        lines = [self._line(w, *r, width=width) for r in rows[:MAX_LINES]]
        if q.asks_any("supporters") and not q.actors and len(rows) <= 6:
            # "qué socios internacionales apoyan los hitos del compromiso 4": each hito's supporters
            for k, (_p, _c, h, a) in enumerate(rows[:MAX_LINES]):
                if a is None:
                    groups = {"government": h.supporters.government, "osc": h.supporters.osc, "other": h.supporters.other}
                    names = [n for key, ns in groups.items() if not q.sector or q.sector == key for n in ns]
                    if names:
                        lines[k] += "\n  " + w._("Apoyan: {names}", names="; ".join(self._short_names(names)))
        groups: dict[int, list[int]] = {}
        for _p, c, h, a in rows:
            if a is None:
                groups.setdefault(c.number, []).append(h.number)
        if len(rows) > 1 and groups:  # "Compromiso 3: hitos 1, 2 y 3" before the details
            head += " " + "; ".join(w._("compromiso {c}: {which}", c=c, which=self._numbers(w, ns))
                                    for c, ns in groups.items())
        if done:
            quotes = list(dict.fromkeys(h.status.quote for _p, _c, h, _a in rows if h.status is not None))
            lines += [w._("Según la fuente: «{text}»", text=shorten(x, 250)) for x in quotes[:2]]
        if len(rows) > MAX_LINES:
            lines.append(w._("y {n} más", n=len(rows) - MAX_LINES))
        refs = list(dict.fromkeys(hito_ref(p.key, c.number, h.number) for p, c, h, _a in rows))[:8]
        text = paragraphs(head + "\n" + "\n".join(lines), self._source(w, rows))
        return make_answer(text, w.locale, refs=refs, confidence=0.8)

    def _commitment_list(self, q: Query, w: Writer, rows):
        by: dict[tuple[str, int], list] = {}
        for p, c, h, _a in rows:
            by.setdefault((p.key, c.number), [p, c, []])[2].append(h.number)
        if not by:
            return None
        lines = []
        for p, c, numbers in by.values():
            plan = "" if p.current else w._(" ({n}º plan)", n=p.number)
            lines.append(w._("- Compromiso {c}{plan} ({name}): hitos {numbers}", c=c.number, plan=plan,
                             name=self._named(c), numbers=", ".join(map(str, numbers))))
        head = w.n_("{n} compromiso:", "{n} compromisos:", len(by))
        text = paragraphs(head + "\n" + "\n".join(lines), self._source(w, rows))
        return make_answer(text, w.locale, refs=[commitment_ref(p.key, c.number) for p, c, _n in by.values()],
                           confidence=0.8)

    def _commitment_dates(self, q: Query, w: Writer, cs):
        """Each commitment with the dates asked; where the source is unclear about one, the clause
        that says so and when its hitos end."""
        part = date_part(q)
        lines = []
        for p, c in cs:
            plan = "" if p.current else w._(" ({n}º plan)", n=p.number)
            line = w._("- Compromiso {c}{plan} ({name}): {when}", c=c.number, plan=plan,
                       name=c.short_title or shorten(c.title, 50),
                       when=date_of(c, part, w) or w._("(sin fecha en la fuente)"))
            lines.append(line + (unclear_end(c, c.hitos, w) if part != "start" else ""))
        if not lines:
            return None
        head = w.n_("{n} compromiso:", "{n} compromisos:", len(lines))
        text = paragraphs(head + "\n" + "\n".join(lines), self._source(w, [(p, c, None, None) for p, c in cs]))
        return make_answer(text, w.locale, refs=[commitment_ref(p.key, c.number) for p, c in cs][:8], confidence=0.8)

    def _per_commitment(self, q: Query, w: Writer, cs, people: bool = False):
        activities = "activity" in q.plural or "activity" in q.named and "hito" not in q.plural
        if people and q.asks_any("responsible"):
            counts = [(p, c, None, len(c.responsible)) for p, c in cs]
            counts.sort(key=lambda x: -x[3])
            if any(t in _MOST for t in q.tokens) and "de" in q.tokens:  # "más de una"
                counts = [x for x in counts if x[3] > 1] or counts
            lines = [w._("- Compromiso {c} ({n}): {names}", c=c.number, n=n, names="; ".join(
                self._full_names(c.responsible) if k == 0 else self._short_names(c.responsible)))
                for k, (_p, c, _h, n) in enumerate(counts)]
            head = w._("Instituciones responsables por compromiso (de más a menos):")
        elif activities:
            counts = [(p, c, h, len(h.activities)) for p, c in cs for h in c.hitos]
            counts.sort(key=lambda x: -x[3])
            lines = [w._("- Compromiso {c}, hito {h}: {n} actividades", c=c.number, h=h.number, n=n)
                     + (f" ({shorten(h.text, 80)})" if k < 3 else "")  # the first ones: what they are about
                     for k, (_p, c, h, n) in enumerate(counts)]
            head = w._("Actividades por hito (de más a menos):")
        else:
            counts = [(p, c, None, len(c.hitos)) for p, c in cs]
            counts.sort(key=lambda x: -x[3])
            lines = [w._("- Compromiso {c} ({name}): {n} hitos", c=c.number, n=n, name=self._named(c))
                     for _p, c, _h, n in counts]
            total = sum(x[3] for x in counts)
            head = w._("{n} compromisos y {total} hitos en total; hitos por compromiso, de más a menos:",
                       n=len(counts), total=total)
        text = paragraphs(head + "\n" + "\n".join(lines[:MAX_LINES]),
                          w._("Fuente: {title}.", title=", ".join(dict.fromkeys(p.title for p, *_ in counts))))
        return make_answer(text, w.locale, confidence=0.8)

    def _responsible_counts(self, q: Query, w: Writer, cs):
        counts: dict[str, list[str]] = {}
        for _p, c, in cs:
            for h in c.hitos:
                for name in self._short_names(h.responsible):
                    counts.setdefault(name, []).append(f"{c.number}.{h.number}")
        rows = sorted(counts.items(), key=lambda kv: -len(kv[1]))
        if any(t in _MOST for t in q.tokens):
            rows = [r for r in rows if len(r[1]) > 1]
        lines = [w._("- {name}: {n} hitos ({which})", name=name, n=len(refs), which=", ".join(refs)) for name, refs in rows]
        head = w._("Responsables y sus hitos (compromiso.hito):")
        return make_answer(paragraphs(head + "\n" + "\n".join(lines[:MAX_LINES])), w.locale, confidence=0.7)

    def _shared_supporters(self, q: Query, w: Writer, plans, refs: list[str]):
        """The organisations that support every one of the commitments named (or all of them)."""
        sets = []
        for ref in refs:
            found = self.k.locate(parse_ref(ref))
            c = found.commitment if found is not None else None
            names = set()
            if c is not None:
                for h in c.hitos:
                    groups = {"government": h.supporters.government, "osc": h.supporters.osc, "other": h.supporters.other}
                    names.update(self._short_names([n for key, ns in groups.items() if q.sector in (None, key)
                                                    for n in ns]))
                if q.sector in (None, "osc", "other"):  # the commitment's own list of civil society and others
                    for g in c.osc_and_other_actors:
                        names.update(self._short_names(g.actors))
            sets.append(names)
        common = sorted(set.intersection(*sets)) if sets else []
        which = ", ".join(str(parse_ref(r).commitment) for r in refs)
        if not common:
            return make_answer(w._("Mis fuentes no nombran organizaciones que apoyen a la vez los compromisos {list}.",
                                   list=which), w.locale, kind="no_answer")
        head = w._("Apoyan a la vez los compromisos {list}:", list=which)
        return make_answer(head + " " + "; ".join(common), w.locale, refs=refs, confidence=0.8)

    def _source(self, w: Writer, rows) -> str:
        titles = list(dict.fromkeys(p.title for p, *_ in rows))
        return w._("Fuente: {title}.", title=", ".join(titles)) if titles else ""

