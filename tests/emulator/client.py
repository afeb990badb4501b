"""Test-side client of the Bot API emulator: act as a person, read what the bot did, inject faults.

`EmulatorClient` is synchronous (httpx), for tests and benches whose bot runs in another
process or thread; `AsyncEmulatorClient` has the same methods as coroutines, for tests whose
bot runs in the same event loop.  Both speak only to the /_emu/ control endpoints.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from typing import Any

import httpx

DEFAULT_USER_ID = 1001


def _person(user_id: int, language_code: str | None, first_name: str | None,
            username: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"user": {"id": user_id, "is_bot": False,
                                     "first_name": first_name or f"Persona {user_id}"}}
    if language_code:
        body["user"]["language_code"] = language_code
    if username:
        body["user"]["username"] = username
    return body


class _Calls:
    """Request bodies and result filters shared by the sync and async clients."""

    @staticmethod
    def message(text: str, user_id: int, language_code: str | None, first_name: str | None,
                chat_id: int | None, username: str | None = None) -> dict:
        return _person(user_id, language_code, first_name, username) | {"text": text, "chat_id": chat_id}

    @staticmethod
    def upload(data: bytes, caption: str | None, user_id: int, language_code: str | None,
               **extra: Any) -> dict:
        return _person(user_id, language_code, None) | {
            "data_b64": base64.b64encode(data).decode(), "caption": caption, **extra}

    @staticmethod
    def press(chat_id: int, text: str | None, data: str | None, message_id: int | None,
              force: bool, user_id: int | None, language_code: str | None) -> dict:
        return _person(user_id or chat_id, language_code, None) | {
            "chat_id": chat_id, "text": text, "data": data, "message_id": message_id, "force": force}


class EmulatorClient:
    """Synchronous client: `EmulatorClient("http://127.0.0.1:PORT")`."""

    def __init__(self, root_url: str, timeout: float = 10.0) -> None:
        self.root_url = root_url.rstrip("/")
        self.http = httpx.Client(base_url=self.root_url, timeout=timeout)

    @property
    def base_url(self) -> str:
        """What the bot needs as TELEGRAM_BASE_URL."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    def close(self) -> None:
        self.http.close()

    def _post(self, path: str, body: dict) -> Any:
        res = self.http.post(f"/_emu/{path}", json=body)
        res.raise_for_status()
        return res.json()

    def _get(self, path: str, **params: Any) -> Any:
        res = self.http.get(f"/_emu/{path}", params={k: v for k, v in params.items() if v is not None})
        res.raise_for_status()
        return res.json()

    # a person acts
    def send_message(self, text: str, user_id: int = DEFAULT_USER_ID, language_code: str | None = "es",
                     first_name: str | None = None, chat_id: int | None = None,
                     username: str | None = None) -> dict:
        return self._post("message", _Calls.message(text, user_id, language_code, first_name, chat_id,
                                                    username))

    send_command = send_message

    def send_photo(self, data: bytes, caption: str | None = None, user_id: int = DEFAULT_USER_ID,
                   language_code: str | None = "es") -> dict:
        return self._post("photo", _Calls.upload(data, caption, user_id, language_code))

    def send_document(self, data: bytes, file_name: str, mime_type: str = "application/octet-stream",
                      caption: str | None = None, user_id: int = DEFAULT_USER_ID,
                      language_code: str | None = "es") -> dict:
        return self._post("document", _Calls.upload(data, caption, user_id, language_code,
                                                     file_name=file_name, mime_type=mime_type))

    def press(self, chat_id: int, text: str | None = None, data: str | None = None,
              message_id: int | None = None, force: bool = False, user_id: int | None = None,
              language_code: str | None = "es") -> dict:
        return self._post("press", _Calls.press(chat_id, text, data, message_id, force, user_id,
                                                language_code))

    def inline_query(self, query: str, offset: str = "", user_id: int = DEFAULT_USER_ID,
                     language_code: str | None = "es") -> dict:
        return self._post("inline", _person(user_id, language_code, None) | {"query": query, "offset": offset})

    # what the bot did
    def sent(self, chat_id: int | None = None) -> list[dict]:
        return self._get("sent", chat_id=chat_id)

    def inline_answers(self, inline_query_id: str | None = None) -> list[dict]:
        return self._get("inline_answers", inline_query_id=inline_query_id)

    def callback_answers(self, callback_query_id: str | None = None) -> list[dict]:
        return self._get("callback_answers", callback_query_id=callback_query_id)

    def commands(self) -> list[dict]:
        return self._get("commands")

    def counters(self) -> dict[str, int]:
        return self._get("counters")

    def pending(self) -> dict:
        return self._get("pending")

    # faults and limits
    def fail_next(self, method: str, kind: str = "429", count: int = 1, retry_after: int = 1,
                  status: int = 502, delay: float = 0.0) -> dict:
        return self._post("faults", {"method": method, "kind": kind, "count": count,
                                     "retry_after": retry_after, "status": status, "delay": delay})

    def fail_for(self, method: str, seconds: float, kind: str = "5xx", status: int = 502) -> dict:
        """Every call of `method` fails for `seconds` from now (the Bot API is down)."""
        return self._post("faults", {"method": method, "kind": kind, "count": 0,
                                     "status": status, "seconds": seconds})

    def clear_faults(self) -> dict:
        return self._post("faults", {"clear": True})

    def set_rate(self, per_second: float | None) -> dict:
        return self._post("rate", {"per_second": per_second})

    def reset(self) -> dict:
        return self._post("reset", {})

    # waiting
    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02,
                 what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            time.sleep(interval)

    def wait_for_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[dict]:
        """Wait until the bot has sent at least `count` messages to the chat; returns them all."""
        return self.wait_for(lambda: (m := self.sent(chat_id)) and len(m) >= count and m,
                             timeout, what=f"{count} bot messages in chat {chat_id}")

    def wait_for_reply(self, chat_id: int, after: int, timeout: float = 10.0) -> dict:
        """The first bot message in the chat after the first `after` ones."""
        return self.wait_for_messages(chat_id, after + 1, timeout)[after]

    def wait_for_edit(self, chat_id: int, message_id: int, edits: int, timeout: float = 10.0) -> dict:
        def edited() -> dict | None:
            for m in self.sent(chat_id):
                if m["message_id"] == message_id and m["_emu"]["edits"] >= edits:
                    return m
            return None
        return self.wait_for(edited, timeout, what=f"edit {edits} of message {message_id}")

    def wait_for_inline_answer(self, inline_query_id: str, timeout: float = 10.0) -> dict:
        return self.wait_for(lambda: self.inline_answers(inline_query_id), timeout,
                             what=f"answer to inline query {inline_query_id}")[0]

    def wait_for_callback_answer(self, callback_query_id: str, timeout: float = 10.0) -> dict:
        return self.wait_for(lambda: self.callback_answers(callback_query_id), timeout,
                             what=f"answer to callback query {callback_query_id}")[0]


