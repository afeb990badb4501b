"""The bot's conversation state: read a scope whole at start-up, write or drop one row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models.bot_state import BotState

USER, CHAT = "user", "chat"


def conversation_scope(name: str) -> str:
    return f"conversation:{name}"


def load(session: Session, scope: str) -> dict[str, tuple[bytes, dt.datetime]]:
    """Every row of a scope: key -> (data, when it was written). Empty before the table exists
    (a first start reads it before migrating: nothing can be stored yet)."""
    if not inspect(session.connection()).has_table(BotState.__tablename__):
        return {}
    rows = session.execute(select(BotState.key, BotState.data, BotState.updated_at).where(BotState.scope == scope))
    return {key: (data, _aware(when)) for key, data, when in rows}


def save(session: Session, scope: str, key: str, data: bytes) -> None:
    """Insert or overwrite one row."""
    insert = dialect_insert(session)
    stmt = insert(BotState).values(scope=scope, key=key, data=data, updated_at=dt.datetime.now(dt.UTC))
    session.execute(stmt.on_conflict_do_update(
        index_elements=["scope", "key"], set_={"data": stmt.excluded.data, "updated_at": stmt.excluded.updated_at}))


def drop(session: Session, scope: str, key: str) -> None:
    session.execute(delete(BotState).where(BotState.scope == scope, BotState.key == key))


def drop_person(session: Session, user_id: int) -> None:
    """A person's own state: their user_data and their private chat's chat_data (its id is theirs)."""
    session.execute(delete(BotState).where(BotState.scope.in_((USER, CHAT)), BotState.key == str(user_id)))


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)  # SQLite drops the zone
