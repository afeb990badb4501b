"""Question answering over the knowledge base: reading, resolving, answering each ask, refusing."""

from knowledge.qa.answerer import QuestionAnswerer

__all__ = ["QuestionAnswerer"]
