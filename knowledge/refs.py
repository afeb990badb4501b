"""Short, stable references to knowledge-base entities (deep links, callback data, choices,
subscriptions, feedback, exports): the one place refs are built and read.

One grammar everywhere, so a deep link, a button and a search hit all name things alike:

    plan:pan6        a plan                       pan6.c3       commitment 3 of the 6th plan
    pan6.c3h2        hito 2 of commitment 3       pan4.c10h1a2  activity 2 of hito 1 of commitment 10
    p12              catalogue practice 12        i:sesan       actor (institution/organisation) key
    pSYN-4           catalogue practice SYN-4 (a practice id is a key: A-Z a-z 0-9 _ -)
    a:ICEFI          acronym                      pr:prodev     cooperation project key
    cat              the catalogue itself

A commitment, hito or activity is always named with its plan: every plan numbers its
commitments from 1, so `c3` alone would name a different commitment once the next plan is
loaded.  Build them with `commitment_ref`, `hito_ref`, `activity_ref` (and `plan_ref`,
`actor_ref`, ... for the others); read them with `parse_ref`.

The unqualified form (`c3`, `c3h2`) is what the bot wrote before plans were named in refs: old
deep links, old buttons in people's chats and rows stored then.  It is still read: `qualify`
names its plan as it was then (`SHIPPED_PLANS`: the shipped plans' commitment numbers were
unique, 6th plan 1-6, 4th plan 10), and migration 0006 rewrote the stored rows that way.

Refs are ASCII and at most 40 characters, so they fit in Telegram's 64-byte callback data and
deep-link payloads (A-Z a-z 0-9 _ - only: ':' and '.' are mapped to '_' and '-' there by
`to_payload` / `from_payload`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["plan", "commitment", "hito", "activity", "practice", "actor", "acronym", "project", "catalogue"]
RECORD_KINDS = frozenset({"commitment", "hito", "activity"})  # the commitment tree: named with a plan

# The plan that numbered each commitment when refs had no plan (a frozen fact about the data
# shipped until then; storage/migrations/versions/0006_plan_refs.py keeps its own copy).
SHIPPED_PLANS: dict[int, str] = {1: "pan6", 2: "pan6", 3: "pan6", 4: "pan6", 5: "pan6", 6: "pan6", 10: "pan4"}

CATALOGUE = "cat"

_ENTITY = re.compile(
    r"^(?:(?P<plan>pan\d{1,2})\.)?c(?P<c>\d{1,3})(?:h(?P<h>\d{1,3})(?:a(?P<a>\d{1,3}))?)?$"
)
_KEYED = re.compile(r"^(?P<prefix>plan|i|a|pr):(?P<key>[A-Za-z0-9_\-]{1,36})$")
_PRACTICE = re.compile(r"^p(?P<id>[A-Za-z0-9_-]{1,39})$")  # knowledge.schema.PRACTICE_ID_PATTERN
_PLAN_KEY = re.compile(r"^pan(?P<n>\d{1,2})$")


@dataclass(frozen=True, slots=True)
class Ref:
    kind: Kind
    plan: str | None = None
    commitment: int | None = None
    hito: int | None = None
    activity: int | None = None
    key: str | None = None
    practice: str | None = None  # the practice's id, a key ("12", "SYN-4")

    def __str__(self) -> str:
        if self.kind in RECORD_KINDS:
            s = (f"{self.plan}." if self.plan else "") + f"c{self.commitment}"
            if self.hito is not None:
                s += f"h{self.hito}"
            if self.activity is not None:
                s += f"a{self.activity}"
            return s
        if self.kind == "practice":
            return f"p{self.practice}"
        if self.kind == "catalogue":
            return CATALOGUE
        prefix = {"plan": "plan", "actor": "i", "acronym": "a", "project": "pr"}[self.kind]
        return f"{prefix}:{self.key}"

    @property
    def is_record(self) -> bool:
        """A commitment, hito or activity (the refs that carry a plan)."""
        return self.kind in RECORD_KINDS

    def up_to(self, kind: Literal["commitment", "hito"]) -> Ref:
        """The commitment (or hito) this record belongs to: pan6.c3h2a1 -> pan6.c3 (pan6.c3h2)."""
        if not self.is_record:
            raise ValueError(f"{self} is not a commitment, hito or activity")
        if kind == "commitment":
            return Ref("commitment", plan=self.plan, commitment=self.commitment)
        return Ref("hito", plan=self.plan, commitment=self.commitment, hito=self.hito) if self.hito else self


# --- building ----------------------------------------------------------------------------------


def plan_key(number: int) -> str:
    """The key of the plan with this number (6 -> "pan6")."""
    return f"pan{number}"


def plan_number(key: str | None) -> int | None:
    """The number of a plan key ("pan6" -> 6), None for anything else."""
    m = _PLAN_KEY.match(key or "")
    return int(m["n"]) if m else None


# (the builders below are pure functions, asked in every answer's loops: their strings are kept)
@functools.lru_cache(maxsize=8192)
def commitment_ref(plan: str, commitment: int) -> str:
    return str(Ref("commitment", plan=plan, commitment=commitment))


@functools.lru_cache(maxsize=8192)
def hito_ref(plan: str, commitment: int, hito: int) -> str:
    return str(Ref("hito", plan=plan, commitment=commitment, hito=hito))


@functools.lru_cache(maxsize=8192)
def activity_ref(plan: str, commitment: int, hito: int, activity: int) -> str:
    return str(Ref("activity", plan=plan, commitment=commitment, hito=hito, activity=activity))


@functools.lru_cache(maxsize=8192)
def record_ref(plan: str, commitment: int, hito: int | None = None, activity: int | None = None) -> str:
    """The ref of a commitment, or of one of its hitos or activities."""
    kind: Kind = "activity" if activity is not None else "hito" if hito is not None else "commitment"
    return str(Ref(kind, plan=plan, commitment=commitment, hito=hito, activity=activity))


@functools.lru_cache(maxsize=8192)
def plan_ref(key: str) -> str:
    return str(Ref("plan", key=key))


@functools.lru_cache(maxsize=8192)
def actor_ref(key: str) -> str:
    return str(Ref("actor", key=key))


@functools.lru_cache(maxsize=8192)
def acronym_ref(key: str) -> str:
    return str(Ref("acronym", key=key))


@functools.lru_cache(maxsize=8192)
def project_ref(key: str) -> str:
    return str(Ref("project", key=key))


@functools.lru_cache(maxsize=8192)
def practice_ref(practice_id: str) -> str:
    return str(Ref("practice", practice=practice_id))


# --- reading -----------------------------------------------------------------------------------


def parse_ref(text: str) -> Ref | None:
    """Parse a ref; None for anything that is not one (never raises)."""
    if type(text) is not str or len(text) > 40:
        return None
    return _parse(text)


@functools.lru_cache(maxsize=8192)  # the refs of one knowledge base, read in every answer's loops
def _parse(text: str) -> Ref | None:
    t = text.strip()
    if t == CATALOGUE:
        return Ref("catalogue")
    if m := _ENTITY.match(t):
        c, h, a = m["c"], m["h"], m["a"]
        kind: Kind = "activity" if a else "hito" if h else "commitment"
        return Ref(kind, plan=m["plan"], commitment=int(c), hito=int(h) if h else None,
                   activity=int(a) if a else None)
    if m := _PRACTICE.match(t):
        return Ref("practice", practice=m["id"])
    if m := _KEYED.match(t):
        kind = {"plan": "plan", "i": "actor", "a": "acronym", "pr": "project"}[m["prefix"]]
        return Ref(kind, key=m["key"])  # type: ignore[arg-type]
    return None


def is_record(text: str) -> bool:
    """A ref of a commitment, hito or activity (of any plan)."""
    ref = parse_ref(text)
    return ref is not None and ref.is_record


def kind_of(text: str) -> Kind | None:
    ref = parse_ref(text)
    return ref.kind if ref is not None else None


def commitment_of(text: str) -> str | None:
    """The ref of the commitment a record belongs to ("pan6.c3h2" -> "pan6.c3"); None for others."""
    ref = parse_ref(text)
    return str(ref.up_to("commitment")) if ref is not None and ref.is_record else None


def hito_of(text: str) -> str | None:
    """The ref of the hito an activity belongs to, a hito's own ref; None for anything else."""
    ref = parse_ref(text)
    return str(ref.up_to("hito")) if ref is not None and ref.hito is not None else None


