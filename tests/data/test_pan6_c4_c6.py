"""Fidelity of the curated 6th-plan commitments 4, 5 and 6 (seed 003) to their source text.

Each fact asserted here was read in seed 003 by a person; the tests catch a data file that
drifts from the seed (a typo, a hito moved to the wrong date, a supporter in the wrong column).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge.schema import Actor, Commitment, Hito

DATA_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "data"
SEED = "003"
SEED_FILE = "003_ab710b9e28bab2ad.txt"
PLAN_END = "2025-06"
HITO_COUNTS = {4: 3, 5: 4, 6: 5}

_TAG = re.compile(r"<[^>]+>")
_HYPHENATION = re.compile(r"(\w)-\n\s*(\w)")


def normalise(text: str) -> str:
    """Text as compared with the seed: no HTML tags, bullets, emphasis or hyphenation, one space."""
    text = _HYPHENATION.sub(r"\1\2", text)
    text = _TAG.sub(" ", text)
    text = text.replace("▶", " ").replace("*", "")
    return " ".join(text.split()).casefold()


def found_in(fragment: str, seed: str) -> bool:
    """True if the fragment is in the seed, whole or cut once by a page break of the table.

    A cut fragment must have both halves in the seed, the second after the first; every word
    is still compared, so a typo anywhere fails.
    """
    if fragment in seed:
        return True
    words = fragment.split(" ")
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        at = seed.find(head)
        if at >= 0 and seed.find(tail, at + len(head)) >= 0:
            return True
    return False


@pytest.fixture(scope="module")
def seed(seed_text) -> str:
    return normalise(seed_text(SEED))


@pytest.fixture(scope="module")
def c4(commitment) -> Commitment:
    return commitment("pan6", 4)


@pytest.fixture(scope="module")
def c5(commitment) -> Commitment:
    return commitment("pan6", 5)


@pytest.fixture(scope="module")
def c6(commitment) -> Commitment:
    return commitment("pan6", 6)


def hito(c: Commitment, number: int) -> Hito:
    (h,) = [h for h in c.hitos if h.number == number]
    return h


def curated_texts(c: Commitment) -> list[tuple[str, str]]:
    """(where, paragraph) for every text copied from the seed into the commitment file."""
    texts: list[tuple[str, str]] = []

    def add(where: str, value: str | None) -> None:
        for paragraph in (value or "").split("\n\n"):
            if paragraph.strip():
                texts.append((where, paragraph))

    for name in ("description", "problem", "solution", "transparency", "accountability",
                 "participation"):
        add(name, getattr(c, name))
    for name in ("causes", "done_so_far", "expected_results", "modifications"):
        for i, item in enumerate(getattr(c, name)):
            add(f"{name}[{i}]", item)
    for h in c.hitos:
        add(f"hito {h.number} text", h.text)
        for i, item in enumerate(h.expected_results):
            add(f"hito {h.number} expected_results[{i}]", item)
    return texts


# --- the texts are the seed's own words -----------------------------------------------------


@pytest.mark.parametrize("number", [4, 5, 6])
def test_every_curated_text_appears_in_the_seed(commitment, seed, number):
    c = commitment("pan6", number)
    missing = [where for where, text in curated_texts(c) if not found_in(normalise(text), seed)]
    assert missing == [], f"commitment {number}: not found in seed 003: {missing}"


@pytest.mark.parametrize("number", [4, 5, 6])
def test_title_is_the_index_title(commitment, seed_text, number):
    index_line = re.search(rf"COMPROMISO {number} <i>(.+?)</i>", seed_text(SEED)).group(1)
    assert normalise(commitment("pan6", number).title) == normalise(index_line)


@pytest.mark.parametrize("number", [4, 5, 6])
def test_short_title_is_words_of_the_title(commitment, number):
    c = commitment("pan6", number)
    assert c.short_title and normalise(c.short_title) in normalise(c.title)


def test_found_in_rejects_a_typo_and_accepts_a_page_break():
    seed = normalise("Hito 2 los segmentos, a\tJunio 2023\n<p>los segmentos más vulnerables</p>")
    assert found_in(normalise("los segmentos, a los segmentos más vulnerables"), seed)
    assert not found_in(normalise("los segmentos, a los segmentos mas vulnerables"), seed)
    assert not found_in(normalise("los segmentos más vulnerables, a los segmentos"), seed)


# --- shape of every record -------------------------------------------------------------------


@pytest.mark.parametrize("number", [4, 5, 6])
def test_hito_count_and_numbering(commitment, number):
    c = commitment("pan6", number)
    assert [h.number for h in c.hitos] == list(range(1, HITO_COUNTS[number] + 1))


@pytest.mark.parametrize("number", [4, 5, 6])
def test_every_record_cites_seed_003(commitment, number):
    c = commitment("pan6", number)
    assert c.source.document == SEED_FILE
    assert f"Compromiso {number}" in c.source.section
    for h in c.hitos:
        assert h.source.document == SEED_FILE
        assert h.source.section.endswith(f"Compromiso {number} > Planificación del compromiso > Hito {h.number}")


@pytest.mark.parametrize("number", [4, 5, 6])
def test_hitos_run_within_the_plan_and_have_one_end_date(commitment, number):
    for h in commitment("pan6", number).hitos:
        assert h.start and h.end and h.end.iso() == PLAN_END
        assert h.end_original is None  # no hito of commitments 4-6 shows two end dates


@pytest.mark.parametrize("number", [4, 5, 6])
def test_source_states_no_hito_status(commitment, number):
    assert all(h.status is None for h in commitment("pan6", number).hitos)


@pytest.mark.parametrize("number", [4, 5, 6])
def test_actor_names_are_single_clean_names(commitment, number):
    c = commitment("pan6", number)
    names = list(c.responsible) + [a for g in c.osc_and_other_actors for a in g.actors]
    for h in c.hitos:
        names += h.responsible + h.supporters.government + h.supporters.osc + h.supporters.other
    for name in names:
        assert name == name.strip() and "  " not in name and "\t" not in name, name
        assert not name.startswith(("-", "▶")), f"list dash or bullet left in {name!r}"
        assert not re.search(r"\b[A-Z]{3,}\b \b[A-Z]{3,}\b", name), f"two actors in {name!r}"


@pytest.mark.parametrize("number", [4, 5, 6])
def test_uncertain_fields_are_explained(commitment, number):
    c = commitment("pan6", number)
    for record in [c, *c.hitos]:
        if record.uncertain:
            assert record.notes, f"{record.source.section}: uncertain without notes"
            for field in record.uncertain:
                assert field in type(record).model_fields, field


# --- commitment 4: migration (CONAMIGUA) ----------------------------------------------------


def test_c4_dates_and_responsible(c4):
    assert (c4.start.iso(), c4.end.iso()) == ("2023-06-30", "2025-06-30")
    assert c4.responsible[0] == "Consejo Nacional de Atención al Migrante de Guatemala -CONAMIGUA-"
    assert "CEIDEPAZ" in c4.responsible[1] and c4.responsible[1].startswith("~")


def test_c4_actor_list(c4):
    (group,) = c4.osc_and_other_actors
    assert len(group.actors) == 26
    assert {"Asociación Aire", "Centinelas", "Cruz Roja", "PDH", "ALTERNATIVAS/GIZ"} <= set(group.actors)
    assert "~Academia" in group.actors


def test_c4_hito1_supporters_by_column(c4):
    h = hito(c4, 1)
    assert h.responsible == ["Consejo Nacional de Atención al Migrante de Guatemala -CONAMIGUA-"]
    assert len(h.supporters.government) == 18
    assert "SEGEPLAN" in h.supporters.government and "PNC/MINGOB" in h.supporters.government
    assert "Fundación Fe y Alegría" in h.supporters.osc
    assert "OIM" in h.supporters.other and "FLACSO" in h.supporters.other
    assert len(h.expected_results) == 4


def test_c4_hito2_joins_the_page_break(c4):
    h = hito(c4, 2)
    assert "socioeconómica, a los segmentos poblacionales" in h.text.split("\n\n")[2]
    assert h.text.split("\n\n")[-1].startswith("Implementación de un plan piloto")
    assert len(h.expected_results) == 6
    assert h.expected_results[3].endswith("en zonas con altas tasas de migración.")
    assert (h.start.iso(), h.end.iso()) == ("2023-06", "2025-06")


def test_c4_hito3_adds_four_organisations(c4):
    h1, h3 = hito(c4, 1), hito(c4, 3)
    assert set(h3.supporters.osc) - set(h1.supporters.osc) == {"CiidH", "Centinelas", "LAMBDA", "ICEFI"}
    assert h3.supporters.government == h1.supporters.government
    assert "USAID" in h3.supporters.other
    assert h3.expected_results[-1] == "Diseño de estrategia de datos abiertos."


# --- commitment 5: violence against women ---------------------------------------------------


def test_c5_dates_and_five_responsible_institutions(c5):
    assert (c5.start.iso(), c5.end.iso()) == ("2023-06-30", "2025-06-30")
    assert len(c5.responsible) == 5
    assert c5.responsible[-1] == "Instituto para la Asistencia y Atención a la Víctima del Delito -IV-"


def test_c5_actor_groups_keep_the_year_label(c5):
    first, year_2023 = c5.osc_and_other_actors
    assert len(first.actors) == 18 and "Majawil Q'ij" in first.actors
    assert year_2023.label == "Año 2023"
    assert "Agenda Política de Mujeres en la Diversidad" in year_2023.actors
    assert "osc_and_other_actors" in c5.uncertain


def test_c5_hito1_mingob_reports_with_icefi_as_other(c5):
    h = hito(c5, 1)
    assert h.responsible == ["Ministerio de Gobernación -MINGOB-"]
    assert h.supporters.government == [] and h.supporters.other == ["ICEFI"]
    assert "CAIMUS" in h.supporters.osc and len(h.supporters.osc) == 9


def test_c5_hito2_conaprevi_institutions_support(c5):
    h = hito(c5, 2)
    assert h.responsible[0].endswith("-CONAPREVI-")
    assert h.supporters.government == ["~Instituciones que integran la CONAPREVI"]
    assert "REDNOVI" in h.supporters.osc and "La Revuelta Arte" in h.supporters.osc


def test_c5_hito3_responsible_printed_below_and_columns_lost(c5):
    h = hito(c5, 3)
    assert h.responsible == ["DEMI", "SEPREM"]
    assert h.supporters.government == ["MINFIN"]
    assert "Incide Joven" in h.supporters.osc
    assert h.uncertain == ["supporters"]
    assert len(h.expected_results) == 3


def test_c5_hito4_is_the_2024_hito_of_the_iv(c5):
    h = hito(c5, 4)
    assert h.start.iso() == "2024-06"
    assert h.responsible == ["Instituto para la Asistencia y Atención a la Víctima del Delito -IV-"]
    assert "Alas de Mariposas" in h.supporters.osc and "supporters" in h.uncertain


# --- commitment 6: labour mobility (MINTRAB) ------------------------------------------------


def test_c6_end_date_is_recorded_as_printed_and_flagged(c6):
    assert (c6.start.iso(), c6.end.iso()) == ("2023-06-30", "2024-06-30")
    assert "end" in c6.uncertain and "30.6.2024" in c6.notes


def test_c6_responsible_and_actors(c6):
    assert c6.responsible == ["Ministerio de Trabajo y Previsión Social -MINTRAB-"]
    (group,) = c6.osc_and_other_actors
    assert "Techo" in group.actors and "CEIDPAZ" in group.actors


@pytest.mark.parametrize(("number", "start"), [(1, "2023-08"), (2, "2023-09"), (3, "2023-08"),
                                                (4, "2023-08"), (5, "2023-06")])
def test_c6_hito_start_dates(c6, number, start):
    h = hito(c6, number)
    assert h.start.iso() == start
    assert h.responsible == ["Ministerio de Trabajo y Previsión Social -MINTRAB-"]


def test_c6_hito4_gae_is_the_government_supporter(c6):
    h = hito(c6, 4)
    assert h.supporters.government == ["GAE"]
    assert "GAE" in h.text and "Red Ciudadana" in h.supporters.osc


def test_c6_hito5_columns_are_certain(c6):
    h = hito(c6, 5)
    assert h.uncertain == []
    assert h.supporters.government == [] and h.supporters.other == []
    assert h.supporters.osc[1] == "CEIDEPAZ" and len(h.supporters.osc) == 7
    assert all("supporters" in hito(c6, n).uncertain for n in (1, 2, 3, 4))


# --- integration with the actor registry (runs once actors.yaml exists) ---------------------


def all_actor_names(c: Commitment) -> set[str]:
    names = set(c.responsible) | {a for g in c.osc_and_other_actors for a in g.actors}
    for h in c.hitos:
        names |= set(h.responsible + h.supporters.government + h.supporters.osc + h.supporters.other)
    return names


@pytest.mark.parametrize("number", [4, 5, 6])
def test_every_actor_name_resolves_in_the_registry(commitment, number):
    if not (DATA_DIR / "actors.yaml").exists():
        pytest.skip("actors.yaml is not there yet")
    actors_module = pytest.importorskip("knowledge.actors")
    from knowledge.index import ActorDirectory

    with (DATA_DIR / "actors.yaml").open(encoding="utf-8") as f:
        registry = ActorDirectory(Actor.model_validate(a) for a in yaml.safe_load(f)["actors"])
    names = all_actor_names(commitment("pan6", number))
    unresolved = sorted(
        n for n in names if not actors_module.is_free_text(n) and registry.resolve(n) is None
    )
    assert unresolved == [], f"commitment {number}: not in actors.yaml: {unresolved}"
