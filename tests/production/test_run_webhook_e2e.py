"""`hitobot run` with WEBHOOK_URL set, as a real process against the Bot API emulator: it
registers the webhook, answers /start posted with the secret, refuses a request without it,
serves /healthz, and stops cleanly on SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.webhook import SECRET_HEADER
from tests.emulator.client import EmulatorClient
from tests.emulator.server import EmulatorServer

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e_secret-123"
USER = 5151

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 90.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "hitobot run exited before serving"
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} never became healthy")


def test_hitobot_run_serves_the_webhook(emulator: EmulatorServer, emu: EmulatorClient, tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": "123456:SYNTHETIC-e2e",
        "TELEGRAM_BASE_URL": emulator.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "WEBHOOK_URL": "https://bot.example.org/hook",
        "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        "WEBHOOK_SECRET": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process)
        assert health.json()["database"]["reachable"] is True
        emu.wait_for(lambda: emulator.emulator.state.webhook_url == "https://bot.example.org/hook",
                     timeout=20, what="setWebhook")

        refused = httpx.post(f"http://127.0.0.1:{port}/hook", json=emu.send_message("/start", user_id=USER + 1))
        assert refused.status_code == 403
        accepted = httpx.post(f"http://127.0.0.1:{port}/hook", json=emu.send_message("/start", user_id=USER),
                              headers={SECRET_HEADER: SECRET})
        assert accepted.status_code == 200
        reply = emu.wait_for_messages(USER, 1, timeout=30)[0]
        assert reply["text"].strip()
        assert emu.sent(USER + 1) == []
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json()["updates_processed"] >= 1
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert process.returncode == 0, output[-3000:]
    assert "type=command:start" in output and "outcome=ok" in output
