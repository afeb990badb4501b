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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", choices=("es", "en"), default=None,
                        help="answer language (default: each question's language)")


def converse(knowledge, stdin: TextIO, stdout: TextIO, locale: str | None = None) -> int:
    """The read-answer loop (separate from run() so tests can drive it with StringIO)."""
    stdout.write("hitobot — pregunta lo que quieras sobre los planes de Gobierno Abierto "
                 "(\"salir\" para terminar).\n")
    last: Answer | None = None
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
                    last = card
                    stdout.write(render(card) + "\n\n")
                    continue
        answer = knowledge.ask(text, locale=locale)
        if answer.kind == "no_answer" and last is not None and len(last.refs) >= 1:
            # a follow-up ("¿y quién lo apoya?") is about what the previous answer was about
            # in the language of the conversation so far: the ref appended must not decide it
            follow_up = knowledge.ask(f"{text} {last.refs[0]}", locale=locale or last.locale)
            if follow_up.kind == "answer":
                answer = follow_up
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
