"""An update python-telegram-bot cannot read does not cost the rest of its getUpdates batch
(bot/updates.py: SkipUnparseableUpdates); the real Application polling the Bot API emulator.

Before, `Bot.get_updates` raised for the whole batch (and logged it, texts and all, at
CRITICAL), and the Updater fetched the same batch again forever: nobody got an answer.
All people and messages are synthetic.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.emulator.client import AsyncEmulatorClient
from tests.emulator.server import EmulatorServer

TOKEN = "123456:SYNTHETIC-unparseable"
PRIVATE = "texto-privado-sintético"  # what the malformed update carries: never in the log


def malformed_message(user_id: int) -> dict:
    """A message whose chat is a string: PTB's Update.de_json raises on it."""
    return {"message": {"message_id": 1, "date": 1_700_000_000, "text": f"{PRIVATE} hola",
                        "from": {"id": user_id, "is_bot": False, "first_name": f"{PRIVATE} Ana"},
                        "chat": f"{PRIVATE} chat"}}


async def test_an_unparseable_update_is_skipped_and_the_rest_of_its_batch_answered(
        emulator: EmulatorServer, caplog):
    caplog.set_level(logging.DEBUG)
    settings = Settings(telegram_token=TOKEN, telegram_base_url=emulator.base_url)
    data = synthetic_data()
    application = build_application(settings, knowledge=FakeKnowledge(data), data=data,
                                    persistence=None)
    aemu = AsyncEmulatorClient(emulator.root_url)
    # one batch: injected before the bot polls, fetched by its first getUpdates
    await aemu.send_message("/ayuda", user_id=5001)
    bad = await aemu._post("update", malformed_message(5002))
    await aemu.send_message("/ayuda", user_id=5003)
    async with application:
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0.0, timeout=1,
                                                allowed_updates=Update.ALL_TYPES)
        await application.start()
        try:
            assert len(await aemu.wait_for_messages(5001, 1)) == 1
            assert len(await aemu.wait_for_messages(5003, 1)) == 1
            # it keeps polling, past the bad update: a new message is answered too
            await aemu.send_message("/ayuda", user_id=5001)
            assert len(await aemu.wait_for_messages(5001, 2)) == 2
            pending = await aemu._get("pending")
            assert pending["pending"] == 0 and pending["confirmed_update_id"] > bad["update_id"]
            await asyncio.sleep(0.2)
            assert await aemu.sent(5002) == []  # an empty update: no handler answered it
        finally:
            await application.updater.stop()
            await application.stop()
            await aemu.aclose()

    skipped = [r for r in caplog.records if r.name == "bot.updates"]
    assert [(r.levelno, r.getMessage()) for r in skipped] == [
        (logging.WARNING, f"skipped update {bad['update_id']}: python-telegram-bot cannot read it "
                          "(TypeError)")]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert PRIVATE not in caplog.text
    assert not [r for r in caplog.records if PRIVATE in r.getMessage()]
