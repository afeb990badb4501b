"""`hitobot chat`: a conversation with the knowledge base in the terminal, no Telegram needed.

Type a question; when the answer offers numbered choices, type the number to open one.
"salir" / "exit" / "quit" or Ctrl-D ends the conversation.  A load or import made meanwhile
(another terminal) is seen from the next question on (bot/reload.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.commands.ask import load_knowledge_data, render
from bot.config import Settings
from knowledge.answers import Answer

EXIT_WORDS = {"salir", "exit", "quit", "adios", "adiós", "chao", "bye"}
HELP_WORDS = {"ayuda", "help", "menu", "menú"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", choices=("es", "en"), default=None,
                        help="answer language (default: each question's language)")


def converse(knowledge, stdin: TextIO, stdout: TextIO, locale: str | None = None,
             refresh: Callable[[], Any] | None = None) -> int:
    """The read-answer loop (separate from run() so tests can drive it with StringIO).
    `refresh`, when given, returns the knowledge core to answer with (asked before each line:
    a newer one after a load or import)."""
    stdout.write("hitobot — pregunta lo que quieras sobre los planes de Gobierno Abierto "
                 "(\"salir\" para terminar).\n")
    last: Answer | None = None
    last_ref: str | None = None  # what the last answer was about (a refusal does not forget it)
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:  # Ctrl-D
            stdout.write("\n")
            return 0
        text = line.strip()
        if not text:
            continue
        if text.lower() in EXIT_WORDS:
            return 0
        if refresh is not None:
            knowledge = refresh()
        if text.isdigit() and last is not None and last.choices:
            index = int(text) - 1
            if 0 <= index < len(last.choices):
                card = knowledge.card(last.choices[index].ref, last.locale)
                if card is not None:
                    last, last_ref = card, last.choices[index].ref
                    stdout.write(render(card) + "\n\n")
                    continue
        if text.lower().strip("/¿?¡! ") in HELP_WORDS:
            stdout.write(knowledge.help_text(locale or "es") + "\n\n")
            continue
        # a follow-up ("¿y hasta cuándo?") continues with what the last answer was about
        answer = knowledge.ask(text, locale=locale, previous=last_ref)
        if answer.kind == "answer" and answer.refs:
            last_ref = answer.refs[0]
        last = answer
        stdout.write(render(last) + "\n\n")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.core import Knowledge

    try:
        from bot.reload import ChatRefresher, read_if_changed
        from storage.bootstrap import prepare
    except ImportError:  # pragma: no cover - storage not built in this checkout
        database, refresh = None, None
        knowledge = Knowledge(load_knowledge_data(settings))
    else:
        database = prepare(settings.database_url, settings.data_dir)
        version, _data, knowledge = read_if_changed(database, None)
        refresh = ChatRefresher(database, version, knowledge)
    try:
        return converse(knowledge, sys.stdin, sys.stdout, args.locale, refresh=refresh)
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        return 0
    finally:
        if database is not None:
            database.dispose()
