"""Fidelity tests for the actor registry (actors.yaml) and the acronyms (acronyms.yaml).

They check what a user of the bot would notice: an acronym of the 6th plan's list that the bot
cannot expand, an expansion with a typo, an institution printed two ways that the bot takes for
two, a name that points at two institutions, a name in a commitment file that names nobody.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from knowledge.schema import Actor

DATA_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "data"
SIGLAS = "SIGLAS Y ACRÓNIMOS"
SEED_PREFIXES = ("000", "001", "002", "003", "004")


# --- helpers: the folding the registry contract promises (case, accents, whitespace) -----------

_QUOTES = re.compile(r"[\"“”«»]")
_ACRONYM_SUFFIX = re.compile(r"^(?P<full>.+?)\s*(?:[-–]\s*(?P<d>[^-–()]+?)\s*[-–]|\((?P<p>[^()]+)\))$")


def fold(text: str) -> str:
    """Case, accents, quotes and whitespace folded; leading list dashes/bullets dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _QUOTES.sub("", text)
    text = re.sub(r"^[\s\-–•▶]+", "", text)
    text = re.sub(r"[\s.,;:]+$", "", text)
    return re.sub(r"\s+", " ", text).strip()


def name_forms(name: str) -> list[str]:
    """A printed name and, for "Full Name -ACR-" / "Full Name (ACR)", each of its two parts."""
    folded = fold(name)
    forms = [folded]
    if m := _ACRONYM_SUFFIX.match(folded):
        forms += [m["full"].strip(), (m["d"] or m["p"]).strip()]
    return forms


def index_by_folded_name(actors: list[Actor]) -> dict[str, set[str]]:
    """Folded name/acronym/alias -> keys of the actors claiming it."""
    owners: dict[str, set[str]] = defaultdict(set)
    for actor in actors:
        for name in [actor.name, actor.acronym, *actor.aliases]:
            if name:
                owners[fold(name)].add(actor.key)
    return owners


def resolve(name: str, owners: dict[str, set[str]]) -> str | None:
    """The one actor key a printed name means (None if it names nobody)."""
    for form in name_forms(name):
        keys = owners.get(form)
        if keys:
            assert len(keys) == 1, f"{name!r} is ambiguous: {sorted(keys)}"
            return next(iter(keys))
    return None


def seed_blob(text: str) -> str:
    """A seed folded for substring checks: hyphenated line breaks joined, spaces collapsed."""
    text = re.sub(r"-\s*\n\s*", "", text)
    text = text.replace("▶", " ").replace("**", " ")
    blob = fold(text)
    return re.sub(r"\s*/\s*", "/", blob)


def without_acronyms(blob: str) -> str:
    """The same blob with "(ACR)" and "-ACR-" insertions removed (000 prints "... (GIZ) GmbH")."""
    blob = re.sub(r"\s*\([a-z0-9]{2,12}\)", "", blob)
    return re.sub(r"\s+", " ", blob)


@pytest.fixture(scope="module")
def seed_blobs(seed_text) -> dict[str, str]:
    blobs = {}
    for prefix in SEED_PREFIXES:
        blob = seed_blob(seed_text(prefix))
        blobs[prefix] = blob + "\n" + without_acronyms(blob)
    return blobs


def appears_in(text: str, blob: str) -> bool:
    return re.sub(r"\s*/\s*", "/", fold(text)) in blob


@pytest.fixture(scope="module")
def siglas_lines(seed_text) -> list[str]:
    """The SIGLAS Y ACRÓNIMOS section of seed 003, one "ACR expansion" per entry, as printed."""
    text = seed_text("003")
    start = text.index(SIGLAS + "\n") + len(SIGLAS) + 1
    end = text.index("\nINTRODUCCIÓN\n", start)
    lines = []
    for raw in text[start:end].splitlines():
        line = raw.strip()
        if not line:
            continue
        # First half of the list: "- AC** Acción Ciudadana"; second half: "INCOPAS Instancia de ...".
        line = re.sub(r"^-\s+", "", line).replace("**", "", 1)
        lines.append(re.sub(r"\s+", " ", line))
    return lines


@pytest.fixture(scope="module")
def owners(actors) -> dict[str, set[str]]:
    return index_by_folded_name(actors)


# --- acronyms ---------------------------------------------------------------------------------


