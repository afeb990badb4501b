"""Pytest fixtures for the Bot API emulator: `emulator` (server) and `emu` (its client).

Use from a conftest: `from tests.emulator.fixtures import emulator, emu  # noqa: F401`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulator.client import EmulatorClient
from tests.emulator.server import EmulatorServer


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A fresh emulator on 127.0.0.1 and a random port, for one test."""
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def emu(emulator: EmulatorServer) -> Iterator[EmulatorClient]:
    client = emulator.client()
    yield client
    client.close()
