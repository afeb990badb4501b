"""`hitobot ask "question"`: answer one question from the knowledge base and exit.

The answer comes from the same core the bot uses (knowledge.core.Knowledge), fed from the
database (created and loaded on first use by storage.bootstrap.prepare). The plain-text answer
goes to stdout; choices and suggestions are listed as numbered lines.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from bot.config import Settings
from knowledge.answers import Answer
from knowledge.schema import KnowledgeData

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="*", help="the question, as you would type it in the chat")
    parser.add_argument("--batch", metavar="FILE",
                        help="answer many questions in one process: JSON lines in ({\"q\": ..., \"lang\": ...}), "
                             "the same number of JSON lines out, in order ({\"q\": ..., \"answer\": ...}); "
                             "FILE may be - for standard input")
    parser.add_argument("--locale", choices=("es", "en"), default=None,
                        help="answer language (default: the question's language)")


def load_knowledge_data(settings: Settings) -> KnowledgeData:
    """The knowledge base from the database (migrated and loaded on first use).

    Falls back to the data files only while the storage room's modules are not installed."""
    try:
        from storage.bootstrap import prepare
        from storage.repositories.knowledge import read_knowledge
    except ImportError:  # pragma: no cover - storage not built in this checkout
        from knowledge.loader import load_data_dir

        log.warning("storage not available: answering from the data files")
        return load_data_dir(settings.data_dir)
    db = prepare(settings.database_url, settings.data_dir)
    try:
        with db.session() as session:
            return read_knowledge(session)
    finally:
        db.dispose()


def render(answer: Answer) -> str:
    """Plain text for a terminal: the answer, then numbered choices when there are any."""
    text = answer.text
    if answer.choices and not any(f"1. {answer.choices[0].label}" in line for line in text.splitlines()):
        text += "\n\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(answer.choices, 1))
    return text


def run_batch(knowledge, path: str, locale: str | None) -> int:
    """One JSON line out per JSON line in; a line that is not a question gets an error object."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                question = str(item["q"])
            except (ValueError, KeyError, TypeError) as exc:
                out = {"line": number, "error": f"not a question object: {exc}"}
            else:
                lang = item.get("lang") if isinstance(item, dict) else None
                answer = knowledge.ask(question, locale=locale or (lang if lang in ("es", "en") else None))
                out = {"q": question, "answer": render(answer)}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    finally:
        if stream is not sys.stdin:
            stream.close()
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.core import Knowledge

    if not args.batch and not args.question:
        print("hitobot ask: escribe una pregunta, o usa --batch FILE", file=sys.stderr)
        return 2
    knowledge = Knowledge(load_knowledge_data(settings))
    if args.batch:
        return run_batch(knowledge, args.batch, args.locale)
    answer = knowledge.ask(" ".join(args.question), locale=args.locale)
    sys.stdout.write(render(answer) + "\n")
    return 0
