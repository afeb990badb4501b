"""A `hitobot deliver` worker SIGKILLed in the middle of a fan-out, then started again.

Nothing may be lost, and what is sent twice is bounded by the worker's in-flight limit: the
sends that were on the wire when the process died (docs/delivery.md, "the one window that
cannot be closed": the Bot API cannot say whether those arrived).  Runs on SQLite and, with
HITOBOT_TEST_DATABASE_URL, on PostgreSQL.  The subscribers are synthetic.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models.participation import OutboxMessage
from storage.repositories import outbox
from tests.emulator.fixtures import emu, emulator  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
MESSAGES, RATE, CONCURRENCY, FIRST_CHAT = 400, 200.0, 8, 810_000_000


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_repeats_at_most_its_sends_in_flight(db, emu):  # noqa: F811
    with db.session() as s:
        outbox.enqueue_many(s, [outbox.NewMessage(FIRST_CHAT + i, f"aviso sintético {i}", f"kill:{i}")
                                for i in range(MESSAGES)])
    emu.set_rate(RATE)
    env = os.environ | {"TELEGRAM_TOKEN": "123456:KILL", "TELEGRAM_BASE_URL": emu.base_url,
                        "DATABASE_URL": db.url, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "bot.cli", "deliver", "--rate", str(RATE * 0.95),
           "--per-chat-interval", "1", "--concurrency", str(CONCURRENCY), "--lease", "3",
           "--backoff-base", "0.2"]
    first = subprocess.Popen([*cmd, "--worker-id", "doomed"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while emu.counters().get("calls:sendMessage", 0) < MESSAGES // 3:
            assert time.monotonic() < deadline, "the first worker never got going"
            assert first.poll() is None, "the first worker ended by itself"
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)  # mid-send: no graceful stop, no marks flushed
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    killed_at = emu.counters().get("calls:sendMessage", 0)
    assert killed_at < MESSAGES, "the fan-out ended before the kill: nothing was tested"
    second = subprocess.run([*cmd, "--once", "--worker-id", "heir"], cwd=ROOT, env=env, timeout=120)
    assert second.returncode == 0

    per_chat = collections.Counter(m["chat"]["id"] for m in emu.sent())
    assert sorted(per_chat) == list(range(FIRST_CHAT, FIRST_CHAT + MESSAGES)), "a notice was lost"
    repeated = sum(n - 1 for n in per_chat.values())
    assert repeated <= CONCURRENCY, f"{repeated} repeated: more than the {CONCURRENCY} in flight"
    with db.session() as s:
        states = dict(s.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    assert states == {outbox.SENT: MESSAGES}
    print(f"killed after {killed_at} sends; {repeated} repeated (bound {CONCURRENCY})")
