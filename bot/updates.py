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

`SkipUnparseableUpdates` is the getUpdates transport: an update python-telegram-bot cannot
read (a field newer than PTB, a malformed one) would otherwise make `Bot.get_updates` raise for
the whole batch, which the Updater then fetches again forever, so nobody's message gets an
answer. It is replaced by an empty update with the same update_id: the others of the batch are
answered and the polling offset still moves past it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

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


def without_unparseable(payload: bytes) -> bytes:
    """A getUpdates answer in which every update PTB cannot read is `{"update_id": id}` (an
    update no handler reacts to); the payload itself when all are readable."""
    try:
        answer = json.loads(payload)
    except ValueError:
        return payload  # not JSON: PTB reports it as it always did
    updates = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(updates, list):
        return payload
    kept: list[Any] = []
    for update in updates:
        try:
            Update.de_json(update, None)
        except Exception as exc:
            update_id = update.get("update_id") if isinstance(update, dict) else None
            # the id and the kind of error only: the update (and the error's message, which may
            # quote it) carries what a person wrote, their name, their phone number
            log.warning("skipped update %s: python-telegram-bot cannot read it (%s)",
                        update_id, type(exc).__name__)
            if isinstance(update_id, int):  # kept, empty, so that the offset moves past it
                kept.append({"update_id": update_id})
            continue
        kept.append(update)
    if kept == updates:
        return payload
    answer["result"] = kept
    return json.dumps(answer).encode()


class SkipUnparseableUpdates(BaseRequest):
    """A transport for getUpdates that skips the updates PTB cannot read (see the module doc);
    everything else is `inner`'s."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout)
        if code == 200 and url.rsplit("/", 1)[-1] == "getUpdates":
            payload = without_unparseable(payload)
        return code, payload
