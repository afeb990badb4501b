"""An in-process fake Bot API transport: a PTB `BaseRequest` that answers locally and records.

For offline handler tests (in the style of ptbcontrib's conftest) and for benches that must
measure the bot, not the network: no socket is opened.  `calls` keeps (method, parameters)
of everything the bot asked for; `sent_texts()` returns the texts it sent, in order.
Synthetic test infrastructure; never shipped.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT = {"id": 777000001, "is_bot": True, "first_name": "Hitobot (local)", "username": "hitobot_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}


class LocalRequest(BaseRequest):
    """Answers every Bot API method locally; `record=False` keeps only counters (benches)."""

    def __init__(self, record: bool = True) -> None:
        self.record = record
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.counts: dict[str, int] = {}
        self._message_ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.counts[endpoint] = self.counts.get(endpoint, 0) + 1
        if self.record:
            self.calls.append((endpoint, params))
        result = self._result(endpoint, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, endpoint: str, params: dict[str, Any]) -> Any:
        if endpoint == "getMe":
            return BOT
        if endpoint == "getUpdates":
            return []
        if endpoint in ("sendMessage", "sendPhoto", "sendDocument", "editMessageText",
                        "editMessageCaption", "editMessageReplyMarkup"):
            chat_id = params.get("chat_id", 1)
            message: dict[str, Any] = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()), "from": {k: BOT[k] for k in ("id", "is_bot", "first_name", "username")},
                "chat": {"id": chat_id, "type": "private"},
            }
            if "text" in params:
                message["text"] = params["text"]
            if endpoint == "sendPhoto":
                message["photo"] = [{"file_id": "P1", "file_unique_id": "P1", "width": 1, "height": 1}]
            if params.get("caption"):
                message["caption"] = params["caption"]
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            return message
        if endpoint == "getMyCommands":
            return []
        return True

    # helpers for assertions
    def of(self, endpoint: str) -> list[dict[str, Any]]:
        return [p for e, p in self.calls if e == endpoint]

    def sent_texts(self) -> list[str]:
        return [p.get("text") or p.get("caption") or "" for e, p in self.calls
                if e in ("sendMessage", "editMessageText", "sendPhoto")]

    def clear(self) -> None:
        self.calls.clear()
