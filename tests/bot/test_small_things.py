"""Smaller promises of issue 15 (offline bot, synthetic people):

- an unknown command or a message that is not text gets a one-line hint with /ayuda;
- per-person state of people gone idle leaves the process's memory (flood buckets, user_data,
  chat_data), drafts in progress excepted.
"""

from __future__ import annotations

import gc
import tracemalloc

from handlers.flood import FLOOD_KEY, FloodControl, forget_idle_people

GROUP = -4_242


def _texts(bot, chat_id: int) -> list[str]:
    return [p.get("text", "") for e, p in bot.request.calls
            if e == "sendMessage" and int(p.get("chat_id", 0)) == chat_id]


async def test_unknown_commands_and_non_text_messages_get_a_hint(offline_bot):
    await offline_bot.say("/nosuchcommand 3", 1001)
    sticker = {"file_id": "S1", "file_unique_id": "S1", "type": "regular", "width": 1, "height": 1,
               "is_animated": False, "is_video": False}
    for extra in ({"sticker": sticker}, {"location": {"latitude": 14.6, "longitude": -90.5}},
                  {"voice": {"file_id": "V1", "file_unique_id": "V1", "duration": 2}}):
        await offline_bot.process({"message": {"message_id": 7, "date": 1_700_000_000,
                                               "from": offline_bot.user(1002),
                                               "chat": {"id": 1002, "type": "private"}, **extra}})
    (hint,) = _texts(offline_bot, 1001)
    assert "/nosuchcommand" in hint and "/ayuda" in hint
    assert len(_texts(offline_bot, 1002)) == 3 and all("/ayuda" in t for t in _texts(offline_bot, 1002))


async def test_in_a_group_only_a_command_addressed_to_the_bot_gets_the_hint(offline_bot):
    def group_message(text: str) -> dict:
        return {"message": {"message_id": 9, "date": 1_700_000_000, "text": text,
                            "from": offline_bot.user(1003),
                            "chat": {"id": GROUP, "type": "group", "title": "Grupo sintético"},
                            "entities": [{"type": "bot_command", "offset": 0,
                                          "length": len(text.split()[0])}]}}

    await offline_bot.process(group_message("/otrocomando"))
    await offline_bot.process(group_message("/otrocomando@otro_bot"))
    assert _texts(offline_bot, GROUP) == []
    await offline_bot.process(group_message("/otrocomando@hitobot_test_bot"))
    assert len(_texts(offline_bot, GROUP)) == 1


async def test_idle_peoples_state_leaves_memory(offline_bot):
    """Waves of new people, each followed by an hour of silence: what the process holds stops
    growing (before: ~600 B more per person who ever wrote, forever)."""
    now = [1000.0]
    flood = FloodControl(clock=lambda: now[0])
    offline_bot.app.bot_data[FLOOD_KEY] = flood

    async def wave(first: int, count: int = 400) -> None:
        for person in range(first, first + count):
            await offline_bot.say("/ayuda", person)
        offline_bot.request.clear()
        now[0] += 3601
        forget_idle_people(offline_bot.app)
        gc.collect()

    await wave(800_000)  # warm-up: caches, lazy imports, dict tables at their size
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    await wave(900_000)
    await wave(910_000)
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    per_person = grown / 800  # what is left is dict tables sized for one wave, not per person
    print(f"kept per person after they went idle: {per_person:.0f} B")
    assert per_person < 100
    assert len(flood) == 0 and not offline_bot.app.user_data and not offline_bot.app.chat_data


async def test_a_draft_in_progress_and_active_people_are_kept(offline_bot):
    now = [1000.0]
    offline_bot.app.bot_data[FLOOD_KEY] = FloodControl(clock=lambda: now[0])
    for person in (700_001, 700_002, 700_003):
        await offline_bot.say("/ayuda", person)
    await offline_bot.say("/buscar", 700_001)  # waiting for the words to search: kept
    now[0] += 3601
    await offline_bot.say("/ayuda", 700_002)  # active again: kept
    assert forget_idle_people(offline_bot.app) == 1
    assert set(offline_bot.app.user_data) == {700_001, 700_002}
