"""Lookups: the records of one knowledge base found by plan, number and ref, and named.

`Lookups(data)` holds the one rule for each of these, cheap to build over any `KnowledgeData`
(the knowledge core is one: `knowledge.core.Knowledge` inherits them; the participation room
builds one over the knowledge base it holds, also one read fresh for a daily job):

- `commitment(number, plan_key=None)`, `hito(c, h, plan_key=None)`, `locate(ref) -> Located`:
  a ref without its plan (`c3h2`, old links, buttons and rows) names what it named then
  (`knowledge.refs.SHIPPED_PLANS`), else the first plan, current first, that has it;
  `qualify(ref)` / `canonical(ref)` name its plan.
- `record_name(ref, locale)`: how a sentence names a record ("Compromiso 3, hito 2", with the
  plan's period when two plans have a commitment 3), an institution (its acronym).
- `status_name(key, locale)`: a status as the bot names it (statuses.yaml), the card's,
  /avance's and the notices' alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.i18n import gettext, normalize_locale
from knowledge.normalize import shorten
from knowledge.refs import SHIPPED_PLANS, Ref, parse_ref, qualify, record_ref
from knowledge.schema import Activity, Actor, Commitment, Hito, KnowledgeData, Plan, StatusDef


@dataclass(frozen=True)
class Located:
    """A commitment-tree entity with its plan (hito and activity may be None)."""

    plan: Plan
    commitment: Commitment
    hito: Hito | None = None
    activity: Activity | None = None

    @property
    def ref(self) -> str:
        h, a = self.hito, self.activity
        return record_ref(self.plan.key, self.commitment.number, h.number if h else None,
                          a.number if h and a else None)


def heading(found: Located, locale: str) -> str:
    """The line a record's card starts with: "Hito 2 del compromiso 3: <its text>" (the card, the
    answers about it and the subscribers' notices name it alike)."""
    c, h, a = found.commitment, found.hito, found.activity
    if a and h:
        return gettext(locale, "Actividad {a} del hito {h} (compromiso {c}): {text}").format(
            a=a.number, h=h.number, c=c.number, text=shorten(a.text, 200))
    if h:
        return gettext(locale, "Hito {h} del compromiso {c}: {text}").format(
            h=h.number, c=c.number, text=shorten(h.text, 220))
    return gettext(locale, "Compromiso {n}: {title}").format(n=c.number, title=shorten(c.title, 220))


def status_name(status: StatusDef | None, key: str, locale: str) -> str:
    """A status's name in a language ("En progreso", "In progress"); the key when unknown."""
    if status is None:
        return key
    return status.name_en if normalize_locale(locale) == "en" else status.name_es


class Lookups:
    """Plans, commitments, hitos, activities and statuses of one KnowledgeData, by key, number and ref."""

    def __init__(self, data: KnowledgeData):
        self.data = data
        self._plans = {p.key: p for p in data.plans}
        self._statuses: dict[str, StatusDef] = {s.key: s for s in data.statuses}
        self._commitments: dict[tuple[str | None, int], Located] | None = None

    def plans(self) -> list[Plan]:
        return sorted(self.data.plans, key=lambda p: (not p.current, -p.number))

    def plan(self, key: str) -> Plan | None:
        return self._plans.get(key)

    @property
    def current_plan(self) -> Plan | None:
        plans = self.plans()
        return plans[0] if plans else None

    def commitment(self, number: int, plan_key: str | None = None) -> Commitment | None:
        found = self._locate_commitment(number, plan_key)
        return found.commitment if found else None

    def hito(self, commitment: int, hito: int, plan_key: str | None = None) -> Hito | None:
        found = self._locate_commitment(commitment, plan_key)
        if not found:
            return None
        return next((h for h in found.commitment.hitos if h.number == hito), None)

    def statuses(self) -> list[StatusDef]:
        return sorted(self.data.statuses, key=lambda s: s.order)

    def status_name(self, key: str, locale: str) -> str:
        """A status key's name in a language (knowledge.lookups.status_name)."""
        return status_name(self._statuses.get(key), key, locale)

    def _locate_commitment(self, number: int, plan_key: str | None = None) -> Located | None:
        """Commitment `number` of the plan; with no plan, of the plan that numbered it when refs
        had no plan (`knowledge.refs.SHIPPED_PLANS`), else of the first plan, current first,
        that has one."""
        if self._commitments is None:  # (plan key, number) and number -> where, made on first use
            by_key: dict[tuple[str | None, int], Located] = {}
            for plan in self.plans():
                for c in plan.commitments:
                    by_key.setdefault((plan.key, c.number), Located(plan, c))
            for plan in self.plans():
                for c in plan.commitments:
                    shipped = by_key.get((SHIPPED_PLANS.get(c.number, ""), c.number))
                    by_key.setdefault((None, c.number), shipped or Located(plan, c))
            self._commitments = by_key
        return self._commitments.get((plan_key if plan_key in self._plans else None, number))

    def plans_with(self, number: int) -> list[Plan]:
        """The plans that have a commitment with this number (current first)."""
        return [p for p in self.plans() if any(c.number == number for c in p.commitments)]

    def qualify(self, ref: Ref | str) -> Ref | None:
        """A ref with its plan named (`c3` of an old link or button -> `pan6.c3`; see
        knowledge.refs.qualify); None for what is no ref."""
        return qualify(ref, lambda n: found.plan.key if (found := self._locate_commitment(n)) else None)

    def canonical(self, ref: str) -> str | None:
        """The one spelling of a ref, its plan named ("c3h2" of an old button -> "pan6.c3h2")."""
        parsed = self.qualify(ref)
        return str(parsed) if parsed is not None else None

    def locate(self, ref: Ref | str | None) -> Located | None:
        """The commitment, hito or activity a ref names, with its plan; None for anything else."""
        if isinstance(ref, str):
            ref = parse_ref(ref)
        if ref is None or ref.commitment is None or (ref.plan is not None and ref.plan not in self._plans):
            return None
        found = self._locate_commitment(ref.commitment, ref.plan)
        if not found or ref.hito is None:
            return found
        h = next((x for x in found.commitment.hitos if x.number == ref.hito), None)
        if h is None:
            return None
        if ref.activity is None:
            return Located(found.plan, found.commitment, h)
        a = next((x for x in h.activities if x.number == ref.activity), None)
        return Located(found.plan, found.commitment, h, a) if a else None

    def _actor_by_key(self, key: str) -> Actor | None:
        return next((a for a in self.data.actors if a.key == key), None)

    def record_name(self, ref: str, locale: str = "es") -> str:
        """How a sentence names what a ref points to: "Compromiso 3, hito 2" ("Compromiso 3
        (2023-2025), hito 2" when another plan has a commitment 3), an institution by its acronym
        ("SESAN"); the ref itself for anything else."""
        parsed = parse_ref(ref)
        if parsed is None:
            return ref
        loc = normalize_locale(locale)
        if parsed.kind in ("commitment", "hito"):
            found = self._locate_commitment(parsed.commitment or 0, parsed.plan)
            number = str(parsed.commitment)
            if found and len(self.plans_with(parsed.commitment or 0)) > 1:
                number += f" ({found.plan.period_label})"  # two plans have one: "Compromiso 3 (2023-2025)"
            if parsed.kind == "hito":
                return gettext(loc, "Compromiso {c}, hito {h}").format(c=number, h=parsed.hito)
            return gettext(loc, "Compromiso {c}").format(c=number)
        if parsed.kind == "actor":
            actor = self._actor_by_key(parsed.key or "")
            return (actor.acronym or actor.name) if actor else ref
        return ref
