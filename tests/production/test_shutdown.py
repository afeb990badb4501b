"""SIGTERM stops `hitobot run` within 10 s with nothing lost, even when the Bot API accepts
connections and never answers (a real bot process, the Bot API emulator; synthetic people).

Before: 29.6 s with a hanging Bot API on this bench (every request in flight ran to its
timeout: the delivery round's sends 15 s, each after waiting for a free slot), 8.9 s refused.
`bench/shutdown.py` prints the same figures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

TOKEN = "123456:SYNTHETIC-shutdown"


def measure(mode: str, notices: int = 60, settle: float = 2.0) -> dict:
    from sqlalchemy import select

    from storage.db import Database
    from storage.models.participation import OutboxMessage
    from storage.repositories import outbox
    from tests.emulator.client import EmulatorClient
    from tests.emulator.server import EmulatorServer

    with tempfile.TemporaryDirectory() as tmp, EmulatorServer() as emulator:
        url = f"sqlite:///{Path(tmp) / 'shutdown.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_TOKEN": TOKEN,
               "TELEGRAM_BASE_URL": emulator.base_url, "LOG_LEVEL": "INFO"}
        log_path = Path(tmp) / "bot.log"
        with log_path.open("w") as log:
            bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--poll-timeout", "10"],
                                   cwd=tmp, env=env, stderr=log, stdout=log)
        try:
            deadline = time.monotonic() + 60
            while "hitobot ready" not in log_path.read_text():
                if time.monotonic() > deadline or bot.poll() is not None:
                    raise RuntimeError("the bot did not start:\n" + log_path.read_text()[-2000:])
                time.sleep(0.05)
            db = Database(url)
            with db.session() as session:
                outbox.enqueue_many(session, [outbox.NewMessage(chat_id=c, text=f"aviso sintético {c}",
                                                                dedupe_key=f"shutdown:{c}")
                                              for c in range(600_000, 600_000 + notices)])
            client = EmulatorClient(emulator.root_url)
            time.sleep(1.0)  # the delivery job is sending (30/s)
            update_ids = {}
            for person in range(610_000, 610_005):
                sent = client.send_message("quien es responsable del hito 2 del compromiso 1", user_id=person)
                update_ids[person] = sent["update_id"]
            if mode == "hang":
                client.fail_next("*", kind="delay", count=10**6, delay=3600.0)
            else:
                emulator.stop()
            time.sleep(settle)
            signalled = time.monotonic()
            bot.send_signal(signal.SIGTERM)
            try:
                status = bot.wait(timeout=120)
            except subprocess.TimeoutExpired:
                bot.kill()
                status = "killed after 120 s"
            took = time.monotonic() - signalled
            with db.session() as session:
                states = Counter(session.scalars(select(OutboxMessage.state)
                                                 .where(OutboxMessage.dedupe_key.like("shutdown:%"))))
                queued_replies = set(session.scalars(select(OutboxMessage.chat_id).where(
                    OutboxMessage.kind == "reply", OutboxMessage.state.in_(("pending", "sending")))))
            db.dispose()
        finally:
            if bot.poll() is None:
                bot.kill()
        delivered = sum(1 for c in range(600_000, 600_000 + notices)
                        if emulator.emulator.state.messages.get(c))
        people = range(610_000, 610_005)
        confirmed = emulator.emulator.state.confirmed_update_id  # what the bot told Telegram it has
        at_telegram = [p for p in people if update_ids[p] > confirmed]  # redelivered after the restart
        replies_lost = [p for p in people if not emulator.emulator.state.messages.get(p)
                        and p not in queued_replies and p not in at_telegram]
        tail = log_path.read_text().splitlines()[-int(os.environ.get("SHUTDOWN_LOG_LINES", "6")):]
    return {"mode": mode, "exit_s": round(took, 2), "status": status, "notices": notices,
            "outbox_states": dict(states), "delivered_before_stop": delivered,
            "lost": states.get("failed", 0) + states.get("dropped", 0) + (notices - sum(states.values())),
            "replies_answered": sum(1 for p in people if emulator.emulator.state.messages.get(p)),
            "replies_queued_for_after_the_restart": len(queued_replies),
            "updates_still_at_telegram": len(at_telegram), "replies_lost": len(replies_lost),
            "log_tail": tail}



@pytest.mark.slow
@pytest.mark.parametrize("mode", ["hang", "refused"])
def test_sigterm_stops_the_bot_within_10_seconds_and_nothing_is_lost(mode):
    result = measure(mode)
    assert result["status"] == 0, result
    assert result["exit_s"] < 10, result
    assert result["lost"] == 0 and result["replies_lost"] == 0, result
