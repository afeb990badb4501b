"""Bench: does one person's failing reply delay anyone else's? (the flood of
tests/production/test_flood_stall.py, printed as figures)

    .venv/bin/python bench/flood.py [--seconds 6]

20 SYNTHETIC people write once a second to the real Application polling the local Bot API
emulator; one person's reply meets three 502s, another's a 429 with retry_after 5. Printed:
the 20 people's reply latencies (p50, p95, max; from their message reaching the Bot API to the
reply reaching it) and the two unlucky people's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6, help="length of the flood (default 6)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    from tests.emulator.server import EmulatorServer
    from tests.production.test_flood_stall import run_flood, summary

    with EmulatorServer() as emulator:
        result = asyncio.run(run_flood(emulator, seconds=args.seconds))
    print(json.dumps(summary(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
