"""`hitobot export DIR`: write open data (CSV and JSON) of hito statuses and published feedback."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, help="where to write the files (created if missing)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.participation.opendata import write_open_data
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        db.upgrade()
        with db.session() as session:
            paths = write_open_data(session, args.directory)
    finally:
        db.dispose()
    for path in paths:
        print(path)
    print(f"{len(paths)} archivos de datos abiertos escritos en {args.directory}")
    return 0
