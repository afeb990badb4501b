"""Concurrent updates, in order per chat and per person.

`ChatOrderedUpdateProcessor` is the Application's update processor (`concurrent_updates`):
updates are processed concurrently (up to `max_concurrent_updates` at once), except that two
updates of the same chat, or of the same person, never run at the same time and run in the
order they arrived. So one person's slow reply (a send retried after a 502, a 429's wait, a
chart being drawn) delays only that person's own next messages, never anyone else's, while a
conversation (registration, /monitoreo) still sees its steps one after the other, as PTB's
ConversationHandler requires.

The order is the arrival order: the Application starts one task per update in the order it
takes them off its queue, and each task asks for its locks before its first `await`. The
concurrency slot is taken only after the locks, so updates queued behind one busy person hold
no slot. A lock lives only while someone holds or waits for it: no per-person state is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

DEFAULT_CONCURRENCY = 64


def order_keys(update: object) -> list[tuple[str, int]]:
    """The chat and the person an update belongs to (sorted: locks are always taken in one
    order, so two updates can never wait for each other)."""
    if not isinstance(update, Update):
        return []
    keys = set()
    if update.effective_chat is not None:
        keys.add(("c", update.effective_chat.id))
    if update.effective_user is not None:
        keys.add(("u", update.effective_user.id))
    return sorted(keys)


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats and people, sequential within one (see the module doc)."""

    def __init__(self, max_concurrent_updates: int = DEFAULT_CONCURRENCY) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[tuple[str, int], tuple[asyncio.Lock, int]] = {}

    @property
    def locks_held(self) -> int:
        """Chats and people with an update running or waiting (0 when the bot is idle)."""
        return len(self._locks)

    def _take(self, key: tuple[str, int]) -> asyncio.Lock:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        return lock

    def _give_back(self, key: tuple[str, int]) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        keys = order_keys(update)
        locks = [self._take(key) for key in keys]  # before any await: arrival order
        try:
            async with contextlib.AsyncExitStack() as held:
                for lock in locks:
                    await held.enter_async_context(lock)
                async with self._semaphore:
                    await coroutine
        finally:
            for key in keys:
                self._give_back(key)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine  # process_update does the work

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
