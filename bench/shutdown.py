"""Bench: how long `hitobot run` takes to stop on SIGTERM when the Bot API misbehaves.

    .venv/bin/python bench/shutdown.py --mode hang      # connections accepted, never answered
    .venv/bin/python bench/shutdown.py --mode refused   # the Bot API is down

A real `hitobot run` process (polling, SQLite, the shipped knowledge) talks to the local Bot API
emulator. SYNTHETIC notices are queued for its delivery job and a few people write to it; then
the Bot API starts hanging every request (or refusing connections) and, two seconds later, the
bot gets SIGTERM. Printed: seconds from SIGTERM to exit, the exit status, and what became of
the notices and the replies (none may be lost: each is sent, or still queued to be sent after
the restart). SHUTDOWN_LOG_LINES=N adds the bot's last N log lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("hang", "refused"), default="hang")
    args = parser.parse_args()
    from tests.production.test_shutdown import measure

    result = measure(args.mode)
    if not os.environ.get("SHUTDOWN_LOG_LINES"):
        result.pop("log_tail")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
