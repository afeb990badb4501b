"""Days are Guatemala's: what was reported at 8:30 p.m. on 30 June is "30 de junio", though it
was already 1 July in UTC, the time everything is stored in. (Synthetic data.)"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from knowledge.clock import local_day
from knowledge.schema import CurrentStatus
from participation.updates import notice_text
from storage.models.participation import FeedbackReport
from tests.participation.conftest import MEMBER
from tests.participation.test_conversations import _approved_member, _report_a_delay

EVENING_IN_GUATEMALA = dt.datetime(2025, 7, 1, 2, 30, tzinfo=dt.UTC)  # 30 June, 20:30 in Guatemala


def test_a_stored_instant_falls_on_its_day_in_guatemala():
    assert local_day(EVENING_IN_GUATEMALA) == dt.date(2025, 6, 30)
    assert local_day(EVENING_IN_GUATEMALA.replace(tzinfo=None)) == dt.date(2025, 6, 30)  # as SQLite returns it
    assert local_day(dt.datetime(2025, 7, 1, 6, 0, tzinfo=dt.UTC)) == dt.date(2025, 7, 1)  # midnight there


async def test_a_report_sent_in_the_evening_is_listed_on_its_day_in_guatemala(pbot):
    await _approved_member(pbot)
    await pbot.say("/monitoreo", MEMBER)
    await _report_a_delay(pbot)
    with pbot.db.session() as s:
        s.scalars(select(FeedbackReport)).one().created_at = EVENING_IN_GUATEMALA
    await pbot.say("/mis_reportes", MEMBER)
    listed = pbot.texts_to(MEMBER)[-1]
    assert "30 de junio de 2025" in listed and "1 de julio" not in listed, listed


def test_an_update_notice_gives_the_day_it_was_posted_in_guatemala(pdata):
    plan = pdata.plans[0]
    commitment = plan.commitments[0]
    before = commitment.hitos[0]
    after = before.model_copy(update={"current": CurrentStatus(
        status="en_progreso", progress=40, kind="user", author="INSTA", since=EVENING_IN_GUATEMALA)})
    notice = notice_text(pdata, plan, commitment, before, after, "INSTA", 40, "es")
    assert "Lo reportó INSTA el 30 de junio de 2025." in notice, notice
