"""Flood control: 30 messages in 10 s are slowed down politely; others are not delayed."""

from __future__ import annotations

from handlers.flood import FloodControl


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_a_steady_rate_and_one_notice_per_flood():
    clock = Clock()
    flood = FloodControl(burst=10, rate=1.0, clock=clock)
    results = []
    for i in range(30):  # 30 messages in 10 seconds
        clock.now = i / 3
        results.append(flood.check(1))
    allowed = sum(a for a, _ in results)
    assert 10 <= allowed <= 21
    assert sum(w for _, w in results) == 1  # one polite notice, not one per message
    clock.now = 60
    assert flood.check(1) == (True, False)  # after a pause the person is served again


def test_someone_else_is_not_affected():
    clock = Clock()
    flood = FloodControl(burst=5, rate=1.0, clock=clock)
    for _ in range(50):
        flood.check(1)
    assert flood.check(2) == (True, False)


async def test_flooding_person_gets_one_notice_while_another_is_answered(offline_bot):
    for i in range(30):
        await offline_bot.say(f"pregunta {i}", user_id=1)
    await offline_bot.say("hola", user_id=2)
    to_one = [p["text"] for p in offline_bot.request.of("sendMessage") if p["chat_id"] == 1]
    to_two = [p["text"] for p in offline_bot.request.of("sendMessage") if p["chat_id"] == 2]
    assert len(to_one) < 30
    assert sum("rápido" in t for t in to_one) == 1
    assert len(to_two) == 1 and "Eco: hola" in to_two[0]
