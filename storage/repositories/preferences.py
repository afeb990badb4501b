"""Preferences: read and write what a person chose (the language), one small query each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models.preferences import Preference

LOCALES = ("es", "en")


def people_with_a_locale(session: Session) -> set[int]:
    """Everyone who picked a language (their ids only)."""
    return set(session.scalars(select(Preference.user_id)))


def chosen_locale(session: Session, user_id: int) -> str | None:
    """The language the person picked, or None if they never picked one."""
    return session.scalar(select(Preference.locale).where(Preference.user_id == user_id))


def choose_locales(session: Session, choices: Mapping[int, str]) -> int:
    """Remember each person's language (insert or overwrite); unknown locales are ignored.
    Returns how many choices were written."""
    now = dt.datetime.now(dt.UTC)
    rows = [{"user_id": int(user), "locale": locale, "updated_at": now}
            for user, locale in choices.items() if locale in LOCALES]
    if not rows:
        return 0
    insert = dialect_insert(session)
    for start in range(0, len(rows), 1000):
        stmt = insert(Preference).values(rows[start:start + 1000])
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"locale": stmt.excluded.locale, "updated_at": stmt.excluded.updated_at})
        session.execute(stmt)
    return len(rows)


def choose_locale(session: Session, user_id: int, locale: str) -> None:
    """Remember one person's language (raises ValueError for a locale the bot does not speak)."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {LOCALES}")
    choose_locales(session, {user_id: locale})
