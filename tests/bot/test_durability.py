"""What survives a restart or an outage: the chosen language (database), an answer the Bot API
could not take (the outbox), and the cheap "already at head" start-up check.

Offline: the whole Application on a local transport with the synthetic knowledge base, on the
test database (SQLite, or PostgreSQL with HITOBOT_TEST_DATABASE_URL).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from sqlalchemy import event, select
from telegram.error import NetworkError

from bot.app import build_application
from bot.config import Settings
from storage.models.participation import OutboxMessage
from storage.repositories.preferences import chosen_locale
from tests.bot.conftest import OfflineBot
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.emulator.local_request import LocalRequest

SETTINGS = Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot")


class FlakyRequest(LocalRequest):
    """The local transport, but sendMessage fails while `down` is True (the API is unreachable)."""

    down = False

    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        if self.down and url.endswith("/sendMessage"):
            self.counts["failed"] = self.counts.get("failed", 0) + 1
            raise NetworkError("synthetic outage: connection refused")
        return await super().do_request(url, method, request_data, *args, **kwargs)


@asynccontextmanager
async def running_bot(db, request=None):
    """An offline bot whose services use the test database (a 'process' of the bot)."""
    data = synthetic_data()
    knowledge = FakeKnowledge(data)
    request = request or LocalRequest()
    application = build_application(SETTINGS, db=db, knowledge=knowledge, data=data,
                                    request=request, rate_limiter=None)
    async with application:
        await application.post_init(application)
        request.clear()
        yield OfflineBot(application, request, knowledge)


async def test_the_chosen_language_survives_a_restart(db):
    async with running_bot(db) as bot:
        await bot.say("/idioma en", user_id=4242, language_code="es")
    with db.session() as session:
        assert chosen_locale(session, 4242) == "en"
    async with running_bot(db) as restarted:  # a new process: empty user_data
        await restarted.say("/ayuda", user_id=4242, language_code="es")
        await restarted.say("/ayuda", user_id=4343, language_code="es")  # someone else
        english, spanish = (p["text"] for p in restarted.request.of("sendMessage"))
    assert "What I can do" in english
    assert "Lo que puedo hacer" in spanish


async def test_a_first_message_asks_the_database_only_about_people_who_picked_a_language(db):
    async with running_bot(db) as bot:
        await bot.say("/idioma en", user_id=4545)
    asked: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if "preferences" in statement:
            asked.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        async with running_bot(db) as restarted:
            at_start = len(asked)  # who picked a language: one query for everyone
            for user_id in range(9001, 9021):  # twenty people who never picked one
                await restarted.say("/ayuda", user_id=user_id, language_code="es")
            assert len(asked) == at_start
            assert "Lo que puedo hacer" in restarted.request.of("sendMessage")[-1]["text"]
            await restarted.say("/ayuda", user_id=4545, language_code="es")  # the one who did
            assert "What I can do" in restarted.request.of("sendMessage")[-1]["text"]
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


async def test_changing_the_language_again_overwrites_the_stored_choice(db):
    async with running_bot(db) as bot:
        await bot.say("/idioma en", user_id=5151)
        await bot.say("/idioma es", user_id=5151)
    with db.session() as session:
        assert chosen_locale(session, 5151) == "es"


async def test_an_answer_the_api_refused_is_queued_in_the_outbox_not_lost(db):
    request = FlakyRequest()
    async with running_bot(db, request) as bot:
        request.down = True
        await bot.say("una pregunta sobre el plan", user_id=6161)
        assert request.counts.get("failed") == 1
        assert not bot.request.of("answerCallbackQuery") and not bot.request.of("sendMessage")
    with db.session() as session:
        (queued,) = session.scalars(select(OutboxMessage)).all()
    assert queued.chat_id == 6161 and queued.state == "pending"
    assert "una pregunta sobre el plan" in queued.text  # the fake core echoes the question
    assert queued.reply_markup and queued.reply_markup["inline_keyboard"]  # buttons kept


async def test_the_same_update_redelivered_is_not_queued_twice(db):
    request = FlakyRequest()
    async with running_bot(db, request) as bot:
        request.down = True
        update = {"update_id": 99, "message": {
            "message_id": 1, "date": 1_700_000_000, "text": "hola otra vez",
            "from": bot.user(7171), "chat": {"id": 7171, "type": "private"}}}
        for _ in range(2):
            from telegram import Update

            await bot.app.process_update(Update.de_json(update, bot.app.bot))
    with db.session() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 1


async def test_without_a_database_the_failure_still_reaches_the_error_handler():
    request = FlakyRequest()
    async with running_bot(None, request) as bot:
        request.down = True
        await bot.say("una pregunta", user_id=8181)
        assert request.counts.get("failed", 0) >= 2  # the answer, then the apology, both failed
