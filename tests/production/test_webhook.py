"""Webhook mode end to end: setWebhook reaches the Bot API emulator, an update POSTed with the
right secret is answered, a wrong or missing secret gets 403 and is not processed, and
/healthz reports the database, the last update and the outbox backlog."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram.ext import Application

from bot.health import Activity, HealthProbe
from bot.logging import install_update_logging, user_key_from_token
from bot.webhook import (
    SECRET_HEADER,
    WebhookConfig,
    WebhookConfigError,
    WebhookRunner,
    parse_listen,
)
from storage.db import Database
from storage.repositories import outbox
from tests.emulator.client import AsyncEmulatorClient
from tests.emulator.server import EmulatorServer

SECRET = "s3cret_Token-for-tests"
PUBLIC_URL = "https://bot.example.org/hitobot/telegram"
USER = 4242


@pytest.fixture
async def aemu(emulator: EmulatorServer) -> AsyncIterator[AsyncEmulatorClient]:
    client = AsyncEmulatorClient(emulator.root_url)
    yield client
    await client.aclose()


@pytest.fixture
async def served(echo_app: Application, db: Database) -> AsyncIterator[tuple[WebhookRunner, Activity]]:
    activity = Activity()
    install_update_logging(echo_app, activity, user_key_from_token("t"))
    config = WebhookConfig.from_settings(PUBLIC_URL, "127.0.0.1:0", SECRET)
    runner = WebhookRunner(echo_app, config, HealthProbe(db, activity))
    assert await runner.start()
    yield runner, activity
    await runner.stop()


def local_url(runner: WebhookRunner, path: str | None = None) -> str:
    return f"http://127.0.0.1:{runner.port}{path or runner.config.path}"


async def post_update(runner: WebhookRunner, update: dict, secret: str | None) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with httpx.AsyncClient() as http:
        return await http.post(local_url(runner), json=update, headers=headers)


async def get_health(runner: WebhookRunner) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.get(local_url(runner, "/healthz"))


async def test_set_webhook_reaches_the_bot_api_with_the_public_url(served, emulator: EmulatorServer):
    assert emulator.emulator.state.webhook_url == PUBLIC_URL
    assert emulator.emulator.state.counters["calls:setWebhook"] == 1


async def test_update_with_the_right_secret_is_answered(served, aemu: AsyncEmulatorClient):
    runner, activity = served
    update = await aemu.send_message("hola <mundo>", user_id=USER)
    response = await post_update(runner, update, SECRET)
    assert response.status_code == 200
    [reply] = await aemu.wait_for_messages(USER, 1)
    assert reply["text"] == "eco: hola <mundo>"
    assert activity.updates_processed == 1


async def test_a_replayed_update_is_processed_once(served, aemu: AsyncEmulatorClient):
    runner, activity = served
    update = await aemu.send_message("una sola vez", user_id=USER)
    for _ in range(3):  # Telegram redelivers, or someone replays the POST
        response = await post_update(runner, update, SECRET)
        assert response.status_code == 200
    await aemu.wait_for_messages(USER, 1)
    await asyncio.sleep(0.3)
    assert len(await aemu.sent(USER)) == 1
    assert activity.updates_processed == 1


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
async def test_update_without_the_right_secret_is_refused_and_not_processed(
        served, aemu: AsyncEmulatorClient, secret: str | None):
    runner, activity = served
    update = await aemu.send_message("no deberías verme", user_id=USER)
    response = await post_update(runner, update, secret)
    assert response.status_code == 403
    await asyncio.sleep(0.3)
    assert await aemu.sent(USER) == []
    assert activity.updates_processed == 0


async def test_unreadable_body_is_a_bad_request_not_a_crash(served):
    runner, activity = served
    async with httpx.AsyncClient() as http:
        response = await http.post(local_url(runner), content=b"{not json",
                                   headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert activity.updates_processed == 0


async def test_healthz_reports_database_last_update_and_outbox_backlog(
        served, aemu: AsyncEmulatorClient, db: Database):
    runner, _ = served
    before = await get_health(runner)
    assert before.status_code == 200
    body = before.json()
    assert body["database"]["reachable"] is True
    assert body["last_update_at"] is None
    assert body["outbox_backlog"] == 0

    await post_update(runner, await aemu.send_message("hola", user_id=USER), SECRET)
    await aemu.wait_for_messages(USER, 1)
    with db.session() as session:
        outbox.enqueue_many(session, [outbox.NewMessage(chat_id=USER + i, text="aviso",
                                                        dedupe_key=f"synthetic-{i}") for i in range(3)])
    after = (await get_health(runner)).json()
    assert after["last_update_at"] is not None
    assert after["updates_processed"] == 1
    assert after["outbox_backlog"] == 3


async def test_healthz_is_503_when_the_database_is_unreachable(echo_app: Application, tmp_path):
    unreachable = Database(f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}")
    config = WebhookConfig.from_settings(PUBLIC_URL, "127.0.0.1:0", SECRET)
    runner = WebhookRunner(echo_app, config, HealthProbe(unreachable, Activity()))
    assert await runner.start()
    try:
        response = await get_health(runner)
    finally:
        await runner.stop()
    assert response.status_code == 503
    assert response.json()["database"]["reachable"] is False


async def test_a_failing_handler_is_logged_as_an_error_and_the_server_keeps_serving(
        served, aemu: AsyncEmulatorClient, caplog):
    runner, activity = served
    caplog.set_level("INFO", logger="hitobot.updates")
    assert (await post_update(runner, await aemu.send_message("/boom", user_id=USER), SECRET)).status_code == 200
    await post_update(runner, await aemu.send_message("sigo aquí", user_id=USER), SECRET)
    [reply] = await aemu.wait_for_messages(USER, 1)
    assert reply["text"] == "eco: sigo aquí"
    lines = [r.getMessage() for r in caplog.records if r.name == "hitobot.updates"
             and r.getMessage().startswith("update ")]
    assert any("type=command:boom" in line and "outcome=error:RuntimeError" in line for line in lines)
    assert any("type=message:text" in line and "outcome=ok" in line for line in lines)
    assert all(str(USER) not in line for line in lines)  # ids are hashed
    assert activity.updates_failed == 1


def test_listen_and_secret_settings_are_validated():
    assert parse_listen("0.0.0.0:8443") == ("0.0.0.0", 8443)
    assert parse_listen("[::1]:9000") == ("::1", 9000)
    assert parse_listen("8080") == ("127.0.0.1", 8080)
    with pytest.raises(WebhookConfigError):
        WebhookConfig.from_settings(PUBLIC_URL, "127.0.0.1:8443", "has spaces")
    with pytest.raises(WebhookConfigError):
        WebhookConfig.from_settings("ftp://x", "127.0.0.1:8443", SECRET)
    generated = WebhookConfig.from_settings(PUBLIC_URL, "127.0.0.1:8443", None)
    assert len(generated.secret) >= 32 and generated.path == "/hitobot/telegram"
