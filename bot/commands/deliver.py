"""`hitobot deliver`: run the outbox delivery worker on its own (next to, or instead of, the bot's).

Several of these may run at once against one PostgreSQL database: claims use
FOR UPDATE SKIP LOCKED and the send rate is shared through the database (docs/delivery.md).
SIGTERM / Ctrl-C stop it gracefully (claimed but unsent messages are given back).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys

from bot.config import Settings

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    parser.add_argument("--rate", type=float, default=30.0, help="messages per second, all workers together (default 30)")
    parser.add_argument("--per-chat-interval", type=float, default=1.0, help="seconds between two messages to one chat (default 1)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    parser.add_argument("--batch", type=int, default=0, help="messages per claim (default: ~0.5 s of sending)")
    parser.add_argument("--lease", type=float, default=60.0, help="lease seconds (default 60)")
    parser.add_argument("--backoff-base", type=float, default=1.0, help="first retry delay after a 5xx (default 1 s)")
    parser.add_argument("--worker-id", default=None, help="name of this worker in the outbox (default host:pid:random)")
    parser.add_argument("--stats", action="store_true", help="print the worker's counters as JSON at the end")


def delivery_settings(args: argparse.Namespace):
    from participation.delivery import DeliverySettings

    return DeliverySettings(global_rate=args.rate, per_chat_interval=args.per_chat_interval,
                            concurrency=args.concurrency, batch_size=args.batch, lease_seconds=args.lease,
                            backoff_base=args.backoff_base)


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    from participation.delivery import BotApiSender, DeliveryWorker
    from storage.db import Database

    db = Database(settings.database_url)
    sender = BotApiSender(settings.require_token(), settings.telegram_base_url, pool=max(8, args.concurrency * 2))
    worker = DeliveryWorker(db.session, sender, delivery_settings(args), worker_id=args.worker_id)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("delivery worker %s: %.1f msg/s overall, 1 per %.1f s per chat", worker.worker_id,
             args.rate, args.per_chat_interval)
    try:
        stats = await worker.run(stop, until_idle=args.once)
    finally:
        await sender.close()
        db.dispose()
    if args.stats:
        print(json.dumps(stats.as_dict()))
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Database steps run in threads; a short GIL switch interval keeps the event loop, which
    # paces the sends, from waiting up to 5 ms behind them (fewer late, skipped send slots).
    sys.setswitchinterval(0.0005)
    return asyncio.run(_main(args, settings))
