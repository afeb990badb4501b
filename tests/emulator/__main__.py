"""Run the Bot API emulator as a process: `python -m tests.emulator --port 8081`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from tests.emulator.server import BOT_USERNAME, serve_forever


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 = a free random port (printed)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--username", default=BOT_USERNAME, help="the bot's @username")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(args.port, args.host, args.username))


if __name__ == "__main__":
    main()
