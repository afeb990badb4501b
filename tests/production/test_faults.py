"""Faults a production bot survives without a restart.

- PostgreSQL only: every connection of the bot is killed (pg_terminate_backend, what a server
  restart does to a client): the next database work succeeds at once, the delivery worker keeps
  running and /healthz stays healthy.
- The Bot API unreachable for "a minute": OUTAGE_SECONDS (5 s) stands in for the minute and the
  retry timings are scaled by the same factor, so the defaults are what is tested. Connections
  are refused (the emulator is down) for outbox delivery, and every call fails with 502 for
  polling; nothing is lost and everything is delivered once it is back.
- The Bot API unreachable for ten minutes (a clock scaled 100x: 6 s, with the retry timings
  and the send rate scaled alike): 200 notices are all delivered once it is back, none twice,
  and /healthz shows the age of the oldest one while they wait.
All people and messages are synthetic.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool
from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.health import Activity, HealthProbe
from participation.delivery import BotApiSender, DeliverySettings, DeliveryWorker
from storage.db import Database
from storage.models.participation import OutboxMessage
from storage.repositories import outbox
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.emulator.client import AsyncEmulatorClient
from tests.emulator.server import EmulatorServer

TOKEN = "123456:SYNTHETIC-faults"
OUTAGE_SECONDS = 5.0  # stands in for one minute
SCALE = OUTAGE_SECONDS / 60.0
POLL_TIMEOUT = 1.0
DEFAULTS = DeliverySettings()
SCALED = dataclasses.replace(  # Telegram's limits; only the retry timings are scaled
    DEFAULTS, backoff_base=DEFAULTS.backoff_base * SCALE, backoff_max=DEFAULTS.backoff_max * SCALE,
    per_chat_interval=0.0, idle_sleep=0.05, request_timeout=2.0)


def enqueue(db: Database, chats: range, key: str) -> None:
    with db.session() as session:
        outbox.enqueue_many(session, [outbox.NewMessage(chat_id=c, text=f"aviso sintético {c}",
                                                        dedupe_key=f"{key}:{c}") for c in chats])


def states(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter(session.scalars(select(OutboxMessage.state)))


def delivered_per_chat(*servers: EmulatorServer) -> Counter[int]:
    return Counter(chat for server in servers for chat, records in server.emulator.state.messages.items()
                   for _ in records)


async def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


def terminate_other_connections(db: Database) -> int:
    admin = create_engine(db.url, poolclass=NullPool)
    try:
        with admin.connect() as connection:
            return connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    finally:
        admin.dispose()


async def test_killed_database_connections_are_replaced_without_a_restart(db: Database,
                                                                          emulator: EmulatorServer):
    if not db.is_postgresql:
        pytest.skip("PostgreSQL only (set HITOBOT_TEST_DATABASE_URL)")
    sender = BotApiSender(TOKEN, emulator.base_url)
    worker = DeliveryWorker(db.session, sender, SCALED)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    probe = HealthProbe(db, Activity())
    try:
        enqueue(db, range(1, 11), "before")
        await wait_for(lambda: len(delivered_per_chat(emulator)) == 10, 20, "first 10 deliveries")
        await asyncio.sleep(0.2)  # the worker's connection is back in the pool, idle

        assert terminate_other_connections(db) >= 1

        with db.session() as session:  # the first query after the kill already works
            assert session.execute(text("SELECT 1")).scalar_one() == 1
        assert (await probe.check()).http_status == 200
        enqueue(db, range(11, 21), "after")
        await wait_for(lambda: len(delivered_per_chat(emulator)) == 20, 20, "10 more deliveries")
        assert not running.done(), "the delivery worker stopped"
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
        await sender.close()
    assert set(delivered_per_chat(emulator).values()) == {1}
    assert states(db) == Counter({"sent": 20})


async def test_outbox_survives_a_bot_api_outage_with_connections_refused(db: Database):
    first = EmulatorServer().start()
    port = first.port
    enqueue(db, range(100, 110), "early")
    sender = BotApiSender(TOKEN, first.base_url, timeout=SCALED.request_timeout)
    worker = DeliveryWorker(db.session, sender, SCALED)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    second: EmulatorServer | None = None
    try:
        await wait_for(lambda: len(delivered_per_chat(first)) == 10, 20, "deliveries before the outage")
        first.stop()  # the Bot API is unreachable: connections are refused
        enqueue(db, range(200, 230), "during")
        await asyncio.sleep(OUTAGE_SECONDS)
        assert states(db)["sent"] == 10
        assert worker.stats.retried > 0  # it kept trying
        second = EmulatorServer(port=port).start()
        await wait_for(lambda: len(delivered_per_chat(second)) == 30, 30, "deliveries after the outage")
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
        await sender.close()
        if second is not None:
            second.stop()
    assert set(delivered_per_chat(first, second).values()) == {1}  # nothing lost, nothing twice
    assert states(db) == Counter({"sent": 40})


async def test_a_ten_minute_outage_loses_nothing_and_repeats_nothing(db: Database):
    scale = 0.01  # 600 s -> 6 s: backoff (1 s .. 120 s) and the rate (30/s) scaled alike
    settings = dataclasses.replace(
        DEFAULTS, backoff_base=DEFAULTS.backoff_base * scale, backoff_max=DEFAULTS.backoff_max * scale,
        global_rate=DEFAULTS.global_rate / scale, concurrency=32, per_chat_interval=0.0,
        idle_sleep=0.01, request_timeout=2.0)
    emulator = EmulatorServer().start()
    port = emulator.port
    emulator.stop()  # the Bot API is down: connections are refused
    enqueue(db, range(1000, 1200), "outage")
    sender = BotApiSender(TOKEN, emulator.base_url, timeout=settings.request_timeout)
    worker = DeliveryWorker(db.session, sender, settings)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    probe = HealthProbe(db, Activity())
    back: EmulatorServer | None = None
    try:
        await asyncio.sleep(600 * scale)
        assert worker.stats.retried >= 200 * 8  # every notice was tried more than the old cap of 8
        assert states(db) == Counter({"pending": 200}) or states(db)["sent"] == 0
        report = (await probe.check()).as_json()
        assert report["outbox_backlog"] == 200
        assert report["outbox_oldest_undelivered_seconds"] >= 600 * scale - 0.5
        back = EmulatorServer(port=port).start()
        await wait_for(lambda: sum(delivered_per_chat(back).values()) >= 200, 30,
                       "deliveries after the outage")
        await asyncio.sleep(0.3)  # anything sent twice would arrive now
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
        await sender.close()
        if back is not None:
            back.stop()
    assert delivered_per_chat(back) == Counter({chat: 1 for chat in range(1000, 1200)})
    assert states(db) == Counter({"sent": 200})
    assert (await probe.check()).as_json()["outbox_oldest_undelivered_seconds"] is None


async def test_polling_bot_answers_what_people_said_during_a_bot_api_outage(emulator: EmulatorServer):
    settings = Settings(telegram_token=TOKEN, telegram_base_url=emulator.base_url)
    data = synthetic_data()
    application = build_application(settings, knowledge=FakeKnowledge(data), data=data,
                                    persistence=None)
    aemu = AsyncEmulatorClient(emulator.root_url)
    people = [3001, 3002, 3003]
    async with application:
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0.0, timeout=int(POLL_TIMEOUT),
                                                allowed_updates=Update.ALL_TYPES)
        await application.start()
        try:
            await aemu.send_message("/start", user_id=999)
            await aemu.wait_for_messages(999, 1)
            await aemu.fail_next("*", kind="5xx", count=10**6, status=502)
            await asyncio.sleep(POLL_TIMEOUT + 0.5)  # the long poll in flight ends; the rest fail
            for person in people:
                await aemu.send_message("/ayuda", user_id=person)
            await asyncio.sleep(OUTAGE_SECONDS - POLL_TIMEOUT - 0.5)
            for person in people:
                assert await aemu.sent(person) == []
            await aemu._post("faults", {"clear": True})
            for person in people:
                replies = await aemu.wait_for_messages(person, 1, timeout=30)
                assert len(replies) == 1
        finally:
            await application.updater.stop()
            await application.stop()
            await aemu.aclose()
