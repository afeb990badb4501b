"""Fidelity tests for the 6th National Action Plan data: the plan's facts and commitments 1-3.

Each expectation below was written from a reading of seed 003, not copied from the YAML: a
wrong date, a supporter in the wrong column or a typo in a quoted text makes a test fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from knowledge.schema import Commitment, Hito, Plan

SEED = "003"
PLAN_KEY = "pan6"
OWN_COMMITMENTS = (1, 2, 3)
STATUSES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "statuses.yaml"


# --- helpers ----------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Text as compared with the seed: no HTML tags, bullets, emphasis, hyphenation or dash variants."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("▶", " ").replace("*", "")
    text = re.sub(r"([a-záéíóúñ])-\n([a-záéíóúñ])", r"\1\2", text)  # "coo-\nperación" -> "cooperación"
    text = text.replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def quoted_texts(c: Commitment) -> Iterator[tuple[str, str]]:
    """Every text field of a commitment that must be the source's own wording."""
    for name in ("title", "description", "problem", "solution", "transparency", "accountability",
                 "participation"):
        yield name, getattr(c, name)
    for name in ("causes", "done_so_far", "expected_results", "modifications"):
        for i, text in enumerate(getattr(c, name)):
            yield f"{name}[{i}]", text
    for h in c.hitos:
        yield f"hito {h.number}.text", h.text
        for i, text in enumerate(h.expected_results):
            yield f"hito {h.number}.expected_results[{i}]", text
        if h.status:
            yield f"hito {h.number}.status.quote", h.status.quote


def actor_names(c: Commitment) -> Iterator[str]:
    yield from c.responsible
    yield from c.other_actors
    for group in c.osc_and_other_actors:
        yield from group.actors
    for h in c.hitos:
        yield from h.responsible
        yield from h.supporters.government
        yield from h.supporters.osc
        yield from h.supporters.other


def hito(c: Commitment, number: int) -> Hito:
    (found,) = [h for h in c.hitos if h.number == number]
    return found


@pytest.fixture(scope="module")
def seed(seed_text) -> str:
    return normalise(seed_text(SEED))


@pytest.fixture(scope="module")
def pan6(plan) -> Plan:
    return plan(PLAN_KEY)


@pytest.fixture(scope="module")
def c1(commitment) -> Commitment:
    return commitment(PLAN_KEY, 1)


@pytest.fixture(scope="module")
def c2(commitment) -> Commitment:
    return commitment(PLAN_KEY, 2)


@pytest.fixture(scope="module")
def c3(commitment) -> Commitment:
    return commitment(PLAN_KEY, 3)


# --- every commitment: wording, actor names, shape ---------------------------------------------


@pytest.mark.parametrize("number", OWN_COMMITMENTS)
def test_every_quoted_text_is_in_the_seed(commitment, seed, number):
    c = commitment(PLAN_KEY, number)
    missing = [where for where, text in quoted_texts(c) if normalise(text) not in seed]
    assert not missing, f"commitment {number}: not found in the seed: {missing}"


@pytest.mark.parametrize("number", OWN_COMMITMENTS)
def test_every_actor_name_is_printed_in_the_seed(commitment, seed, number):
    names = set(actor_names(commitment(PLAN_KEY, number)))
    missing = sorted(n for n in names if normalise(n.removeprefix("~")) not in seed)
    assert not missing


@pytest.mark.parametrize("number", OWN_COMMITMENTS)
def test_actor_names_are_one_clean_name_each(commitment, number):
    for name in actor_names(commitment(PLAN_KEY, number)):
        assert name and name == name.strip()
        assert "▶" not in name and "\n" not in name
        assert not re.search(r"\s{2,}", name)


@pytest.mark.parametrize("number", OWN_COMMITMENTS)
def test_commitment_runs_for_the_whole_plan_and_hitos_inside_it(commitment, pan6, number):
    c = commitment(PLAN_KEY, number)
    assert (c.start, c.end) == (pan6.start, pan6.end)
    for h in c.hitos:
        assert h.start.first_day() >= c.start.first_day().replace(day=1)
        assert h.end.last_day() <= c.end.last_day()
        if h.end_original:
            assert h.end_original.last_day() < h.end.last_day()


@pytest.mark.parametrize("number", OWN_COMMITMENTS)
def test_uncertain_lists_name_real_fields(commitment, number):
    c = commitment(PLAN_KEY, number)
    for record in [c, *c.hitos]:
        for field in record.uncertain:
            assert field in type(record).model_fields, field
        if record.uncertain:
            assert record.notes, "an uncertain field must be explained in notes"


