"""The `hitobot` command: one entry point, one subcommand per job.

Each subcommand lives in its own module under bot/commands/ and exposes
`add_arguments(parser)` and `run(args, settings) -> int`; this file only dispatches, so
the modules are imported lazily (`hitobot ask` does not import python-telegram-bot).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from bot.config import ConfigError, Settings

# subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("bot.commands.run", "start the Telegram bot (long polling, or a webhook when WEBHOOK_URL is set)"),
    "ask": ("bot.commands.ask", "answer one question from the knowledge base and exit"),
    "chat": ("bot.commands.chat", "talk to the knowledge base in the terminal, no Telegram needed"),
    "db": ("bot.commands.db", "database schema: `hitobot db upgrade`"),
    "load": ("bot.commands.load", "load (upsert) the curated data files into the database"),
    "import-catalogue": ("bot.commands.import_catalogue", "import catalogue practices from CSV or XLSX"),
    "export": ("bot.commands.export", "write open data (CSV and JSON) of hito statuses and published feedback"),
    "deliver": ("bot.commands.deliver", "run the outbox delivery worker on its own"),
}


def print_data_error(exc, consequence: str, prefix: str = "", locale: str = "es") -> None:
    """A DataError for a person: every problem (file:line: record.field: reason), then one line
    that says nothing was loaded and what that left behind (`consequence`, already translated)."""
    from knowledge.i18n import translations

    for issue in exc.issues:
        print(issue, file=sys.stderr)
    n = len(exc.issues)
    lead = translations(locale).ngettext("no se cargó nada: {n} problema en los datos ({consequence}).",
                                         "no se cargó nada: {n} problemas en los datos ({consequence}).",
                                         n).format(n=n, consequence=consequence)
    if not prefix:  # a sentence of its own, not after "hitobot: "
        lead = lead[:1].upper() + lead[1:]
    print(f"{prefix}{lead}", file=sys.stderr)


def database_problem(exc: BaseException) -> str | None:
    """The driver's own first line when `exc` is the database refusing (read-only, full disk,
    unreachable, wrong password); None for anything else (a bug keeps its traceback)."""
    try:
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError
    except ImportError:
        return None
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        text = str(exc.orig)
    elif isinstance(exc, SQLAlchemyError) or type(exc).__name__ == "OperationalError":
        text = str(exc)
    else:
        return None
    return (text.strip().splitlines() or [type(exc).__name__])[0][:300]


def describe_database(url: str | None) -> str:
    """The SQLite file, or the server and database (never a password)."""
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url or "")
    except Exception:
        return "?"
    if parsed.get_backend_name() == "sqlite":
        name = (parsed.database or ":memory:").removeprefix("file:")
        return name.split("?", 1)[0]
    return parsed.render_as_string(hide_password=True)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen subcommand's module is imported (fast start for `ask`)."""
    parser = argparse.ArgumentParser(prog="hitobot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        if name != command:
            continue
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a subcommand not built yet must not break the others
            if exc.name != module:
                raise
            p.set_defaults(_missing=True)
            continue
        mod.add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in SUBCOMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    if getattr(args, "_missing", False):
        print(f"hitobot {args.command}: not available in this build", file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env()
        logging.basicConfig(
            level=getattr(logging, settings.log_level, logging.INFO),
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
        )
        for noisy in ("alembic", "httpx", "apscheduler"):  # chatty at INFO, useful at WARNING
            logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
        from participation.logprivacy import install_log_privacy

        # no token, secret, message text or name in the log, at any level (LOG_LEVEL=DEBUG too)
        install_log_privacy(None, settings.telegram_token, settings.webhook_secret)
        return int(importlib.import_module(args._module).run(args, settings) or 0)
    except ConfigError as exc:
        print(f"hitobot: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from knowledge.loader import DataError

        problem = database_problem(exc)
        if problem is not None:  # a read-only file, a full disk, a server that refuses: one line
            from knowledge.i18n import translations

            _ = translations(getattr(args, "locale", None) or settings.default_locale).gettext
            print("hitobot: " + _("no puedo usar la base de datos {database}: {problem}").format(
                database=describe_database(settings.database_url), problem=problem), file=sys.stderr)
            return 1
        if not isinstance(exc, DataError):
            raise
        # A first start whose data files are broken: every problem, then what it means.
        from knowledge.i18n import translations

        locale = getattr(args, "locale", None) or settings.default_locale
        _ = translations(locale).gettext
        print_data_error(exc, _("la base de datos quedó sin conocimiento cargado; corrige los "
                                "archivos y vuelve a intentarlo"), prefix="hitobot: ", locale=locale)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
