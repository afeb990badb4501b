"""End to end: a person finds the catalogue's practices in the real bot process (`hitobot run`,
over the Bot API emulator) after an operator imported SEGEPLAN's file with `hitobot
import-catalogue` while the bot was running: by institution acronym, ODS number, sphere and
words, through free text, /catalogo (pressing its buttons) and inline mode.  Then a second
import with one changed row changes only that practice, and `--replace` says what it removes.

The catalogue file is SYNTHETIC (tests/bot/synthetic_catalogue.py): 35 invented practices,
Spanish headers, text ids.  The database is the bot's own (SQLite, or PostgreSQL with
HITOBOT_TEST_DATABASE_URL).  The tests run in order: each step builds on the previous one.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from knowledge.refs import practice_ref, to_payload
from tests.bot.live import hitobot, plain, running_bot
from tests.bot.synthetic_catalogue import INSTITUTIONS, expected, rows, write_catalogue

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-catalogue-synthetic-token"
TABLE = rows()
NOT_LOADED = "no se ha cargado"


@pytest.fixture(scope="module")
def live(tmp_path_factory, fresh_database_url):
    """(EmulatorClient, environment, work directory, log path); the bot runs in another process."""
    tmp = tmp_path_factory.mktemp("e2e-catalogue")
    with running_bot(tmp, fresh_database_url, TOKEN, DATA_CHECK_SECONDS="1", HITOBOT_DATA_DIR=None) as (
            client, env, log_path):
        yield client, env, tmp, log_path



def converse(client, user: int, text: str) -> dict:
    before = len(client.sent(user))
    client.send_message(text, user_id=user, language_code="es")
    return client.wait_for_reply(user, before)


def press(client, user: int, message: dict, label: str) -> dict:
    """Press the button whose label holds `label` on `message`; the screen it edits in place."""
    edits = next(m for m in client.sent(user) if m["message_id"] == message["message_id"])["_emu"]["edits"]
    client.press(user, text=label, message_id=message["message_id"])
    return client.wait_for_edit(user, message["message_id"], edits + 1)


def inline_titles(client, user: int, query: str) -> list[str]:
    update = client.inline_query(query, user_id=user)
    answer = client.wait_for_inline_answer(update["inline_query"]["id"])
    return [r["title"] for r in answer["results"]]


def import_catalogue(env: dict, tmp: Path, path: Path, *extra: str) -> str:
    done = subprocess.run(hitobot("import-catalogue", str(path), *extra), cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_until(client, user: int, text: str, wanted: str, timeout: float = 20) -> str:
    """Ask again until the running bot's reply holds `wanted` (it reloads within seconds); once
    a second, as the bot's flood control allows a person."""
    deadline = time.monotonic() + timeout
    reply = ""
    while time.monotonic() < deadline:
        reply = plain(converse(client, user, text))
        if wanted in reply:
            return reply
        time.sleep(1.0)
    raise AssertionError(f"{wanted!r} never came for {text!r}; last reply:\n{reply}")


def test_before_an_import_the_bot_says_the_list_is_not_loaded(live):
    client, _env, _tmp, _log = live
    user = 4001
    answer = plain(converse(client, user, "practicas del ods 16"))
    assert NOT_LOADED in answer and "35" in answer and "20" in answer
    screen = plain(converse(client, user, "/catalogo"))
    assert "Todavía no se ha cargado la lista de las prácticas" in screen and "35 buenas prácticas" in screen
    update = client.inline_query("prácticas ambientales", user_id=user)
    first = client.wait_for_inline_answer(update["inline_query"]["id"])["results"][0]
    assert "Todavía no se ha cargado" in first["input_message_content"]["message_text"]


def test_after_an_import_free_text_finds_practices_by_acronym_ods_sphere_and_words(live):
    client, env, tmp, _log = live
    user = 4002
    out = import_catalogue(env, tmp, write_catalogue(tmp / "catalogo_sintetico.csv"))
    assert "35 prácticas en el archivo" in out and "35 nuevas" in out
    wait_until(client, user + 100, "/catalogo", "Prácticas cargadas: 35, de 20 instituciones.")
    for question, wanted in [
        ("practicas del ods 16", expected(TABLE, ods=16)),
        ("cuales son las practicas del MINEDUC", expected(TABLE, institution=INSTITUTIONS[1])),
        ("practicas ambientales", expected(TABLE, sphere="ambiental")[:10]),
        ("cuales son las practicas de huertos escolares", expected(TABLE, topic="Huertos escolares")),
    ]:
        answer = plain(converse(client, user, question))
        assert NOT_LOADED not in answer, question
        for title in wanted:
            assert title in answer, (question, title, answer)


