"""`hitobot import-catalogue FILE`: import the catalogue's good practices from CSV or XLSX.

All or nothing: when any row has a problem, every bad row is printed (file:row N: column X:
reason) and the database is not touched.  The file becomes the catalogue: practices it does
not have are removed (or retired, when someone follows them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from knowledge.catalogue_io import COLUMNS, CatalogueError, read_practices
from storage.db import Database
from storage.sync import import_practices


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help=f"CSV (UTF-8, ',' or ';') or XLSX with the columns {', '.join(COLUMNS)}")


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        practices = read_practices(args.file)
    except CatalogueError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        n = len(exc.issues)
        print(f"No se importó nada: {n} problema{'s' if n != 1 else ''} en el archivo "
              f"(la base de datos no se tocó).", file=sys.stderr)
        return 1
    if not practices:
        print(f"No se importó nada: {args.file.name} no tiene filas de prácticas "
              "(un catálogo vacío borraría el actual).", file=sys.stderr)
        return 1
    db = Database(settings.database_url)
    try:
        db.upgrade()
        with db.session() as session:
            report = import_practices(session, practices, args.file.name)
    finally:
        db.dispose()
    counts = report.of("practices")
    if not report.changed:
        print(f"Sin cambios: las {counts.current} prácticas de {args.file.name} ya estaban al día.")
    else:
        print(f"Catálogo importado de {args.file.name}: {counts.current} prácticas.\n"
              + report.summary(settings.default_locale))
    return 0
