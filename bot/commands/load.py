"""`hitobot load [PATH]`: validate the data files and upsert them into the database.

Every problem of every file is printed (file:line: record.field: reason) and nothing is
written unless all files are valid.  A second load of the same files says nothing changed.
A running bot answers from what changed within a few seconds (bot/reload.py).  Messages are
Spanish, or English with --locale en or DEFAULT_LOCALE=en.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings
from knowledge.i18n import translations
from knowledge.loader import DataError, load_data_dir
from storage.db import Database
from storage.sync import load_knowledge


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path,
                        help="data directory (default: HITOBOT_DATA_DIR or the shipped knowledge/data)")
    parser.add_argument("--locale", choices=("es", "en"), default=None,
                        help="language of the messages (default: DEFAULT_LOCALE, Spanish)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    path = args.path or settings.data_dir
    locale = getattr(args, "locale", None) or settings.default_locale
    try:
        data = load_data_dir(path)
    except DataError as exc:
        from bot.cli import print_data_error

        _ = translations(locale).gettext
        print_data_error(exc, _("la base de datos no se tocó"), locale=locale)
        return 1
    db = Database(settings.database_url)
    try:
        db.upgrade()
        with db.session() as session:
            report = load_knowledge(session, data, label=str(path or "knowledge/data"))
    finally:
        db.dispose()
    print(report.summary(locale))
    return 0