@functools.lru_cache(maxsize=16384)  # asked of every candidate sentence against the record found
def within(text: str, scope: str) -> bool:
    """`text` is `scope` or a record under it (pan6.c3h2 is within pan6.c3; pan6.c10 is not)."""
    if text == scope:
        return True
    ref, outer = parse_ref(text), parse_ref(scope)
    if ref is None or outer is None:
        return False
    if not (ref.is_record and outer.is_record):
        return ref == outer
    return (ref.plan, ref.commitment) == (outer.plan, outer.commitment) and (
        outer.hito is None or ref.hito == outer.hito) and (outer.activity is None or ref.activity == outer.activity)


def qualify(ref: Ref | str, plan_of: Callable[[int], str | None] = SHIPPED_PLANS.get) -> Ref | None:
    """A record ref with its plan named: `pan6.c3h2` stays; `c3h2` (the form without a plan, of
    old links, buttons and rows) gets the plan that numbered commitment 3 then (`plan_of`, by
    default `SHIPPED_PLANS`); other refs as they are; None for what is no ref."""
    parsed = parse_ref(ref) if isinstance(ref, str) else ref
    if parsed is None or not parsed.is_record or parsed.plan:
        return parsed
    plan = plan_of(parsed.commitment or 0)
    return replace(parsed, plan=plan) if plan else parsed


def canonical(text: str, plan_of: Callable[[int], str | None] = SHIPPED_PLANS.get) -> str | None:
    """The one spelling of a ref (its plan named), or None for what is no ref."""
    ref = qualify(text, plan_of)
    return str(ref) if ref is not None else None


def to_payload(ref: Ref | str) -> str:
    """A deep-link-safe form of a ref (Telegram allows A-Z, a-z, 0-9, _ and - only)."""
    return str(ref).replace(":", "_").replace(".", "-")


def from_payload(payload: str) -> Ref | None:
    if not isinstance(payload, str):
        return None
    p = payload.strip()
    for prefix in ("plan_", "i_", "a_", "pr_"):
        if p.startswith(prefix):
            return parse_ref(prefix[:-1] + ":" + p[len(prefix):])
    if p.startswith("pan") and (ref := parse_ref(p.replace("-", ".", 1))) is not None:
        return ref  # pan4-c10: commitment 10 of plan pan4
    return parse_ref(p)  # a practice whose id starts with "an-" (pan-1) stays itself
