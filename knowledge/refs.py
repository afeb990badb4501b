"""Short, stable references to knowledge-base entities (deep links, callback data, choices).

One grammar everywhere, so a deep link, a button and a search hit all name things alike:

    plan:pan6        a plan                       c3        commitment 3 of the plan that has it
    c3h2             hito 2 of commitment 3       c10h1a2   activity 2 of hito 1 of commitment 10
    p12              catalogue practice 12        i:sesan   actor (institution/organisation) key
    pSYN-4           catalogue practice SYN-4 (a practice id is a key: A-Z a-z 0-9 _ -)
    a:ICEFI          acronym                      pr:prodev cooperation project key
    cat              the catalogue itself

Commitment numbers are unique across the shipped plans (6th plan: 1-6, 4th plan: 10), so `c10`
needs no plan prefix; `pan4.c10` is also accepted for an explicit plan.
Refs are ASCII and at most 40 characters, so they fit in Telegram's 64-byte callback data and
deep-link payloads (A-Z a-z 0-9 _ - only: ':' and '.' are mapped to '_' and '-' there by
`to_payload` / `from_payload`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["plan", "commitment", "hito", "activity", "practice", "actor", "acronym", "project", "catalogue"]

_ENTITY = re.compile(
    r"^(?:(?P<plan>pan\d{1,2})\.)?c(?P<c>\d{1,3})(?:h(?P<h>\d{1,3})(?:a(?P<a>\d{1,3}))?)?$"
)
_KEYED = re.compile(r"^(?P<prefix>plan|i|a|pr):(?P<key>[A-Za-z0-9_\-]{1,36})$")
_PRACTICE = re.compile(r"^p(?P<id>[A-Za-z0-9_-]{1,39})$")  # knowledge.schema.PRACTICE_ID_PATTERN


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
        if self.kind in ("commitment", "hito", "activity"):
            s = (f"{self.plan}." if self.plan else "") + f"c{self.commitment}"
            if self.hito is not None:
                s += f"h{self.hito}"
            if self.activity is not None:
                s += f"a{self.activity}"
            return s
        if self.kind == "practice":
            return f"p{self.practice}"
        if self.kind == "catalogue":
            return "cat"
        prefix = {"plan": "plan", "actor": "i", "acronym": "a", "project": "pr"}[self.kind]
        return f"{prefix}:{self.key}"


def parse_ref(text: str) -> Ref | None:
    """Parse a ref; None for anything that is not one (never raises)."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    t = text.strip()
    if t == "cat":
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
