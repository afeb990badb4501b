"""The `passage` facts (the seeds' remaining running text, added for sentence retrieval) are verbatim.

Each passage must occur in the seed it cites, compared with whitespace collapsed, case folded and
the PDF artefacts undone (a word cut at a line end, bullet glyphs, emphasis asterisks), and must
name the section it sits under.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge.schema import CatalogueInfo, PlanFact

DATA_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "data"

# data file -> (how to reach its facts, the seed its passages come from)
FACT_FILES = {
    "pan6/plan.yaml": (("plan", "facts"), "003"),
    "pan4/plan.yaml": (("plan", "facts"), "004"),
    "catalogue.yaml": (("catalogue", "facts"), "001"),
}


def normalise(text: str) -> str:
    text = re.sub(r"([a-záéíóúñü])-[ \t]*\n\s*([a-záéíóúñü])", r"\1\2", text)  # "coope-\nración"
    text = re.sub(r"[*•▶\ufffd\u200b]", " ", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def passages(relpath: str) -> list[PlanFact]:
    with (DATA_DIR / relpath).open(encoding="utf-8") as f:
        node = yaml.safe_load(f)
    for key in FACT_FILES[relpath][0]:
        node = node.get(key) or []
    return [PlanFact.model_validate(f) for f in node if f.get("topic") == "passage"]


@pytest.mark.parametrize("relpath", sorted(FACT_FILES))
def test_every_passage_is_verbatim_in_its_seed(relpath, seed_text):
    prefix = FACT_FILES[relpath][1]
    seed = normalise(seed_text(prefix))
    for fact in passages(relpath):
        assert fact.source.document.startswith(f"{prefix}_"), fact.text[:60]
        assert fact.source.section.strip(), f"passage without a section: {fact.text[:60]!r}"
        assert normalise(fact.text) in seed, f"not in seed {prefix}: {fact.text[:80]!r}"


@pytest.mark.parametrize("relpath", sorted(FACT_FILES))
def test_no_passage_is_repeated(relpath):
    texts = [normalise(f.text) for f in passages(relpath)]
    assert len(texts) == len(set(texts))


def test_the_running_text_is_there():
    """The speakers at the relaunch, the catalogue's spokeswoman and the contact lines."""
    pan6 = " ".join(f.text for f in passages("pan6/plan.yaml"))
    for words in ("Bernardo Arévalo", "Edie Cux García", "Karin Herrera", "(502) 2220 5383",
                  "4ta. Calle 6-17 zona 1", "Mesa temática 4, Migración irregular, 13 de junio de 2024"):
        assert words in pan6
    with (DATA_DIR / "catalogue.yaml").open(encoding="utf-8") as f:
        catalogue = CatalogueInfo.model_validate(yaml.safe_load(f)["catalogue"])
    assert any("Keila Gramajo Vilchez" in f.text and "horizontalidad" in f.text
               for f in catalogue.facts if f.topic == "passage")
