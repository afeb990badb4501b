"""A long report is shown whole: on its confirmation, and a long answer in /mis_reportes
(synthetic texts full of characters that HTML escaping makes longer)."""

from __future__ import annotations

import html

from tests.participation.conftest import FOCAL_A, MEMBER
from tests.participation.test_conversations import _appoint, _approved_member

REPORT = ('Obra & avance < lo previsto > según "vecinos" & fotos; ' * 80)[:3500].strip()


def _visible(bot, chat_id: int) -> str:
    return html.unescape("\n".join(bot.texts_to(chat_id)).replace("<b>", "").replace("</b>", ""))


async def test_a_3500_character_report_is_shown_whole_and_its_answer_too(pbot):
    assert len(REPORT) >= 3490
    await _approved_member(pbot)
    await _appoint(pbot, FOCAL_A, "INSTA")
    await pbot.say("/monitoreo", MEMBER)
    await pbot.press("pa:fc:1", MEMBER)
    await pbot.press("pa:fr:pan9.c1h1", MEMBER)
    await pbot.press("pa:fo:delayed", MEMBER)
    await pbot.say(REPORT, MEMBER)
    await pbot.press("pa:fa:skip", MEMBER)
    pbot.request.clear()
    await pbot.press("pa:fn:no", MEMBER)
    confirmation = "".join(_visible(pbot, MEMBER).split())
    assert "".join(REPORT.split()) in confirmation  # every character, across as many messages as needed
    assert pbot.buttons_to(MEMBER)[-2:] == ["pa:fk:yes", "pa:fk:no"]  # the buttons on the last one
    await pbot.press("pa:fk:yes", MEMBER)
    from sqlalchemy import select

    from storage.models.participation import FeedbackReport

    with pbot.db.session() as s:
        report_id = s.scalars(select(FeedbackReport.id)).one()
    await pbot.press(f"pa:fx:{report_id}", FOCAL_A)
    await pbot.say(REPORT[:3000], FOCAL_A)
    pbot.request.clear()
    await pbot.say("/mis_reportes", MEMBER)
    assert "".join(REPORT[:3000].split()) in "".join(_visible(pbot, MEMBER).split())
