"""Fixtures for the bot's tests: the Bot API emulator, an offline bot, and recorded requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram import Update

from bot.app import build_application
from bot.config import Settings
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.conftest import fresh_database
from tests.emulator.fixtures import emu, emulator  # noqa: F401
from tests.emulator.local_request import LocalRequest

ROOT = Path(__file__).resolve().parents[2]
TEST_DATABASE_ENV = "HITOBOT_TEST_DATABASE_URL"  # the root conftest's convention


class OfflineBot:
    """An Application on a local transport: feed updates, read what the bot sent."""

    def __init__(self, application, request: LocalRequest, knowledge: FakeKnowledge):
        self.app = application
        self.request = request
        self.knowledge = knowledge
        self._ids = iter(range(1, 10**9))

    async def process(self, payload: dict) -> None:
        payload = {"update_id": next(self._ids), **payload}
        await self.app.process_update(Update.de_json(payload, self.app.bot))

    @staticmethod
    def user(user_id: int, language_code: str | None = "es") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": f"Persona <{user_id}>"}
        if language_code:
            user["language_code"] = language_code
        return user

    async def say(self, text: str, user_id: int = 1001, language_code: str | None = "es") -> None:
        message = {"message_id": next(self._ids), "date": 1_700_000_000, "text": text,
                   "from": self.user(user_id, language_code), "chat": {"id": user_id, "type": "private"}}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.process({"message": message})

    async def press(self, data: str, user_id: int = 1001, language_code: str | None = "es") -> None:
        message = {"message_id": 1, "date": 1_700_000_000, "text": "x",
                   "chat": {"id": user_id, "type": "private"}}
        await self.process({"callback_query": {"id": f"q{next(self._ids)}", "data": data, "chat_instance": "ci",
                                               "from": self.user(user_id, language_code), "message": message}})

    async def inline(self, query: str, offset: str = "", user_id: int = 1001) -> None:
        await self.process({"inline_query": {"id": f"i{next(self._ids)}", "query": query, "offset": offset,
                                             "from": self.user(user_id)}})


@pytest.fixture
async def offline_bot():
    data = synthetic_data()
    knowledge = FakeKnowledge(data)
    request = LocalRequest()
    settings = Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot")
    application = build_application(settings, knowledge=knowledge, data=data, request=request,
                                    rate_limiter=None, persistence=None)
    async with application:
        await application.post_init(application)
        request.clear()
        yield OfflineBot(application, request, knowledge)


@pytest.fixture(scope="module")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of its own for a bot process (its first start migrates and loads it)."""
    with fresh_database("hitobot_e2e", tmp_path_factory.mktemp("bot-db")) as url:
        yield url
