"""The participation room's conversations became one ConversationHandler ("pa_conversation"):
the state of a person mid-way through /registro, /monitoreo, /actualizar, an answer, a moderation
or an appointment moves to it, so a deploy of this version still resumes where they were.

Their steps were always numbered apart (participation/*.py), so a state means the same step
under the new name. A person in two at once (possible before) keeps the one they touched last.

Data only; the schema is the same. Downgrade puts each state back under its flow's own name.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import pickle

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NEW = "conversation:pa_conversation"
# each former conversation and the step numbers it used (participation/*.py)
FORMER = {"conversation:pa_registration": range(0, 10), "conversation:pa_update": range(10, 20),
          "conversation:pa_report": range(20, 30), "conversation:pa_answer": (30,),
          "conversation:pa_moderation": (31,), "conversation:pa_focal_from_queue": (40,)}

bot_state = sa.table("bot_state", sa.column("scope", sa.String), sa.column("key", sa.String),
                     sa.column("data", sa.LargeBinary), sa.column("updated_at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(bot_state.c.scope, bot_state.c.key, bot_state.c.updated_at)
                        .where(bot_state.c.scope.in_(FORMER))).all()
    latest: dict[str, tuple] = {}
    for scope, key, when in rows:
        if key not in latest or (when, scope) > (latest[key][1], latest[key][0]):
            latest[key] = (scope, when)
    for scope, key, _when in rows:
        if latest[key][0] != scope:  # in two conversations at once: the older one goes
            bind.execute(sa.delete(bot_state).where(bot_state.c.scope == scope, bot_state.c.key == key))
    bind.execute(sa.update(bot_state).where(bot_state.c.scope.in_(FORMER)).values(scope=NEW))


def downgrade() -> None:
    bind = op.get_bind()
    for key, data in bind.execute(sa.select(bot_state.c.key, bot_state.c.data).where(bot_state.c.scope == NEW)).all():
        state = _state(data)
        scope = next((s for s, steps in FORMER.items() if state in steps), None)
        if scope is None:
            bind.execute(sa.delete(bot_state).where(bot_state.c.scope == NEW, bot_state.c.key == key))
        else:
            bind.execute(sa.update(bot_state).where(bot_state.c.scope == NEW, bot_state.c.key == key)
                         .values(scope=scope))


def _state(data: bytes) -> object:
    """A stored state (bot/persistence.py pickles it; rows only this bot writes)."""
    try:
        return pickle.loads(data)  # noqa: S301
    except Exception:  # noqa: BLE001 - unreadable: no flow to put it back in
        return None
