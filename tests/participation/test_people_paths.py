"""Issue 14 through the real handlers (offline bot, synthetic data): an institution's staff
member becomes focal point from /registro with one tap of an admin; /enlace by @username and
twice; a typed choice at every kind of button step; /monitoreo's plans on a fixed day.

The synthetic knowledge base of conftest.py gets an older plan 'pan8' (ended 30 June 2091)
with commitment 7, so that there is an older, closed plan beside 'pan9' (2090-2092).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from knowledge.schema import Commitment, Hito, KnowledgeData, PartialDate, Plan
from storage.models.knowledge import HitoRow, HitoStatusChange
from storage.models.participation import OscMembership
from storage.repositories import participation as repo
from tests.participation.conftest import (
    ADMIN,
    CITIZEN,
    FOCAL_A,
    MEMBER,
    SRC,
    synthetic_participation_data,
)


@pytest.fixture
def pdata() -> KnowledgeData:
    base = synthetic_participation_data()
    older = Plan(key="pan8", number=8, title="Plan sintético anterior", period_label="2089-2091",
                 start=PartialDate.parse("2089-07-01"), end=PartialDate.parse("2091-06-30"), source=SRC,
                 commitments=[Commitment(number=7, title="Compromiso sintético siete", responsible=["INSTB"],
                                         hitos=[Hito(number=1, text="Hito sintético del plan anterior",
                                                     responsible=["INSTB"], source=SRC)], source=SRC)])
    return KnowledgeData(actors=base.actors, plans=[older, *base.plans], statuses=base.statuses)


def _said(bot, user: int) -> str:
    return "\n".join(bot.texts_to(user))


def _last(bot, user: int) -> str:
    return bot.texts_to(user)[-1]


async def test_institution_staff_apply_from_registro_and_one_tap_makes_them_focal_point(pbot):
    await pbot.say("/registro", CITIZEN)
    await pbot.press("pa:rt:i", CITIZEN)
    await pbot.say("Beto Sintético", CITIZEN)
    listed = [d for d in pbot.buttons_to(CITIZEN) if d.startswith("pa:ri:")]
    assert listed == ["pa:ri:inst_a", "pa:ri:inst_b"]  # the institutions, not the OSC
    await pbot.say("instb", CITIZEN)  # by its acronym, typed
    await pbot.press("pa:rc:skip", CITIZEN)
    assert "enlace" in _last(pbot, CITIZEN)  # the consent says what it is for
    await pbot.press("pa:rk:yes", CITIZEN)
    with pbot.db.session() as s:
        membership = repo.latest_membership(s, CITIZEN)
        assert (membership.organisation_key, membership.state) == ("inst_b", "pending")
    await pbot.say("/pendientes", ADMIN)
    queue = _last(pbot, ADMIN)
    assert "enlace de Institución Sintética B (INSTB)" in queue and "organización nueva" not in queue
    assert f"pa:mi:{membership.id}" in pbot.buttons_to(ADMIN)
    assert f"pa:ma:{membership.id}" not in pbot.buttons_to(ADMIN)  # not an OSC member
    await pbot.press(f"pa:mi:{membership.id}", MEMBER)  # forged by a non-admin: refused
    with pbot.db.session() as s:
        assert repo.focal_point_institutions(s, CITIZEN) == []
    await pbot.press(f"pa:mi:{membership.id}", ADMIN)
    with pbot.db.session() as s:
        assert repo.focal_point_institutions(s, CITIZEN) == ["inst_b"]
        assert s.get(OscMembership, membership.id).state == repo.FOCAL
        assert not repo.is_osc_member(s, CITIZEN)
    assert any("Fuiste nombrado enlace de: INSTB" in m.text for m in pbot.queued_to(CITIZEN))
    await pbot.press(f"pa:mi:{membership.id}", ADMIN)  # a second tap changes nothing
    assert "ya fue decidida" in pbot.alerts()[-1]
    await pbot.say("/registro", CITIZEN)
    assert "Ya eres enlace de: Institución Sintética B (INSTB)" in _last(pbot, CITIZEN)


async def test_enlace_takes_an_username_and_says_when_someone_already_is_focal_point(pbot):
    async def said_by_admin(text: str) -> str:
        await pbot.say(text, ADMIN)
        return _last(pbot, ADMIN)

    assert "No sé quién es @beto_sintetico" in await said_by_admin("/enlace @beto_sintetico INSTA")
    user = pbot.user(CITIZEN) | {"username": "Beto_Sintetico"}
    await pbot.process({"message": {"message_id": 77, "date": 1_700_000_000, "text": "hola",
                                    "from": user, "chat": {"id": CITIZEN, "type": "private"}}})
    first = await said_by_admin("/enlace @beto_sintetico INSTA")
    assert f"@beto_sintetico ({CITIZEN}) nombrado enlace de: INSTA" in first
    second = await said_by_admin(f"/enlace {CITIZEN} INSTA, INSTB")
    assert "nombrado enlace de: INSTB" in second and "ya era enlace de: INSTA" in second
    third = await said_by_admin(f"/enlace {CITIZEN} INSTA")
    assert "ya era enlace de: INSTA" in third and "nombrado" not in third
    with pbot.db.session() as s:
        assert repo.focal_point_institutions(s, CITIZEN) == ["inst_a", "inst_b"]
    assert len([m for m in pbot.queued_to(CITIZEN) if "Fuiste nombrado" in m.text]) == 2  # no repeat notice


async def test_a_whole_update_by_typing_instead_of_pressing(pbot):
    await pbot.say(f"/enlace {FOCAL_A} INSTA", ADMIN)
    await pbot.say("/actualizar", FOCAL_A)
    await pbot.say("el 2", FOCAL_A)  # the second hito offered: c1h2
    assert "Compromiso 1, hito 2" in _last(pbot, FOCAL_A)
    await pbot.say("¿y esto qué es?", FOCAL_A)  # not one of the statuses: reminded, same step
    assert "/cancelar" in _last(pbot, FOCAL_A) and "estado" not in _last(pbot, FOCAL_A)
    await pbot.say("en progreso", FOCAL_A)
    await pbot.say("40", FOCAL_A)
    await pbot.say("Avance sintético", FOCAL_A)
    await pbot.press("pa:ue:skip", FOCAL_A)
    await pbot.say("confirmar", FOCAL_A)
    with pbot.db.session() as s:
        change = s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).one()
        assert (s.get(HitoRow, change.hito_id).number, change.status_key, change.progress) == (2, "en_progreso", 40)


async def test_registro_typed_choices_and_an_organisation_that_is_not_of_the_plans(pbot):
    await pbot.say("/registro", MEMBER)
    await pbot.say("sociedad civil", MEMBER)  # the first step's button, typed
    assert "nombre completo" in _last(pbot, MEMBER)
    await pbot.say("Ana Sintética", MEMBER)
    await pbot.say("Colectivo Sintético Z", MEMBER)  # none of the plans': asked, not assumed
    assert "No encuentro" in _last(pbot, MEMBER) and "pa:rn:new" in pbot.buttons_to(MEMBER)
    await pbot.say("es otra", MEMBER)
    await pbot.say("omitir", MEMBER)  # the contact step's button, typed: no contact stored
    await pbot.say("tal vez", MEMBER)  # neither "Acepto" nor "No acepto"
    assert "/cancelar" in _last(pbot, MEMBER)
    await pbot.say("acepto", MEMBER)
    with pbot.db.session() as s:
        membership = repo.latest_membership(s, MEMBER)
        assert (membership.organisation_name, membership.organisation_key, membership.contact) == (
            "Colectivo Sintético Z", None, None)


async def test_monitoreo_lists_the_newest_plan_first_and_marks_closed_plans(pbot_with_core):
    bot = pbot_with_core
    knowledge = bot.app.bot_data["services"].knowledge
    with bot.db.session() as s:
        repo.touch_person(s, MEMBER)
        repo.apply_for_membership(s, MEMBER, "Ana Sintética", "Organización Sintética X", "osc_x", None)
        repo.decide_membership(s, repo.latest_membership(s, MEMBER).id, True, ADMIN)

    knowledge.today = lambda: dt.date(2091, 7, 1)  # the day after pan8 ended; pan9 runs to 2092
    await bot.say("/monitoreo", MEMBER)
    text = _last(bot, MEMBER)
    assert text.index("Plan sintético (vigente)") < text.index("Plan sintético anterior (cerrado: terminó el "
                                                                "30 de junio de 2091)")
    assert [d for d in bot.buttons_to(MEMBER) if d.startswith("pa:fc:")] == ["pa:fc:pan9.c1", "pa:fc:pan8.c7"]
    await bot.say("/cancelar", MEMBER)

    knowledge.today = lambda: dt.date(2091, 6, 30)  # its last day: not closed yet
    await bot.say("/monitoreo", MEMBER)
    assert "cerrado" not in _last(bot, MEMBER)
    await bot.say("7", MEMBER)  # typed: commitment 7
    assert "Compromiso 7" in _last(bot, MEMBER) and "Plan sintético anterior" in _last(bot, MEMBER)


async def test_a_conversation_left_half_way_closes_and_later_questions_are_answered_again(pbot, monkeypatch):
    import asyncio

    from participation import common

    for handler in (h for group in pbot.app.handlers.values() for h in group):
        if getattr(handler, "conversation_timeout", None):
            monkeypatch.setattr(handler, "_conversation_timeout", 0.3)  # 30 minutes, for the test
    await pbot.app.job_queue.start()
    try:
        await pbot.say(f"/enlace {FOCAL_A} INSTA", ADMIN)
        await pbot.say("/actualizar", FOCAL_A)
        await pbot.say("¿y esto qué es?", FOCAL_A)
        assert "/cancelar" in _last(pbot, FOCAL_A)  # at the step: reminded
        await asyncio.sleep(1.0)
        assert "cerré este trámite" in _last(pbot, FOCAL_A)  # told, once, that it closed
        await pbot.say("¿y esto qué es?", FOCAL_A)
        assert "/cancelar" not in _last(pbot, FOCAL_A)  # an answer again, not a reminder
    finally:
        await pbot.app.job_queue.stop()
    assert common.CONVERSATION_TIMEOUT.total_seconds() >= 600  # people on slow networks get a real while


async def test_hito_buttons_are_cut_between_words(pbot, pdata):
    hito = pdata.plans[-1].commitments[0].hitos[0]  # SYNTHETIC: a hito whose text is longer than a button
    hito.text = "Hito sintético con un texto larguísimo sobre inventarios costeros, linternas y escaleras de faros"
    await pbot.say(f"/enlace {FOCAL_A} INSTA", ADMIN)
    await pbot.say("/actualizar", FOCAL_A)
    labels = [b["text"] for e, p in pbot.request.calls if e == "sendMessage" and isinstance(p.get("reply_markup"), dict)
              for row in p["reply_markup"]["inline_keyboard"] for b in row if b.get("callback_data", "").startswith("pa:uh:")]
    long = [label for label in labels if "hito 1:" in label]
    assert long and all(label.endswith("…") and len(label) <= 60 for label in long)
    words = set(hito.text.replace(",", "").split())
    assert all(w in words for label in long for w in label.rstrip("…").split(": ", 1)[1].replace(",", "").split())
