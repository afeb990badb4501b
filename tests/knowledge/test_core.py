"""The knowledge core on a small SYNTHETIC knowledge base: what a person asking would notice."""

from __future__ import annotations

import pytest

from knowledge.core import Knowledge
from knowledge.refs import parse_ref


@pytest.fixture(scope="module")
def core(make_synthetic_data) -> Knowledge:
    return Knowledge(make_synthetic_data())


def test_responsible_of_a_hito_despite_typos_and_abbreviations(core):
    answer = core.ask("q institucion es responsabel del hito 2 del compormiso 1")
    assert answer.kind == "answer"
    assert answer.text.splitlines()[0].startswith("Compromiso 1, hito 2")
    assert "Responsable: Instituto Sintético de Pruebas (ISP)." in answer.text
    assert answer.refs[0] == "pan9.c1h2"


@pytest.mark.parametrize("question", ["c1h1 cuando termina", "cuando termina el 1er hito del primer compromiso",
                                      "hito 1.1 fecha de fin", "compromiso uno hito I cuando acaba"])
def test_compact_and_spelled_references_reach_the_same_hito(core, question):
    answer = core.ask(question)
    assert answer.refs[0] == "pan9.c1h1"
    assert "junio de 2031" in answer.text
    assert "diciembre de 2030" in answer.text  # the original end date, before the revision


def test_the_most_recent_plan_is_assumed_and_named(core):
    answer = core.ask("quien lidera el compromiso 2")
    assert answer.refs[0] == "pan9.c2"
    assert "Fuente: 9° Plan Sintético 2030-2031, Compromiso 2." in answer.text


def test_english_question_gets_english_words_and_dates(core):
    answer = core.ask("when does milestone 1 of commitment 1 end?")
    assert answer.locale == "en"
    assert "June 2031" in answer.text
    assert "Source:" in answer.text and "Fuente:" not in answer.text


def test_locale_argument_wins_over_detection(core):
    assert core.ask("quien lidera el compromiso 2", locale="en").locale == "en"


def test_supporters_by_sector(core):
    answer = core.ask("que osc apoyan el hito 1 del compromiso 1")
    assert "Red Ficticia de Vecinos" in answer.text
    assert "Instituto Sintético" not in answer.text.split("\n\n")[0]


def test_hito_number_without_commitment_offers_choices(core):
    answer = core.ask("hito 2")
    assert answer.kind == "choices"
    assert {c.ref for c in answer.choices} == {"pan9.c1h2", "pan9.c2h2"}
    assert all(parse_ref(c.ref) for c in answer.choices)


def test_acronym_meaning(core):
    answer = core.ask("zqx q significa")
    assert answer.text.startswith("ZQX significa Zona de Quesos Experimentales")


def test_actor_lists_what_it_leads(core):
    answer = core.ask("que compromisos lidera el ISP")
    assert "Compromiso 2" in answer.text


def test_count_of_hitos(core):
    assert "2 hitos" in core.ask("cuantos hitos tiene el compromiso de queserias").text


def test_unknown_things_are_refused_with_suggestions(core):
    for question in ("cual es el presupuesto del compromiso 1", "como esta el clima", "compromiso 7",
                     "hito 5 del compromiso 2", "quien es el director del ISP"):
        answer = core.ask(question)
        assert answer.kind == "no_answer", question
        assert answer.confidence == 0.0


def test_explicit_old_plan_commitment(core):
    answer = core.ask("quien es responsable del compromiso 20")
    assert "Red Ficticia de Vecinos" in answer.text
    assert "8° Plan Sintético" in answer.text and "plan vigente" not in answer.text


def test_progress_rolls_up_from_hito_statuses(core, make_synthetic_data):
    assert core.progress(1) == 75  # completado (100) and en progreso (50)
    assert core.progress(2) is None  # no hito has a known status
    bare = Knowledge(make_synthetic_data(with_statuses=False))
    assert bare.progress(1) is None
    assert "75 %" in core.ask("como va el compromiso 1").text


