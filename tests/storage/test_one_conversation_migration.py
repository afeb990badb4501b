"""Migration 0008: people mid-way through a conversation when the bot is upgraded resume it.

The participation room's six ConversationHandlers became one ("pa_conversation"); the state
each person had under a flow's own name moves to it. Rows are SYNTHETIC, in the form
bot/persistence.py writes them.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle

from alembic import command
from sqlalchemy import select

from storage.db import Database
from storage.models.bot_state import BotState
from tests.conftest import database_at

EARLIER = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
LATER = EARLIER + dt.timedelta(minutes=5)


def _row(scope: str, person: int, value: object, when: dt.datetime) -> BotState:
    return BotState(scope=scope, key=json.dumps([person, person]), data=pickle.dumps(value), updated_at=when)


def _states(db: Database) -> dict[tuple[str, str], object]:
    with db.session() as s:
        return {(r.scope, r.key): pickle.loads(r.data) for r in s.scalars(select(BotState))}  # noqa: S301


def test_upgrade_moves_every_step_to_the_one_conversation_and_downgrade_puts_it_back(tmp_path):
    with database_at("hitobot_m8", tmp_path, "0007") as db:
        with db.session() as s:
            s.add_all([
                _row("conversation:pa_update", 7001, 12, EARLIER),  # /actualizar, at the progress step
                _row("conversation:pa_registration", 7002, 1, EARLIER),  # /registro, then /monitoreo:
                _row("conversation:pa_report", 7002, 22, LATER),  # in two at once; the report is newer
                _row("conversation:pa_focal_from_queue", 7003, 40, LATER),
                BotState(scope="user", key="7001", data=pickle.dumps({"pa_update": {"hito": "pan9.c1h1"}}),
                         updated_at=EARLIER),
            ])

        db.upgrade()

        key = json.dumps
        assert _states(db) == {
            ("conversation:pa_conversation", key([7001, 7001])): 12,
            ("conversation:pa_conversation", key([7002, 7002])): 22,
            ("conversation:pa_conversation", key([7003, 7003])): 40,
            ("user", "7001"): {"pa_update": {"hito": "pan9.c1h1"}},  # their drafts stay as they were
        }

        with db.engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0007")
        assert _states(db) == {
            ("conversation:pa_update", key([7001, 7001])): 12,
            ("conversation:pa_report", key([7002, 7002])): 22,
            ("conversation:pa_focal_from_queue", key([7003, 7003])): 40,
            ("user", "7001"): {"pa_update": {"hito": "pan9.c1h1"}},
        }
