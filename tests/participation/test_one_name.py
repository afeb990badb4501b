"""One name for each thing, wherever the bot shows it (issue 13 §2): a hito's title and status
read the same in a subscriber's notice, in its card and in /avance; the focal point's and the
subscriber's screens name the hito as the core does (knowledge.lookups)."""

from __future__ import annotations

import html
import re

import pytest

from knowledge.lookups import Lookups
from tests.participation.conftest import CITIZEN, FOCAL_A, synthetic_participation_data

# 214 characters: longer than the 200 a notice used to keep, within the 220 of the card
LONG_TEXT = ("Diseñar, validar y publicar en el portal de datos abiertos el inventario sintético de los "
             "servicios que prestan las municipalidades de los departamentos piloto, con su costo, "
             "horario, requisitos y sus plazos de hoy")


@pytest.fixture
def pdata():
    data = synthetic_participation_data()
    hito = data.plans[0].commitments[0].hitos[0]
    data.plans[0].commitments[0].hitos[0] = hito.model_copy(update={"text": LONG_TEXT})
    return data


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_notice_the_card_and_the_chart_name_a_hito_and_its_status_alike(pbot_with_core, lang):
    bot = pbot_with_core
    assert 200 < len(LONG_TEXT) <= 220
    await bot.press("pa:t:pan9.c1h1", CITIZEN, language_code=lang)  # the citizen follows hito 1.1
    await bot.say(f"/enlace {FOCAL_A} INSTA", 5001)
    await bot.say("/actualizar", FOCAL_A)
    await bot.press("pa:uh:pan9.c1h1", FOCAL_A)
    await bot.press("pa:us:en_progreso", FOCAL_A)
    await bot.say("60", FOCAL_A)
    await bot.say("Nota sintética", FOCAL_A)
    await bot.press("pa:ue:skip", FOCAL_A)
    await bot.press("pa:uc:yes", FOCAL_A)

    notices = bot.queued_to(CITIZEN)
    assert len(notices) == 1
    notice = _plain(notices[0].text)
    await bot.say("/start pan9-c1h1", CITIZEN, language_code=lang)
    card = _plain(bot.texts_to(CITIZEN)[-1])
    await bot.say("/avance 1", CITIZEN, language_code=lang)
    chart = _plain(bot.texts_to(CITIZEN)[-1])

    title = card.split(" Responsable")[0].split(" Responsible")[0]  # the card's first line
    assert LONG_TEXT in title  # the whole text: the card cuts at 220
    assert title in notice  # the notice names the hito as its card does, not cut elsewhere
    status = "In progress (60 %)" if lang == "en" else "En progreso (60 %)"
    assert f"→ {status}" in notice  # the status the notice reports...
    assert status in card  # ...is the card's...
    assert ("Milestone 1: " if lang == "en" else "Hito 1: ") + status in chart  # ...and /avance's


async def test_the_focal_points_and_the_subscribers_screens_name_the_hito_as_the_core(pbot, pdata):
    names = Lookups(pdata)
    await pbot.press("pa:t:pan9.c1h1", CITIZEN)
    await pbot.say("/suscripciones", CITIZEN)
    assert f"• {names.record_name('pan9.c1h1', 'es')}" in pbot.texts_to(CITIZEN)[-1]  # "Compromiso 1, hito 1"
    await pbot.say(f"/enlace {FOCAL_A} INSTA", 5001)
    await pbot.say("/actualizar", FOCAL_A)
    await pbot.press("pa:uh:pan9.c1h1", FOCAL_A)
    assert names.record_name("pan9.c1h1", "es") in pbot.texts_to(FOCAL_A)[-1]
    await pbot.press("pa:us:en_progreso", FOCAL_A)
    await pbot.say("60", FOCAL_A)
    await pbot.say("Nota sintética", FOCAL_A)
    await pbot.press("pa:ue:skip", FOCAL_A)
    confirm = pbot.texts_to(FOCAL_A)[-1]
    assert f"Estado: {names.status_name('en_progreso', 'es')}" in confirm  # the status as the core names it
    assert names.record_name("c1h1") == names.record_name("pan9.c1h1")  # an old ref: the hito it named then
