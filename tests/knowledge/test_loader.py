"""The data loader: valid directories load, and every problem is reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.actors import fold_name
from knowledge.index import ActorDirectory
from knowledge.loader import DataError, load_data_dir
from knowledge.schema import Actor


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of `path` containing `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_synthetic_directory_loads_with_commitments_attached_to_their_plan(synthetic_data_dir: Path) -> None:
    data = load_data_dir(synthetic_data_dir)
    (plan,) = data.plans
    assert plan.key == "pan9"
    assert [c.number for c in plan.commitments] == [1, 2]
    assert [h.number for h in plan.commitments[0].hitos] == [1, 2]
    assert plan.commitments[0].hitos[0].status.status == "completado"
    assert {a.key for a in data.actors} == {"minsint", "red-ficticia", "agencia-x"}
    assert [s.key for s in data.statuses] == ["sin_informacion", "en_progreso", "completado"]
    assert data.catalogue is not None and data.practices == []


def test_files_the_layout_does_not_name_are_ignored(synthetic_data_dir: Path) -> None:
    (synthetic_data_dir / "lexicon").mkdir()
    (synthetic_data_dir / "lexicon" / "synonyms.yaml").write_text("synonyms: {a: [b]}\n")
    (synthetic_data_dir / "README.md").write_text("notes\n")
    assert len(load_data_dir(synthetic_data_dir).plans) == 1


def test_shipped_data_loads() -> None:
    data = load_data_dir()
    assert any(p.key == "pan6" for p in data.plans)


def test_bad_date_names_file_line_path_field_and_reason(make_synthetic_data_dir) -> None:
    def edit(files):
        files["pan9/commitment_1.yaml"]["commitment"]["hitos"][1]["end"] = "Junio"

    root = make_synthetic_data_dir(edit)
    with pytest.raises(DataError) as excinfo:
        load_data_dir(root)
    (issue,) = excinfo.value.issues
    path = root / "pan9" / "commitment_1.yaml"
    assert issue.line == line_of(path, "end: Junio")
    assert issue.path == "commitment.hitos[1]" and issue.field == "end"
    assert str(issue).endswith(
        f"commitment_1.yaml:{issue.line}: commitment.hitos[1].end: "
        "expected a date like 2025-06-30, 2025-06 or 2025, got 'Junio'")


def test_malformed_yaml_gives_file_and_line(make_synthetic_data_dir) -> None:
    root = make_synthetic_data_dir()
    path = root / "actors.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "  - key: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        load_data_dir(root)
    issue = excinfo.value.issues[0]
    assert issue.file.endswith("actors.yaml")
    assert issue.line is not None and 6 <= issue.line <= 8
    assert "malformed YAML" in issue.reason


def test_unresolved_actor_name_is_an_error_but_free_text_is_not(make_synthetic_data_dir) -> None:
    def edit(files):
        c = files["pan9/commitment_2.yaml"]["commitment"]
        c["responsible"] = ["Ministerio Sintético de Pruebas", "Oficina Que No Existe", "~Otras instituciones"]

    root = make_synthetic_data_dir(edit)
    with pytest.raises(DataError) as excinfo:
        load_data_dir(root)
    (issue,) = excinfo.value.issues
    assert "Oficina Que No Existe" in issue.reason
    assert issue.path == "commitment.responsible[1]"
    assert issue.line == line_of(root / "pan9" / "commitment_2.yaml", "Oficina Que No Existe")


def test_every_problem_of_every_file_is_reported_at_once(make_synthetic_data_dir) -> None:
    def edit(files):
        files["actors.yaml"]["actors"][1]["sector"] = "gobierno"
        files["actors.yaml"]["actors"].append(dict(files["actors.yaml"]["actors"][2]))  # key twice
        files["acronyms.yaml"]["acronyms"][0]["actor"] = "nadie"
        c1 = files["pan9/commitment_1.yaml"]["commitment"]
        c1["hitos"][0]["status"]["status"] = "terminado"
        c1["hitos"][1]["supporters"]["osc"] = ["Colectivo Desconocido"]
        files["projects.yaml"]["projects"][0]["titel"] = "typo"
        files["pan9/commitment_2.yaml"]["plan_key"] = "pan8"

    with pytest.raises(DataError) as excinfo:
        load_data_dir(make_synthetic_data_dir(edit))
    text = str(excinfo.value)
    lines = text.splitlines()
    assert len(lines) == len(excinfo.value.issues) == 7
    assert any("actors.yaml" in line and "actors[1].sector" in line for line in lines)
    assert any("actor key 'agencia-x' is used twice" in line for line in lines)
    assert any("acronyms.yaml" in line and "'nadie' is no actor key" in line for line in lines)
    assert any("hitos[0].status.status" in line and "'terminado'" in line for line in lines)
    assert any("Colectivo Desconocido" in line for line in lines)
    assert any("projects[0].titel: unknown field" in line for line in lines)
    assert any("commitment_2.yaml" in line and "'pan8' names no plan" in line for line in lines)
    assert all(":" in line.split(" ")[0] for line in lines)  # every line starts with file:line


def test_a_key_written_twice_in_one_block_is_reported(make_synthetic_data_dir) -> None:
    root = make_synthetic_data_dir()
    path = root / "pan9" / "plan.yaml"
    text = path.read_text(encoding="utf-8").replace("  number: 9\n", "  number: 9\n  number: 8\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        load_data_dir(root)
    (issue,) = excinfo.value.issues
    assert issue.line == line_of(path, "number: 8") and "twice" in issue.reason


def test_commitment_number_must_match_its_file_name(make_synthetic_data_dir) -> None:
    def edit(files):
        files["pan9/commitment_2.yaml"]["commitment"]["number"] = 3

    with pytest.raises(DataError, match=r"commitment_2.yaml.*commitment number is 3"):
        load_data_dir(make_synthetic_data_dir(edit))


def test_missing_data_directory_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such data directory"):
        load_data_dir(tmp_path / "nowhere")


def test_catalogue_sample_is_read_on_request(synthetic_data_dir: Path) -> None:
    (synthetic_data_dir / "catalogue_sample.csv").write_text(
        "id,title,institution,sphere\n7,Práctica sintética,MINSINT,Social\n", encoding="utf-8")
    assert load_data_dir(synthetic_data_dir).practices == []
    (practice,) = load_data_dir(synthetic_data_dir, include_practices=True).practices
    assert practice.id == "7" and practice.sphere == "social"


# --- the actor index ---------------------------------------------------------------------------


def _actor(key: str, name: str, acronym: str | None = None, aliases=()) -> Actor:
    return Actor(key=key, name=name, acronym=acronym, aliases=list(aliases), sector="government",
                 source={"document": "999_0000000000000000.txt", "section": "synthetic"})


@pytest.fixture
def index() -> ActorDirectory:
    return ActorDirectory([
        _actor("segeplan", "Secretaría de Planificación y Programación de la Presidencia", "SEGEPLAN",
               aliases=["Segeplan central"]),
        _actor("mingob", "Ministerio de Gobernación", "MINGOB"),
    ])


@pytest.mark.parametrize("printed", [
    "Secretaría de Planificación y Programación de la Presidencia",
    "SECRETARIA DE PLANIFICACION Y PROGRAMACION  DE LA PRESIDENCIA.",
    "Secretaría de Planificación y Programación de la Presidencia -SEGEPLAN-",
    "Secretaría de Planificación y Programación de la Presidencia –SEGEPLAN–",
    "Secretaría de Planificación y Programación de la Presidencia (SEGEPLAN)",
    "Secretaría de Planificación y Programación de la Presidencia - SEGEPLAN",
    "SEGEPLAN-",
    "Nombre mal escrito -SEGEPLAN-",
    "segeplan",
    "• Segeplan;",
    "- SEGEPLAN",
    "Segeplan Central",
])
def test_printed_spellings_resolve_to_the_actor(index: ActorDirectory, printed: str) -> None:
    assert index.resolve(printed) == "segeplan"
    assert index.actor_named(printed).key == "segeplan"


def test_free_text_and_unknown_names_resolve_to_none(index: ActorDirectory) -> None:
    assert index.resolve("~Ministerio de Gobernación y otras") is None
    assert index.resolve("Ministerio de Finanzas") is None
    assert index.resolve("MINGOB - SEGEPLAN") is None  # two actors, not one
    assert index.by_key("mingob").name == "Ministerio de Gobernación"
    assert index.by_key("nadie") is None


def test_a_name_claimed_by_two_actors_is_reported(make_synthetic_data_dir) -> None:
    def edit(files):
        files["actors.yaml"]["actors"][1]["aliases"] = ["Ministerio de Pruebas"]

    with pytest.raises(DataError, match="also claimed by actor 'minsint'"):
        load_data_dir(make_synthetic_data_dir(edit))


def test_fold_name_ignores_accents_case_and_spacing() -> None:
    assert fold_name("  Ministerio  de GOBERNACIÓN. ") == fold_name("ministerio de gobernacion")


def test_loaded_data_round_trips_through_yaml(synthetic_data_dir: Path) -> None:
    data = load_data_dir(synthetic_data_dir)
    assert yaml.safe_load(yaml.safe_dump(data.model_dump(mode="json")))["plans"][0]["key"] == "pan9"
