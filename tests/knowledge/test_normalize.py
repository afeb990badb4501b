"""Normalisation: how people type on phones becomes words the core can match."""

from __future__ import annotations

import pytest

from knowledge.normalize import Normalizer, Speller, fold, fold_simple, load_lexicon


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(load_lexicon(), ["compromiso", "responsable", "alimentaria", "municipalidades"])


@pytest.mark.parametrize("typed, expected", [
    ("¿Quién es RESPONSABLE?", "quien es responsable"),
    ("holaaaa", "hola"),
    ("c3h2", "compromiso 3 hito 2"),
    ("c3 h2", "compromiso 3 hito 2"),
    ("C10H1A2", "compromiso 10 hito 1 actividad 2"),
    ("hito 3.2", "compromiso 3 hito 2"),
    ("pan6", "plan 6"),
    ("3° compromiso", "3o compromiso"),
])
def test_fold(typed, expected):
    assert fold(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("q pasa con lo de mano a mano", "que pasa con lo de mano a mano"),
    ("xq no hay info", "por que no hay informacion"),
    ("el tercer hito del 2do compromiso", "el 3 hito del 2 compromiso"),
    ("sexto plan", "6 plan"),
    ("plan IV", "plan 4"),
    ("III hito", "3 hito"),
    ("compromiso diez", "compromiso 10"),
    ("hola buenas tardes, quien es responsable xfa", "quien es responsable"),
])
def test_abbreviations_numbers_and_fillers(normalizer, typed, expected):
    assert normalizer.normalize(typed).text == expected


def test_acronym_iv_alone_is_not_a_number(normalizer):
    assert normalizer.normalize("que hace el IV").tokens[-1] == "iv"


@pytest.mark.parametrize("typo, word", [("compormiso", "compromiso"), ("responsabel", "responsable"),
                                        ("alimentaira", "alimentaria"), ("municipalidaes", "municipalidades")])
def test_typos_are_fixed_against_the_vocabulary(normalizer, typo, word):
    assert normalizer.normalize(typo).tokens == (word,)


def test_speller_leaves_unrelated_short_words_alone():
    speller = Speller({"mano": 3, "partida": 1})
    assert speller.correct("gano") == "gano"  # different first letter: another word
    assert speller.correct("xyzzyq") == "xyzzyq"


def test_english_is_detected_and_mapped_to_the_sources_words(normalizer):
    result = normalizer.normalize("who leads the labor mobility commitment?")
    assert result.english
    assert "quien" in result.canonical and "movilidad" in result.canonical and "compromiso" in result.canonical
    assert not normalizer.normalize("quien lidera el compromiso 6").english


@pytest.mark.parametrize(("typed", "folded"), [
    ("SEGEPLAN–AMEXCID–GIZ", "segeplan amexcid giz"),  # en dashes between names
    ("Período 2016—2018", "periodo 2016 2018"),  # an em dash between years
    ("“Mano a Mano”…¿qué es?", "mano a mano que es"),  # curly quotes, an ellipsis
])
def test_a_dash_or_quote_outside_latin_1_parts_words_instead_of_gluing_them(typed, folded):
    assert fold_simple(typed) == folded
