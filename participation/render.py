"""Turning plain text from the knowledge core into safe Telegram HTML messages.

Everything that comes from the database or from a person is escaped here (`esc`), and a
message longer than Telegram's 4096 characters is split on paragraph boundaries
(`split_message`), falling back to line and then word boundaries for a giant paragraph, never
inside a tag or an entity, each piece valid HTML on its own.
"""

from __future__ import annotations

import html
import re

from knowledge.answers import Answer

MAX_MESSAGE = 4096
MAX_CAPTION = 1024


def esc(text: object) -> str:
    """HTML-escape any value for a message sent with parse_mode HTML."""
    return html.escape("" if text is None else str(text), quote=False)


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
TAG_ROOM = 200  # kept free in every piece for the tags closed at its end and reopened in the next


def _split_outside_tags(block: str, separator: str) -> list[str]:
    """block split at `separator`, never inside a tag (`<a href="…">` has a space in it)."""
    return re.split(re.escape(separator) + r"(?![^<>]*>)", block)


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


def _cut_anywhere(block: str, limit: int) -> list[str]:
    """A single word longer than the limit: cut, but never inside a tag or an entity."""
    pieces = []
    while len(block) > limit:
        cut = limit
        for opener, closer in (("<", ">"), ("&", ";")):
            start = block.rfind(opener, 0, cut)
            if start > 0 and block.find(closer, start) >= cut:
                cut = start
        pieces.append(block[:cut])
        block = block[cut:]
    return [*pieces, block] if block else pieces


def _hard_wrap(block: str, limit: int) -> list[str]:
    """Split one paragraph that is too long: on lines, then on spaces, then anywhere."""
    for separator in ("\n", " "):
        parts = _split_outside_tags(block, separator)
        if len(parts) > 1:
            return _pack(parts, separator, limit, lambda p: _hard_wrap(p, limit))
    return _cut_anywhere(block, limit)


def _balanced(chunks: list[str]) -> list[str]:
    """Each piece valid HTML on its own: a tag still open at the end of a piece (a bold
    paragraph cut in two) is closed there and opened again at the start of the next."""
    out, open_tags = [], []  # (name, the opening tag as written)
    for chunk in chunks:
        prefix = "".join(tag for _name, tag in open_tags)
        for match in _TAG.finditer(chunk):
            closing, name = match.group(1), match.group(2).lower()
            if not closing:
                open_tags.append((name, match.group(0)))
            elif any(n == name for n, _tag in open_tags):
                while open_tags and open_tags.pop()[0] != name:
                    pass
        suffix = "".join(f"</{name}>" for name, _tag in reversed(open_tags))
        out.append(prefix + chunk + suffix)
    return out


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML text into messages of at most `limit` characters, on paragraph boundaries.

    Paragraphs (separated by a blank line) are kept whole whenever they fit, then lines, then
    words; a cut never falls inside a tag or an entity such as "&amp;", and a tag left open at
    a cut is closed at the end of the piece and reopened in the next, so every piece is valid
    HTML and together they read as the whole.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    room = max(limit - TAG_ROOM, limit // 2)
    paragraphs = [p.strip("\n") for p in _split_outside_tags(text, "\n\n")]
    chunks = _pack([p for p in paragraphs if p], "\n\n", room, lambda p: _hard_wrap(p, room))
    return _balanced(chunks)


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

