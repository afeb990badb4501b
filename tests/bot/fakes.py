"""SYNTHETIC knowledge base and a fake knowledge core for the bot's offline tests.

Nothing here is real data: names, numbers and texts are generated so the tests can check the
bot's behaviour (navigation, escaping, choices, languages) independently of the real core.
The fake follows the contract of knowledge.core.Knowledge (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from knowledge.answers import Answer, Choice, Hit
from knowledge.cards import Located
from knowledge.refs import Ref, hito_ref, parse_ref
from knowledge.schema import (
    Commitment,
    CurrentStatus,
    Hito,
    KnowledgeData,
    Plan,
    Source,
    StatusDef,
)

SRC = Source(document="999_0000000000000000.txt", section="synthetic")


def synthetic_data(commitments: int = 3, hitos: int = 4) -> KnowledgeData:
    """A synthetic plan 'pan9' with `commitments` commitments of `hitos` hitos each."""
    statuses = [
        StatusDef(key="no_iniciado", name_es="No iniciado", name_en="Not started", irm_level="not_started", progress=0, order=1),
        StatusDef(key="en_progreso", name_es="En progreso", name_en="In progress", irm_level="limited", progress=50, order=2),
        StatusDef(key="completado", name_es="Completado", name_en="Completed", irm_level="complete", progress=100, order=3, final=True),
    ]
    keys = [s.key for s in statuses]
    plan_commitments = []
    for c in range(1, commitments + 1):
        plan_commitments.append(Commitment(
            number=c, title=f"Compromiso sintético {c} <de prueba> & más", short_title=f"Tema sintético {c}",
            source=SRC,
            hitos=[Hito(number=h, text=f"Hito sintético {c}.{h}", source=SRC,
                        current=CurrentStatus(status=keys[(c + h) % 3]))
                   for h in range(1, hitos + 1)]))
    plan = Plan(key="pan9", number=9, title="Plan sintético", period_label="2090-2092", current=True,
                source=SRC, commitments=plan_commitments)
    return KnowledgeData(plans=[plan], statuses=statuses)


class FakeKnowledge:
    """Deterministic stand-in for knowledge.core.Knowledge over synthetic data."""

    def __init__(self, data: KnowledgeData):
        self.data = data
        self.questions: list[tuple[str, str | None]] = []

    def plans(self) -> list[Plan]:
        return list(self.data.plans)

    def plan(self, key: str) -> Plan | None:
        return next((p for p in self.data.plans if p.key == key), None)

    def commitment(self, number: int, plan_key: str | None = None) -> Commitment | None:
        for plan in self.data.plans:
            for c in plan.commitments:
                if c.number == number and (plan_key in (None, plan.key)):
                    return c
        return None

    def hito(self, commitment: int, hito: int) -> Hito | None:
        c = self.commitment(commitment)
        return next((h for h in c.hitos if h.number == hito), None) if c else None

    def locate(self, ref: Ref) -> Located | None:
        """Where a commitment or hito ref points; one without its plan: the plan that has it."""
        for plan in self.data.plans:
            c = next((c for c in plan.commitments if c.number == ref.commitment), None)
            if c is None or ref.plan not in (None, plan.key):
                continue
            if ref.hito is None:
                return Located(plan, c)
            h = next((h for h in c.hitos if h.number == ref.hito), None)
            return Located(plan, c, h) if h is not None and ref.activity is None else None
        return None

    def card(self, ref: str, locale: str) -> Answer | None:
        parsed = parse_ref(ref)
        if parsed is None:
            return None
        if parsed.kind == "hito":
            h = self.hito(parsed.commitment, parsed.hito)
            return Answer("answer", f"FICHA {ref}: {h.text}", locale, refs=(ref,)) if h else None
        if parsed.kind == "commitment":
            c = self.commitment(parsed.commitment)
            return Answer("answer", f"FICHA {ref}: {c.title}", locale, refs=(ref,)) if c else None
        return None

    def ask(self, question: str, locale: str | None = None, previous: str | None = None) -> Answer:
        self.questions.append((question, locale))
        if "boom" in question:
            raise RuntimeError("synthetic failure")
        if "cual" in question:
            return Answer("choices", "¿Cuál de estos?", locale or "es",
                          choices=(Choice("Hito sintético 1.2", "pan9.c1h2"), Choice("Hito sintético 2.1", "pan9.c2h1")))
        if "nada" in question:
            return Answer("no_answer", "Las fuentes no dicen eso.", locale or "es",
                          choices=(Choice("Tema sintético 1", "pan9.c1"),))
        return Answer("answer", f"Eco: {question}\n\nDetalle sintético.", locale or "es", refs=("pan9.c1",),
                      source="Fuente sintética")

    def search(self, query: str, limit: int = 50, offset: int = 0, locale: str = "es") -> list[Hit]:
        hits = [Hit(ref=hito_ref("pan9", 1 + i % 3, 1 + i % 4), kind="hito", title=f"Resultado {i} de {query}",
                    snippet="texto sintético", score=1.0) for i in range(120)]
        return hits[offset:offset + limit]
