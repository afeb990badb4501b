"""Fixtures for the fidelity tests: the curated data files, validated against the schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from knowledge.schema import Acronym, Actor, Commitment, Plan, Project

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "knowledge" / "data"
SEEDS_ENV = "HITOBOT_SEEDS_DIR"


def _find_seeds() -> tuple[Path | None, str]:
    """The folder of the seed texts and why: $HITOBOT_SEEDS_DIR, else ../shared/seeds beside the
    repository (as in CI); (None, what is missing) when neither is there."""
    if env := os.environ.get(SEEDS_ENV, "").strip():
        path = Path(env).expanduser()
        return (path, "") if path.is_dir() else (None, f"{SEEDS_ENV}={env} is not a folder")
    beside = ROOT.parent / "shared" / "seeds"
    if beside.is_dir():
        return beside, ""
    return None, f"set {SEEDS_ENV} or put them in {beside}"


SEEDS_DIR, SEEDS_MISSING = _find_seeds()
SEEDS_SKIP_REASON = "fidelity test needs the source texts (seed NNN_*.txt files)"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line, even under -q, for the fidelity tests skipped without the seed texts."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and SEEDS_SKIP_REASON in str(r.longrepr[2])]
    if skipped:
        terminalreporter.write_line(
            f"SKIPPED {len(skipped)} fidelity tests in tests/data: they need the source texts "
            f"(seed NNN_*.txt files): {SEEDS_MISSING}", yellow=True)


def _yaml(relpath: str) -> dict:
    with (DATA_DIR / relpath).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="session")
def seed_text():
    """seed_text('003') -> the whole text of that seed file.

    Without the seed texts every test that reads them is skipped (summed up in one line at the
    end of the run); the tests of the data files alone still run."""
    if SEEDS_DIR is None:
        pytest.skip(f"{SEEDS_SKIP_REASON}: {SEEDS_MISSING}")

    def read(prefix: str) -> str:
        paths = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
        assert len(paths) == 1, f"expected one seed {prefix}_*.txt in {SEEDS_DIR}, found {len(paths)}"
        return paths[0].read_text(encoding="utf-8")

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