def test_catalogo_browses_by_institution_ods_and_sphere(live):
    """Three people, one way of browsing each (a person pressing a dozen buttons a second
    would meet the flood control)."""
    client, _env, _tmp, _log = live
    user = 4003
    menu = converse(client, user, "/catalogo")
    screen = press(client, user, menu, "Por institución")
    while "Tribunal Supremo Electoral" not in plain(screen):  # alphabetical: a later page
        screen = press(client, user, menu, "Siguiente")
    screen = press(client, user, menu, "Tribunal Supremo Electoral")
    tse = expected(TABLE, institution=INSTITUTIONS[0])
    assert all(title in plain(screen) for title in tse)
    card = press(client, user, menu, tse[0])
    assert "🏛 Tribunal Supremo Electoral" in plain(card) and "ODS" in plain(card) and "Contacto" in plain(card)

    user = 4013
    menu = converse(client, user, "/catalogo")
    press(client, user, menu, "Por ODS")
    screen = press(client, user, menu, "ODS 16 (")
    assert "Paz, justicia e instituciones sólidas" in plain(screen)
    assert all(title in plain(screen) for title in expected(TABLE, ods=16)[:8])

    user = 4023
    menu = converse(client, user, "/catalogo")
    press(client, user, menu, "Por esfera")
    first = press(client, user, menu, "Ambiental")
    ambiental = expected(TABLE, sphere="ambiental")
    assert all(title in plain(first) for title in ambiental[:8])
    second = press(client, user, menu, "Siguiente")
    assert all(title in plain(second) for title in ambiental[8:])


def test_inline_mode_finds_practices_by_acronym_ods_sphere_and_words(live):
    client, _env, _tmp, _log = live
    user = 4004
    tse = expected(TABLE, institution=INSTITUTIONS[0])
    assert inline_titles(client, user, "TSE")[:len(tse)] == tse
    ods16 = expected(TABLE, ods=16)
    assert inline_titles(client, user, "ods 16")[:len(ods16)] == ods16
    ambiental = expected(TABLE, sphere="ambiental")
    assert inline_titles(client, user, "ambiental")[:len(ambiental)] == ambiental
    assert inline_titles(client, user, "prácticas de huertos escolares") == expected(TABLE, topic="Huertos escolares")


def test_a_second_import_with_one_changed_row_changes_only_that_practice(live):
    client, env, tmp, _log = live
    user = 4005
    unchanged_before = plain(converse(client, user, "/start pSYN-8"))
    table = rows()
    table[6][1] = "Ferias de empleo sintéticos 7 (segunda fase)"  # SYN-7
    out = import_catalogue(env, tmp, write_catalogue(tmp / "catalogo_febrero.csv", table))
    assert "- prácticas: 1 actualizada, 34 sin cambios" in out
    wait_until(client, user + 100, "/start pSYN-7", "(segunda fase)")
    assert plain(converse(client, user, "/start pSYN-8")) == unchanged_before


def test_replace_says_what_it_removes_and_the_bot_forgets_them(live):
    client, env, tmp, _log = live
    user = 4006
    kept = rows()[:33]
    out = import_catalogue(env, tmp, write_catalogue(tmp / "catalogo_sin_dos.csv", kept), "--replace")
    listed = out.index("Con --replace se eliminan 2 prácticas que no están en catalogo_sin_dos.csv:")
    for row in rows()[33:]:
        assert out.index(f"  {row[0]}: {row[1]} ({row[2]})") > listed
    assert "2 eliminadas" in out
    wait_until(client, user + 100, "/catalogo", "Prácticas cargadas: 33")
    for row in rows()[33:]:
        assert row[1] not in plain(converse(client, user, "/start " + to_payload(practice_ref(row[0]))))
        assert row[1] not in inline_titles(client, user, row[1])