class AsyncEmulatorClient:
    """The same control calls as coroutines (httpx.AsyncClient)."""

    def __init__(self, root_url: str, timeout: float = 10.0) -> None:
        self.root_url = root_url.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.root_url, timeout=timeout)

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _post(self, path: str, body: dict) -> Any:
        res = await self.http.post(f"/_emu/{path}", json=body)
        res.raise_for_status()
        return res.json()

    async def _get(self, path: str, **params: Any) -> Any:
        res = await self.http.get(f"/_emu/{path}", params={k: v for k, v in params.items() if v is not None})
        res.raise_for_status()
        return res.json()

    async def send_message(self, text: str, user_id: int = DEFAULT_USER_ID,
                           language_code: str | None = "es", first_name: str | None = None,
                           chat_id: int | None = None) -> dict:
        return await self._post("message", _Calls.message(text, user_id, language_code, first_name, chat_id))

    async def press(self, chat_id: int, text: str | None = None, data: str | None = None,
                    message_id: int | None = None, force: bool = False, user_id: int | None = None,
                    language_code: str | None = "es") -> dict:
        return await self._post("press", _Calls.press(chat_id, text, data, message_id, force,
                                                      user_id, language_code))

    async def inline_query(self, query: str, offset: str = "", user_id: int = DEFAULT_USER_ID,
                           language_code: str | None = "es") -> dict:
        return await self._post("inline", _person(user_id, language_code, None) | {"query": query, "offset": offset})

    async def sent(self, chat_id: int | None = None) -> list[dict]:
        return await self._get("sent", chat_id=chat_id)

    async def counters(self) -> dict[str, int]:
        return await self._get("counters")

    async def fail_next(self, method: str, kind: str = "429", count: int = 1, retry_after: int = 1,
                        status: int = 502, delay: float = 0.0) -> dict:
        return await self._post("faults", {"method": method, "kind": kind, "count": count,
                                           "retry_after": retry_after, "status": status, "delay": delay})

    async def set_rate(self, per_second: float | None) -> dict:
        return await self._post("rate", {"per_second": per_second})

    async def reset(self) -> dict:
        return await self._post("reset", {})

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            messages = await self.sent(chat_id)
            if len(messages) >= count:
                return messages
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {count} bot messages in chat {chat_id}")
            await asyncio.sleep(0.02)
