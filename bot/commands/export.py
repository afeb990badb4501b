"""`hitobot export DIR`: write open data (CSV and JSON) of hito statuses and published feedback."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings
from knowledge.i18n import translations


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, help="where to write the files (created if missing)")
    parser.add_argument("--locale", choices=("es", "en"), default=None,
                        help="language of the messages (default: DEFAULT_LOCALE, Spanish)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from participation.opendata import write_open_data
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
    n_ = translations(getattr(args, "locale", None) or settings.default_locale).ngettext
    print(n_("{n} archivo de datos abiertos escrito en {directory}",
             "{n} archivos de datos abiertos escritos en {directory}", len(paths)).format(
        n=len(paths), directory=args.directory))
    return 0
