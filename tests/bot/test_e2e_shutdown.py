"""Stopping the bot leaves nothing open: after the delivery worker has sent a notice (its HTTP
connection pool is open), SIGTERM ends `hitobot run` with no "Unclosed client session" in the
log; and a delivery round that outlives the shutdown opens no new pool. (Synthetic people.)"""

from __future__ import annotations

import pytest

from participation.delivery import BotApiSender
from storage.db import Database
from storage.repositories import outbox
from tests.bot.live import plain, running_bot

TOKEN = "123456:E2E-shutdown-synthetic"
PERSON = 8201


@pytest.mark.e2e
def test_a_clean_shutdown_after_a_delivered_notice_logs_no_unclosed_session(tmp_path):
    url = f"sqlite:///{tmp_path / 'shutdown.sqlite3'}"
    with running_bot(tmp_path, url, TOKEN) as (client, _env, log_path):
        db = Database(url)
        with db.session() as session:  # a notice in the outbox, as a focal point's update leaves one
            outbox.enqueue_many(session, [outbox.NewMessage(PERSON, "aviso sintético", "shutdown:1")])
        db.dispose()
        client.wait_for(lambda: any(plain(m) == "aviso sintético" for m in client.sent(PERSON)), 15,
                        what="the delivery worker to send the notice")
    log = log_path.read_text()
    assert "Application.stop() complete" in log  # it did stop by itself, cleanly
    assert "Unclosed client session" not in log and "Unclosed connector" not in log, log[-2000:]


async def test_a_round_after_the_shutdown_opens_no_connection_pool(monkeypatch):
    import aiohttp

    opened: list[aiohttp.ClientSession] = []

    real = aiohttp.ClientSession

    def recorded(*args, **kwargs) -> aiohttp.ClientSession:
        opened.append(session := real(*args, **kwargs))
        return session

    monkeypatch.setattr(aiohttp, "ClientSession", recorded)
    for sent_before in (False, True):  # the first notice ever, or one more
        sender = BotApiSender(TOKEN, "http://127.0.0.1:9/bot")  # nothing listens there
        if sent_before:
            await sender.send(PERSON, "aviso sintético", None)  # the bot at work: a pool is opened
        await sender.close()  # post_shutdown
        outcome = await sender.send(PERSON, "aviso sintético", None)  # a round still running
        assert outcome.kind == "retry"  # the message stays queued for the next start
        assert [s.closed for s in opened] == [True] * len(opened), "a pool left open at exit"
    assert len(opened) == 1  # only the bot at work opened one
    for session in opened:
        await session.close()
