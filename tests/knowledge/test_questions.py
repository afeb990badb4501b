"""The question set (questions.yaml): everyday questions answered correctly from the shipped data."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.normalize import fold_simple

QUESTIONS = yaml.safe_load((Path(__file__).with_name("questions.yaml")).read_text(encoding="utf-8"))["questions"]


def judge(knowledge, item: dict) -> str | None:
    """None when the answer is right, else why it is wrong."""
    answer = knowledge.ask(item["q"])
    if item.get("expect") == "no_answer":
        return None if answer.kind == "no_answer" else f"expected no_answer, got {answer.kind}: {answer.text[:160]!r}"
    want_kind = item.get("kind", "answer")
    if answer.kind != want_kind:
        return f"expected {want_kind}, got {answer.kind}: {answer.text[:160]!r}"
    text = fold_simple(answer.text)
    missing = [f for f in item.get("facts", []) if fold_simple(str(f)) not in text]
    return f"missing {missing} in {answer.text[:300]!r}" if missing else None


def test_question_set_is_big_enough():
    unanswerable = [q for q in QUESTIONS if q.get("expect") == "no_answer"]
    assert len(QUESTIONS) >= 150
    assert len(unanswerable) >= 15


def test_at_least_95_percent_answered_correctly(shipped_knowledge):
    failures = [(item["q"], why) for item in QUESTIONS if (why := judge(shipped_knowledge, item))]
    for q, why in failures:
        print(f"FAIL {q!r}: {why}")
    correct = 1 - len(failures) / len(QUESTIONS)
    print(f"{len(QUESTIONS) - len(failures)}/{len(QUESTIONS)} correct ({correct:.1%})")
    assert correct >= 0.95


def test_every_unanswerable_question_is_refused(shipped_knowledge):
    wrong = [(item["q"], why) for item in QUESTIONS
             if item.get("expect") == "no_answer" and (why := judge(shipped_knowledge, item))]
    for q, why in wrong:
        print(f"ANSWERED {q!r}: {why}")
    assert not wrong


