"""One person's slow or failing reply never delays another person's (the real Application,
polling the Bot API emulator; synthetic people).

A flood: 20 people each write once a second for 6 seconds (120 updates, 20 replies/s, under
Telegram's 30/s). Meanwhile one person's reply meets three 502s in a row, and another's meets
a 429 with retry_after 5 (faults the emulator gives for that chat only). Measured: the time
from each of the 20 people's messages reaching the Bot API to their reply reaching it. Before
concurrent updates with per-chat order, everyone waited for the 502 retries (~2.1 s) and the
429 (5 s: PTB's rate limiter halted every request). `bench/flood.py` prints the same figures.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.emulator.client import AsyncEmulatorClient
from tests.emulator.server import EmulatorServer

TOKEN = "123456:SYNTHETIC-flood"
PEOPLE = list(range(4001, 4021))
FAILING_502, FAILING_429 = 4100, 4101


async def run_flood(emulator: EmulatorServer, seconds: int = 6, concurrent: bool = True) -> dict:
    """The flood above; returns the latencies (s) of the 20 people's replies and of the two
    unlucky ones'."""
    settings = Settings(telegram_token=TOKEN, telegram_base_url=emulator.base_url)
    data = synthetic_data()
    kwargs = {} if concurrent else {"concurrent_updates": 1}
    application = build_application(settings, knowledge=FakeKnowledge(data), data=data, **kwargs)
    aemu = AsyncEmulatorClient(emulator.root_url)
    sent_at: dict[int, list[float]] = {}
    async with application:
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0.0, timeout=1,
                                                allowed_updates=Update.ALL_TYPES)
        await application.start()
        try:
            await aemu._post("faults", {"method": "sendMessage", "kind": "5xx", "status": 502,
                                        "count": 3, "chat_id": FAILING_502})
            await aemu._post("faults", {"method": "sendMessage", "kind": "429", "retry_after": 5,
                                        "count": 1, "chat_id": FAILING_429})
            for second in range(seconds):
                tick = time.monotonic()
                if second == 0:
                    for unlucky in (FAILING_502, FAILING_429):
                        sent_at.setdefault(unlucky, []).append(time.monotonic())
                        await aemu.send_message("/ayuda", user_id=unlucky)
                for person in PEOPLE:
                    sent_at.setdefault(person, []).append(time.monotonic())
                    await aemu.send_message("/ayuda", user_id=person)
                await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                got = emulator.emulator.state.messages
                if all(len(got.get(p, [])) >= seconds for p in PEOPLE) and \
                        all(got.get(u) for u in (FAILING_502, FAILING_429)):
                    break
                await asyncio.sleep(0.05)
        finally:
            await application.updater.stop()
            await application.stop()
            await aemu.aclose()
    got = emulator.emulator.state.messages
    others = [record.at - asked for p in PEOPLE
              for asked, record in zip(sent_at[p], got.get(p, []), strict=False)]
    unlucky = {u: (got[u][0].at - sent_at[u][0]) if got.get(u) else None
               for u in (FAILING_502, FAILING_429)}
    return {"others": others, "replies": len(others), "expected": len(PEOPLE) * seconds,
            "unlucky": unlucky}


def summary(result: dict) -> dict:
    others = sorted(result["others"])
    p95 = others[max(0, int(round(0.95 * len(others))) - 1)] if others else None
    return {"replies": result["replies"], "expected": result["expected"],
            "p50_s": round(statistics.median(others), 3) if others else None,
            "p95_s": round(p95, 3) if p95 is not None else None,
            "max_s": round(others[-1], 3) if others else None,
            "three_502s_s": round(result["unlucky"][FAILING_502] or -1, 2),
            "429_retry_after_5_s": round(result["unlucky"][FAILING_429] or -1, 2)}


async def test_one_persons_failing_reply_does_not_delay_anyone_else():
    with EmulatorServer() as emulator:
        result = await run_flood(emulator)
    figures = summary(result)
    assert figures["replies"] == figures["expected"], figures
    assert figures["p95_s"] <= 0.5, figures
    assert figures["max_s"] < 1.5, figures  # nobody waited for the 502s (2.1 s) or the 429 (5 s)
    assert 2.0 <= figures["three_502s_s"] < 4.0, figures  # the unlucky ones were answered too
    assert figures["429_retry_after_5_s"] >= 5.0, figures
