"""Conversation state kept in the database, so a restart mid-way resumes where each person was.

`DatabasePersistence` is python-telegram-bot's persistence (BasePersistence) over the bot's own
database (SQLite or PostgreSQL, table `bot_state`, storage/repositories/bot_state.py): the
states of the persistent conversations (/registro, /monitoreo, /actualizar and the admins' and
focal points' short ones), user_data (their drafts, the buttons a step offered, the language)
and chat_data (what the last answer was about, for follow-ups). bot_data holds the running
services and is not stored. PTB hands changes over every `update_interval` seconds and once
more when the bot stops, each write off the event loop (Database.call).

Timeouts: PTB does not persist a conversation's timeout job. A conversation resumed after a
restart simply continues from its step, and the timeout starts again with the person's next
step; one whose step is older than the conversation timeout when the bot starts is not resumed
(it would have ended had the bot been running), so that person's next message is an ordinary
one again. A row that cannot be read back (written by another version) is dropped, never a
reason not to start.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import pickle
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.db import Database
from storage.repositories import bot_state
from storage.repositories.bot_state import CHAT, USER, conversation_scope

log = logging.getLogger(__name__)

UPDATE_INTERVAL = 5.0  # seconds between PTB's hand-overs: what a crash (not a stop) may lose


def _loads(data: bytes) -> Any:
    return pickle.loads(data)  # noqa: S301 - rows only this bot writes (bot_state)


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class DatabasePersistence(BasePersistence[dict, dict, dict]):
    """user_data, chat_data and conversation states in the `bot_state` table."""

    def __init__(self, database: Database | str, *, conversation_timeout: dt.timedelta | None = None,
                 update_interval: float = UPDATE_INTERVAL) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, callback_data=False),
                         update_interval=update_interval)
        self._owns_database = isinstance(database, str)
        self.database = Database(database) if isinstance(database, str) else database
        self.conversation_timeout = conversation_timeout

    async def _load(self, scope: str) -> dict[str, tuple[Any, dt.datetime]]:
        rows = await self.database.call(bot_state.load, scope)
        out, broken = {}, []
        for key, (data, when) in rows.items():
            try:
                out[key] = (_loads(data), when)
            except Exception:  # another version's classes: start without it
                broken.append(key)
        for key in broken:
            log.warning("dropping unreadable %s state %s", scope, key)
            await self.database.call(bot_state.drop, scope, key)
        return out

    async def get_user_data(self) -> dict[int, dict]:
        return {int(key): value for key, (value, _when) in (await self._load(USER)).items()}

    async def get_chat_data(self) -> dict[int, dict]:
        return {int(key): value for key, (value, _when) in (await self._load(CHAT)).items()}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict:
        now = dt.datetime.now(dt.UTC)
        conversations, stale = {}, []
        for key, (state, when) in (await self._load(conversation_scope(name))).items():
            if self.conversation_timeout is not None and now - when > self.conversation_timeout:
                stale.append(key)  # it would have timed out had the bot been running
            else:
                conversations[tuple(json.loads(key))] = state
        for key in stale:
            await self.database.call(bot_state.drop, conversation_scope(name), key)
        return conversations

    async def update_conversation(self, name: str, key: tuple[int | str, ...], new_state: object | None) -> None:
        scope, row = conversation_scope(name), json.dumps(list(key))
        if new_state is None:  # ended
            await self.database.call(bot_state.drop, scope, row)
        else:
            await self.database.call(bot_state.save, scope, row, _dumps(new_state))

    async def update_user_data(self, user_id: int, data: dict) -> None:
        await self.database.call(bot_state.save, USER, str(user_id), _dumps(data))

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        await self.database.call(bot_state.save, CHAT, str(chat_id), _dumps(data))

    async def drop_user_data(self, user_id: int) -> None:
        await self.database.call(bot_state.drop, USER, str(user_id))

    async def drop_chat_data(self, chat_id: int) -> None:
        await self.database.call(bot_state.drop, CHAT, str(chat_id))

    async def update_bot_data(self, data: dict) -> None:
        """bot_data is not stored (it holds the running services)."""

    async def update_callback_data(self, data: Any) -> None:
        """Callback data is not stored (the bot's buttons carry their own data)."""

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        """Nothing: this process is the only writer, its copy is the newest."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        """Nothing: this process is the only writer, its copy is the newest."""

    async def refresh_bot_data(self, bot_data: dict) -> None:
        """Nothing: bot_data is not stored."""

    async def flush(self) -> None:
        """Called once the last changes are written, when the bot stops: every write was
        already committed; close the connections this persistence opened itself."""
        if self._owns_database:
            self.database.dispose()
