"""'Which hitos are overdue?': past their end date and not recorded as completed, on a given day.

SYNTHETIC knowledge base (tests/knowledge/conftest.py): commitment 1 hito 1 is completed (ends
2031-06), hito 2 in progress (2031-12); commitment 2 (ISP leads it) hito 1 has no status
(2031-05), hito 2 none either (2031-10, REFIVE).
"""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.core import Knowledge
from knowledge.schema import CurrentStatus


def core_on(day: dt.date, data) -> Knowledge:
    knowledge = Knowledge(data)
    knowledge.today = lambda: day
    return knowledge


@pytest.fixture
def late_2031(make_synthetic_data) -> Knowledge:
    return core_on(dt.date(2031, 11, 15), make_synthetic_data())


@pytest.mark.parametrize("question", ["que hitos estan atrasados", "q hitos stan vencidos",
                                      "hay hitos fuera de plazo?", "cuantos hitos estan atrasados"])
def test_the_plan_wide_list_names_only_late_unfinished_hitos(late_2031, question):
    answer = late_2031.ask(question)
    assert answer.kind == "answer"
    first, *rest = answer.text.splitlines()
    assert first.startswith("2 de 4 hitos del 9° Plan Sintético 2030-2031 pasaron su fecha de fin")
    assert "al 15 de noviembre de 2031" in first
    assert "- Compromiso 2 (Registro abierto de queserías artesanales): hitos 1 (mayo de 2031), 2 (octubre de 2031)" in rest
    assert not any(line.startswith("- Compromiso 1") for line in rest)  # completed, and still in time
    assert list(answer.refs) == ["plan:pan9"]
    assert [c.ref for c in answer.choices] == ["pan9.c2"]  # a button for each commitment listed
    assert "no es una evaluación de cumplimiento" in answer.text


def test_nothing_is_late_before_the_end_dates(make_synthetic_data):
    answer = core_on(dt.date(2030, 6, 1), make_synthetic_data()).ask("que hitos estan atrasados")
    assert answer.text.startswith("Ningún hito del 9° Plan Sintético 2030-2031 pasó su fecha de fin")


def test_one_hito_late_in_time_or_completed(late_2031):
    assert late_2031.ask("esta atrasado el hito 1 del compromiso 2").text.startswith(
        "El hito 1 del compromiso 2 debía terminar en mayo de 2031 y no consta como completado")
    assert late_2031.ask("el hito 2 del compromiso 1 esta atrasado?").text.startswith(
        "El hito 2 del compromiso 1 termina en diciembre de 2031: todavía está en plazo")
    assert late_2031.ask("el hito 1 del compromiso 1 esta vencido").text.startswith(
        "El hito 1 del compromiso 1 consta como completado")


def test_a_commitment_and_a_responsible_institution_narrow_the_list(late_2031):
    assert late_2031.ask("hay hitos atrasados en el compromiso 1").text.startswith(
        "Ningún hito del compromiso 1 pasó su fecha de fin")
    isp = late_2031.ask("que hitos del ISP estan atrasados").text.splitlines()[0]
    assert isp.startswith("2 de 3 hitos del 9° Plan Sintético 2030-2031 a cargo de Instituto Sintético de Pruebas (ISP)")


def test_a_focal_points_completed_update_takes_a_hito_off_the_list(make_synthetic_data):
    data = make_synthetic_data()
    data.plans[0].commitments[1].hitos[0].current = CurrentStatus(status="completado")
    answer = core_on(dt.date(2031, 11, 15), data).ask("que hitos estan atrasados")
    assert answer.text.startswith("1 de 4 hitos")
    assert "hito 2 (fin: octubre de 2031)" in answer.text


def test_english(late_2031):
    text = late_2031.ask("which milestones are overdue?").text
    assert text.startswith("2 of 4 milestones of the 9° Plan Sintético 2030-2031 have passed their end date")
    assert "as of November 15, 2031" in text and "Fuente" not in text
