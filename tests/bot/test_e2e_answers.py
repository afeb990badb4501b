"""End to end, the answers people get: the real bot process (`hitobot run`) over HTTP against
the Bot API emulator, answering from a SYNTHETIC knowledge base (invented records, loaded from
a data directory written here), so nothing below is a known question of the shipped data.

Covered: a two-part question gets both parts; a hito named only by its subject is found; a fact
written in running text is quoted from its sentence; a question over many records gets a list;
an unanswerable question is refused; a follow-up continues with the previous subject.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.live import running_bot
from tests.conftest import SYNTHETIC_SOURCE, synthetic_data, write_data_dir
from tests.emulator import EmulatorClient

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-answers-synthetic-token"


def _data(root: Path) -> Path:
    files = synthetic_data()
    src = dict(SYNTHETIC_SOURCE)
    c1 = files["pan9/commitment_1.yaml"]["commitment"]
    c1["hitos"][0]["text"] = "Inventario participativo de pozos comunitarios de agua"
    c1["hitos"][0]["end"] = "2030-06"
    c1["hitos"][1]["text"] = "Capacitación de fontaneros voluntarios en las aldeas"
    c1["hitos"][1]["start"] = "2030-09"
    c1["hitos"][1]["end"] = "2031-06"
    files["pan9/plan.yaml"]["plan"]["facts"].append({
        "topic": "passage", "source": src,
        "text": "La jornada de pozos se realizó el 8 de agosto de 2030 en Villa Inventada. "
                "Participaron 412 familias de 9 aldeas."})
    return write_data_dir(root, files)


@pytest.fixture(scope="module")
def live(tmp_path_factory, fresh_database_url):
    tmp = tmp_path_factory.mktemp("e2e-answers")
    with running_bot(tmp, fresh_database_url, TOKEN, HITOBOT_DATA_DIR=str(_data(tmp / "data"))) as (client, _env, _log):
        yield client


def converse(client: EmulatorClient, user: int, text: str) -> str:
    before = len(client.sent(user))
    client.send_message(text, user_id=user, language_code="es")
    reply = client.wait_for_reply(user, before)
    return reply.get("text") or ""


def test_a_two_part_question_gets_both_parts(live):
    text = converse(live, 3001, "quien tiene a cargo el hito 2 del compromiso 1 y cuando arranca")
    assert "Ministerio Sintético de Pruebas" in text
    assert "septiembre de 2030" in text


def test_a_hito_named_by_its_subject_is_found(live):
    text = converse(live, 3002, "lo de capacitar a los fontaneros voluntarios hasta cuando va")
    assert "hito 2" in text
    assert "junio de 2031" in text


def test_a_running_text_fact_is_quoted_from_its_sentence(live):
    text = converse(live, 3003, "cuantas familias participaron en la jornada de pozos")
    assert "412 familias" in text
    assert "Fuente: Plan sintético de prueba" in text


def test_a_question_over_many_records_gets_a_list(live):
    text = converse(live, 3004, "q hitos terminan en junio 2031")
    assert "hito 2" in text.lower() and "Compromiso 1" in text
    assert "Hito sintético 1" not in text  # ends in December 2031, not June


def test_an_unanswerable_question_is_refused(live):
    text = converse(live, 3005, "cual es el correo electronico del MINSINT")
    assert "no tengo" in text.lower() or "no dicen" in text.lower()
    assert "Ministerio Sintético" in text or "MINSINT" in text


def test_a_follow_up_continues_with_the_previous_subject(live):
    converse(live, 3006, "quien es responsable del hito 1 del compromiso 2")
    text = converse(live, 3006, "y cuando termina?")
    assert "31 de diciembre de 2031" in text
    other = converse(live, 3007, "y cuando termina?")  # another person: no previous subject
    assert "31 de diciembre de 2031" not in other
