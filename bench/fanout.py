"""Fan-out bench: N synthetic subscribers notified through the local Bot API emulator.

The emulator (a subprocess) enforces an allowed global rate (answers 429 above it) and the bench
injects ~1% 429s (retry_after 1) and ~1% 5xx while the run lasts.  One or more `hitobot deliver`
worker processes drain the outbox.  Optionally one worker is SIGKILLed mid-run and restarted.
At the end every subscriber's chat in the emulator is counted: lost (0 messages) and duplicated
(more than 1), and the achieved rate is computed from the delivery times.

All subscribers are synthetic (generated here, chat ids from 900_000_000).

    .venv/bin/python bench/fanout.py                               # SQLite, 1 worker, 10,000 at 1,000/s
    .venv/bin/python bench/fanout.py --kill                        # SIGKILL a worker mid-run, restart it
    .venv/bin/python bench/fanout.py --workers 3 \\
        --db postgresql+psycopg://postgres@127.0.0.1:5432/test     # three workers, one PostgreSQL outbox
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storage.db import Database, normalize_url  # noqa: E402
from storage.models.participation import OutboxMessage, Person, Subscription, utcnow  # noqa: E402
from tests.emulator.client import EmulatorClient  # noqa: E402

FIRST_CHAT = 900_000_000
TOKEN = "123456:BENCH"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_emulator() -> tuple[subprocess.Popen, EmulatorClient]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()  # "listening on ..."
    return proc, EmulatorClient(f"http://127.0.0.1:{port}", timeout=60)


def fresh_database(url: str | None) -> tuple[str, callable]:
    """A new empty database: a temp SQLite file, or a new PostgreSQL database next to `url`."""
    if not url:
        path = Path(tempfile.mkdtemp()) / "fanout.sqlite3"
        return f"sqlite:///{path}", lambda: None
    server = normalize_url(url)
    name = f"hitobot_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def fan_out(db: Database, subscribers: int) -> float:
    """Create synthetic subscribers of c1h1 and queue one notice for each; returns seconds."""
    from participation.notify import notify_subscribers

    now = utcnow()
    with db.session() as s:
        s.execute(Person.__table__.insert(), [
            {"id": FIRST_CHAT + i, "display_name": f"Suscriptor sintético {i}", "locale": "es" if i % 5 else "en",
             "is_admin": False, "active": True, "notify_mode": "instant", "digest_hour": 18, "created_at": now}
            for i in range(subscribers)])
        s.execute(Subscription.__table__.insert(), [
            {"person_id": FIRST_CHAT + i, "ref": "c1h1", "created_at": now} for i in range(subscribers)])
    started = time.perf_counter()
    with db.session() as s:
        queued = notify_subscribers(s, ["c1h1", "c1"], "bench:status:1",
                                    lambda loc: "<b>Compromiso 1, hito 1</b>\nNuevo estado (aviso sintético)")
    assert queued == subscribers, queued
    return time.perf_counter() - started


def worker_cmd(args: argparse.Namespace, index: int) -> list[str]:
    return [sys.executable, "-m", "bot.cli", "deliver", "--once", "--rate", str(args.rate * args.headroom),
            "--per-chat-interval", "1", "--concurrency", str(in_flight(args)), "--lease", str(args.lease),
            "--backoff-base", "0.2", "--stats", "--worker-id", f"bench-{index}-{uuid.uuid4().hex[:4]}"]


def in_flight(args: argparse.Namespace) -> int:
    """Sends in flight per worker: enough for ~150 ms of answers at its share of the rate (the
    emulator answers in 5-60 ms on a busy machine, plus the mark's commit), at least 16."""
    return args.concurrency or max(16, math.ceil(args.rate * 0.15 / args.workers))


def inject_faults(emu: EmulatorClient, fraction: float, stop: threading.Event) -> None:
    """About `fraction` of sendMessage calls answer 429 and another `fraction` answer 5xx.

    Every 0.1 s, faults for the calls made since the last tick are queued (so the share holds
    at any speed); the emulator answers the next calls with them.
    """
    done, owed = emu.counters().get("calls:sendMessage", 0), 0.0
    while not stop.wait(0.1):
        calls = emu.counters().get("calls:sendMessage", 0)
        owed += (calls - done) * fraction
        done = calls
        if owed >= 1:
            count, owed = int(owed), owed - int(owed)
            emu.fail_next("sendMessage", "429", count=count, retry_after=1)
            emu.fail_next("sendMessage", "5xx", count=count, status=502)


def outbox_left(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.state.in_(("pending", "sending"))))


