"""`hitobot ask` and `hitobot chat`: the same core in a terminal, answering from the database."""

from __future__ import annotations

import io

from bot.cli import main
from bot.commands.chat import converse
from knowledge.core import Knowledge


def test_ask_prints_the_answer_from_the_database(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ask.sqlite3'}")
    assert main(["ask", "quien", "es", "responsable", "del", "compromiso", "6"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Compromiso 6")
    assert "Responsable: Ministerio de Trabajo y Previsión Social (MINTRAB)." in out


def test_chat_numbered_choices_and_exit(make_synthetic_data):
    core = Knowledge(make_synthetic_data())
    stdin = io.StringIO("hito 2\n2\nsalir\nno se lee\n")
    stdout = io.StringIO()
    assert converse(core, stdin, stdout) == 0
    text = stdout.getvalue()
    assert "1. Compromiso 1, hito 2" in text
    assert "Portal de queserías con mapa" in text  # choice 2 opened as a card
    assert "no se lee" not in text


def test_chat_ends_on_ctrl_d(make_synthetic_data):
    core = Knowledge(make_synthetic_data())
    assert converse(core, io.StringIO("c1h1\n"), io.StringIO()) == 0


def test_chat_follow_up_keeps_the_conversation_language():
    """A reply like "1" with nothing to pick is read against the last answer, in its language."""
    from knowledge.loader import load_data_dir

    core = Knowledge(load_data_dir())
    stdout = io.StringIO()
    converse(core, io.StringIO("q compromisos lidera sesan\n1\n"), stdout)
    follow_up = stdout.getvalue().split("\n> ")[-2]
    assert "Commitment" not in follow_up and "Source:" not in follow_up, follow_up


def test_ask_batch_answers_every_line_in_order(tmp_path, monkeypatch, capsys):
    import json

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'batch.sqlite3'}")
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"q": "quien es responsable del compromiso 6"}, {"q": "when does commitment 6 start", "lang": "en"},
        {"not": "a question"}, {"q": "cuantos goles metio el equipo de faros"}]) + "\n", encoding="utf-8")
    assert main(["ask", "--batch", str(questions)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 4
    assert "MINTRAB" in out[0]["answer"]
    assert "June" in out[1]["answer"]  # answered in the language the line asks for
    assert out[2]["line"] == 3 and "error" in out[2]  # a bad line is named, the others still answered
    assert "no dicen" in out[3]["answer"]


def test_chat_follow_up_and_help(make_synthetic_data):
    core = Knowledge(make_synthetic_data())
    stdin = io.StringIO("quien es responsable del hito 1 del compromiso 2\ny hasta cuando?\nayuda\nsalir\n")
    stdout = io.StringIO()
    assert converse(core, stdin, stdout) == 0
    answers = stdout.getvalue().split("> ")
    assert "ISP" in answers[1]
    assert "mayo de 2031" in answers[2]  # the follow-up kept the hito
    assert "Pregúntame" in answers[3]
