"""Held-out evaluation of the question-answering core: questions written from the seeds only.

The set (heldout_questions.yaml) was written independently of the core and of its own question
set, the way people type in a chat.  This module asks every question through
`Knowledge.ask` exactly as the bot builds the core, and checks what a user would notice: a
question the sources answer gets an answer that contains the essential facts; a question the
sources do not answer is refused.  Failures are printed one by one, with the kind of failure.

Run it alone for the report: `.venv/bin/pytest tests/knowledge/test_heldout.py -s`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

QUESTIONS_FILE = Path(__file__).with_name("heldout_questions.yaml")
MIN_QUESTIONS = 160
MIN_UNANSWERABLE = 20
MIN_ENGLISH_SHARE = 0.10
MIN_ACCURACY = 0.90
EXCERPT_CHARS = 200

FactGroup = tuple[str, ...]  # any one of these substrings


@dataclass(frozen=True)
class HeldoutQuestion:
    q: str
    expect: str  # "answer" | "no_answer"
    must_contain: tuple[FactGroup, ...]
    lang: str
    note: str


@dataclass(frozen=True)
class Outcome:
    question: HeldoutQuestion
    kind: str
    text: str
    locale: str
    missing: tuple[FactGroup, ...]
    problem: str | None  # None = correct; else a short label of what went wrong

    @property
    def correct(self) -> bool:
        return self.problem is None


def fold(text: str) -> str:
    """Lower-case, strip accents (ñ -> n) and collapse whitespace, for fact matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _fact_groups(raw: list[Any]) -> tuple[FactGroup, ...]:
    groups = []
    for item in raw:
        options = [item] if isinstance(item, str) else list(item)
        if not options or not all(isinstance(o, str) and o.strip() for o in options):
            raise ValueError(f"bad must_contain entry {item!r}")
        groups.append(tuple(options))
    return tuple(groups)


