"""A running bot, and an open `hitobot chat`, answer from a catalogue imported meanwhile, without a
restart (bot/reload.py): the services level, the Application's JobQueue job, the chat loop.

The database is SQLite, or PostgreSQL with HITOBOT_TEST_DATABASE_URL; the knowledge base and
the catalogue rows are SYNTHETIC."""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import pytest

from bot import reload
from bot.app import build_application, load_services
from bot.config import Settings
from knowledge.catalogue_io import CatalogueRow
from knowledge.schema import Practice
from participation.context import SERVICES_KEY
from storage.db import Database
from storage.sync import import_practices
from tests.emulator.local_request import LocalRequest

# SYNTHETIC practice, invented for the tests
PRACTICE = Practice(id="SYN-4", title="Faros comunitarios sintéticos", institution="Ministerio Sintético de Pruebas",
                    sphere="social", ods=[7])
QUESTION = "qué prácticas hay en el catálogo"


def import_one(db: Database, practice: Practice = PRACTICE) -> None:
    """What `hitobot import-catalogue` does in its own process: one transaction, then done."""
    with db.session() as session:
        import_practices(session, [CatalogueRow(2, practice, True)], "catalogo_sintetico.csv")


@pytest.fixture
def settings(db: Database, synthetic_data_dir: Path) -> Settings:
    return Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot",
                    database_url=db.url, data_dir=synthetic_data_dir, data_check_seconds=0.2)


def test_services_read_the_knowledge_base_again_only_when_the_database_changed(settings, db) -> None:
    services = load_services(settings)
    try:
        assert services.data_version is not None and services.data.practices == []
        assert reload.refresh_services(services) is False  # nothing changed: nothing read
        old_knowledge = services.knowledge
        services.chart_cache[("x",)] = b"png"
        import_one(db)
        assert reload.refresh_services(services) is True
        assert services.knowledge is not old_knowledge and not services.chart_cache
        assert [p.id for p in services.data.practices] == ["SYN-4"]
        card = services.knowledge.card("pSYN-4", "es")
        assert card is not None and PRACTICE.title in card.text
        assert reload.refresh_services(services) is False
        import_one(db)  # the same file again: nothing changed, no load run that changed anything
        assert reload.refresh_services(services) is False
    finally:
        services.close()


def test_services_not_read_from_the_database_are_not_watched(settings) -> None:
    services = load_services(settings)
    try:
        services.data_version = None  # as when a test hands over its own knowledge core
        assert reload.refresh_services(services) is False
    finally:
        services.close()


async def test_the_running_application_sees_an_import_within_seconds(settings, db) -> None:
    application = build_application(settings, request=LocalRequest(), rate_limiter=None)
    async with application:
        await application.post_init(application)
        assert [j.name for j in application.job_queue.jobs()].count(reload.JOB_NAME) == 1
        await application.start()  # the JobQueue runs from here
        try:
            services = application.bot_data[SERVICES_KEY]
            assert services.knowledge.card("pSYN-4", "es") is None
            await asyncio.to_thread(import_one, db)
            deadline = time.monotonic() + 10
            while services.knowledge.card("pSYN-4", "es") is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            card = services.knowledge.card("pSYN-4", "es")
            assert card is not None and PRACTICE.title in card.text
            assert PRACTICE.title in services.knowledge.ask(QUESTION).text
        finally:
            await application.stop()
        await application.post_shutdown(application)


def test_no_job_without_a_check_interval(settings) -> None:
    from dataclasses import replace

    application = build_application(replace(settings, data_check_seconds=0), request=LocalRequest(),
                                    rate_limiter=None)

    async def started() -> list[str]:
        async with application:
            await application.post_init(application)
            names = [j.name for j in application.job_queue.jobs()]
            await application.post_shutdown(application)
            return names

    assert reload.JOB_NAME not in asyncio.run(started())


def test_data_check_seconds_from_the_environment() -> None:
    from bot.config import ConfigError

    assert Settings.from_env({}, dotenv=False).data_check_seconds == 5.0
    assert Settings.from_env({"DATA_CHECK_SECONDS": "0"}, dotenv=False).data_check_seconds == 0
    with pytest.raises(ConfigError, match="DATA_CHECK_SECONDS"):
        Settings.from_env({"DATA_CHECK_SECONDS": "pronto"}, dotenv=False)


class ImportingInput(io.StringIO):
    """Standard input for `converse` that runs an import just before the second line is read."""

    def __init__(self, text: str, db: Database) -> None:
        super().__init__(text)
        self.db, self.lines = db, 0

    def readline(self, *args) -> str:  # type: ignore[override]
        self.lines += 1
        if self.lines == 2:
            import_one(self.db)
        return super().readline(*args)


def test_an_open_chat_answers_from_the_new_catalogue(settings, db) -> None:
    from bot.commands.chat import converse

    services = load_services(settings)
    database, knowledge, version = services.database, services.knowledge, services.data_version
    try:
        refresher = reload.ChatRefresher(database, version, knowledge)
        out = io.StringIO()
        converse(knowledge, ImportingInput(f"{QUESTION}\n{QUESTION}\n", db), out, refresh=refresher)
        before, after = out.getvalue().split("> ")[1:3]
        assert PRACTICE.title not in before
        assert PRACTICE.title in after
        assert refresher.knowledge is not knowledge
    finally:
        database.dispose()
