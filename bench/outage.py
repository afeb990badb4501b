"""Bench: a Bot API outage in real time, with the delivery worker's production settings.

    .venv/bin/python bench/outage.py --outage 600 --notices 200
    .venv/bin/python bench/outage.py --outage 120 --db postgresql+psycopg://postgres@127.0.0.1:5432/test

SYNTHETIC notices are queued, the local Bot API emulator is stopped (connections refused) for
`--outage` seconds while one delivery worker with the default settings (30 messages/s, 1 s per
chat, backoff 1 s doubling to 120 s) keeps trying, then the emulator comes back on the same
port. Printed: how many notices arrived, how many never did (lost), how many arrived more than
once (repeated), the attempts the worker made meanwhile, and how long after the Bot API came
back the last one arrived (bounded by the backoff cap plus the sending time at 30/s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOKEN = "123456:BENCH-synthetic-outage"


async def run(args: argparse.Namespace, database_url: str) -> dict:
    from sqlalchemy import select

    from participation.delivery import BotApiSender, DeliverySettings, DeliveryWorker
    from storage.db import Database
    from storage.models.participation import OutboxMessage
    from storage.repositories import outbox
    from tests.emulator.server import EmulatorServer

    db = Database(database_url)
    db.upgrade()
    emulator = EmulatorServer().start()
    port = emulator.port
    emulator.stop()  # down from the start: every attempt is refused
    chats = range(700_000, 700_000 + args.notices)
    with db.session() as session:
        outbox.enqueue_many(session, [outbox.NewMessage(chat_id=c, text=f"aviso sintético {c}",
                                                        dedupe_key=f"outage-bench:{c}") for c in chats])
    sender = BotApiSender(TOKEN, emulator.base_url)
    worker = DeliveryWorker(db.session, sender, DeliverySettings())
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    started = time.monotonic()
    await asyncio.sleep(args.outage)
    retried_during = worker.stats.retried
    back = EmulatorServer(port=port).start()
    back_at = time.monotonic()
    deadline = back_at + args.drain_timeout
    received = Counter()
    last_arrival = None
    while time.monotonic() < deadline:
        received = Counter({c: len(r) for c, r in back.emulator.state.messages.items()})
        if sum(received.values()) > getattr(run, "_seen", 0):
            run._seen = sum(received.values())  # type: ignore[attr-defined]
            last_arrival = time.monotonic()
        if len(received) >= args.notices:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # a repeat would arrive now
    received = Counter({c: len(r) for c, r in back.emulator.state.messages.items()})
    stop.set()
    await asyncio.wait_for(running, 30)
    await sender.close()
    back.stop()
    with db.session() as session:
        states = Counter(session.scalars(select(OutboxMessage.state)))
    db.dispose()
    return {
        "outage_s": args.outage, "notices": args.notices,
        "delivered": sum(1 for c in chats if received.get(c)),
        "lost": sum(1 for c in chats if not received.get(c)),
        "repeated": sum(1 for c in chats if received.get(c, 0) > 1),
        "attempts_during_outage": retried_during,
        "last_arrival_after_recovery_s": round(last_arrival - back_at, 1) if last_arrival else None,
        "outbox_states": dict(states), "wall_s": round(time.monotonic() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=600.0, help="seconds the Bot API is down (default 600)")
    parser.add_argument("--notices", type=int, default=200, help="notices queued (default 200)")
    parser.add_argument("--drain-timeout", type=float, default=300.0,
                        help="seconds to wait for everything after the outage (default 300)")
    parser.add_argument("--db", default="", help="a PostgreSQL server URL (a fresh database is made); default SQLite")
    args = parser.parse_args()
    from tests.conftest import fresh_database

    with tempfile.TemporaryDirectory() as tmp, fresh_database("hitobot_bench_outage", Path(tmp), args.db) as url:
        result = asyncio.run(run(args, url))
    print(json.dumps(result))
    return 0 if result["lost"] == 0 and result["repeated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
