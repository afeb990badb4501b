"""Questions over many records (placeholder while the filters are written)."""
from __future__ import annotations


class Aggregator:
    def __init__(self, knowledge, reader):
        self.k = knowledge
        self.reader = reader

    def answer(self, q, w):
        return None
