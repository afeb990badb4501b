"""A SYNTHETIC catalogue of 35 practices, as SEGEPLAN's file would come: Spanish headers, text ids.

Every practice here is invented for the tests (titles, descriptions, results, contacts).  Some
institutions carry the names of real Guatemalan public bodies that the press release lists, so
that the bot can be asked for them by name or acronym as a person would; what the rows say of
them is invented all the same.  Nothing here is shipped or loaded outside the tests.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["No.", "Nombre de la práctica", "Institución oferente", "Esfera", "ODS vinculados", "Descripción",
          "Resultados", "Población beneficiaria", "Contacto"]

# 20 institutions, as a file would print them (some with their acronym, some without)
INSTITUTIONS = [
    "Tribunal Supremo Electoral",  # TSE: no acronym in the file nor in the sources
    "Ministerio de Educación (MINEDUC)",
    "Consejo Nacional de Áreas Protegidas",  # CONAP
    "Superintendencia de Administración Tributaria",  # SAT
    "Organismo Judicial",
    "Academia de Lenguas Mayas",
    "Instituto Sintético de Faros (ISF)",
    "Secretaría Ficticia de Pruebas",
    "Ministerio Imaginario de Puertos",
    "Instituto Inventado de Semillas",
    "Secretaría Sintética de Archivos",
    "Ministerio Ficticio de Caminos",
    "Instituto de Prueba de Idiomas",
    "Ministerio Sintético de Oficios",
    "Secretaría Imaginaria de Datos",
    "Instituto Ficticio de Mareas",
    "Ministerio de Prueba de Mercados",
    "Instituto Sintético de Bosques",
    "Ministerio Inventado de Talleres",
    "Ministerio Imaginario de Plazas",
]
TOPICS = ["Huertos escolares", "Registro en línea", "Faros comunitarios", "Ventanilla única", "Brigadas de lectura",
          "Mapas de riesgo", "Ferias de empleo"]
SPHERES = ["Económico", "Social", "Ambiental"]


def rows() -> list[list[str]]:
    """The 35 SYNTHETIC rows: SYN-1 ... SYN-35."""
    out = []
    for i in range(35):
        number = i + 1
        ods = sorted({i % 17 + 1} | ({16} if i % 4 == 0 else set()))
        out.append([
            f"SYN-{number}",
            f"{TOPICS[i % len(TOPICS)]} sintéticos {number}",
            INSTITUTIONS[i % len(INSTITUTIONS)],
            SPHERES[i % 3],
            ", ".join(f"ODS {n}" for n in ods),
            f"Práctica inventada número {number} para las pruebas del bot.",
            f"Resultado inventado {number}.",
            "Población sintética",
            f"enlace{number}@ejemplo.invalid" if i % 5 else "",
        ])
    return out


def write_catalogue(path: Path, table: list[list[str]] | None = None) -> Path:
    """The catalogue as a Spanish-locale spreadsheet saves it: CSV with ';', a title row first."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["CATÁLOGO SINTÉTICO DE BUENAS PRÁCTICAS (datos de prueba)"])
        writer.writerows([HEADER, *(rows() if table is None else table)])
    return path


def expected(table: list[list[str]], *, institution: str | None = None, ods: int | None = None,
             sphere: str | None = None, topic: str | None = None) -> list[str]:
    """The titles of the rows that meet a filter (what the bot should find)."""
    found = []
    for row in table:
        numbers = {int(x) for x in row[4].replace("ODS", "").replace(",", " ").split()}
        if ((institution is None or row[2] == institution) and (ods is None or ods in numbers)
                and (sphere is None or row[3].lower() == sphere) and (topic is None or row[1].startswith(topic))):
            found.append(row[1])
    return found
