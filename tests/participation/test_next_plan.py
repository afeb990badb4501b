"""The next action plan numbers its commitments from 1 again: what people follow, answers, cards,
old links and buttons, status updates and exports keep pointing where they did.

The 7th plan here is SYNTHETIC (generated below, invented texts), loaded beside the shipped
plans as the next one would be: current, numbered 1..6, its hitos led by the institution that
leads hito 2 of the 6th plan's commitment 3 (so one focal point sees both hitos 3.2).
"""

from __future__ import annotations

import pytest

from knowledge.core import Knowledge
from knowledge.loader import load_data_dir
from knowledge.schema import Commitment, Hito, KnowledgeData, Plan, Source
from participation.opendata import status_history_rows
from storage.repositories.knowledge import read_knowledge
from storage.sync import load_knowledge
from tests.participation.conftest import ADMIN, CITIZEN, FOCAL_A, MEMBER, _participation_bot

SRC = Source(document="999_0000000000000000.txt", section="sintético")
MSPAS = "Ministerio de Salud Pública y Asistencia Social -MSPAS-"
SEVENTH_TEXT = "Hito sintético 3.2 del séptimo plan"


def seventh_plan() -> Plan:
    commitments = [
        Commitment(number=n, title=f"Compromiso sintético {n} del séptimo plan", responsible=[MSPAS], source=SRC,
                   start="2026-07", end="2028-06",
                   hitos=[Hito(number=h, text=f"Hito sintético {n}.{h} del séptimo plan", responsible=[MSPAS],
                               start="2026-07", end="2028-06", source=SRC) for h in (1, 2, 3)])
        for n in range(1, 7)]
    return Plan(key="pan7", number=7, title="7° Plan sintético de Gobierno Abierto 2026-2028",
                period_label="2026-2028", start="2026-07", end="2028-06", current=True, source=SRC,
                commitments=commitments)


def with_seventh_plan(shipped: KnowledgeData) -> KnowledgeData:
    older = [p.model_copy(update={"current": False}) for p in shipped.plans]
    return shipped.model_copy(update={"plans": [seventh_plan(), *older]})


def _last_edit(bot) -> str:
    return bot.request.of("editMessageText")[-1]["text"]


async def _update(bot, ref: str, progress: str) -> None:
    await bot.say("/actualizar", FOCAL_A)
    await bot.press(f"pa:uh:{ref}", FOCAL_A)
    await bot.press("pa:us:en_progreso", FOCAL_A)
    await bot.say(progress, FOCAL_A)
    await bot.say("Nota sintética", FOCAL_A)
    await bot.press("pa:ue:skip", FOCAL_A)
    await bot.press("pa:uc:yes", FOCAL_A)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeData:
    return load_data_dir()


