"""Fixtures for the fidelity tests: the curated data files, validated against the schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from knowledge.schema import Acronym, Actor, Commitment, Plan, Project

DATA_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "data"


def _find_seeds() -> Path:
    """The seed texts: $HITOBOT_SEEDS_DIR, else shared/seeds beside the checkout (as in CI)."""
    if env := os.environ.get("HITOBOT_SEEDS_DIR"):
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    raise RuntimeError("seed texts not found: set HITOBOT_SEEDS_DIR to the folder of the seed .txt files")


SEEDS_DIR = _find_seeds()


def _yaml(relpath: str) -> dict:
    with (DATA_DIR / relpath).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="session")
def seed_text():
    """seed_text('003') -> the whole text of that seed file."""

    def read(prefix: str) -> str:
        (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
        return path.read_text(encoding="utf-8")

    return read


@pytest.fixture(scope="session")
def plan():
    def get(plan_key: str) -> Plan:
        return Plan.model_validate(_yaml(f"{plan_key}/plan.yaml")["plan"])

    return get


@pytest.fixture(scope="session")
def commitment():
    def get(plan_key: str, number: int) -> Commitment:
        raw = _yaml(f"{plan_key}/commitment_{number}.yaml")
        assert raw["plan_key"] == plan_key
        return Commitment.model_validate(raw["commitment"])

    return get


@pytest.fixture(scope="session")
def actors() -> list[Actor]:
    return [Actor.model_validate(a) for a in _yaml("actors.yaml")["actors"]]


@pytest.fixture(scope="session")
def acronyms() -> list[Acronym]:
    return [Acronym.model_validate(a) for a in _yaml("acronyms.yaml")["acronyms"]]


@pytest.fixture(scope="session")
def projects() -> list[Project]:
    return [Project.model_validate(p) for p in _yaml("projects.yaml")["projects"]]
