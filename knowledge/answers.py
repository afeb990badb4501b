"""What the knowledge core hands back: plain-text answers with structure for the renderers.

The core never formats for Telegram. `Answer.text` is plain text (no HTML, no Markdown);
paragraphs are separated by a blank line and the first line answers the question directly.
Renderers (handlers/, the CLI) escape it and add buttons from `choices` and `refs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AnswerKind = Literal["answer", "choices", "no_answer", "invalid"]


@dataclass(frozen=True, slots=True)
class Choice:
    """One option for the person to pick (the bot renders it as a button)."""

    label: str  # short, human: "Compromiso 3, hito 2: MSPAS datos abiertos…"
    ref: str  # see knowledge.refs


@dataclass(frozen=True, slots=True)
class Answer:
    kind: AnswerKind
    text: str
    locale: str  # "es" or "en": the language the text is written in
    choices: tuple[Choice, ...] = ()
    refs: tuple[str, ...] = ()  # entities the answer is about (subscribe / chart / share buttons)
    source: str | None = None  # "6° Plan de Acción Nacional 2023-2025 (003_…txt), Compromiso 3"
    confidence: float = 0.0  # 0..1, how sure the core is of the match
    facts: dict[str, str] = field(default_factory=dict)  # structured bits for tests and renderers


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result (inline mode, /buscar)."""

    ref: str
    kind: str  # plan, commitment, hito, activity, practice, actor, acronym, project
    title: str  # one line
    snippet: str  # up to ~200 characters of plain text
    score: float
