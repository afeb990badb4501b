"""Kinds of value a sentence can hold — a count of the thing asked, a date, a person's name
said by their post, a body, a place — so a quoted sentence holds what the question wants."""

from __future__ import annotations

import functools
import re

from knowledge.normalize import fold_simple
from knowledge.qa.reading import MONTHS

_YEAR = re.compile(r"\b(19|20)\d{2}\b")

_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?![A-Za-z])")

_TITLED_NAME = re.compile(
    r"(?i:presidente|presidenta|vicepresidente|vicepresidenta|comisionado|comisionada|ministro|ministra|"
    r"secretario|secretaria|director|directora|embajador|embajadora|coordinador|coordinadora)\b"
    r"[^.;:]{0,40}?\b(?!(?:El|La|Los|Las|De|Del|En)\b)[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+){1,3}"
    r"(?:[,.]|$|\s+(?:indic|señal|refiri|dijo|expres|manifest|afirm|destac|agreg|explic|inform)|\s+(?:de|del|y|en|quien)\b)")

_PERSON_CUES = ("presidente", "presidenta", "vicepresidente", "vicepresidenta", "comisionado", "comisionada",
                "ministro", "ministra", "secretario", "secretaria", "director", "directora", "senor", "senora",
                "licenciado", "licenciada", "doctor", "doctora", "indico", "senalo", "refirio", "dijo", "expreso",
                "manifesto", "afirmo", "destaco", "agrego", "explico", "coordinador", "coordinadora", "embajador",
                "embajadora", "president", "minister", "director", "said")

_NAME = re.compile(r"\b[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?:\s+(?:de\s+|del\s+)?[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)+")

_ACRONYM = re.compile(r"\b[A-ZÁÉÍÓÚÑ]{2,}\b")

_MONTH_WORDS = tuple(MONTHS)

_PLACE = re.compile(r"\b(en|in|at|on)\s+(la\s+|el\s+|su\s+|los\s+|las\s+)?(?:[A-ZÁÉÍÓÚÑ]|p[aá]gina|portal|sitio|"
                    r"plataforma|bot[oó]n|web)"
                    # a place written as an item of a list: "…, 17 de junio de 2024, Ciudad de Guatemala"
                    r"|\b(?:Ciudad|Departamento|Municipio) de [A-ZÁÉÍÓÚÑ]")


_NUMBER_WORDS = ("dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "mil", "millones",
                 "cien", "veinte", "treinta")

_DATES = re.compile(r"\b\d{1,2}\s+(?:de\s+)?(?:" + "|".join(MONTHS) + r")\b|\b(?:19|20)\d{2}\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b",
                    re.IGNORECASE)

_NUMBER_WORDS_SET = frozenset(_NUMBER_WORDS)

# "compromiso 14", "número 8", "decreto 31": a number that names something, not a count
_IDENTIFIERS = frozenset({"compromiso", "hito", "actividad", "numero", "no", "articulo", "decreto", "acuerdo",
                          "capitulo", "meta", "med", "prioridad", "ods", "plan"})

@functools.lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    return fold_simple(text)


@functools.lru_cache(maxsize=16_384)
def titled_name(text: str) -> bool:
    """Whether a sentence names a person by their post ("el presidente Bernardo Arévalo"); the
    same sentences are asked about for every question that wants a person."""
    return bool(_TITLED_NAME.search(text))


@functools.lru_cache(maxsize=16_384)
def _names(text: str) -> tuple[frozenset[str], ...]:
    """The folded words of each name or acronym a sentence holds."""
    names = [m.group(0) for m in _NAME.finditer(text)] + _ACRONYM.findall(text)
    return tuple(frozenset(fold_simple(n).split()) for n in names)

def sentence_holds(sentence, answer_type: str) -> bool:
    return sentence is not None and holds_type(sentence[0].text, answer_type)

_MONEY = re.compile(r"(?:\bQ\.?\s?\d|\bquetzal|US\$|\$\s?\d|\bUSD\b|\bEUR\b|€|d[oó]lares|\beuros?\b|millones de)",
                    re.IGNORECASE)


@functools.lru_cache(maxsize=32_768)  # a pure function of its arguments; the same sentences are checked again and again
def holds_type(text: str, answer_type: str | None, target: str | None = None, asked: frozenset = frozenset()) -> bool:
    """Whether a sentence holds a value of the kind asked for (a count of the thing counted,
    when the question names it: "cuántos municipios" wants "27 municipios")."""
    if answer_type is None:
        return True
    if answer_type == "person":  # a body or a person the question does not already name
        known = asked | {"de", "del", "la", "ciudad", "guatemala"}
        return any(not words <= known for words in _names(text))
    return _holds_value(text, answer_type, target if answer_type == "number" else None)


@functools.lru_cache(maxsize=8192)  # (a sentence is a candidate for many questions)
def _holds_value(text: str, answer_type: str, target: str | None) -> bool:
    if answer_type == "number":
        folded = _folded(text)
        undated = _DATES.sub(" ", folded if target else text)
        if target and target.endswith("s") and len(target) > 3:
            words = undated.split()
            stem = target[:6]  # "municipios" counts "municipalidades" too
            def counts_it(i: int) -> bool:  # "27 municipalidades", "seis mesas temáticas"; not "dos hitos del compromiso"
                after = words[i + 1:i + 3]
                return bool(after) and (after[0].startswith(stem) or (
                    len(after) > 1 and after[1].startswith(stem) and after[0] not in ("de", "del", "al", "a", "en")))
            return any((w.isdigit() or w in _NUMBER_WORDS) and counts_it(i)
                       and (i == 0 or words[i - 1] not in _IDENTIFIERS) for i, w in enumerate(words))
        return bool(_NUMBER.search(undated)) or bool(_NUMBER_WORDS_SET.intersection(folded.split()))
    if answer_type == "money":  # "cuánto presupuesto": an amount of money, not the article number beside it
        return bool(_MONEY.search(text))
    if answer_type == "date":
        folded = _folded(text)
        return bool(_YEAR.search(text)) or any(m in folded.split() for m in _MONTH_WORDS)
    if answer_type == "name":  # a person's name, not an institution's, said as a person's
        words = set(fold_simple(text).split())
        if not words.intersection(_PERSON_CUES):
            return False
        return titled_name(text)  # "el presidente Bernardo Arévalo", "la Secretaria …, Keila Gramajo"
    if answer_type == "place":
        return bool(_PLACE.search(text))
    return True