def run(args: argparse.Namespace) -> dict:
    url, drop = fresh_database(args.db)
    db = Database(url)
    db.upgrade()
    emu_proc, emu = start_emulator()
    workers: list[subprocess.Popen] = []
    try:
        enqueue_seconds = fan_out(db, args.subscribers)
        emu.set_rate(args.rate)
        env = os.environ | {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BASE_URL": emu.base_url,
                            "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        stop_faults = threading.Event()
        faults = threading.Thread(target=inject_faults, args=(emu, args.faults, stop_faults), daemon=True)
        faults.start()
        started = time.monotonic()
        workers = [subprocess.Popen(worker_cmd(args, i), cwd=ROOT, env=env) for i in range(args.workers)]
        killed_at = None
        if args.kill:
            target = int(args.subscribers * 0.4)
            while emu.counters().get("calls:sendMessage", 0) < target:
                time.sleep(0.05)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            killed_at = emu.counters().get("calls:sendMessage", 0)
            workers[0] = subprocess.Popen(worker_cmd(args, 99), cwd=ROOT, env=env)
        deadline = time.monotonic() + args.timeout
        while outbox_left(db) and time.monotonic() < deadline:
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        stop_faults.set()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        sent = emu.sent()
        counters = emu.counters()
        with db.session() as s:
            times = sorted(t for (t,) in s.execute(select(OutboxMessage.sent_at).where(OutboxMessage.sent_at.is_not(None))))
            states = dict(s.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
        emu_proc.terminate()
        emu_proc.wait()
        db.dispose()
        drop()
    per_chat = collections.Counter(m["chat"]["id"] for m in sent)
    expected = range(FIRST_CHAT, FIRST_CHAT + args.subscribers)
    lost = sum(1 for c in expected if per_chat[c] == 0)
    duplicated = sum(max(0, per_chat[c] - 1) for c in expected)
    if times and times[0].tzinfo is None:
        times = [t.replace(tzinfo=dt.UTC) for t in times]
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else float("nan")
    # steady rate: deliveries per second over the seconds where the outbox still had fresh work
    buckets = collections.Counter(int((t - times[0]).total_seconds()) for t in times)
    full_seconds = sorted(buckets)[:-1] if len(buckets) > 2 else sorted(buckets)
    busy = [buckets[s] for s in full_seconds if buckets[s] >= 0.5 * args.rate]
    peak = max(_window_peak(times), 0)
    return {
        "subscribers": args.subscribers, "workers": args.workers, "db": make_url(url).get_backend_name(),
        "allowed_rate": args.rate, "worker_rate": args.rate * args.headroom, "enqueue_s": enqueue_seconds,
        "elapsed_s": elapsed, "delivery_span_s": span, "overall_rate": len(times) / span if span else 0,
        "steady_rate": sum(busy) / len(busy) if busy else 0.0, "peak_1s_window": peak,
        "lost": lost, "duplicated": duplicated, "emulator_messages": len(sent),
        "injected_429": counters.get("faults:429", 0), "injected_5xx": counters.get("faults:5xx", 0),
        "rate_cap_429": counters.get("rate_limited", 0), "states": states, "killed_after_calls": killed_at,
    }


def _window_peak(times: list[dt.datetime]) -> int:
    """Most deliveries recorded in any sliding one-second window."""
    peak, start = 0, 0
    for end, t in enumerate(times):
        while (t - times[start]).total_seconds() >= 1.0:
            start += 1
        peak = max(peak, end - start + 1)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="allowed rate the emulator enforces")
    parser.add_argument("--headroom", type=float, default=0.99, help="workers' rate as a fraction of it")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=0,
                        help="sends in flight per worker (default: ~150 ms of its share of the rate)")
    parser.add_argument("--lease", type=float, default=4.0)
    parser.add_argument("--faults", type=float, default=0.01, help="fraction of 429s and of 5xx injected")
    parser.add_argument("--kill", action="store_true", help="SIGKILL the first worker at 40%% and restart it")
    parser.add_argument("--db", default=None, help="PostgreSQL server URL (default: a temp SQLite file)")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    r = run(args)
    ok = r["lost"] == 0 and r["duplicated"] == 0 and r["steady_rate"] >= 0.95 * r["allowed_rate"]
    print(f"fan-out bench (synthetic subscribers): {r['subscribers']} on {r['db']}, {r['workers']} worker(s)"
          + (f", worker SIGKILLed after {r['killed_after_calls']} sendMessage calls and restarted" if args.kill else ""))
    print(f"  allowed rate {r['allowed_rate']:.0f}/s (workers aim at {r['worker_rate']:.0f}/s, "
          f"{in_flight(args)} in flight each); "
          f"injected {r['injected_429']} x 429 and {r['injected_5xx']} x 5xx; rate-cap 429s: {r['rate_cap_429']}")
    print(f"  queued in {r['enqueue_s']:.2f} s; delivered in {r['delivery_span_s']:.2f} s "
          f"(first to last delivery), whole run {r['elapsed_s']:.2f} s")
    print(f"  steady rate {r['steady_rate']:.0f}/s = {r['steady_rate'] / r['allowed_rate']:.1%} of allowed; "
          f"overall {r['overall_rate']:.0f}/s = {r['overall_rate'] / r['allowed_rate']:.1%}; "
          f"busiest 1-s window {r['peak_1s_window']}")
    print(f"  lost {r['lost']}, duplicated {r['duplicated']}, messages in emulator {r['emulator_messages']}, "
          f"outbox {r['states']}")
    print("  RESULT:", "OK" if ok else "BELOW GOAL")


if __name__ == "__main__":
    main()
