"""`hitobot db upgrade`: bring the database schema to the newest revision (Alembic upgrade head)."""

from __future__ import annotations

import argparse

from bot.config import Settings
from storage.db import Database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="migrate the schema to the newest revision")
    actions.add_parser("current", help="print the schema revision the database is at")


def run(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    try:
        if args.db_action == "upgrade":
            before = db.current_revision()
            db.upgrade()
            after = db.current_revision()
            if before == after:
                print(f"El esquema ya estaba al día (revisión {after}).")
            else:
                print(f"Esquema actualizado: revisión {before or 'vacía'} -> {after}.")
        else:
            print(db.current_revision() or "sin esquema (ejecute: hitobot db upgrade)")
        return 0
    finally:
        db.dispose()
