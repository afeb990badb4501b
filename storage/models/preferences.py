"""Preferences: what a person chose for themselves (for now the language of the bot's answers).

One row per Telegram user who made a choice (/idioma), whether or not they ever registered in
the participation room: `people` holds registered participants, this table anybody.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Preference(Base):
    __tablename__ = "preferences"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    locale: Mapped[str] = mapped_column(String(5))  # "es" | "en"
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow,
                                                    onupdate=_utcnow)
