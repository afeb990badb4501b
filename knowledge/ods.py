"""The 17 Sustainable Development Goals (ODS in Spanish): their names, and the goals a text names.

The catalogue's practices list the ODS they serve by number ("ODS 4", "3;16"); people name them
by number ("ods 4", "objetivo 4", "sdg 16", "ods 4 y 16") or by name ("educación de calidad",
"hambre cero", "climate action").  The names are the United Nations' official ones in Spanish
and English: data, not translations of the bot's own text.

    ods_name(4, "en")          -> "Quality education"
    ods_label(4, "es")         -> "ODS 4 · Educación de calidad"
    ods_in("prácticas del ods 4 y de acción por el clima")  -> [4, 13]
    ods_mentions(text)         -> [OdsMention(number=4, words=("ods", "4")), ...]  (folded words)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.normalize import fold_simple

ODS: dict[int, tuple[str, str]] = {  # number -> (Spanish, English), the UN's official short names
    1: ("Fin de la pobreza", "No poverty"),
    2: ("Hambre cero", "Zero hunger"),
    3: ("Salud y bienestar", "Good health and well-being"),
    4: ("Educación de calidad", "Quality education"),
    5: ("Igualdad de género", "Gender equality"),
    6: ("Agua limpia y saneamiento", "Clean water and sanitation"),
    7: ("Energía asequible y no contaminante", "Affordable and clean energy"),
    8: ("Trabajo decente y crecimiento económico", "Decent work and economic growth"),
    9: ("Industria, innovación e infraestructura", "Industry, innovation and infrastructure"),
    10: ("Reducción de las desigualdades", "Reduced inequalities"),
    11: ("Ciudades y comunidades sostenibles", "Sustainable cities and communities"),
    12: ("Producción y consumo responsables", "Responsible consumption and production"),
    13: ("Acción por el clima", "Climate action"),
    14: ("Vida submarina", "Life below water"),
    15: ("Vida de ecosistemas terrestres", "Life on land"),
    16: ("Paz, justicia e instituciones sólidas", "Peace, justice and strong institutions"),
    17: ("Alianzas para lograr los objetivos", "Partnerships for the goals"),
}

# Shorter ways people name a goal, beside its full names (folded).  Only phrases that name one
# goal and nothing else: "pobreza" or "agua" alone are left to the words of the practices.
_SHORT_NAMES: dict[int, tuple[str, ...]] = {
    1: ("fin de la pobreza", "end poverty"),
    3: ("salud y bienestar", "good health"),
    6: ("agua limpia", "clean water"),
    7: ("energia asequible", "energia no contaminante", "energia limpia", "clean energy"),
    8: ("trabajo decente", "crecimiento economico", "decent work", "economic growth"),
    9: ("industria innovacion", "industry innovation"),
    10: ("reduccion de desigualdades", "reducir las desigualdades", "reduced inequality", "reduce inequality"),
    11: ("ciudades sostenibles", "comunidades sostenibles", "sustainable cities", "sustainable communities"),
    12: ("consumo responsable", "produccion responsable", "responsible consumption", "responsible production"),
    13: ("accion climatica", "cambio climatico", "climate change"),
    14: ("vida marina", "life under water"),
    15: ("ecosistemas terrestres", "vida terrestre"),
    16: ("instituciones solidas", "paz y justicia", "paz justicia", "strong institutions", "peace and justice"),
    17: ("alianzas para los objetivos", "alianzas para el desarrollo", "partnerships for the goals"),
}

# "ods 4", "ods4", "ods no. 4", "objetivo 4", "objetivos 4 y 16", "sdg 16", "goal 16", "ods 4, 5 y 16"
_NUMBERED = re.compile(
    r"\b(?:ods|objetivos?|sdgs?|goals?)\s*(?:(?:n|no|num|numero|number)\s+)?"
    r"(\d{1,2}(?:\s*(?:,|y|e|o|and|or|&)?\s*\d{1,2}\b)*)")
_NUMBER = re.compile(r"\d{1,2}")


@dataclass(frozen=True, slots=True)
class OdsMention:
    number: int
    words: tuple[str, ...]  # the folded words that named it ("ods", "4") / ("educacion", "de", "calidad")


def ods_name(number: int, locale: str = "es") -> str:
    """The goal's official short name in Spanish or English ("" for a number that is no goal)."""
    names = ODS.get(number)
    if names is None:
        return ""
    return names[1] if locale == "en" else names[0]


def ods_label(number: int, locale: str = "es") -> str:
    """'ODS 4 · Educación de calidad' / 'SDG 4 · Quality education'."""
    prefix = "SDG" if locale == "en" else "ODS"
    name = ods_name(number, locale)
    return f"{prefix} {number} · {name}" if name else f"{prefix} {number}"


def _phrases() -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for number, (es, en) in ODS.items():
        for phrase in (es, en, *_SHORT_NAMES.get(number, ())):
            found.append((fold_simple(phrase.replace(",", " ")), number))
    return sorted(found, key=lambda item: -len(item[0]))  # longest first: "vida de ecosistemas terrestres"


_PHRASES = _phrases()
_AND = re.compile(r"\s+(?:y|e|and)\s+")


def ods_mentions(text: str) -> list[OdsMention]:
    """The goals a text names, by number or by name, in the order they appear, no repeats."""
    folded = fold_simple(text or "")
    found: list[tuple[int, OdsMention]] = []
    seen: set[int] = set()
    taken: list[tuple[int, int]] = []
    for m in _NUMBERED.finditer(folded):
        for n in _NUMBER.findall(m.group(1)):
            number = int(n)
            if number in ODS and number not in seen:
                seen.add(number)
                found.append((m.start(), OdsMention(number, tuple(m.group(0).split()))))
        taken.append(m.span())
    padded = f" {folded} "
    for phrase, number in _PHRASES:
        for variant in {phrase, _AND.sub(" ", phrase)}:  # "paz justicia e instituciones solidas" too
            at = padded.find(f" {variant} ")
            if at < 0 or any(start <= at < end for start, end in taken):
                continue
            taken.append((at, at + len(variant)))
            if number not in seen:
                seen.add(number)
                found.append((at, OdsMention(number, tuple(variant.split()))))
    return [mention for _at, mention in sorted(found, key=lambda item: item[0])]


def ods_in(text: str) -> list[int]:
    """The numbers of the goals a text names ("ods 4", "objetivo 16", "educación de calidad")."""
    return [m.number for m in ods_mentions(text)]