def test_every_siglas_entry_is_present_in_order_with_its_expansion(acronyms, siglas_lines):
    from_list = [a for a in acronyms if a.source.section == SIGLAS]
    assert all(a.source.document.startswith("003_") for a in from_list)
    ours = [f"{a.acronym} {a.expansion}" for a in from_list]
    missing = [line for line in siglas_lines if line not in ours]
    extra = [line for line in ours if line not in siglas_lines]
    assert not missing, f"SIGLAS entries missing or misspelt in acronyms.yaml: {missing}"
    assert not extra, f"records claiming the SIGLAS list that it does not have: {extra}"
    assert ours == siglas_lines  # same order as printed
    assert len(siglas_lines) == 68  # 36 "- ACR**" entries + 32 plain ones: a broken parse must not pass


def test_siglas_list_switches_format_half_way_and_both_halves_are_covered(acronyms):
    by_acronym = {a.acronym: a.expansion for a in acronyms if a.source.section == SIGLAS}
    assert by_acronym["AC"] == "Acción Ciudadana"  # "- AC** ..." half
    assert by_acronym["INCOPAS"] == "Instancia de Consulta y Participación Social"  # plain half
    assert by_acronym["UNICEF"] == "Fondo de las Naciones Unidas para la Infancia"  # last entry


def test_every_expansion_is_printed_in_its_source_seed(acronyms, seed_blobs):
    wrong = [
        f"{a.acronym} = {a.expansion!r} ({a.source.document})"
        for a in acronyms
        if not appears_in(a.expansion, seed_blobs[a.source.document[:3]])
    ]
    assert not wrong, f"expansions not found in their seed: {wrong}"


def test_every_acronym_is_printed_in_its_source_seed(acronyms, seed_text):
    for a in acronyms:
        assert a.acronym in seed_text(a.source.document[:3]), a


def test_acronyms_used_outside_the_list_are_there_with_their_own_source(acronyms):
    def sources(acr: str) -> dict[str, str]:
        return {a.expansion: a.source.document[:3] for a in acronyms if a.acronym == acr}

    assert sources("CNC") == {"Comisión Nacional Contra la Corrupción": "003"}
    assert sources("SCEP")["Secretaría de Coordinación Ejecutiva de la Presidencia de la Presidencia"] == "004"
    assert sources("INFOM") == {"Instituto de Fomento Municipal": "004"}
    assert sources("METPRODES") and sources("PRECODE") and sources("POA")
    assert sources("AMEXCID") == {"Agencia Mexicana de Cooperación Internacional para el Desarrollo": "000"}
    assert sources("DGPCI") and sources("BMZ") and sources("CID")
    assert sources("SIAF") == {"Sistema de Integrado de Administración Financiera": "002"}
    assert "002" in sources("PRODEV").values()


def test_segeplan_keeps_one_record_per_distinct_expansion(acronyms):
    segeplan = {a.expansion: a.source.document[:3] for a in acronyms if a.acronym == "SEGEPLAN"}
    assert segeplan == {
        "Secretaría General de Planificación y Programación de la Presidencia": "003",
        "Secretaría de Planificación y Programación de la Presidencia": "001",
    }


def test_no_acronym_record_is_repeated(acronyms):
    seen = [(a.acronym, fold(a.expansion)) for a in acronyms]
    assert len(seen) == len(set(seen))


def test_unexpanded_acronyms_are_not_given_an_expansion(acronyms, seed_text):
    """IGM, PGN, SVET, JICA, ... are used but never expanded in the seeds: no invented meaning."""
    listed = {a.acronym for a in acronyms}
    for acr in ("IGM", "PGN", "SBS", "MP", "MINEX", "SVET", "PNC", "MINECO", "MCD", "CICR", "JICA",
                "OIM", "USAID", "PDH", "INE", "REDNOVI", "AGAAI", "CTr", "TSE", "SAT", "CONAP"):
        assert acr not in listed, f"{acr} has an expansion the seeds do not give"


def test_acronym_actor_keys_exist(acronyms, actors):
    keys = {a.key for a in actors}
    dangling = [(a.acronym, a.actor) for a in acronyms if a.actor is not None and a.actor not in keys]
    assert not dangling