@pytest.mark.parametrize("number", OWN_COMMITMENTS)
def test_every_record_cites_seed_003(commitment, number):
    c = commitment(PLAN_KEY, number)
    for record in [c, *c.hitos]:
        assert record.source.document.startswith(f"{SEED}_")
    for h in c.hitos:
        assert f"Hito {h.number}" in h.source.section


@pytest.mark.parametrize(("number", "hito_count"), [(1, 4), (2, 6), (3, 4)])
def test_hito_count(commitment, number, hito_count):
    assert [h.number for h in commitment(PLAN_KEY, number).hitos] == list(range(1, hito_count + 1))


# --- the plan -------------------------------------------------------------------------------------


def test_plan_identity_and_validity(pan6):
    assert (pan6.key, pan6.number, pan6.period_label) == ("pan6", 6, "2023-2025")
    assert (pan6.start.iso(), pan6.end.iso()) == ("2023-06-30", "2025-06-30")
    assert pan6.current
    assert pan6.commitments == []  # commitments live in their own files


def test_plan_facts_cover_the_topics_users_ask_about(pan6):
    topics = {f.topic for f in pan6.facts}
    assert {"validity", "co_creation", "ogp_membership", "mid_term_revision", "new_osc",
            "forum_validation", "relaunch", "methodology", "adjustments"} <= topics


def test_plan_facts_are_quoted_from_the_seed(pan6, seed):
    for fact in pan6.facts:
        assert normalise(fact.text).rstrip(".") in seed, fact.topic


def test_plan_facts_give_the_numbers_of_the_process(pan6):
    facts = {f.topic: f.text for f in pan6.facts}
    assert "9 organizaciones de la sociedad civil" in facts["co_creation"]
    assert "más de 30 entidades" in facts["co_creation"]
    assert "2011" in facts["ogp_membership"] and "2012" in facts["ogp_membership"]
    assert "23 nuevas organizaciones" in facts["new_osc"]
    assert "20 y el 25 de junio 2024" in facts["forum_validation"]
    assert facts["relaunch"].startswith("En marzo 2024")
    assert "mayo y junio 2024" in facts["mid_term_revision"]
    assert all(f"{n})" in facts["methodology"] for n in range(1, 5))


def test_six_thematic_tables_as_captioned_in_the_seed(pan6, seed_text):
    captions = normalise(seed_text(SEED))
    assert [t.number for t in pan6.thematic_tables] == [1, 2, 3, 4, 5, 6]
    for t in pan6.thematic_tables:
        caption = f"Mesa temática {t.number}, {t.topic}, {t.date.day} de junio de {t.date.year}, {t.place}"
        assert normalise(caption) in captions


def test_thematic_table_on_infrastructure_met_before_food_security(pan6):
    by_number = {t.number: t for t in pan6.thematic_tables}
    assert by_number[1].date.iso() == "2024-06-10"
    assert by_number[3].date.first_day() < by_number[2].date.first_day()


# --- commitment 1: open data ------------------------------------------------------------------


def test_c1_commitment_facts(c1):
    assert c1.responsible == ["Comisión Presidencial de Gobierno Abierto y Electrónico -GAE-"]
    (group,) = c1.osc_and_other_actors
    assert len(group.actors) == 16
    assert {"Colectivo de Vida Independiente", "LAMBDA", "CODEFEM"} <= set(group.actors)
    assert len(c1.causes) == 3 and len(c1.done_so_far) == 5 and len(c1.modifications) == 3
    assert "199-2018" in c1.done_so_far[0]


def test_c1_hito1_splits_the_gae_cell_and_keeps_cost_as_other(c1):
    h = hito(c1, 1)
    assert (h.start.iso(), h.end.iso(), h.end_original) == ("2023-06", "2025-06", None)
    assert h.supporters.government[0] == "GAE"
    assert "Fundación Myrna Mack" in h.supporters.osc
    assert h.supporters.other == ["Iniciativa de Transparencia en la Construcción CoST Guatemala"]


def test_c1_hito2_was_extended_from_january_2024(c1):
    h = hito(c1, 2)
    assert (h.start.iso(), h.end_original.iso(), h.end.iso()) == ("2023-07", "2024-01", "2025-06")
    assert h.supporters.government == ["INAP", "MINGOB", "SENACYT"]
    assert "Fundación Myrna Mack" not in h.supporters.osc


def test_c1_hito3_observatory_supporters(c1):
    h = hito(c1, 3)
    assert "observatorio de datos abiertos" in h.text
    assert h.supporters.government[:3] == ["MINFIN", "MINGOB", "SENACYT"]
    assert h.supporters.government[3].startswith("~Instituciones invitadas")
    assert {"CODEFEM", "GGM", "Funprosperiti"} <= set(h.supporters.osc)
    assert len(h.expected_results) == 2


