"""Concurrent updates in order per chat and per person (bot/updates.py); synthetic updates."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.updates import ChatOrderedUpdateProcessor


def _update(update_id: int, user: int, chat: int | None = None) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "text": "hola",
        "from": {"id": user, "is_bot": False, "first_name": "Sintética"},
        "chat": {"id": chat or user, "type": "private" if chat is None else "group"}}}, None)


async def test_same_person_in_order_one_at_a_time_others_meanwhile():
    processor = ChatOrderedUpdateProcessor(8)
    log: list[tuple[str, int]] = []
    release_slow = asyncio.Event()

    async def handle(update_id: int, slow: bool = False) -> None:
        log.append(("start", update_id))
        if slow:
            await release_slow.wait()
        await asyncio.sleep(0)
        log.append(("end", update_id))

    updates = [(_update(1, 10), True), (_update(2, 10), False), (_update(3, 20), False),
               (_update(4, 30, chat=-5), False), (_update(5, 10, chat=-5), False)]
    tasks = [asyncio.create_task(processor.process_update(u, handle(u.update_id, slow)))
             for u, slow in updates]
    await asyncio.sleep(0.05)
    # person 10's first update is slow: their second waits, and so does what they wrote in the
    # group (same person); everyone else was answered meanwhile
    assert ("end", 3) in log and ("end", 4) in log
    assert ("start", 2) not in log and ("start", 5) not in log
    release_slow.set()
    await asyncio.gather(*tasks)
    assert log.index(("end", 1)) < log.index(("start", 2)) < log.index(("end", 2))
    assert log.index(("end", 4)) < log.index(("start", 5))  # same group, in order
    assert processor.locks_held == 0  # nothing kept per person once idle


async def test_a_failing_update_releases_its_locks():
    processor = ChatOrderedUpdateProcessor(4)

    async def boom() -> None:
        raise RuntimeError("sintético")

    async def fine() -> str:
        return "ok"

    first = asyncio.create_task(processor.process_update(_update(1, 10), boom()))
    second = asyncio.create_task(processor.process_update(_update(2, 10), fine()))
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and results[1] is None
    assert processor.locks_held == 0
