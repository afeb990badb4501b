"""The real bot, `hitobot run` in another process, polling the Bot API emulator over HTTP: what
the end-to-end tests talk to."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.emulator import EmulatorClient, EmulatorServer


def hitobot(*args: str) -> list[str]:
    """The installed `hitobot` command (or the module, from a checkout without the script)."""
    script = Path(sys.executable).with_name("hitobot")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "bot.cli", *args]


@contextmanager
def running_bot(work: Path, database_url: str, token: str,
                **settings: str | None) -> Iterator[tuple[EmulatorClient, dict[str, str], Path]]:
    """(emulator client, the bot's environment, its log file) while the bot runs in `work`.
    `settings` are more environment variables; None removes one the test run may have."""
    server = EmulatorServer().start()
    client = server.client()
    env = {**os.environ, "TELEGRAM_TOKEN": token, "TELEGRAM_BASE_URL": server.base_url,
           "DATABASE_URL": database_url, "DEFAULT_LOCALE": "es", "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    env.pop("WEBHOOK_URL", None)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    log_path = work / "bot.log"
    with log_path.open("w") as log:
        # a short long-poll: a quick shutdown at the end
        proc = subprocess.Popen(hitobot("run", "--poll-timeout", "1"), cwd=work, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        # ready = the command menu is set (the last step of post_init) and polling has begun
        client.wait_for(lambda: len(client.commands()) >= 3 and client.counters().get("calls:getUpdates"),
                        timeout=30, what="the bot to start")
    except TimeoutError:
        proc.kill()
        pytest.fail("the bot did not start:\n" + log_path.read_text()[-3000:])
    try:
        yield client, env, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        client.close()
        server.stop()


def plain(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""
