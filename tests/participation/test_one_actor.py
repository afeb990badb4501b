"""One actor registry (issue 13 §2): an institution named by its acronym, by the sources'
misspelling or without accents is the same institution in answers and in participation
(appointing a focal point, the hitos they may update), on the shipped knowledge base."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from knowledge.loader import load_data_dir
from storage.models.participation import FocalPoint
from tests.participation.conftest import ADMIN, FOCAL_A

_SHIPPED = None


@pytest.fixture
def pdata():
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = load_data_dir()
    return _SHIPPED


@pytest.mark.parametrize("typed, key, hito", [
    ("CNCC", "cnc", "pan6.c1h4"),  # the acronym as a source misspells it
    ("Comision Nacional Contra la Corrupcion", "cnc", "pan6.c1h4"),  # the name without accents
    ("sesan", "sesan", "pan6.c2h1"),  # the acronym in lower case
    # name and acronym as the sources print them: participation did not know this one
    ("Ministerio de Educacion - MINEDUC", "mineduc", "pan6.c3h4"),
])
async def test_an_institution_is_the_same_in_answers_and_in_participation(pbot_with_core, typed, key, hito):
    bot = pbot_with_core
    core = bot.app.bot_data["services"].knowledge
    # answers: who it is, and the hitos it is responsible for
    assert core.ask(f"que hace {typed}").refs == (f"i:{key}",)
    assert hito in core.ask(f"de que hitos es responsable {typed}").refs
    # participation: the admin appoints a focal point by the same words...
    await bot.say(f"/enlace {FOCAL_A} {typed}", ADMIN)
    with bot.db.session() as s:
        assert s.scalars(select(FocalPoint.actor_key).where(FocalPoint.person_id == FOCAL_A)).all() == [key]
    # ...who may update the hitos the answers name
    await bot.say("/actualizar", FOCAL_A)
    assert f"pa:uh:{hito}" in bot.buttons_to(FOCAL_A)