def test_card_chart_and_answer_show_one_progress_after_a_reported_update(make_synthetic_data):
    """The commitment's card, its chart's bars and the answer about it agree after a focal
    point's update, by the one rule (knowledge.progress); the status is attributed to its
    reporter and the plan cited only for what it says. (Synthetic data.)"""
    import datetime as dt

    from knowledge.charts import commitment_bars
    from knowledge.progress import commitment_progress
    from knowledge.schema import CurrentStatus

    core = Knowledge(make_synthetic_data())
    commitment = core.commitment(1)
    before = core.progress(commitment)
    commitment.hitos[0].current = CurrentStatus(
        status="en_progreso", progress=30, kind="user", author="INSTA",
        since=dt.datetime(2026, 12, 2, 15, tzinfo=dt.UTC), note="Nota sintética")
    figure = core.progress(commitment)
    bars = commitment_bars(commitment, core.data.statuses)
    assert figure != before
    assert figure == commitment_progress(commitment.hitos, core.data.statuses)
    assert figure == round(sum(b.progress or 0 for b in bars) / len(bars))
    assert f"{figure} %" in core.card("c1").text and f"{figure} %" in core.ask("como va el compromiso 1").text
    answer = core.ask("como va el hito 1 del compromiso 1").text
    status = next(line for line in answer.splitlines() if line.startswith("Estado"))
    assert "según INSTA, 2 de diciembre de 2026" in status and "Nota sintética" in status
    assert "el estado lo reportó INSTA" in next(line for line in answer.splitlines() if line.startswith("Fuente"))


def test_a_status_reported_in_the_evening_is_dated_as_in_guatemala(make_synthetic_data):
    """8:30 p.m. on 30 June in Guatemala is 1 July in UTC, as stored: the answer and the card say
    30 June, whether the instant comes back with its zone (PostgreSQL) or without (SQLite)."""
    import datetime as dt

    from knowledge.schema import CurrentStatus

    core = Knowledge(make_synthetic_data())
    hito = core.commitment(1).hitos[0]
    for since in (dt.datetime(2025, 7, 1, 2, 30, tzinfo=dt.UTC), dt.datetime(2025, 7, 1, 2, 30)):
        hito.current = CurrentStatus(status="en_progreso", progress=30, kind="user", author="INSTA", since=since)
        for text in (core.ask("como va el hito 1 del compromiso 1").text, core.card("c1h1").text):
            status = next(line for line in text.splitlines() if line.startswith("Estado"))
            assert "según INSTA, 30 de junio de 2025" in status, status


def test_cards_for_every_kind_of_ref(core):
    assert core.card("pan9.c1", "es").refs == ("pan9.c1",)
    assert "Inventario público de faros" in core.card("pan9.c1h1", "es").text
    assert core.card("c1", "es").refs == ("pan9.c1",)  # an old link: no shipped plan here, the one that has it
    assert "Instituto Sintético de Pruebas" in core.card("i:isp", "es").text
    assert core.card("a:ZQX", "es").text.startswith("ZQX")
    assert "9° Plan Sintético" in core.card("plan:pan9", "en").text
    for bad in ("c99", "pan9.c1h9", "pan7.c1", "pan8.c1", "i:nobody", "garbage", "", "p1"):
        assert core.card(bad, "es") is None


def test_search_hits_and_paging(core):
    hits = core.search("faros")
    assert hits and hits[0].ref.startswith("pan9.c1")
    assert all(parse_ref(h.ref) for h in hits)
    assert core.search("faros", limit=1, offset=1) == hits[1:2]
    assert core.search("") == []


def test_lookups(core):
    assert core.plan("pan9").current and core.plan("nope") is None
    assert [p.key for p in core.plans()][0] == "pan9"
    assert core.commitment(2).title.startswith("Registro abierto")
    assert core.commitment(20, "pan8").number == 20 and core.commitment(20, "pan9") is None
    assert core.hito(1, 2).text.startswith("Capacitación")
    assert core.actor("ofi").acronym == "OFI"
    assert [s.key for s in core.statuses()] == ["sin_informacion", "en_progreso", "completado"]
