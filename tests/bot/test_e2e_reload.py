"""End to end: the real bot process (`hitobot run`) answers from a catalogue that `hitobot
import-catalogue`, another process, imported while it was running: no restart.

Bot API emulator over HTTP, a database of its own (SQLite, or PostgreSQL when
HITOBOT_TEST_DATABASE_URL is set), a SYNTHETIC catalogue file with Spanish headers and text ids.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-reload-synthetic-token"
CHECK_SECONDS = "1"
TITLE = "Faros comunitarios sintéticos"  # SYNTHETIC


def _hitobot(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("hitobot")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "bot.cli", *args]


@pytest.fixture(scope="module")
def live(tmp_path_factory, fresh_database_url):
    """(EmulatorClient, environment, work directory): the emulator here, the bot in another process."""
    tmp = tmp_path_factory.mktemp("e2e-reload")
    server = EmulatorServer().start()
    client = server.client()
    env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BASE_URL": server.base_url,
           "DATABASE_URL": fresh_database_url, "DEFAULT_LOCALE": "es", "DATA_CHECK_SECONDS": CHECK_SECONDS,
           "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    env.pop("WEBHOOK_URL", None)
    env.pop("HITOBOT_DATA_DIR", None)
    log_path = tmp / "bot.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(_hitobot("run", "--poll-timeout", "1"), cwd=tmp, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        client.wait_for(lambda: len(client.commands()) >= 3 and client.counters().get("calls:getUpdates"),
                        timeout=30, what="the bot to start")
    except TimeoutError:
        proc.kill()
        pytest.fail("the bot did not start:\n" + log_path.read_text()[-3000:])
    yield client, env, tmp, log_path
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
    client.close()
    server.stop()


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
    done = subprocess.run(_hitobot("import-catalogue", str(path)), cwd=tmp, env=env, capture_output=True,
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
