"""Results worked out once and kept, within a bound.

The core keeps what depends only on a word, a term, a sentence or a record (never on a whole
question: every question is read afresh). `Kept` is a dict that empties itself when it reaches
its limit, so a flood of never-seen words cannot grow it without end; what is dropped is simply
worked out again.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Kept(dict[K, V]):
    """A dict of kept results, emptied when `limit` entries are held."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        """Keep `value` for `key` (emptying the dict first when it is full); returns `value`."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
