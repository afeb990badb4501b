"""An answer is worked out from the data as it is now: never from what was asked before."""

from __future__ import annotations

from knowledge.core import Knowledge
from knowledge.schema import CurrentStatus
from tests.knowledge.conftest import synthetic_data


def test_a_repeated_question_gets_the_new_status_after_an_update_in_place() -> None:
    data = synthetic_data()  # SYNTHETIC plans
    core = Knowledge(data)
    question = "en que estado esta el hito 2 del compromiso 1"
    before = core.ask(question)
    assert "En progreso" in before.text
    assert core.ask(question).text == before.text  # asked again: the same answer

    # a focal point's update changes the hito's status in place (participation/updates.py)
    data.plans[0].commitments[0].hitos[1].current = CurrentStatus(status="completado")
    after = core.ask(question)
    assert "Completado" in after.text and "En progreso" not in after.text


def test_the_same_words_in_either_language_choice_are_answered_alike_as_if_asked_first() -> None:
    warm, cold = Knowledge(synthetic_data()), Knowledge(synthetic_data())
    questions = ["quien es responsable del hito 1 del compromiso 1", "que significa ISP", "faros", "who leads commitment 2"]
    for q in questions:
        warm.ask(q, "es")
    for q in questions:
        for locale in ("es", "en", None):
            assert warm.ask(q, locale) == cold.ask(q, locale)
