"""A focal point's update is the hito's status now, everywhere the bot shows it, at once
(not after a restart): free-text answers, the hito's card and the commitment's progress."""

from __future__ import annotations

import re

from tests.participation.conftest import CITIZEN, FOCAL_A


async def _update_c1h1(bot, status: str, progress: str) -> None:
    await bot.say(f"/enlace {FOCAL_A} INSTA", 5001)
    await bot.say("/actualizar", FOCAL_A)
    await bot.press("pa:uh:pan9.c1h1", FOCAL_A)
    await bot.press(f"pa:us:{status}", FOCAL_A)
    await bot.say(progress, FOCAL_A)
    await bot.say("Nota sintética", FOCAL_A)
    await bot.press("pa:ue:skip", FOCAL_A)
    await bot.press("pa:uc:yes", FOCAL_A)


async def test_an_update_shows_in_the_next_answer_without_a_restart(pbot_with_core):
    bot = pbot_with_core
    await bot.say("cual es el estado del hito 1 del compromiso 1", CITIZEN)
    before = bot.texts_to(CITIZEN)[-1]
    assert "En progreso" not in before

    await _update_c1h1(bot, "en_progreso", "60")
    assert any("Actualización guardada" in t for t in bot.texts_to(FOCAL_A))

    await bot.say("cual es el estado del hito 1 del compromiso 1", CITIZEN)
    after = bot.texts_to(CITIZEN)[-1]
    assert "En progreso" in after and "60" in after

    await bot.say("cuanto avanza el compromiso 1", CITIZEN)
    assert re.search(r"\b20\s?%", bot.texts_to(CITIZEN)[-1])  # (60 + 0 + 0) / 3 hitos
