"""Start-up: `hitobot run` pauses the garbage collector, and the end of post_init resumes it."""

from __future__ import annotations

import gc

import pytest

from bot import startup
from bot.app import build_application
from bot.config import Settings
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.emulator.local_request import LocalRequest


def test_pause_then_resume_restores_the_collector() -> None:
    assert gc.isenabled()
    try:
        startup.pause_gc()
        startup.pause_gc()  # idempotent
        assert not gc.isenabled()
    finally:
        startup.resume_gc()
    assert gc.isenabled()
    startup.resume_gc()  # nothing paused: a no-op
    assert gc.isenabled()


def test_resume_leaves_a_collector_someone_else_turned_off_alone() -> None:
    gc.disable()
    try:
        startup.pause_gc()
        startup.resume_gc()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_the_bot_is_ready_with_the_collector_on_again() -> None:
    data = synthetic_data()
    request = LocalRequest()
    settings = Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot")
    application = build_application(settings, knowledge=FakeKnowledge(data), data=data, request=request,
                                    rate_limiter=None)
    startup.pause_gc()
    try:
        async with application:
            await application.post_init(application)
            assert gc.isenabled()
            assert request.counts.get("setMyCommands", 0) == 3
    finally:
        startup.resume_gc()
        gc.enable()


def test_the_default_transports_share_one_tls_context_and_keep_ptbs_pool_sizes() -> None:
    settings = Settings(telegram_token="123456:OFFLINE")
    application = build_application(settings)
    bot = application.bot
    api, updates = bot.request, bot._request[0]  # PTB keeps (get_updates_request, request)
    assert api is not updates
    assert api._client_kwargs["verify"] is updates._client_kwargs["verify"]
    assert api._client_kwargs["limits"].max_connections == 256
    assert updates._client_kwargs["limits"].max_connections == 1
    assert api._client_kwargs["verify"].verify_mode.name == "CERT_REQUIRED"


def test_preparing_in_the_background_hands_over_the_result_or_the_error(tmp_path, monkeypatch) -> None:
    from bot.startup import prepare_in_background

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    settings = Settings.from_env()
    database, data, knowledge = prepare_in_background(settings).result(timeout=60)
    try:
        assert data.plans and knowledge.plan(data.plans[0].key) is not None
        assert database.is_at_head()
    finally:
        database.dispose()
    bad = Settings(telegram_token="123456:OFFLINE", database_url="sqlite:////nonexistent/dir/x.sqlite3")
    failing = prepare_in_background(bad)
    with pytest.raises(Exception):  # noqa: B017  (whatever the driver raises: handed over as is)
        failing.result(timeout=60)
