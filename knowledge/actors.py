"""How actor names compare: the folding rules of the one actor registry,
`knowledge.index.ActorDirectory` (which resolves a printed name to its actor).

`fold_name` folds case, accents, whitespace, leading bullets and dashes and trailing
punctuation; `name_parts` splits a printed "Full Name -ACR-" or "Full Name (ACR)"; a name
marked free text with a leading "~" is no actor (`is_free_text`), and not an error.
"""

from __future__ import annotations

import re
import unicodedata

FREE_TEXT_MARK = "~"

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_LEADING_JUNK = re.compile(r"^[\s\-•·*▪►◦●○■□‣⁃>]+")
_TRAILING_JUNK = re.compile(r"[\s.,;:]+$")
_QUOTES = re.compile(r"[\"“”«»'‘’]")
_SPACES = re.compile(r"\s+")
# "Full Name -ACR-", "Full Name - ACR -", "Full Name (ACR)"; applied to a folded name.
_NAME_WITH_ACRONYM = re.compile(
    r"^(?P<full>.+?)(?:\s-\s*(?P<dashed>[^\-()]+?)\s*-|\(\s*(?P<paren>[^()]+?)\s*\))$"
)


def is_free_text(name: str) -> bool:
    """True for a name the data marks as a description rather than an actor ("~...")."""
    return name.lstrip().startswith(FREE_TEXT_MARK)


def fold_name(name: str) -> str:
    """The comparison form of a name: no accents, case-folded, single spaces, no bullets."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _QUOTES.sub("", text.translate(_DASHES)).casefold()
    text = _LEADING_JUNK.sub("", text)
    text = _TRAILING_JUNK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def name_parts(folded: str) -> list[str]:
    """The full name and the acronym of a folded "Full Name -ACR-" / "Full Name (ACR)"."""
    m = _NAME_WITH_ACRONYM.match(folded)
    if not m:
        return []
    acronym = (m["dashed"] or m["paren"] or "").strip()
    full = m["full"].strip(" -")
    return [part for part in (full, acronym) if part]