async def test_the_next_plan_numbered_from_one_changes_nothing_people_already_have(db, shipped):
    pan6_hito = " ".join(next(h for p in shipped.plans if p.key == "pan6" for c in p.commitments
                              if c.number == 3 for h in c.hitos if h.number == 2).text.split())[:40]
    with db.session() as s:
        load_knowledge(s, shipped)

    # --- with the shipped plans: a link shared before refs named their plan, a follow, an answer, an update
    async with _participation_bot(db, shipped, Knowledge(shipped)) as bot:
        await bot.say("/start c3h2", CITIZEN)
        assert "pa:t:pan6.c3h2" in bot.buttons_to(CITIZEN)
        await bot.press("pa:t:pan6.c3h2", CITIZEN)
        await bot.say("quien es responsable del hito 2 del compromiso 3", CITIZEN)
        answer_button = "v1:r:pan6.c3h2"
        assert answer_button in bot.buttons_to(CITIZEN)
        await bot.say(f"/enlace {FOCAL_A} MSPAS", ADMIN)
        await _update(bot, "pan6.c3h2", "40")
        assert len(bot.queued_to(CITIZEN)) == 1

    # --- the 7th plan is loaded (a restart reads the knowledge base from the database)
    with db.session() as s:
        load_knowledge(s, with_seventh_plan(shipped))
        data = read_knowledge(s)
    core = Knowledge(data)
    assert core.current_plan.key == "pan7"
    async with _participation_bot(db, data, core) as bot:
        await bot.say("/suscripciones", CITIZEN)
        assert "Compromiso 3 (2023-2025), hito 2" in bot.texts_to(CITIZEN)[-1]  # the 6th plan's, named so

        await bot.say("/start c3h2", CITIZEN)  # the old link still opens the 6th plan's hito
        card = bot.texts_to(CITIZEN)[-1]
        assert pan6_hito in " ".join(card.split()) and SEVENTH_TEXT not in card
        assert "En progreso" in card and "40 %" in card  # with the update made before
        assert "pa:t:pan6.c3h2" in bot.buttons_to(CITIZEN)
        await bot.say("/start pan7-c3h2", CITIZEN)
        assert SEVENTH_TEXT in bot.texts_to(CITIZEN)[-1]

        for old_button in ("v1:h:3:2", answer_button):  # an old navigation button, the answer's button
            await bot.press(old_button, CITIZEN)
            assert pan6_hito in " ".join(_last_edit(bot).split())

        # the citizen's chat still knows what its last answer was about (chat_data survives the
        # restart, bot/persistence.py): the same question stays with the 6th plan's hito...
        await bot.say("quien es responsable del hito 2 del compromiso 3", CITIZEN)
        assert "v1:r:pan6.c3h2" in bot.buttons_to(CITIZEN)[-2:] and "¿De qué plan?" not in bot.texts_to(CITIZEN)[-1]
        # ...while someone new to it is asked which plan's
        await bot.say("quien es responsable del hito 2 del compromiso 3", MEMBER)
        assert {"v1:r:pan7.c3h2", "v1:r:pan6.c3h2"} <= set(bot.buttons_to(MEMBER)[-2:])
        assert "¿De qué plan?" in bot.texts_to(MEMBER)[-1]
        assert core.ask("quien es responsable del hito 2 del compromiso 3 del 6 plan").refs == ("pan6.c3h2",)
        labels = [c.label for c in core.ask("quien es responsable del hito 2").choices]  # which plan's, said
        assert labels[0].startswith("2026-2028 · Compromiso 1, hito 2") and any(x.startswith("2023-2025") for x in labels)

        await _update(bot, "pan7.c3h2", "10")  # the 7th plan's hito 3.2: not what the citizen follows
        assert len(bot.queued_to(CITIZEN)) == 1
        await _update(bot, "pan6.c3h2", "70")
        notices = bot.queued_to(CITIZEN)
        assert len(notices) == 2 and "(70 %)" in notices[-1].text
        assert notices[-1].reply_markup["inline_keyboard"][0][0]["callback_data"] == "pa:u:pan6.c3h2"

        await bot.press("pa:t:c3h2", CITIZEN)  # the follow button of a card sent before: unfollows the same
        await bot.say("/suscripciones", CITIZEN)
        assert "Compromiso 3" not in bot.texts_to(CITIZEN)[-1]

    with db.session() as s:
        history = [(r["ref"], r["progress"]) for r in status_history_rows(s) if r["author_kind"] == "user"]
    assert history == [("pan6.c3h2", 40), ("pan7.c3h2", 10), ("pan6.c3h2", 70)]


async def test_avance_names_whose_commitment_3_each_button_opens(db, shipped):
    with db.session() as s:
        load_knowledge(s, with_seventh_plan(shipped))
        data = read_knowledge(s)
    async with _participation_bot(db, data, Knowledge(data)) as bot:
        await bot.say("/avance", CITIZEN)
        labels = {b["callback_data"]: b["text"] for e, p in bot.request.calls if e == "sendMessage"
                  and isinstance(p.get("reply_markup"), dict) for row in p["reply_markup"]["inline_keyboard"]
                  for b in row}
        threes = [text for data_, text in labels.items() if data_.endswith((".c3", ":pan7.c3", ":pan6.c3"))]
        assert len(threes) == 2 and {t.rsplit("· ", 1)[-1] for t in threes} == {"2026-2028", "2023-2025"}
        assert not any("· " in text for data_, text in labels.items() if data_.endswith(".c10"))  # only one 10