def test_an_acronym_that_names_an_actor_resolves_to_that_actor(acronyms, owners):
    for a in acronyms:
        if a.actor is not None:
            assert resolve(a.acronym, owners) == a.actor, a.acronym
            assert resolve(a.expansion, owners) == a.actor, a.expansion


# --- actors -----------------------------------------------------------------------------------


def test_actor_keys_are_unique_and_parents_exist(actors):
    keys = [a.key for a in actors]
    assert len(keys) == len(set(keys))
    assert {a.parent for a in actors if a.parent} <= set(keys)
    assert all(len(k) <= 36 for k in keys)  # refs "i:<key>" allow 36 characters


def test_no_name_alias_or_acronym_belongs_to_two_actors(owners):
    shared = {name: sorted(keys) for name, keys in owners.items() if len(keys) > 1}
    assert not shared, f"names claimed by several actors: {shared}"


def test_every_actor_name_and_alias_is_printed_in_the_seeds(actors, seed_blobs):
    everything = "\n".join(seed_blobs.values())
    unseen = [
        f"{a.key}: {name!r}"
        for a in actors
        for name in [a.name, a.acronym, *a.aliases]
        if name and not appears_in(name, everything)
    ]
    assert not unseen, f"names that no seed prints: {unseen}"


def test_actor_sources_point_at_a_seed_that_names_them(actors, seed_blobs):
    for a in actors:
        blob = seed_blobs[a.source.document[:3]]
        assert any(appears_in(n, blob) for n in [a.name, a.acronym, *a.aliases] if n), a.key


@pytest.mark.parametrize(
    ("key", "spellings"),
    [
        ("ciidh", ["CiiDH", "CiidH", "Centro Internacional para Investigaciones en Derechos Humanos -CiidH-"]),
        ("ceidepaz", ["CEIDEPAZ", "CEIDPAZ", "- CEIDPAZ",
                      "Centro de Investigaciones y Proyectos para el Desarrollo y la Paz -CEIDEPAZ-",
                      "Centro de Investigaciones y Proyectos para el Desarrollo Juntos por el Desarrollo y la Paz"]),
        ("cnc", ["Comisión Nacional Contra la Corrupción -CNC-", "CNC", "CNCC"]),
        ("cost", ["Iniciativa de Transparencia en la Construcción CoST Guatemala",
                  "Iniciativa de Transparencia en Infraestructura CoST Guatemala",
                  "Iniciativa de Transparencia en Infraestructura -CoST-", "CoST", "CoST Guatemala"]),
        ("sesan", ["Secretaría de Seguridad Alimentaria y Nutricional de la Presidencia de la República –SESAN–",
                   "Secretaría de Seguridad Alimentaria y Nutricional -SESAN-", "SESAN"]),
        ("scep", ["Secretaría de Coordinación Ejecutiva de la Presidencia de la Presidencia -SCEP-",
                  "Secretaría de Coordinación Ejecutiva de la Presidencia SCEP",
                  "Secretaría de Coordinación Ejecutiva de la Presidencia", "SCEP"]),
        ("iv", ["Instituto de Atención a la Víctima", "Instituto para la Asistencia y Atención a la Víctima",
                "Instituto para la Asistencia y Atención a la Víctima del Delito -IV-", "IV"]),
        ("segeplan", ["Secretaría General de Planificación y Programación de la Presidencia",
                      "Secretaria de Planificación y Programación de la Presidencia -SEGEPLAN-",
                      "Secretaría de Planificación y Programación de la Presedencia (SEGEPLAN)", "Segeplan"]),
        ("pnc", ["PNC/MINGOB", "-PNC/MINGOB"]),
        ("alternativas", ["ALTERNATIVAS/GIZ", "ALTERNATIVAS /GIZ"]),
        ("ixoqib-miriam", ["Ixoq'ib Miriam", "Ixoq'ib' Miriam", "Ixoq'ib'Miriam"]),
        ("fe-y-alegria", ["Fe y Alegría", "Fundación Fe y Alegría", "-Fundación Fe y Alegría"]),
        ("grupo-articulador", ["Grupo Articulador", "Grupo articulador de Sociedad Civil para las Migraciones"]),
        ("comision-de-migrantes", ["Comisión de Migrantes/ Organismo Legislativo",
                                   "Comisión de Migrantes/ Organismo legislativo"]),
        ("giz", ["GIZ", "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH"]),
        ("maga", ["Ministerio de Agricultura y Alimentación",
                  "Ministerio de Agricultura, Ganadería y Alimentación (MAGA)"]),
        ("ogp", ["OGP", "Alianza Mundial para el Gobierno Abierto", "Alianza Global de Gobierno Abierto", "AGA"]),
        ("gae", ["Comisión de Gobierno Abierto y Electrónico", "GAE",
                 "Comisión Presidencial de Gobierno Abierto y Electrónico -GAE -"]),
    ],
)
def test_spelling_variants_resolve_to_one_actor(key, spellings, owners):
    assert {s: resolve(s, owners) for s in spellings} == {s: key for s in spellings}


