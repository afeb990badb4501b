"""A restart mid-way through /actualizar or /registro resumes where the person was: the bot is
stopped and a new one started on the same database (conversation state in `bot_state`,
bot/persistence.py). All data synthetic (conftest.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from storage.models.bot_state import BotState
from storage.models.knowledge import HitoRow, HitoStatusChange
from storage.repositories import participation as repo
from tests.participation.conftest import ADMIN, FOCAL_A, MEMBER, _Knowledge, _participation_bot


def _last(bot, user: int) -> str:
    return bot.texts_to(user)[-1]


async def test_actualizar_resumes_after_a_restart_at_the_step_it_was(loaded_db, pdata):
    with loaded_db.session() as s:
        repo.appoint_focal_point(s, FOCAL_A, "inst_a", ADMIN)
    async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
        await bot.say("/actualizar", FOCAL_A)
        await bot.press("pa:uh:pan9.c1h1", FOCAL_A)
        await bot.press("pa:us:en_progreso", FOCAL_A)
        assert "porcentaje" in _last(bot, FOCAL_A)
    # the bot stopped here (a deploy, a crash recovered by systemd) and starts again
    async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
        await bot.say("60", FOCAL_A)  # the percentage the step asked for, typed after the restart
        assert "nota breve" in _last(bot, FOCAL_A)
        await bot.say("Avance sintético tras reiniciar", FOCAL_A)
        await bot.press("pa:ue:skip", FOCAL_A)
        assert "Confirma la actualización" in _last(bot, FOCAL_A)
        assert "Compromiso 1, hito 1" in _last(bot, FOCAL_A)  # the hito chosen before the restart
        await bot.press("pa:uc:yes", FOCAL_A)
        assert "Actualización guardada" in _last(bot, FOCAL_A)
    with loaded_db.session() as s:
        change = s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).one()
        assert (s.get(HitoRow, change.hito_id).number, change.status_key, change.progress, change.note) == (
            1, "en_progreso", 60, "Avance sintético tras reiniciar")
        assert s.scalars(select(BotState.scope).where(BotState.scope.like("conversation:%"))).all() == []


async def test_registro_resumes_after_a_restart_with_the_answers_given_before(loaded_db, pdata):
    async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
        await bot.say("/registro", MEMBER)
        await bot.press("pa:rt:o", MEMBER)
        await bot.say("Ana Sintética", MEMBER)
        assert "organización" in _last(bot, MEMBER)
    async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
        await bot.say("OSCX", MEMBER)  # the organisation, by its acronym: the step after the name
        assert "contacto" in _last(bot, MEMBER)
        await bot.say("omitir", MEMBER)
        await bot.say("acepto", MEMBER)
        assert "solicitud fue enviada" in _last(bot, MEMBER)
    with loaded_db.session() as s:
        membership = repo.latest_membership(s, MEMBER)
        assert (membership.full_name, membership.organisation_key) == ("Ana Sintética", "osc_x")


async def test_a_conversation_older_than_its_timeout_is_not_resumed(loaded_db, pdata):
    async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
        await bot.say("/registro", MEMBER)
        await bot.press("pa:rt:o", MEMBER)
    with loaded_db.session() as s:  # the bot stayed down for two hours
        s.execute(update(BotState).values(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)))
    async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
        await bot.say("Ana Sintética", MEMBER)  # would have been the name: now an ordinary message
        assert "organización" not in _last(bot, MEMBER)
        await bot.say("/registro", MEMBER)  # and the conversation starts again from its first step
        assert "¿Desde dónde participas?" in _last(bot, MEMBER)
