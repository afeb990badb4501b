"""The follow-up mechanisms of the knowledge core on SYNTHETIC data: short references, projects,
facts with numbers, acronym questions, actor summaries, hitos named by content, refusals that
name what is missing, other plans mentioned in records, and English answers read as English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from knowledge.core import Knowledge
from knowledge.refs import parse_ref
from knowledge.schema import Component, Project

SRC = {"document": "009_0000000000000000.txt", "section": "Sintético"}
LOCALE = Path(__file__).resolve().parents[2] / "knowledge" / "locale"


@pytest.fixture(scope="module")
def core(make_synthetic_data) -> Knowledge:
    data = make_synthetic_data()
    # SYNTHETIC additions: a project, and an old hito that follows up a plan the base does not hold
    data.projects.append(Project(
        key="faros-sur", title="Programa sintético de faros del sur", short_name="FAROSUR", countries=["Utopía"],
        objective="Iluminar la costa sur sintética.", start="2040-01-01", end="2041-06-30", amount="EUR 12.345",
        components=[Component(title="Lámparas solares de prueba"), Component(title="Escuela de fareros")],
        lessons_learned=["Las lámparas duran más con mantenimiento comunitario."], source=SRC))
    data.plans[1].commitments[0].hitos[0].text += ", en seguimiento al compromiso 3 del séptimo plan"
    return Knowledge(data)


@pytest.mark.parametrize("question", ["hito 2 del 1 quien es responsable", "el hito dos del 1 responsable",
                                      "ito 2 de el 1 quien", "jito 2 del conpromiso 1 responsable"])
def test_hito_n_of_m_means_hito_n_of_commitment_m(core, question):
    answer = core.ask(question)
    assert answer.kind == "answer"
    assert answer.refs[0] == "pan9.c1h2"
    assert "Instituto Sintético de Pruebas" in answer.text


def test_hito_of_an_unknown_plan_number_is_not_a_commitment(core):
    assert not [r for r in core.ask("hito 2 del 6 plan").refs if (p := parse_ref(r)) and p.commitment == 6]


@pytest.mark.parametrize(("question", "expected"), [
    ("cuanto costo el farosur", "EUR 12.345"),
    ("componentes del farosur", "Escuela de fareros"),
    ("lecciones aprendidas del farosur", "mantenimiento comunitario"),
    ("cuando termino farosur", "2041"),
    ("what are the lessons learned from FAROSUR", "mantenimiento comunitario"),
])
def test_project_aspects_come_from_the_project_record(core, question, expected):
    answer = core.ask(question)
    assert answer.kind == "answer"
    assert expected in answer.text
    assert answer.refs[0] == "pr:faros-sur"


def test_a_project_field_the_source_lacks_is_refused(core):
    assert core.ask("ministerios piloto del farosur").kind == "no_answer"


def test_plan_fact_with_a_number(core):
    answer = core.ask("con cuantas organizaciones ficticias se co-creo el plan")
    assert answer.kind == "answer" and "12" in answer.text


@pytest.mark.parametrize("question", ["q es zqx", "que quiere decir zqx", "q significa la ZQX"])
def test_acronym_questions_in_any_case(core, question):
    assert core.ask(question).text.startswith("ZQX significa Zona de Quesos Experimentales")


def test_actor_summary_names_every_commitment_with_its_role(core):
    text = core.ask("en q participa refive").text
    summary = next(p for p in text.split("\n\n") if p.startswith("Aparece en"))
    for line in ("Compromiso 1", "Compromiso 2", "Compromiso 20"):
        assert line in summary
    assert "apoyo (OSC) en el hito 1" in summary


def test_hitos_in_charge_show_their_own_text(core):
    text = core.ask("q hitos tiene a cargo el ISP").text
    assert "Censo de queserías artesanales" in text
    assert "Capacitación de guardafaros voluntarios" in text


def test_hito_named_by_its_content(core):
    answer = core.ask("el hito del censo de queserias cuando termina")
    assert answer.refs[0] == "pan9.c2h1"
    assert "mayo de 2031" in answer.text


@pytest.mark.parametrize(("question", "missing", "entity"), [
    ("cual es el telefono del ISP", "teléfono", "ISP"),
    ("correo de la OFI", "correo", "OFI"),
    ("cuantos empleados tiene el ISP", "empleados", "ISP"),
    ("cuanto gana el director de la OFI", "salarios", ""),
    ("como esta el clima en el faro", "clima", ""),
])
def test_unanswerable_attributes_are_refused_naming_what_is_missing(core, question, missing, entity):
    answer = core.ask(question)
    assert answer.kind == "no_answer"
    first = answer.text.split("\n")[0]
    assert first.startswith("No tengo") and missing in first and entity in first


def test_office_holder_named_by_a_fact_is_answered(make_synthetic_data):
    data = make_synthetic_data()
    data.plans[0].facts[0].text += " La directora del ISP, Ana Sintética, lo presentó."
    answer = Knowledge(data).ask("quien es la directora del ISP")
    assert answer.kind == "answer" and "Ana Sintética" in answer.text


def test_other_plan_found_in_a_record_text(core):
    answer = core.ask("que paso con el compromiso 3 del septimo plan")
    assert answer.kind == "answer"
    assert "pan8.c20h1" in answer.refs
    assert "Rutas de bibliotecas rodantes" in answer.text


def test_unknown_plan_without_mentions_is_refused(core):
    assert core.ask("que dice el plan 5").kind == "no_answer"


@pytest.mark.parametrize("question", ["who is responsible for milestone 2 of 1", "what does zqx mean",
                                      "phone number of the ISP", "lessons learned from FAROSUR",
                                      "where does REFIVE participate", "when does commitment 2 end"])
def test_english_answers_read_as_english(core, question):
    text = core.ask(question).text
    for spanish in ("Fuente:", "Responsable ", "No tengo", "Lecciones", "Aparece en", "significa", " de 20"):
        assert spanish not in text, (question, spanish, text)


@pytest.mark.parametrize("domain", ["knowledge"])
def test_every_template_has_an_english_translation(domain):
    catalogue = read_po((LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po").open("rb"))
    untranslated = [m.id for m in catalogue if m.id and (not m.string or isinstance(m.string, tuple) and not all(m.string))]
    assert not untranslated


def test_every_message_the_bot_can_say_is_in_the_english_catalogues():
    """Extracted from the sources as `pybabel extract` does (every room: knowledge, bot,
    handlers): a new template nobody added to a catalogue would reach English readers in Spanish."""
    from babel.messages.extract import extract_from_file

    english: dict[str, object] = {}
    for domain in ("knowledge", "bot", "participation"):
        for m in read_po((LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po").open("rb")):
            if m.id:
                english[m.id[0] if isinstance(m.id, tuple) else m.id] = m.string
    keywords = {"_": None, "N_": None, "n_": (1, 2), "ngettext": (1, 2)}
    root = LOCALE.parents[1]
    missing = []
    for room in ("knowledge", "bot", "handlers"):
        for path in sorted((root / room).rglob("*.py")):
            for _line, message, _comments, _context in extract_from_file("python", path, keywords=keywords):
                msgid = message[0] if isinstance(message, tuple) else message
                if not msgid:
                    continue
                string = english.get(msgid)
                if not string or (isinstance(string, tuple) and not all(string)):
                    missing.append(f"{path.relative_to(root)}: {msgid}")
    assert not missing, missing
