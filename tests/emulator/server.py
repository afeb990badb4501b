"""A local Telegram Bot API emulator: the bot talks to it over real HTTP, tests drive it.

It speaks the Bot API as python-telegram-bot 22 uses it (base URL
``http://127.0.0.1:PORT/bot``, the token in the path, form / multipart / JSON bodies,
``{"ok": true, "result": ...}``) for the methods hitobot needs, and adds test-control
endpoints under ``/_emu/`` (not Bot API): inject what a person does (a message, a command, a
photo, a document, a button press, an inline query), read what the bot sent, inject faults
(429 with retry_after, 5xx, delays), cap the overall send rate, and read counters.

Run it in-process with :class:`EmulatorServer` (a background thread with its own event loop,
so sync and async tests can both use it) or as a subprocess: ``python -m tests.emulator --port N``.
Everything here is synthetic test infrastructure; nothing is shipped with the bot.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import hashlib
import itertools
import json
import struct
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

BOT_USERNAME = "hitobot_test_bot"
BOT_FIRST_NAME = "Hitobot (emulador)"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

# Methods that count as "a message sent" for the global rate cap.
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})

# Parameters PTB sends JSON-encoded inside form fields.
_JSON_FIELDS = frozenset({
    "reply_markup", "results", "commands", "scope", "allowed_updates", "entities",
    "caption_entities", "link_preview_options", "reply_parameters", "media", "button",
})
_INT_FIELDS = frozenset({"message_id", "offset", "limit", "timeout", "cache_time", "user_id"})
_BOOL_FIELDS = frozenset({
    "show_alert", "is_personal", "disable_notification", "drop_pending_updates",
    "protect_content", "disable_web_page_preview",
})
_HTML_TAGS = frozenset({
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
})


class ApiError(Exception):
    """An error answer of the Bot API (HTTP status, description, optional parameters)."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class _TelegramHtmlChecker(HTMLParser):
    """Rejects what Telegram rejects: unknown tags and unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.plain: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in _HTML_TAGS:
            self.error = self.error or f"unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"unexpected end tag \"{tag}\""
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.plain.append(data)


def html_to_plain(text: str) -> str:
    """The text a person sees for an HTML message; raises ApiError like Telegram does."""
    checker = _TelegramHtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.error or checker.stack:
        reason = checker.error or f"can't find end tag corresponding to start tag \"{checker.stack[-1]}\""
        raise ApiError(400, f"Bad Request: can't parse entities: {reason}")
    return "".join(checker.plain)


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return (0, 0)


@dataclass
class Fault:
    """`count` next calls of `method` ("*" = any) answer an error or wait `delay` seconds."""

    method: str
    kind: str  # "429" | "5xx" | "delay"
    count: int = 1
    retry_after: int = 1
    status: int = 502
    delay: float = 0.0
    until: float = 0.0  # bot-room addition: also fail every call until this time.monotonic()
    chat_id: int | None = None  # only calls for this chat (a fault one person meets, no one else)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None

    @property
    def file_path(self) -> str:
        return f"files/{self.file_unique_id}" + (f"_{self.file_name}" if self.file_name else "")


@dataclass
class SentRecord:
    """A message of the bot, as Telegram keeps it (edits applied), plus what the emulator saw."""

    message: dict
    method: str
    raw_text: str | None = None  # the text/caption exactly as the bot sent it (HTML)
    parse_mode: str | None = None
    edits: int = 0
    deleted: bool = False
    at: float = field(default_factory=time.monotonic)  # when the emulator stored it

    def public(self) -> dict:
        return {**self.message, "_emu": {
            "method": self.method, "raw_text": self.raw_text, "parse_mode": self.parse_mode,
            "edits": self.edits, "deleted": self.deleted,
        }}


@dataclass
class EmulatorState:
    """Everything the emulator remembers; one instance per server (all tokens share it)."""

    bot_id: int = 777000001
    updates: list[dict] = field(default_factory=list)
    next_update_id: int = 1
    confirmed_update_id: int = 0
    messages: dict[int, list[SentRecord]] = field(default_factory=dict)  # chat -> bot messages
    user_messages: dict[int, list[dict]] = field(default_factory=dict)
    message_ids: dict[int, itertools.count] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    callback_queries: dict[str, dict] = field(default_factory=dict)
    callback_answers: list[dict] = field(default_factory=list)
    inline_queries: dict[str, dict] = field(default_factory=dict)
    inline_answers: list[dict] = field(default_factory=list)
    chat_actions: list[dict] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    allowed_rate: float | None = None  # messages per second over all chats; None = no cap
    send_times: collections.deque = field(default_factory=collections.deque)
    counters: collections.Counter = field(default_factory=collections.Counter)
    webhook_url: str = ""
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_message_id(self, chat_id: int) -> int:
        return next(self.message_ids.setdefault(chat_id, itertools.count(1)))

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids)}"


def _decode_value(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _JSON_FIELDS:
        return json.loads(value)
    if key in _INT_FIELDS:
        return int(value)
    if key in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    if key == "chat_id":
        with contextlib.suppress(ValueError):
            return int(value)
    return value


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, web.FileField]]:
    """Bot API parameters from a query string, JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, web.FileField] = {}
    if request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = value
                else:
                    params[key] = value
    return {k: _decode_value(k, v) for k, v in params.items()}, uploads


