"""`hitobot import-catalogue FILE [--replace] [--dry-run]`: import good practices from CSV or XLSX.

Headers may be Spanish or English (`Título`, `Nombre de la práctica`, `Institución oferente`,
`ODS vinculados` ...: knowledge/catalogue_io.py).  All or nothing: when any row has a problem,
every bad row is printed (file:row N: column X: reason) and the database is not touched.

The import adds and updates practices by id (a row without an id: by title and institution);
practices the file does not have stay.  With --replace the file becomes the whole catalogue:
the practices it does not have are listed first, then removed (or retired, when someone
follows them).  --dry-run says all of that and changes nothing.  A running bot answers from
the new catalogue within a few seconds (bot/reload.py).  Messages are Spanish, or English with
--locale en or DEFAULT_LOCALE=en.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from knowledge.catalogue_io import CatalogueError, read_catalogue
from knowledge.i18n import translations


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path,
                        help="CSV (UTF-8, ',' or ';') or XLSX; a header row in Spanish or English "
                             "(Título / title, Institución / institution, ODS, Esfera / sphere, Id ...)")
    parser.add_argument("--replace", action="store_true",
                        help="the file becomes the whole catalogue: practices it does not have are "
                             "listed, then removed")
    parser.add_argument("--dry-run", action="store_true", help="say what the import would do; change nothing")
    parser.add_argument("--locale", choices=("es", "en"), default=None,
                        help="language of the messages (default: DEFAULT_LOCALE, Spanish)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import Database
    from storage.sync import import_practices, practices_not_in, resolve_practice_ids

    locale = args.locale or settings.default_locale
    t = translations(locale)
    _, n_ = t.gettext, t.ngettext
    name = args.file.name
    try:
        catalogue = read_catalogue(args.file)
    except CatalogueError as exc:
        return _refused(exc, locale)
    for warning in catalogue.warnings:
        print(warning.text(locale), file=sys.stderr)
    if not catalogue.rows:
        print(_("No se importó nada: {file} no tiene filas de prácticas.").format(file=name), file=sys.stderr)
        return 1
    db = Database(settings.database_url)
    try:
        db.upgrade()
        with db.session() as session:
            try:
                practices = resolve_practice_ids(session, catalogue.rows, name)
            except CatalogueError as exc:
                return _refused(exc, locale)
            left_out = practices_not_in(session, practices)
            if args.replace and left_out:  # said before anything is removed
                print(n_("Con --replace se elimina {n} práctica que no está en {file}:",
                         "Con --replace se eliminan {n} prácticas que no están en {file}:",
                         len(left_out)).format(n=len(left_out), file=name))
                for practice in left_out:
                    print(f"  {practice.id}: {practice.title} ({practice.institution})")
            report = import_practices(session, practices, name, replace=args.replace)
            if args.dry_run:
                session.rollback()
    finally:
        db.dispose()
    counts = report.of("practices")
    if args.dry_run:
        print(_("Simulación (--dry-run): no se guardó nada. La importación haría esto:"))
    if not report.changed:
        print(n_("Sin cambios: la {n} práctica de {file} ya estaba al día.",
                 "Sin cambios: las {n} prácticas de {file} ya estaban al día.",
                 counts.current).format(n=counts.current, file=name))
    else:
        print(n_("Catálogo importado de {file} ({n} práctica en el archivo).",
                 "Catálogo importado de {file} ({n} prácticas en el archivo).",
                 counts.current).format(n=counts.current, file=name))
        print(report.summary(locale))
    if not args.replace and left_out:
        print(n_("{n} práctica del catálogo no está en {file}: se conserva (--replace la eliminaría).",
                 "{n} prácticas del catálogo no están en {file}: se conservan (--replace las eliminaría).",
                 len(left_out)).format(n=len(left_out), file=name))
    if report.changed and not args.dry_run:
        print(_("Un bot en marcha responde con el catálogo nuevo en unos segundos, sin reiniciarlo."))
    return 0


def _refused(exc: CatalogueError, locale: str) -> int:
    n_ = translations(locale).ngettext
    for line in exc.lines(locale):
        print(line, file=sys.stderr)
    n = len(exc.issues)
    print(n_("No se importó nada: {n} problema en el archivo (la base de datos no se tocó).",
             "No se importó nada: {n} problemas en el archivo (la base de datos no se tocó).", n).format(n=n),
          file=sys.stderr)
    return 1
