"""`hitobot chat`: a conversation with the knowledge base in the terminal, no Telegram needed.

Type a question; when the answer offers numbered choices, type the number to open one.
"salir" / "exit" / "quit" or Ctrl-D ends the conversation.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.commands.ask import load_knowledge_data, render
from bot.config import Settings
from knowledge.answers import Answer

EXIT_WORDS = {"salir", "exit", "quit", "adios", "adiós", "chao", "bye"}
HELP_WORDS = {"ayuda", "help", "menu", "menú"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", choices=("es", "en"), default=None,
                        help="answer language (default: each question's language)")


def converse(knowledge, stdin: TextIO, stdout: TextIO, locale: str | None = None) -> int:
    """The read-answer loop (separate from run() so tests can drive it with StringIO)."""
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

    knowledge = Knowledge(load_knowledge_data(settings))
    try:
        return converse(knowledge, sys.stdin, sys.stdout, args.locale)
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        return 0
