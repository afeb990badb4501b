"""Fixtures for production-mode tests: the Bot API emulator and a small echo Application.

The echo Application is a stand-in for the real one (bot/app.py) where only the serving
machinery is under test; everything here is synthetic.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.emulator` is imported as a package from the repo root
    sys.path.insert(0, str(ROOT))

from tests.emulator.fixtures import emu, emulator  # noqa: E402,F401
from tests.emulator.server import EmulatorServer  # noqa: E402

TEST_TOKEN = "123456:SYNTHETIC-test-token"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text or ""
    if text == "/boom":
        raise RuntimeError("synthetic failure")
    await update.effective_message.reply_text(f"eco: <b>{html.escape(text)}</b>", parse_mode="HTML")


def build_echo_application(base_url: str) -> Application:
    app = ApplicationBuilder().token(TEST_TOKEN).base_url(base_url).updater(None).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


@pytest.fixture
def echo_app(emulator: EmulatorServer) -> Application:  # noqa: F811
    return build_echo_application(emulator.base_url)
