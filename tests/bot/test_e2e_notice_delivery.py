"""A subscriber's notice goes out through python-telegram-bot's Bot like every other message
(participation.delivery): the real bot (`hitobot run`) against the Bot API emulator answers
its first attempts with a 429 and a 502; the notice is retried, not dropped, and arrives once,
as HTML, with its unsubscribe button. (A synthetic person.)"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models.participation import OutboxMessage
from storage.repositories import outbox
from tests.bot.live import plain, running_bot

TOKEN = "123456:E2E-notice-synthetic"
PERSON = 8301
MARKUP = {"inline_keyboard": [[{"text": "Dejar de seguir", "callback_data": "pa:u:pan6.c3h2"}]]}


@pytest.mark.e2e
def test_a_notice_outlives_a_429_and_a_5xx_and_arrives_once_with_its_button(tmp_path):
    url = f"sqlite:///{tmp_path / 'notice.sqlite3'}"
    with running_bot(tmp_path, url, TOKEN) as (client, _env, _log):
        before = client.counters()
        client.fail_next("sendMessage", "429", count=1, retry_after=1)
        client.fail_next("sendMessage", "5xx", count=1, status=502)
        db = Database(url)
        try:
            with db.session() as session:
                outbox.enqueue_many(session, [outbox.NewMessage(
                    PERSON, "<b>Compromiso 3, hito 2</b>\nEstado: En progreso → Completado", "e2e:notice:1",
                    "notice", MARKUP)])
            queued = time.monotonic()
            client.wait_for(lambda: client.sent(PERSON), 30, what="the notice, after a 429 and a 502")
            waited = time.monotonic() - queued
            time.sleep(2.0)  # a second copy would have come by now
            sent = client.sent(PERSON)
            with db.session() as session:
                row = session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == "e2e:notice:1")).one()
                state, message_id, attempts = row.state, row.telegram_message_id, row.attempts
        finally:
            db.dispose()
        after = client.counters()
    assert after["faults:429"] - before.get("faults:429", 0) == 1
    assert after["faults:5xx"] - before.get("faults:5xx", 0) == 1
    assert waited >= 1.0  # the 429's retry_after was honoured
    assert len(sent) == 1  # retried until delivered, and delivered once
    assert plain(sent[0]).startswith("Compromiso 3, hito 2") and "<b>" not in plain(sent[0])  # read as HTML
    assert sent[0]["reply_markup"] == MARKUP  # the unsubscribe button, as queued
    assert (state, message_id) == ("sent", sent[0]["message_id"]) and attempts >= 3
