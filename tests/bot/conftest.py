"""Fixtures for the bot's tests: the Bot API emulator, an offline bot, and recorded requests."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.emulator` is imported as a package from the repo root
    sys.path.insert(0, str(ROOT))

from tests.emulator.fixtures import emu, emulator  # noqa: E402,F401