@pytest.mark.parametrize(
    ("key", "sector"),
    [
        ("icefi", "civil_society"), ("red-ciudadana", "civil_society"), ("sitradom", "civil_society"),
        ("landivarianos", "civil_society"), ("flacso", "academia"), ("sesan", "government"),
        ("mspas", "government"), ("anam", "government"), ("conamigua", "government"),
        ("unicef", "international"), ("giz", "international"), ("jica", "international"),
        ("usaid", "international"), ("amexcid", "international"), ("bmz", "international"),
    ],
)
def test_sector_of_known_actors(key, sector, actors):
    assert {a.key: a.sector for a in actors}[key] == sector


def test_foreign_partners_have_country_and_units_have_parent(actors):
    by_key = {a.key: a for a in actors}
    assert by_key["amexcid"].country == "México" and by_key["dgpci"].country == "México"
    assert by_key["giz"].country == "Alemania" and by_key["bmz"].country == "Alemania"
    assert by_key["dgpci"].parent == "amexcid"
    assert by_key["sci"].parent == "segeplan"
    assert by_key["pnc"].parent == "mingob"


def test_catalogue_institution_types_of_seed_001_are_actors(owners):
    for name in ("Organismo Judicial", "Tribunal Supremo Electoral", "Academia de Lenguas Mayas",
                 "Superintendencia de Administración Tributaria", "Consejo Nacional de Áreas Protegidas",
                 "MINEX", "SEGEPLAN"):
        assert resolve(name, owners), name


def test_osc_of_every_commitment_list_of_seed_003_are_actors(owners, seed_text):
    """Every "▶ Name" item of the commitments' actor lists names an actor (or is a description)."""
    descriptions = {"ministerios", "secretarias", "cooperacion internacional", "academia"}
    text = seed_text("003")
    items = {m.strip() for m in re.findall(r"▶\s*([^\n]+)", text)}
    names = [i for i in items if len(i) < 90 and fold(i) not in descriptions]
    assert len(names) > 45
    unresolved = [n for n in names if resolve(n, owners) is None]
    assert not unresolved, f"actor-list items that name no actor: {unresolved}"


def test_acronym_only_actors_are_marked_uncertain(actors):
    for a in actors:
        if a.acronym and a.name == a.acronym:
            assert "name" in a.uncertain and a.notes, a.key


# --- the names the commitment and project files use -------------------------------------------


def _printed_actor_names(path: Path) -> list[str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    names: list[str] = []
    if "commitment" in raw:
        c = raw["commitment"]
        names += c.get("responsible") or []
        names += c.get("other_actors") or []
        for group in c.get("osc_and_other_actors") or []:
            names += group.get("actors") or []
        for hito in c.get("hitos") or []:
            names += hito.get("responsible") or []
            for side in (hito.get("supporters") or {}).values():
                names += side or []
            for activity in hito.get("activities") or []:
                names += activity.get("responsible") or []
    for project in raw.get("projects") or []:
        names += [p["actor"] for p in project.get("partners") or []]
    return [n for n in names if isinstance(n, str) and not n.lstrip().startswith("~")]


def _data_files_with_actor_names() -> list[Path]:
    return sorted(DATA_DIR.glob("pan*/commitment_*.yaml")) + sorted(DATA_DIR.glob("projects.yaml"))


@pytest.mark.parametrize("path", _data_files_with_actor_names(), ids=lambda p: p.relative_to(DATA_DIR).as_posix())
def test_actor_names_in_data_files_resolve_to_one_actor(path, owners):
    unresolved = sorted({n for n in _printed_actor_names(path) if resolve(n, owners) is None})
    assert not unresolved, f"{path.name}: names that match no actor: {unresolved}"
