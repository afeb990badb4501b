"""Actor registry: turns an institution's name as printed in a source into its Actor record.

The seeds print the same institution many ways ("Secretaría de Planificación y Programación
de la Presidencia -SEGEPLAN-", "SEGEPLAN", "Segeplan", "- SEGEPLAN."); `ActorIndex.resolve`
folds case, accents, whitespace, leading bullets and dashes and trailing punctuation, and
matches the canonical name, the acronym and the aliases of actors.yaml.  A printed
"Full Name -ACR-" or "Full Name (ACR)" matches by either part.  A name marked free text with
a leading "~" resolves to None (it is not an actor, and not an error).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from knowledge.schema import Actor

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


class ActorIndex:
    """Look actors up by any of their names; built once from the actor list."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors: list[Actor] = list(actors)
        self._by_key: dict[str, Actor] = {}
        self._by_name: dict[str, Actor] = {}
        self.collisions: dict[str, list[str]] = {}  # folded name -> keys of the actors claiming it
        for actor in self.actors:
            self._by_key.setdefault(actor.key, actor)
        # Canonical names first, then acronyms, then aliases: an earlier claim wins.
        for actor in self.actors:
            self._claim(actor.name, actor)
        for actor in self.actors:
            if actor.acronym:
                self._claim(actor.acronym, actor)
        for actor in self.actors:
            for alias in actor.aliases:
                self._claim(alias, actor)

    def _claim(self, name: str, actor: Actor) -> None:
        folded = fold_name(name)
        forms = [folded] + [p for p in name_parts(folded) if p != folded]
        for i, form in enumerate(forms):
            if not form:
                continue
            owner = self._by_name.get(form)
            if owner is None:
                self._by_name[form] = actor
            elif owner.key != actor.key and i == 0:
                # Only a whole name claimed twice is a conflict; split parts just lose.
                keys = self.collisions.setdefault(form, [owner.key])
                if actor.key not in keys:
                    keys.append(actor.key)

    def resolve(self, name: str) -> Actor | None:
        """The actor a printed name means; None for free text ("~...") or an unknown name."""
        if not isinstance(name, str) or is_free_text(name):
            return None
        folded = fold_name(name)
        if not folded:
            return None
        if folded in self._by_name:
            return self._by_name[folded]
        for part in name_parts(folded):
            if part in self._by_name:
                return self._by_name[part]
        return None

    def by_key(self, key: str) -> Actor | None:
        return self._by_key.get(key)

    def __len__(self) -> int:
        return len(self.actors)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key
