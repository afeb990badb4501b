"""Webhook mode: our own small web server receives Telegram's updates and serves `/healthz`.

PTB's built-in `run_webhook` has no custom routes, so this follows PTB's "custom webhook bot"
pattern with tornado (already installed by `python-telegram-bot[webhooks]`):

- POST <path of WEBHOOK_URL>: the `X-Telegram-Bot-Api-Secret-Token` header must equal the
  secret, else 403 and the body is not even parsed; the JSON is decoded with `Update.de_json`
  and put on `application.update_queue`; 200 as soon as it is queued. An update id among the
  last 10,000 received is answered 200 and not queued again (a replayed or redelivered POST).
- GET /healthz: `bot.health.HealthProbe` as JSON, 200 when healthy, 503 when the database is
  unreachable.

`WebhookRunner` drives the whole Application life cycle the way `run_polling` does
(initialize -> post_init -> setWebhook(url, secret_token) -> start ... stop -> post_stop ->
shutdown -> post_shutdown). `serve_health_only` serves `/healthz` alone (polling mode with
HEALTH_LISTEN). When WEBHOOK_SECRET is not set a random secret is made at start: the
endpoint never accepts unauthenticated requests.
"""

from __future__ import annotations

import asyncio
import collections
import hmac
import json
import logging
import re
import secrets
import socket
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.config import ConfigError
from bot.health import HealthProbe

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024  # an update is a few KB; Telegram never sends more than this
_SECRET_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class WebhookConfigError(ConfigError):
    """WEBHOOK_* settings that cannot work; the message says which and why."""


def parse_listen(listen: str, default_port: int = 8443) -> tuple[str, int]:
    """"host:port", ":port", "port" or "[::1]:port" -> (host, port)."""
    value = listen.strip()
    host, sep, port_text = value.rpartition(":")
    if not sep:
        host, port_text = ("127.0.0.1", value) if value.isdigit() else (value, str(default_port))
    host = host.strip("[]") or "0.0.0.0"
    try:
        port = int(port_text)
    except ValueError:
        raise WebhookConfigError(f"WEBHOOK_LISTEN must be host:port, got {listen!r}") from None
    if not 0 <= port <= 65535:
        raise WebhookConfigError(f"WEBHOOK_LISTEN port out of range: {port}")
    return host, port


