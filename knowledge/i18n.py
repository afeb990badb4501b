"""Languages: gettext catalogues (Babel) and dates in words, for every room that writes text.

Message ids are Spanish (the source catalogue's default locale is Spanish); English is the
second locale.  Each room keeps its own gettext domain so that its catalogue can be edited
without touching the others': `knowledge` (answers), `bot` (handlers), `participation`.
Catalogues live in knowledge/locale/<lang>/LC_MESSAGES/<domain>.po; they are compiled to .mo
at build time (setup.py) and, in a development checkout where a .mo is missing or older than
its .po, on first use.

Use:
    t = translations("en")
    t.gettext("Compromiso {n}").format(n=3)
    format_partial_date(PartialDate.parse("2025-06"), "es")  -> "junio de 2025"
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from knowledge.schema import PartialDate

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).with_name("locale")
LOCALES = ("es", "en")
DEFAULT_LOCALE = "es"
DOMAINS = ("knowledge", "bot", "participation")


@functools.lru_cache(maxsize=256)  # (a handful of codes; asked for every update)
def normalize_locale(code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Telegram's language_code ('es-419', 'en-US', 'pt') -> 'es' or 'en'."""
    if not code:
        return default
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base if base in LOCALES else default


def compile_catalogues(locale_dir: Path = LOCALE_DIR, force: bool = False) -> list[Path]:
    """Compile every .po under locale_dir whose .mo is missing or stale; returns what it wrote."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name, domain=po_path.stem)
        try:
            with mo_path.open("wb") as f:
                write_mo(f, catalog)
        except OSError as exc:  # read-only install: fall back to what is there
            log.warning("cannot write %s: %s", mo_path, exc)
            continue
        written.append(mo_path)
    return written


@functools.cache
def translations(locale: str) -> NullTranslations:
    """All domains of one locale merged into one translations object (cached)."""
    locale = normalize_locale(locale)
    compile_catalogues()
    merged: NullTranslations | None = None
    for domain in DOMAINS:
        t = Translations.load(str(LOCALE_DIR), [locale], domain=domain)
        if not isinstance(t, Translations):
            continue
        if merged is None:
            merged = t
        else:
            merged.merge(t)
    return merged or NullTranslations()


def gettext(locale: str, message: str) -> str:
    return translations(locale).gettext(message)


def ngettext(locale: str, singular: str, plural: str, n: int) -> str:
    return translations(locale).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def format_day(date: dt.date, locale: str) -> str:
    """30 de junio de 2025 / June 30, 2025."""
    return format_date(date, format="long", locale=Locale.parse(normalize_locale(locale)))


def format_partial_date(date: PartialDate | None, locale: str) -> str:
    """A date at the precision the source gives: '30 de junio de 2025', 'junio de 2025', '2025'."""
    if date is None:
        return ""
    loc = Locale.parse(normalize_locale(locale))
    if date.precision == "day":
        return format_date(date.first_day(), format="long", locale=loc)
    if date.precision == "month":
        return format_skeleton("yMMMM", date.first_day(), locale=loc)
    return str(date.year)
