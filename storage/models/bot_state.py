"""The bot's conversation state: what python-telegram-bot keeps per person and per chat
(user_data, chat_data) and where each person is in a conversation (/registro, /monitoreo,
/actualizar, ...), so that a restart mid-way resumes where they were (bot/persistence.py).

One row per (scope, key): scope "user" or "chat" with the id as key, or "conversation:<name>"
with the conversation's key (chat id and user id) as JSON. `data` is what the bot wrote, as the
bot serialises it (a pickle of plain dicts and small values); nothing else writes this table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class BotState(Base):
    __tablename__ = "bot_state"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow,
                                                    onupdate=_utcnow)
