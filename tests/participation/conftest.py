"""Fixtures for participation tests: synthetic knowledge in the database and an offline bot.

Everything here is synthetic: a plan 'pan9' whose commitment 1 belongs to institution INSTA
(hitos 1-2) and INSTB (hito 3), one civil-society organisation OSCX, and people with ids
from 5000.  The bot runs on a local transport (no network); what it sends is recorded, and
what it queues goes to the outbox in the test database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from telegram import Update  # noqa: E402

from bot.config import Settings  # noqa: E402
from knowledge.schema import (  # noqa: E402
    Actor,
    Commitment,
    Hito,
    KnowledgeData,
    PartialDate,
    Plan,
    Source,
    StatusDef,
)
from storage.models.participation import OutboxMessage  # noqa: E402
from tests.emulator.local_request import LocalRequest  # noqa: E402

SRC = Source(document="999_0000000000000000.txt", section="sintético")
ADMIN, MEMBER, FOCAL_A, FOCAL_B, CITIZEN = 5001, 5002, 5003, 5004, 5005


def synthetic_participation_data(today: dt.date | None = None) -> KnowledgeData:
    today = today or dt.date.today()
    soon = today + dt.timedelta(days=20)
    past = today - dt.timedelta(days=40)
    statuses = [
        StatusDef(key="sin_informacion", name_es="Sin información", name_en="No information", irm_level="unknown", progress=None, order=0),
        StatusDef(key="no_iniciado", name_es="No iniciado", name_en="Not started", irm_level="not_started", progress=0, order=1),
        StatusDef(key="en_progreso", name_es="En progreso", name_en="In progress", irm_level="limited", progress=50, order=2),
        StatusDef(key="completado", name_es="Completado", name_en="Completed", irm_level="complete", progress=100, order=4, final=True),
    ]
    actors = [
        Actor(key="inst_a", name="Institución Sintética A", acronym="INSTA", sector="government", source=SRC),
        Actor(key="inst_b", name="Institución Sintética B", acronym="INSTB", sector="government", source=SRC),
        Actor(key="osc_x", name="Organización Sintética X", acronym="OSCX", sector="civil_society", source=SRC),
    ]
    hitos = [
        Hito(number=1, text="Hito sintético uno", responsible=["INSTA"], start=PartialDate.parse("2020-01"),
             end=PartialDate.parse(soon.isoformat()), source=SRC),
        Hito(number=2, text="Hito sintético dos", responsible=["INSTA"], start=PartialDate.parse("2020-01"),
             end=PartialDate.parse(past.isoformat()), source=SRC),
        Hito(number=3, text="Hito sintético tres", responsible=["INSTB"], start=PartialDate.parse("2020-01"),
             end=PartialDate.parse("2099-12"), source=SRC),
    ]
    commitment = Commitment(number=1, title="Compromiso sintético uno", responsible=["INSTA"], hitos=hitos, source=SRC)
    plan = Plan(key="pan9", number=9, title="Plan sintético", period_label="2090-2092", current=True,
                source=SRC, commitments=[commitment])
    return KnowledgeData(actors=actors, plans=[plan], statuses=statuses)


class _Knowledge:
    def __init__(self, data: KnowledgeData) -> None:
        self.data = data


class ParticipationBot:
    """The real Application with this room's handlers, on a local transport and the test database."""

    def __init__(self, application, request: LocalRequest, db) -> None:
        self.app, self.request, self.db = application, request, db
        self._ids = iter(range(1, 10**9))

    async def process(self, payload: dict) -> None:
        await self.app.process_update(Update.de_json({"update_id": next(self._ids), **payload}, self.app.bot))

    @staticmethod
    def user(user_id: int, language_code: str = "es") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"Persona {user_id}", "language_code": language_code}

    async def say(self, text: str, user_id: int, language_code: str = "es", group: int | None = None) -> None:
        chat = {"id": group, "type": "group", "title": "Grupo sintético"} if group else {"id": user_id, "type": "private"}
        message = {"message_id": next(self._ids), "date": 1_700_000_000, "text": text,
                   "from": self.user(user_id, language_code), "chat": chat}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.process({"message": message})

    async def press(self, data: str, user_id: int, language_code: str = "es") -> None:
        message = {"message_id": 1, "date": 1_700_000_000, "text": "x", "chat": {"id": user_id, "type": "private"}}
        await self.process({"callback_query": {"id": f"q{next(self._ids)}", "data": data, "chat_instance": "ci",
                                               "from": self.user(user_id, language_code), "message": message}})

    def texts_to(self, chat_id: int) -> list[str]:
        return [p.get("text") or p.get("caption") or "" for e, p in self.request.calls
                if e in ("sendMessage", "sendPhoto", "sendDocument") and int(p.get("chat_id", 0)) == chat_id]

    def alerts(self) -> list[str]:
        return [p.get("text") or "" for p in self.request.of("answerCallbackQuery")]

    def buttons_to(self, chat_id: int) -> list[str]:
        out = []
        for e, p in self.request.calls:
            if (e in ("sendMessage", "editMessageText") and int(p.get("chat_id", 0)) == chat_id
                    and isinstance(p.get("reply_markup"), dict)):
                out += [b.get("callback_data") for row in p["reply_markup"]["inline_keyboard"] for b in row]
        return out

    def queued_to(self, chat_id: int) -> list[OutboxMessage]:
        with self.db.session() as s:
            return list(s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
                                  .order_by(OutboxMessage.id)))


@pytest.fixture
def pdata() -> KnowledgeData:
    return synthetic_participation_data()


@pytest.fixture
def loaded_db(db, pdata):
    from storage.sync import load_knowledge

    with db.session() as s:
        load_knowledge(s, pdata)
    return db


@contextlib.asynccontextmanager
async def _participation_bot(db, data: KnowledgeData, knowledge):
    """The bot, started; stopped (its state handed to the database) when the block ends."""
    from bot.app import build_application
    from participation.common import CONFIG_KEY

    settings = Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot",
                        admin_ids=(ADMIN,))
    request = LocalRequest()
    # with the bot's own persistence: conversation state in the test database (bot/persistence.py)
    application = build_application(settings, db=db, knowledge=knowledge, data=data,
                                    request=request, rate_limiter=None)
    application.bot_data[CONFIG_KEY].admin_ids = (ADMIN,)
    async with application:
        await application.post_init(application)
        from handlers.flood import FLOOD_KEY, FloodControl

        application.bot_data[FLOOD_KEY] = FloodControl(burst=10_000)  # tests talk fast on purpose
        request.clear()
        yield ParticipationBot(application, request, db)


@pytest.fixture
async def pbot(loaded_db, pdata):
    async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
        yield bot


@pytest.fixture
async def pbot_with_core(loaded_db, pdata):
    """The same bot with the real knowledge core over the synthetic plan (answers, cards, charts)."""
    from knowledge.core import Knowledge

    async with _participation_bot(loaded_db, pdata, Knowledge(pdata)) as bot:
        yield bot