def test_c1_hito4_belongs_to_the_anticorruption_commission(c1):
    h = hito(c1, 4)
    assert h.responsible == ["Comisión Nacional Contra la Corrupción -CNC-"]
    assert (h.start.iso(), h.end.iso()) == ("2024-02", "2025-06")
    assert h.supporters.government == ["GAE"]
    assert "Fundación Myrna Mack" in h.supporters.osc
    assert "supporters" in h.uncertain  # the fourth row of the table sits in the wrong column
    assert len(h.expected_results) == 4


# --- commitment 2: food and nutrition security ------------------------------------------------------


def test_c2_commitment_facts(c2):
    assert c2.responsible[0].startswith("Secretaría de Seguridad Alimentaria y Nutricional")
    assert c2.responsible[0].endswith("-SESAN-")
    assert "“Mano a Mano”" in c2.title
    assert len(c2.modifications) == 4


def test_c2_actor_groups_by_year(c2):
    labels = [g.label for g in c2.osc_and_other_actors]
    assert labels == ["Año 2023", "Año 2024", "Año 2023"]
    first_2023, year_2024, second_2023 = (g.actors for g in c2.osc_and_other_actors)
    assert "Landivarianos" in year_2024 and "FLACSO" in year_2024
    assert len(year_2024) == 7
    assert all("ATRAHDOM" in a or "SITRADOM" in a for a in second_2023) and len(second_2023) == 2
    assert first_2023[0] == "Funprosperiti"


def test_c2_first_three_hitos_are_completed_as_the_source_says(c2, seed):
    statuses = {s["key"] for s in yaml.safe_load(STATUSES_FILE.read_text("utf-8"))["statuses"]}
    for number in (1, 2, 3):
        h = hito(c2, number)
        assert h.status is not None, number
        assert h.status.status == "completado" and h.status.status in statuses
        assert "hitos 1, 2 y 3" in h.status.quote
        assert normalise(h.status.quote) in seed
        assert h.status.as_of.iso() == "2024-06"
        assert (h.start.iso(), h.end_original.iso(), h.end.iso()) == ("2023-07", "2024-01", "2025-06")
        assert h.expected_results == []  # the source's cell is empty


def test_c2_new_hitos_have_no_stated_status_and_start_june_2024(c2):
    for number in (4, 5, 6):
        h = hito(c2, number)
        assert h.status is None
        assert (h.start.iso(), h.end.iso()) == ("2024-06", "2025-06")
        assert h.supporters.government == [] and h.supporters.other == []
        assert {"FLACSO", "ICEFI", "INCOPAS", "Red Ciudadana", "CiiDH"} <= set(h.supporters.osc)


def test_c2_hito_supporters(c2):
    assert hito(c2, 1).supporters.osc == ["Funprosperiti", "CiiDH", "INCOPAS", "Red Ciudadana"]
    assert "SITRADOM" in hito(c2, 3).supporters.osc
    assert "SITRADOM" not in hito(c2, 2).supporters.osc
    assert "Landivarianos" not in hito(c2, 4).supporters.osc
    assert "Landivarianos" in hito(c2, 5).supporters.osc
    assert "CODESAN y COMUSAN" in hito(c2, 6).text


# --- commitment 3: infrastructure in health and education ---------------------------------------


def test_c3_commitment_facts(c3):
    assert c3.responsible == ["Ministerio de Salud Pública y Asistencia Social -MSPAS-",
                              "Ministerio de Educación -MINEDUC-"]
    (group,) = c3.osc_and_other_actors
    assert {"Incide Joven", "Cibaque", "Asociación de Abogadas Indígenas Chomija"} <= set(group.actors)
    assert "OC4IDS" in c3.problem
    assert "junio de 2023" in c3.done_so_far[0]


def test_c3_hito1_government_supporters(c3):
    h = hito(c3, 1)
    assert h.supporters.government == ["CIV", "MINFIN", "SEGEPLAN", "INE", "GAE"]
    assert h.supporters.other == ["CoST Guatemala"]
    assert len(h.supporters.osc) == 10
    assert (h.end_original.iso(), h.end.iso()) == ("2024-01", "2025-06")


def test_c3_hitos_2_to_4_have_no_government_supporter(c3):
    for number in (2, 3, 4):
        h = hito(c3, number)
        assert h.supporters.government == []
        assert h.supporters.other == ["CoST Guatemala"]
        assert "Visibles" in h.supporters.osc


def test_c3_hito4_is_mineducs_new_hito(c3):
    h = hito(c3, 4)
    assert h.responsible == ["Ministerio de Educación -MINEDUC-"]
    assert h.start.iso() == "2024-06"
    assert all(x.responsible == ["Ministerio de Salud Pública y Asistencia Social -MSPAS-"]
               for x in c3.hitos if x.number != 4)
