"""Turning plain text from the knowledge core into safe Telegram HTML messages.

Everything that comes from the database or from a person is escaped here (`esc`), and a
message longer than Telegram's 4096 characters is split on paragraph boundaries
(`split_message`), falling back to line and then word boundaries for a giant paragraph.
"""

from __future__ import annotations

import html

from knowledge.answers import Answer

MAX_MESSAGE = 4096
MAX_CAPTION = 1024


def esc(text: object) -> str:
    """HTML-escape any value for a message sent with parse_mode HTML."""
    return html.escape("" if text is None else str(text), quote=False)


def _pack(parts: list[str], separator: str, limit: int, too_long) -> list[str]:
    """Greedily join parts with separator into chunks of at most limit characters; a part that
    alone is longer than limit goes through too_long(part) instead."""
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{separator}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if len(part) <= limit:
            current = part
        else:
            chunks.extend(too_long(part))
            current = ""
    if current:
        chunks.append(current)
    return chunks


def _hard_wrap(block: str, limit: int) -> list[str]:
    """Split one paragraph that is too long: on lines, then on spaces, then anywhere."""
    for separator in ("\n", " "):
        if separator in block:
            return _pack(block.split(separator), separator, limit, lambda p: _hard_wrap(p, limit))
    return [block[i:i + limit] for i in range(0, len(block), limit)]


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split text into messages of at most `limit` characters, on paragraph boundaries.

    Paragraphs (separated by a blank line) are kept whole whenever they fit; the split never
    falls inside an HTML entity such as "&amp;" because it only cuts at whitespace, unless a
    single word is longer than the limit.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    paragraphs = [p.strip("\n") for p in text.split("\n\n")]
    return _pack([p for p in paragraphs if p], "\n\n", limit, lambda p: _hard_wrap(p, limit))


def answer_html(answer: Answer) -> str:
    """An Answer as an HTML message: the first line in bold, the rest as is, all escaped."""
    text = answer.text.strip()
    first, _, rest = text.partition("\n")
    body = f"<b>{esc(first)}</b>" + (f"\n{esc(rest)}" if rest else "")
    if answer.source and not _names_its_source(text, answer.source):
        body += f"\n\n<i>{esc(answer.source)}</i>"
    return body


def _names_its_source(text: str, source: str) -> bool:
    """True when the answer text already cites its source (the core usually does)."""
    return source in text or any(line.lstrip().startswith(("Fuente", "Source"))
                                 for line in text.splitlines())

