"""Participation replies go out by the bot's one reply path (participation.messaging.reply): a reply
the Bot API cannot take now is handed to the outbox and delivered later (synthetic data)."""

from __future__ import annotations

from sqlalchemy import select
from telegram.error import NetworkError

from participation.delivery import DeliveryWorker
from storage.models.participation import OutboxMessage
from tests.participation.conftest import CITIZEN
from tests.participation.test_outbox_worker import FAST, FakeSender


async def test_a_participation_reply_the_api_refused_is_queued_and_delivered_later(pbot):
    answer_normally = pbot.request.do_request

    async def api_down(url, method, request_data=None, *args, **kwargs):
        if url.endswith("/sendMessage"):
            raise NetworkError("synthetic outage: connection refused")
        return await answer_normally(url, method, request_data, *args, **kwargs)

    pbot.request.do_request = api_down
    await pbot.say("/suscripciones", CITIZEN)
    pbot.request.do_request = answer_normally
    assert pbot.texts_to(CITIZEN) == []  # nothing reached the chat...
    with pbot.db.session() as s:
        (queued,) = s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == CITIZEN)).all()
        assert queued.state == "pending" and "Tus suscripciones" in queued.text
        assert queued.reply_markup and queued.reply_markup["inline_keyboard"]  # its buttons kept
    sender = FakeSender()  # ...and the delivery worker sends it once the API is back
    await DeliveryWorker(pbot.db.session, sender, FAST).run(until_idle=True, time_budget=10)
    assert [chat for chat, text in sender.delivered if "Tus suscripciones" in text] == [CITIZEN]
