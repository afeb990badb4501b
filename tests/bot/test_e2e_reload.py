"""End to end: the real bot process (`hitobot run`) answers from a catalogue that `hitobot
import-catalogue`, another process, imported while it was running: no restart.

Bot API emulator over HTTP, a database of its own (SQLite, or PostgreSQL when
HITOBOT_TEST_DATABASE_URL is set), a SYNTHETIC catalogue file with Spanish headers and text ids.
"""

from __future__ import annotations

import csv
import subprocess
import time

import pytest

from tests.bot.live import hitobot, running_bot

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-reload-synthetic-token"
CHECK_SECONDS = "1"
TITLE = "Faros comunitarios sintéticos"  # SYNTHETIC


@pytest.fixture(scope="module")
def live(tmp_path_factory, fresh_database_url):
    """(EmulatorClient, environment, work directory, log path); the bot runs in another process."""
    tmp = tmp_path_factory.mktemp("e2e-reload")
    with running_bot(tmp, fresh_database_url, TOKEN, DATA_CHECK_SECONDS=CHECK_SECONDS, HITOBOT_DATA_DIR=None) as (
            client, env, log_path):
        yield client, env, tmp, log_path


def _reply_text(client, user: int, text: str) -> str:
    before = len(client.sent(user))
    client.send_message(text, user_id=user, language_code="es")
    reply = client.wait_for_reply(user, before)
    return reply.get("text") or reply.get("caption") or ""


def test_an_import_reaches_the_running_bot_within_seconds(live):
    client, env, tmp, log_path = live
    user = 3001
    assert TITLE not in _reply_text(client, user, "/start pSYN-4")  # not in the catalogue yet

    path = tmp / "catalogo_sintetico.csv"  # SYNTHETIC, as a Spanish-locale spreadsheet saves it
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows([
            ["Código", "Nombre de la práctica", "Institución oferente", "ODS vinculados", "Esfera"],
            ["SYN-4", TITLE, "Ministerio Sintético de Pruebas", "7", "Social"],
        ])
    done = subprocess.run(hitobot("import-catalogue", str(path)), cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 práctica en el archivo" in done.stdout

    imported_at = time.monotonic()
    text = ""
    while time.monotonic() - imported_at < 15:
        text = _reply_text(client, user, "/start pSYN-4")
        if TITLE in text:
            break
        time.sleep(0.5)
    assert TITLE in text, log_path.read_text()[-3000:]
    assert time.monotonic() - imported_at < 10  # "within a few seconds"
    assert "knowledge base changed in the database" in log_path.read_text()
    assert TITLE in _reply_text(client, user, "qué prácticas hay en el catálogo")