class BotApiEmulator:
    """The aiohttp application: Bot API methods plus /_emu/ control endpoints."""

    def __init__(self, bot_username: str = BOT_USERNAME) -> None:
        self.state = EmulatorState()
        self.bot_username = bot_username
        self._new_update = asyncio.Event()
        self.app = web.Application(client_max_size=60 * 1024 * 1024)
        self.app.router.add_route("*", r"/bot{token:[^/]+}/{method}", self.handle_api)
        self.app.router.add_get(r"/file/bot{token:[^/]+}/{path:.+}", self.handle_file)
        for name in ("message", "photo", "document", "press", "inline", "update", "faults", "rate",
                     "reset"):
            self.app.router.add_post(f"/_emu/{name}", getattr(self, f"emu_{name}"))
        for name in ("sent", "inline_answers", "callback_answers", "counters", "commands",
                     "chat_actions", "pending"):
            self.app.router.add_get(f"/_emu/{name}", getattr(self, f"emu_{name}"))

    # --- the Bot API side ------------------------------------------------------------------

    @property
    def bot_user(self) -> dict:
        return {"id": self.state.bot_id, "is_bot": True, "first_name": BOT_FIRST_NAME,
                "username": self.bot_username}

    async def handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        key = method.lower()
        st = self.state
        st.counters[f"calls:{method}"] += 1
        st.counters["calls"] += 1
        try:
            params, uploads = await read_params(request)
            await self._apply_faults(key, params.get("chat_id"))
            self._apply_rate_cap(key)
            handler = getattr(self, f"api_{key}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params, uploads)
        except ApiError as exc:
            st.counters[f"errors:{exc.code}"] += 1
            body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.code)
        except ConnectionResetError:  # the bot went away mid-request (a stopped process): nobody to answer
            return web.Response(status=499)
        except (ValueError, KeyError, TypeError) as exc:
            st.counters["errors:400"] += 1
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": f"Bad Request: {exc}"}, status=400)
        return web.json_response({"ok": True, "result": result})

    async def _apply_faults(self, method: str, chat_id: Any = None) -> None:
        for fault in self.state.faults:
            # (bot room) a fault with `until` fails every call until then: "the API is down"
            down = fault.until > time.monotonic()
            if fault.chat_id is not None and str(chat_id) != str(fault.chat_id):
                continue
            if (fault.count > 0 or down) and fault.method.lower() in (method, "*"):
                if not down:
                    fault.count -= 1
                self.state.counters[f"faults:{fault.kind}"] += 1
                if fault.kind == "delay":
                    await asyncio.sleep(fault.delay)
                    return
                if fault.kind == "429":
                    raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                                   {"retry_after": fault.retry_after})
                raise ApiError(fault.status, "Bad Gateway" if fault.status == 502 else "Internal Server Error")

    def _apply_rate_cap(self, method: str) -> None:
        st = self.state
        if method not in SEND_METHODS or not st.allowed_rate:
            return
        now = time.monotonic()
        while st.send_times and now - st.send_times[0] >= 1.0:
            st.send_times.popleft()
        if len(st.send_times) >= st.allowed_rate:
            st.counters["rate_limited"] += 1
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        st.send_times.append(now)

    async def api_getme(self, p: dict, u: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": True, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def api_logout(self, p: dict, u: dict) -> bool:
        return True

    async def api_close(self, p: dict, u: dict) -> bool:
        return True

    async def api_deletewebhook(self, p: dict, u: dict) -> bool:
        self.state.webhook_url = ""
        if p.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def api_setwebhook(self, p: dict, u: dict) -> bool:
        self.state.webhook_url = str(p.get("url", ""))
        return True

    async def api_getwebhookinfo(self, p: dict, u: dict) -> dict:
        return {"url": self.state.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self.state.updates)}

    async def api_getupdates(self, p: dict, u: dict) -> list[dict]:
        st = self.state
        if st.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        timeout = float(p.get("timeout") or 0)
        if offset:
            st.confirmed_update_id = max(st.confirmed_update_id, offset - 1)
            st.updates = [up for up in st.updates if up["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not st.updates:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)
        return st.updates[:limit]

    async def api_setmycommands(self, p: dict, u: dict) -> bool:
        self.state.commands[self._commands_key(p)] = list(p.get("commands") or [])
        return True

    async def api_getmycommands(self, p: dict, u: dict) -> list[dict]:
        return self.state.commands.get(self._commands_key(p), [])

    async def api_deletemycommands(self, p: dict, u: dict) -> bool:
        self.state.commands.pop(self._commands_key(p), None)
        return True

    @staticmethod
    def _commands_key(p: dict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    def _chat(self, chat_id: Any) -> dict:
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        return {"id": chat_id, "type": "private" if chat_id > 0 else "group"} | (
            {"first_name": f"Persona {chat_id}"} if chat_id > 0 else {"title": f"Grupo {chat_id}"})

    def _check_markup(self, markup: Any) -> None:
        if not markup or "inline_keyboard" not in markup:
            return
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")

    def _render(self, text: str, parse_mode: str | None, limit: int, what: str) -> str:
        plain = html_to_plain(text) if (parse_mode or "").upper() == "HTML" else text
        if not plain.strip():
            raise ApiError(400, f"Bad Request: {what} must be non-empty")
        if len(plain) > limit:
            raise ApiError(400, "Bad Request: message is too long" if what == "message text"
                           else "Bad Request: message caption is too long")
        return plain

    def _store_bot_message(self, chat_id: int, method: str, message: dict, raw: str | None,
                           parse_mode: str | None) -> dict:
        self.state.messages.setdefault(chat_id, []).append(
            SentRecord(message=message, method=method, raw_text=raw, parse_mode=parse_mode))
        self.state.counters["sent"] += 1
        return message

    def _base_message(self, chat_id: int, p: dict) -> dict:
        msg = {"message_id": self.state.new_message_id(chat_id), "from": self.bot_user,
               "chat": self._chat(chat_id), "date": int(time.time())}
        markup = p.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            self._check_markup(markup)
            msg["reply_markup"] = markup
        return msg

    async def api_sendmessage(self, p: dict, u: dict) -> dict:
        chat_id = p.get("chat_id")
        chat = self._chat(chat_id)
        text = str(p.get("text", ""))
        plain = self._render(text, p.get("parse_mode"), MAX_TEXT, "message text")
        msg = self._base_message(chat["id"], p) | {"text": plain}
        return self._store_bot_message(chat["id"], "sendMessage", msg, text, p.get("parse_mode"))

    def _store_upload(self, value: Any, upload: web.FileField | None, default_name: str,
                      default_mime: str) -> StoredFile:
        if upload is not None:
            data = upload.file.read()
            return self.add_file(data, upload.filename or default_name,
                                 upload.content_type or default_mime)
        if isinstance(value, str) and value in self.state.files:
            return self.state.files[value]
        if isinstance(value, str) and value.startswith("attach://"):
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def add_file(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        unique = hashlib.sha1(data).hexdigest()[:16]
        stored = StoredFile(file_id=self.state.new_id("F") + "_" + unique, file_unique_id=unique,
                            data=data, file_name=file_name, mime_type=mime_type)
        self.state.files[stored.file_id] = stored
        return stored

    @staticmethod
    def _photo_sizes(stored: StoredFile) -> list[dict]:
        width, height = _png_size(stored.data)
        return [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                 "width": width or 800, "height": height or 600, "file_size": len(stored.data)}]

    @staticmethod
    def _document(stored: StoredFile) -> dict:
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_name": stored.file_name, "mime_type": stored.mime_type,
                "file_size": len(stored.data)}

    def _caption(self, p: dict, msg: dict) -> str | None:
        caption = p.get("caption")
        if caption:
            msg["caption"] = self._render(str(caption), p.get("parse_mode"), MAX_CAPTION, "caption")
        return caption

    async def api_sendphoto(self, p: dict, u: dict) -> dict:
        chat = self._chat(p.get("chat_id"))
        stored = self._store_upload(p.get("photo"), u.get("photo"), "photo.png", "image/png")
        msg = self._base_message(chat["id"], p) | {"photo": self._photo_sizes(stored)}
        caption = self._caption(p, msg)
        return self._store_bot_message(chat["id"], "sendPhoto", msg, caption, p.get("parse_mode"))

    async def api_senddocument(self, p: dict, u: dict) -> dict:
        chat = self._chat(p.get("chat_id"))
        stored = self._store_upload(p.get("document"), u.get("document"), "document.bin",
                                    "application/octet-stream")
        msg = self._base_message(chat["id"], p) | {"document": self._document(stored)}
        caption = self._caption(p, msg)
        return self._store_bot_message(chat["id"], "sendDocument", msg, caption, p.get("parse_mode"))

    async def api_sendchataction(self, p: dict, u: dict) -> bool:
        self._chat(p.get("chat_id"))
        self.state.chat_actions.append({"chat_id": p.get("chat_id"), "action": p.get("action")})
        return True

    def _find(self, p: dict) -> SentRecord:
        chat_id, message_id = p.get("chat_id"), p.get("message_id")
        if p.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not emulated")
        for rec in self.state.messages.get(chat_id, []):  # type: ignore[arg-type]
            if rec.message["message_id"] == message_id and not rec.deleted:
                return rec
        raise ApiError(400, "Bad Request: message to edit not found")

    def _apply_edit(self, rec: SentRecord, p: dict, changes: dict, raw: str | None) -> dict:
        markup = p.get("reply_markup")
        if markup is not None:
            self._check_markup(markup)
            changes["reply_markup"] = markup
        elif "reply_markup" in rec.message:
            changes["reply_markup"] = None  # an edit without markup removes the keyboard
        if all(rec.message.get(k) == v for k, v in changes.items()):
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        for k, v in changes.items():
            if v is None:
                rec.message.pop(k, None)
            else:
                rec.message[k] = v
        rec.message["edit_date"] = int(time.time())
        rec.edits += 1
        if raw is not None:
            rec.raw_text, rec.parse_mode = raw, p.get("parse_mode")
        return rec.message

    async def api_editmessagetext(self, p: dict, u: dict) -> dict:
        rec = self._find(p)
        if "text" not in rec.message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = str(p.get("text", ""))
        plain = self._render(text, p.get("parse_mode"), MAX_TEXT, "message text")
        return self._apply_edit(rec, p, {"text": plain}, text)

    async def api_editmessagecaption(self, p: dict, u: dict) -> dict:
        rec = self._find(p)
        caption = str(p.get("caption") or "")
        plain = self._render(caption, p.get("parse_mode"), MAX_CAPTION, "caption") if caption else None
        return self._apply_edit(rec, p, {"caption": plain}, caption)

    async def api_editmessagereplymarkup(self, p: dict, u: dict) -> dict:
        rec = self._find(p)
        return self._apply_edit(rec, p, {}, None)

    async def api_deletemessage(self, p: dict, u: dict) -> bool:
        try:
            rec = self._find(p)
        except ApiError:
            raise ApiError(400, "Bad Request: message to delete not found") from None
        rec.deleted = True
        return True

    async def api_answercallbackquery(self, p: dict, u: dict) -> bool:
        query_id = str(p.get("callback_query_id"))
        query = self.state.callback_queries.get(query_id)
        if query is None or query.get("answered"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        query["answered"] = True
        self.state.callback_answers.append({**p, "callback_query_id": query_id,
                                            "data": query["data"]})
        return True

    async def api_answerinlinequery(self, p: dict, u: dict) -> bool:
        query_id = str(p.get("inline_query_id"))
        if query_id not in self.state.inline_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        results = p.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [r.get("id") for r in results]
        if len(set(ids)) != len(ids) or any(not i or len(str(i).encode()) > 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        self.state.inline_answers.append({**p, "inline_query_id": query_id, "results": results,
                                          "query": self.state.inline_queries[query_id]["query"]})
        return True

    async def api_getfile(self, p: dict, u: dict) -> dict:
        stored = self.state.files.get(str(p.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data), "file_path": stored.file_path}

    async def handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for stored in self.state.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data,
                                    content_type=stored.mime_type or "application/octet-stream")
        raise web.HTTPNotFound()

    # --- updates a person causes --------------------------------------------------------------

    def push_update(self, payload: dict) -> dict:
        update = {"update_id": self.state.next_update_id, **payload}
        self.state.next_update_id += 1
        self.state.updates.append(update)
        self.state.counters["updates"] += 1
        self._new_update.set()
        return update

    @staticmethod
    def user_from(body: dict) -> dict:
        user = dict(body.get("user") or {})
        user.setdefault("id", int(body.get("user_id") or 1001))
        user.setdefault("is_bot", False)
        user.setdefault("first_name", f"Persona {user['id']}")
        if body.get("language_code"):
            user["language_code"] = body["language_code"]
        return user

    def _user_message(self, body: dict) -> dict:
        user = self.user_from(body)
        chat_id = int(body.get("chat_id") or user["id"])
        msg = {"message_id": self.state.new_message_id(chat_id), "from": user,
               "chat": self._chat(chat_id) | ({"first_name": user["first_name"]} if chat_id > 0 else {}),
               "date": int(time.time())}
        self.state.user_messages.setdefault(chat_id, []).append(msg)
        return msg

    async def emu_message(self, request: web.Request) -> web.Response:
        """{text, user_id | user{}, language_code?, chat_id?} -> the update (a command if text starts with /)."""
        body = await request.json()
        msg = self._user_message(body)
        text = str(body["text"])
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split(maxsplit=1)[0])}]
        return web.json_response(self.push_update({"message": msg}))

    async def emu_update(self, request: web.Request) -> web.Response:
        """{...}: an update exactly as given (only its update_id is added), even one the real
        Bot API would never send (a malformed one, for the bot's robustness tests)."""
        return web.json_response(self.push_update(await request.json()))

    async def emu_photo(self, request: web.Request) -> web.Response:
        """{data_b64, caption?, user...} -> a photo message from the person."""
        body = await request.json()
        stored = self.add_file(base64.b64decode(body["data_b64"]), None, "image/jpeg")
        msg = self._user_message(body) | {"photo": self._photo_sizes(stored)}
        if body.get("caption"):
            msg["caption"] = body["caption"]
        return web.json_response(self.push_update({"message": msg}))

    async def emu_document(self, request: web.Request) -> web.Response:
        """{data_b64, file_name, mime_type?, caption?, user...} -> a document from the person."""
        body = await request.json()
        stored = self.add_file(base64.b64decode(body["data_b64"]), body.get("file_name", "file.bin"),
                               body.get("mime_type", "application/octet-stream"))
        msg = self._user_message(body) | {"document": self._document(stored)}
        if body.get("caption"):
            msg["caption"] = body["caption"]
        return web.json_response(self.push_update({"message": msg}))

    async def emu_press(self, request: web.Request) -> web.Response:
        """Press a button of a bot message: {chat_id, message_id?, text? | data?, force?, user...}.

        Without message_id the newest bot message with an inline keyboard is used.  The button
        is found by its text (exact, then substring) or its callback_data; with force=true
        `data` is sent as is (a tampered or stale button)."""
        body = await request.json()
        user = self.user_from(body)
        chat_id = int(body.get("chat_id") or user["id"])
        rec = self._message_with_keyboard(chat_id, body.get("message_id"))
        if body.get("force"):
            data = str(body["data"])
        else:
            button = self._find_button(rec, body.get("text"), body.get("data"))
            data = button["callback_data"]
        query_id = self.state.new_id("CQ")
        query = {"id": query_id, "from": user, "message": rec.message,
                 "chat_instance": str(abs(hash(("chat", chat_id))) % 10**12), "data": data}
        self.state.callback_queries[query_id] = {"data": data, "answered": False}
        return web.json_response(self.push_update({"callback_query": query}))

    def _message_with_keyboard(self, chat_id: int, message_id: int | None) -> SentRecord:
        records = [r for r in self.state.messages.get(chat_id, []) if not r.deleted]
        if message_id is not None:
            records = [r for r in records if r.message["message_id"] == int(message_id)]
        records = [r for r in records if r.message.get("reply_markup", {}).get("inline_keyboard")]
        if not records:
            raise web.HTTPBadRequest(text="no bot message with an inline keyboard in that chat")
        return records[-1]

    @staticmethod
    def _find_button(rec: SentRecord, text: str | None, data: str | None) -> dict:
        buttons = [b for row in rec.message["reply_markup"]["inline_keyboard"] for b in row
                   if "callback_data" in b]
        for match in (lambda b: b["text"] == text, lambda b: text is not None and text in b["text"],
                      lambda b: data is not None and b["callback_data"] == data):
            found = [b for b in buttons if match(b)]
            if found:
                return found[0]
        labels = [b["text"] for b in buttons]
        raise web.HTTPBadRequest(text=f"no button {text or data!r}; buttons: {labels}")

    async def emu_inline(self, request: web.Request) -> web.Response:
        """{query, offset?, user...} -> an inline query update."""
        body = await request.json()
        user = self.user_from(body)
        query_id = self.state.new_id("IQ")
        query = {"id": query_id, "from": user, "query": str(body.get("query", "")),
                 "offset": str(body.get("offset", "")), "chat_type": "sender"}
        self.state.inline_queries[query_id] = query
        return web.json_response(self.push_update({"inline_query": query}))

    # --- what the bot did, faults, counters -------------------------------------------------

    async def emu_sent(self, request: web.Request) -> web.Response:
        """Bot messages in a chat (all chats without chat_id), oldest first, edits applied."""
        chat_id = request.query.get("chat_id")
        chats = [int(chat_id)] if chat_id else list(self.state.messages)
        out = [r.public() for c in chats for r in self.state.messages.get(c, [])]
        return web.json_response(out)

    async def emu_inline_answers(self, request: web.Request) -> web.Response:
        query_id = request.query.get("inline_query_id")
        answers = [a for a in self.state.inline_answers
                   if query_id is None or a["inline_query_id"] == query_id]
        return web.json_response(answers)

    async def emu_callback_answers(self, request: web.Request) -> web.Response:
        query_id = request.query.get("callback_query_id")
        return web.json_response([a for a in self.state.callback_answers
                                  if query_id is None or a["callback_query_id"] == query_id])

    async def emu_commands(self, request: web.Request) -> web.Response:
        return web.json_response([{"scope": json.loads(scope), "language_code": lang,
                                   "commands": cmds}
                                  for (scope, lang), cmds in self.state.commands.items()])

    async def emu_chat_actions(self, request: web.Request) -> web.Response:
        return web.json_response(self.state.chat_actions)

    async def emu_pending(self, request: web.Request) -> web.Response:
        """Updates injected but not yet confirmed by the bot (its next getUpdates offset)."""
        return web.json_response({"pending": len(self.state.updates),
                                  "confirmed_update_id": self.state.confirmed_update_id})

    async def emu_faults(self, request: web.Request) -> web.Response:
        """{method, kind: "429"|"5xx"|"delay", count, retry_after?, status?, delay?}; {"clear": true} clears."""
        body = await request.json()
        if body.get("clear"):
            self.state.faults.clear()
        else:
            self.state.faults.append(Fault(
                method=str(body["method"]), kind=str(body["kind"]), count=int(body.get("count", 1)),
                retry_after=int(body.get("retry_after", 1)), status=int(body.get("status", 502)),
                delay=float(body.get("delay", 0.0)),
                chat_id=int(body["chat_id"]) if body.get("chat_id") is not None else None,
                # (bot room) {"seconds": s}: fail every call for s seconds from now
                until=time.monotonic() + float(body["seconds"]) if body.get("seconds") else 0.0))
        return web.json_response({"faults": [f.__dict__ for f in self.state.faults]})

    async def emu_rate(self, request: web.Request) -> web.Response:
        """{per_second: float | null}: above it sendMessage/sendPhoto/sendDocument answer 429."""
        body = await request.json()
        rate = body.get("per_second")
        self.state.allowed_rate = float(rate) if rate else None
        self.state.send_times.clear()
        return web.json_response({"per_second": self.state.allowed_rate})

    async def emu_counters(self, request: web.Request) -> web.Response:
        return web.json_response(dict(self.state.counters))

    async def emu_reset(self, request: web.Request) -> web.Response:
        """Forget everything except the bot's commands menu."""
        commands = self.state.commands
        self.state = EmulatorState(commands=commands)
        self._new_update.set()
        return web.json_response({"ok": True})