def check_secret(secret: str) -> str:
    """Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -."""
    if not 1 <= len(secret) <= 256 or not set(secret) <= _SECRET_ALPHABET:
        raise WebhookConfigError(
            "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    return secret


@dataclass(frozen=True)
class WebhookConfig:
    url: str  # the public HTTPS URL Telegram posts to
    host: str
    port: int
    secret: str
    path: str  # the local route: the path of `url`

    @classmethod
    def from_settings(cls, webhook_url: str, webhook_listen: str,
                      webhook_secret: str | None) -> WebhookConfig:
        parts = urlsplit(webhook_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise WebhookConfigError(f"WEBHOOK_URL must be an https:// URL, got {webhook_url!r}")
        if parts.scheme == "http":
            log.warning("WEBHOOK_URL is http://; Telegram only posts to https:// (fine for tests)")
        host, port = parse_listen(webhook_listen)
        secret = check_secret(webhook_secret) if webhook_secret else secrets.token_urlsafe(32)
        path = parts.path or "/"
        if path == HEALTH_PATH:
            raise WebhookConfigError(f"WEBHOOK_URL's path cannot be {HEALTH_PATH}")
        return cls(url=webhook_url, host=host, port=port, secret=secret, path=path)


class RecentUpdateIds:
    """The last `size` update ids seen: Telegram redelivers an update whose answer it did not get
    (a timeout, a restart), and a replayed POST must not be processed twice."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._order: collections.deque[int] = collections.deque()
        self._seen: set[int] = set()

    def first_time(self, update_id: int) -> bool:
        """True the first time an id is seen (and remembers it); False for a repeat."""
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self.size:
            self._seen.discard(self._order.popleft())
        return True


class TelegramUpdateHandler(tornado.web.RequestHandler):
    """POST: authenticate by the secret header, decode, queue (once per update id). Nothing
    else is allowed."""

    def initialize(self, ptb_application: Application, secret: str,
                   recent: RecentUpdateIds | None = None) -> None:  # tornado's hook
        self.ptb_application = ptb_application
        self.secret = secret.encode()
        self.recent = recent

    def check_xsrf_cookie(self) -> None:  # an API endpoint, not a form
        return None

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook request refused: %s secret token from %s",
                        "wrong" if given else "no", self.request.remote_ip)
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.ptb_application.bot)
        except Exception as exc:  # malformed JSON or not an update: tell the sender, not the bot
            log.warning("webhook request with an unreadable update: %s", exc)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        if update is None:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        if self.recent is not None and not self.recent.first_time(update.update_id):
            log.info("webhook: update %s was already received; not processed again", update.update_id)
            self.set_status(HTTPStatus.OK)  # Telegram must stop redelivering it
            return
        await self.ptb_application.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish({"ok": False, "status": status_code})


class HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: the probe's report as JSON."""

    def initialize(self, probe: HealthProbe) -> None:  # tornado's hook
        self.probe = probe

    async def get(self) -> None:
        report = await self.probe.check()
        self.set_status(report.http_status)
        self.set_header("Cache-Control", "no-store")
        self.finish(report.as_json())


def _quiet_access_log(handler: tornado.web.RequestHandler) -> None:
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.INFO
    logging.getLogger("hitobot.http").log(
        level, "http method=%s path=%s status=%s ms=%.1f", handler.request.method,
        handler.request.path, status, 1000 * handler.request.request_time())


def make_web_app(probe: HealthProbe | None, application: Application | None = None,
                 config: WebhookConfig | None = None) -> tornado.web.Application:
    routes: list[Any] = []
    if probe is not None:
        routes.append((HEALTH_PATH, HealthHandler, {"probe": probe}))
    if application is not None and config is not None:
        routes.append((re.escape(config.path), TelegramUpdateHandler,
                       {"ptb_application": application, "secret": config.secret,
                        "recent": RecentUpdateIds()}))
    return tornado.web.Application(routes, log_function=_quiet_access_log)


class HttpServer:
    """A tornado HTTP server bound to host:port (port 0 = a free port, see `.port`)."""

    def __init__(self, app: tornado.web.Application, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self._server: HTTPServer | None = None

    async def start(self) -> int:
        sockets = bind_sockets(self.requested_port, self.host, family=socket.AF_UNSPEC)
        self._server = HTTPServer(self.app, xheaders=True, max_body_size=MAX_BODY_BYTES)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


async def _retry_until(what: str, action: Any, stop: asyncio.Event,
                       first_delay: float = 1.0, max_delay: float = 30.0) -> bool:
    """Run `action()` until it succeeds or `stop` is set (Telegram may be unreachable at start)."""
    delay = first_delay
    while not stop.is_set():
        try:
            await action()
            return True
        except RetryAfter as exc:
            wait = float(exc.retry_after if isinstance(exc.retry_after, int | float)
                         else exc.retry_after.total_seconds())
        except (NetworkError, TimedOut) as exc:
            wait = delay
            delay = min(max_delay, delay * 2)
            log.warning("%s failed (%s); retrying in %.0f s", what, exc, wait)
        try:
            await asyncio.wait_for(stop.wait(), wait)
        except TimeoutError:
            pass
    return False


class WebhookRunner:
    """The Application's whole life in webhook mode.

        runner = WebhookRunner(application, config, probe)
        await runner.start()        # initialize, post_init, setWebhook, start, listen
        ...                         # runner.port is the bound port
        await runner.stop()         # stop listening, stop, post_stop, shutdown, post_shutdown
    """

    def __init__(self, application: Application, config: WebhookConfig,
                 probe: HealthProbe | None, drop_pending_updates: bool = False) -> None:
        self.application = application
        self.config = config
        self.probe = probe
        self.drop_pending_updates = drop_pending_updates
        self.http = HttpServer(make_web_app(probe, application, config), config.host, config.port)
        self._stop = asyncio.Event()
        self._initialized = False

    @property
    def port(self) -> int | None:
        return self.http.port

    async def start(self) -> bool:
        app = self.application
        if not await _retry_until("connecting to the Bot API", app.initialize, self._stop):
            return False
        self._initialized = True
        if app.post_init:
            await app.post_init(app)
        # Listen before setWebhook, so the first update Telegram sends finds us ready.
        await self.http.start()
        await app.start()

        async def set_webhook() -> None:
            await app.bot.set_webhook(
                url=self.config.url, secret_token=self.config.secret,
                allowed_updates=Update.ALL_TYPES, drop_pending_updates=self.drop_pending_updates)

        if not await _retry_until("setWebhook", set_webhook, self._stop):
            return False
        log.info("webhook: listening on %s:%s%s, Telegram posts to %s", self.config.host,
                 self.port, self.config.path, self.config.url)
        return True

    async def stop(self) -> None:
        """Stop accepting updates, finish the queued ones, close everything. Idempotent.

        The webhook stays registered at Telegram, which keeps (and retries) the updates that
        arrive while the bot is down; the next start receives them."""
        self._stop.set()
        app = self.application
        await self.http.stop()
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        if self._initialized:
            self._initialized = False
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)

    async def run_until(self, stop: asyncio.Event) -> None:
        """start(), wait for `stop` (signals, tests), then stop()."""
        forward = asyncio.create_task(self._forward(stop))
        try:
            if await self.start():
                await stop.wait()
        finally:
            forward.cancel()
            await self.stop()

    async def _forward(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._stop.set()


async def serve_health_only(probe: HealthProbe, listen: str) -> HttpServer:
    """Start a `/healthz`-only server (polling mode); the caller stops it."""
    host, port = parse_listen(listen, default_port=8080)
    server = HttpServer(make_web_app(probe), host, port)
    await server.start()
    log.info("health endpoint on http://%s:%s%s", host, server.port, HEALTH_PATH)
    return server


# --- entry points for `hitobot run` (bot/commands/run.py) ------------------------------------


def _stop_on_signals(stop: asyncio.Event) -> None:
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform / not main thread
            pass


async def _serve_until_signal(runner: WebhookRunner) -> None:
    stop = asyncio.Event()
    _stop_on_signals(stop)
    await runner.run_until(stop)


def run_webhook_mode(settings: Any, drop_pending_updates: bool = False) -> int:
    """`hitobot run` with WEBHOOK_URL set: the real Application behind our webhook server."""
    from bot.app import build_application
    from bot.health import Activity
    from bot.logging import install_update_logging, user_key_from_token
    from storage.db import Database

    config = WebhookConfig.from_settings(settings.webhook_url, settings.webhook_listen,
                                         settings.webhook_secret)
    from participation.logprivacy import add_secret

    add_secret(config.secret)  # never logged, set or random
    if not settings.webhook_secret:
        log.warning("WEBHOOK_SECRET is not set: using a random secret for this run")
    application = build_application(settings)
    activity = Activity()
    install_update_logging(application, activity, user_key_from_token(settings.telegram_token))
    health_db = Database(settings.database_url)
    try:
        runner = WebhookRunner(application, config, HealthProbe(health_db, activity),
                               drop_pending_updates=drop_pending_updates)
        asyncio.run(_serve_until_signal(runner))
    finally:
        health_db.dispose()
    return 0


def instrument_polling(application: Application, settings: Any) -> None:
    """Polling mode: the per-update log lines, and `/healthz` on HEALTH_LISTEN when it is set
    (started after the Application's post_init, stopped before its post_shutdown)."""
    from bot.health import Activity
    from bot.logging import install_update_logging, user_key_from_token

    activity = Activity()
    install_update_logging(application, activity, user_key_from_token(settings.telegram_token))
    if not settings.health_listen:
        return
    from storage.db import Database

    parse_listen(settings.health_listen, default_port=8080)  # fail now, not after start
    previous_init, previous_shutdown = application.post_init, application.post_shutdown
    state: dict[str, Any] = {}

    async def post_init(app: Application) -> None:
        if previous_init:
            await previous_init(app)
        state["db"] = Database(settings.database_url)
        state["server"] = await serve_health_only(HealthProbe(state["db"], activity),
                                                  settings.health_listen)

    async def post_shutdown(app: Application) -> None:
        if "server" in state:
            await state.pop("server").stop()
        if "db" in state:
            state.pop("db").dispose()
        if previous_shutdown:
            await previous_shutdown(app)

    application.post_init = post_init
    application.post_shutdown = post_shutdown
