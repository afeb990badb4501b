"""`hitobot run`: start the Telegram bot (long polling; a webhook mode can be added here)."""

from __future__ import annotations

import argparse
import logging

from bot.config import Settings

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--poll-timeout", type=float, default=10.0,
                        help="long-polling timeout in seconds (default 10)")
    parser.add_argument("--drop-pending", action="store_true",
                        help="ignore updates that arrived while the bot was off")


def instrument(application, settings: Settings) -> None:
    """Per-update log lines; `/healthz` on HEALTH_LISTEN when it is set.  bot.webhook (and its
    web server, tornado) is imported only in that case: start-up time."""
    if settings.health_listen:
        from bot.webhook import instrument_polling

        instrument_polling(application, settings)
        return
    from bot.health import Activity
    from bot.logging import install_update_logging, user_key_from_token

    install_update_logging(application, Activity(), user_key_from_token(settings.telegram_token))


def run_polling(settings: Settings, poll_timeout: float, drop_pending: bool) -> int:
    from bot.app import build_application

    application = build_application(settings)  # post_init prepares the database and knowledge
    instrument(application, settings)
    from telegram import Update

    application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=int(poll_timeout),
                            drop_pending_updates=drop_pending)
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_token()  # a clear one-line error before anything heavy is imported
    if settings.webhook_url:
        # Webhook mode: our own server (secret check, /healthz), see bot/webhook.py.
        from bot.webhook import run_webhook_mode

        return run_webhook_mode(settings, drop_pending_updates=args.drop_pending)
    return run_polling(settings, args.poll_timeout, args.drop_pending)