class EmulatorServer:
    """The emulator on 127.0.0.1 in a background thread (port 0 = a free random port).

        with EmulatorServer() as emu:
            emu.base_url        # TELEGRAM_BASE_URL for the bot: http://127.0.0.1:PORT/bot
            emu.client()        # an EmulatorClient
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", bot_username: str = BOT_USERNAME):
        self.host = host
        self.port = port
        self.emulator = BotApiEmulator(bot_username=bot_username)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._stopped: asyncio.Event | None = None

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    def client(self):  # -> EmulatorClient (imported lazily: the client needs httpx only)
        from tests.emulator.client import EmulatorClient

        return EmulatorClient(self.root_url)

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self._run, name="bot-api-emulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the Bot API emulator did not start")
        return self

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self.emulator._new_update = asyncio.Event()
        self._stopped = asyncio.Event()
        self._runner = web.AppRunner(self.emulator.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        await self._stopped.wait()
        await self._runner.cleanup()

    def stop(self) -> None:
        if self._loop and self._stopped:
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread:
            self._thread.join(10)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def serve_forever(port: int, host: str = "127.0.0.1", bot_username: str = BOT_USERNAME) -> None:
    """Run the emulator in the current event loop until cancelled (used by __main__)."""
    emulator = BotApiEmulator(bot_username=bot_username)
    runner = web.AppRunner(emulator.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    actual = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"Bot API emulator listening on http://{host}:{actual}/bot", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