@cache
def load_questions() -> tuple[HeldoutQuestion, ...]:
    with QUESTIONS_FILE.open(encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    return tuple(
        HeldoutQuestion(
            q=item["q"],
            expect=item["expect"],
            must_contain=_fact_groups(item.get("must_contain") or []),
            lang=item["lang"],
            note=item.get("note", ""),
        )
        for item in raw
    )


def missing_facts(groups: tuple[FactGroup, ...], haystack: str) -> tuple[FactGroup, ...]:
    folded = fold(haystack)
    return tuple(g for g in groups if not any(fold(option) in folded for option in g))


def judge(question: HeldoutQuestion, answer: Any) -> Outcome:
    """Compare one answer with what the question expects."""
    kind, locale = answer.kind, answer.locale
    labels = " ".join(choice.label for choice in answer.choices)
    text = answer.text
    if question.expect == "no_answer":
        problem = None if kind == "no_answer" else f"false answer ({kind})"
        return Outcome(question, kind, text, locale, (), problem)
    if kind == "no_answer":
        return Outcome(question, kind, text, locale, question.must_contain, "false refusal")
    if kind not in ("answer", "choices"):
        return Outcome(question, kind, text, locale, question.must_contain, f"wrong kind ({kind})")
    haystack = f"{text}\n{labels}" if kind == "choices" else text
    missing = missing_facts(question.must_contain, haystack)
    if missing:
        problem = "choices without the facts" if kind == "choices" else "facts missing"
        return Outcome(question, kind, text, locale, missing, problem)
    return Outcome(question, kind, text, locale, (), None)


def describe(outcome: Outcome) -> str:
    q = outcome.question
    excerpt = " ".join(outcome.text.split())[:EXCERPT_CHARS]
    wanted = " AND ".join(" | ".join(g) for g in outcome.missing) or "(refusal)"
    return (
        f"[{outcome.problem}] ({q.lang}) {q.q!r}  -- {q.note}\n"
        f"    expected: {wanted}\n"
        f"    got {outcome.kind}: {excerpt!r}"
    )


def report(outcomes: list[Outcome]) -> str:
    correct = sum(o.correct for o in outcomes)
    by_problem = Counter(o.problem for o in outcomes if not o.correct)
    lines = [
        f"held-out accuracy: {correct}/{len(outcomes)} = {correct / len(outcomes):.1%}",
        "failures by kind: "
        + (", ".join(f"{k}: {n}" for k, n in by_problem.most_common()) or "none"),
    ]
    lines += [describe(o) for o in outcomes if not o.correct]
    return "\n".join(lines)


# ------------------------------------------------------------------ the set itself


def test_the_set_is_big_varied_and_well_formed() -> None:
    questions = load_questions()
    assert len(questions) >= MIN_QUESTIONS
    assert sum(q.expect == "no_answer" for q in questions) >= MIN_UNANSWERABLE
    english = sum(q.lang == "en" for q in questions)
    assert english / len(questions) >= MIN_ENGLISH_SHARE
    assert {q.expect for q in questions} <= {"answer", "no_answer"}
    assert {q.lang for q in questions} <= {"es", "en"}
    texts = [fold(q.q) for q in questions]
    assert len(set(texts)) == len(texts), "a question appears twice"
    for q in questions:
        if q.expect == "answer":
            assert q.must_contain, f"answerable question without facts to check: {q.q!r}"
        else:
            assert not q.must_contain, f"unanswerable question with facts: {q.q!r}"


def test_fact_matching_ignores_case_and_accents_but_not_content() -> None:
    groups = _fact_groups([["MSPAS", "Ministerio de Salud"], "junio de 2025"])
    assert (
        missing_facts(groups, "Responsable: Ministerio de Salud Pública. Fin: Junio de 2025") == ()
    )
    assert missing_facts(groups, "Responsable: MINEDUC. Fin: junio de 2025") == (groups[0],)
    assert fold("Campaña  Educación") == "campana educacion"


def test_spanish_ui_detector_sees_bot_phrasing_not_spanish_names() -> None:
    assert spanish_ui_words("Responsable del hito 2 del compromiso 3: MSPAS.\n\nFuente: 003.txt")
    assert not spanish_ui_words(
        "Milestone 2 of commitment 3 is led by Ministerio de Salud Pública y Asistencia Social."
        "\n\nSource: 003.txt"
    )


# ------------------------------------------------------------------ the core on the set


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    pytest.importorskip(
        "knowledge.core",
        reason="knowledge.core (the question-answering core) is not importable yet",
    )
    from knowledge.core import Knowledge
    from knowledge.loader import load_data_dir

    knowledge = Knowledge(load_data_dir())
    results = [judge(q, knowledge.ask(q.q, locale=q.lang)) for q in load_questions()]
    print("\n" + report(results))
    return results


def test_heldout_accuracy_is_at_least_90_percent(outcomes: list[Outcome]) -> None:
    correct = sum(o.correct for o in outcomes)
    assert correct / len(outcomes) >= MIN_ACCURACY, report(outcomes)


def test_every_unanswerable_question_is_refused(outcomes: list[Outcome]) -> None:
    false_answers = [o for o in outcomes if o.question.expect == "no_answer" and not o.correct]
    assert not false_answers, "\n".join(describe(o) for o in false_answers)


def test_english_questions_get_english_answers(outcomes: list[Outcome]) -> None:
    """An English question is answered (or refused) in English: the curated names and quotes
    stay Spanish, but the bot's own words around them must not."""
    wrong = [
        f"{o.question.q!r} -> {' '.join(o.text.split())[:120]!r}"
        for o in outcomes
        if o.question.lang == "en" and (o.locale != "en" or spanish_ui_words(o.text))
    ]
    assert not wrong, "answered in Spanish:\n" + "\n".join(wrong)


# The bot's own Spanish phrasing (gettext msgids); none of them occurs in the curated data.
SPANISH_UI_PHRASES = (
    "fuente:",
    " significa ",
    "responsable del hito",
    "responsable del compromiso",
    "estado del hito",
    "las fuentes que tengo",
    "no tengo informacion",
    "aparece en ",
)


def spanish_ui_words(text: str) -> list[str]:
    folded = f" {fold(text)} "
    return [phrase for phrase in SPANISH_UI_PHRASES if phrase in folded]
