"""The local Telegram Bot API emulator for tests and benches (synthetic; never shipped).

    from tests.emulator import EmulatorServer, EmulatorClient
    with EmulatorServer() as emu:           # 127.0.0.1, random port, background thread
        env["TELEGRAM_BASE_URL"] = emu.base_url
        client = emu.client()
        client.send_message("/start", user_id=1001)
        client.wait_for_messages(1001, 1)

Subprocess: `python -m tests.emulator --port 8081`.  Pytest fixtures: tests/emulator/fixtures.py
(`pytest_plugins = ["tests.emulator.fixtures"]` in a conftest, or import the fixtures).
"""

from tests.emulator.client import AsyncEmulatorClient, EmulatorClient
from tests.emulator.server import BotApiEmulator, EmulatorServer, html_to_plain

__all__ = ["AsyncEmulatorClient", "BotApiEmulator", "EmulatorClient", "EmulatorServer", "html_to_plain"]
