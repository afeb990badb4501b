"""List the running text (prose paragraphs) of the seed texts that the curated data does not hold yet.

    .venv/bin/python scripts/extract_passages.py                 # every seed
    .venv/bin/python scripts/extract_passages.py 003 001         # some seeds
    .venv/bin/python scripts/extract_passages.py --all 003       # also the paragraphs already present
    HITOBOT_SEEDS_DIR=/path/to/seeds .venv/bin/python scripts/extract_passages.py

For each seed file (plain text extracted from PDFs and web pages) the script
- joins hard-wrapped lines into paragraphs (hyphenation at a line end undone, bullet glyphs and
  emphasis asterisks dropped), for a seed whose lines are short (a wrapped page) and for a line
  that plainly continues the one before (it starts in lower case, or the one before ends in "-");
- skips table rows (tabs, HTML table tags), index lines ("...<TAB>17"), page numbers, the list of
  acronyms, and decorative title words;
- tracks the nearest preceding heading ("INTRODUCCIÓN", "COMPROMISO 6" > "¿Qué solución
  propone?", "Contexto", ...);
- keeps a paragraph as prose when it has at least 8 words and sentence punctuation;
- prints, as candidate YAML facts (topic "passage"), the prose paragraphs not yet present
  verbatim in any string of knowledge/data/**/*.yaml (compared case-, accent-, punctuation- and
  whitespace-folded).  Short lines that are neither headings nor prose (photo captions, contact
  details) are listed after them as comments, for a person to judge.

The output is a proposal to be read and pasted by hand: the data files keep their comments and
layout, and a table fragment that happens to look like a sentence must not go in.
Standard library and PyYAML only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "knowledge" / "data"

# Lines that only decorate a page (title words split over lines by the layout).
DECORATIVE = re.compile(
    r"^(gobierno abierto|6°|6° plan de acción( nacional de)?|plan de acción|nacional de|temáticas del"
    r"|compromisos del( gobierno abierto)?|open|government|partnership|alianza para el|gobierno|abierto"
    r"|guatemala|fecha de inicio /|fecha de término|close|x|fotografías|descargar archivos.*)$",
    re.IGNORECASE,
)
# A heading that opens a stretch to skip, and the heading that closes it.
SKIP_UNTIL = {"SIGLAS Y ACRÓNIMOS": "INTRODUCCIÓN"}
TABLE_ROW = re.compile(r"\t|<t[dhr]\b|<table|<p>|<ul|<li")
INDEX_LINE = re.compile(r"\s\d{1,3}\s*$")  # a table-of-contents line ends in its page number
ENUMERATION = re.compile(r"^\s*(?:\d{1,2}[.)]|[ivx]{1,4}\)|[a-z][.)]|[IVX]{1,4}\.)\s*")
BULLET = re.compile(r"^\s*(?:-\s*▶|[-•▶]|\u2022)\s*[\t\u00a0\ufffd\u200b ]*")
SENTENCE_PUNCT = re.compile(r"[.;!?]")
CAPTION_DATE = re.compile(r"\b(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre"
                          r"|diciembre)( de)? \d{4}\b", re.IGNORECASE)
COMMITMENT_HEADING = re.compile(r"^COMPROMISO\s*(?:No\.\s*)?_*(\d+)\b", re.IGNORECASE)
COMMITMENT_SUBHEADING = re.compile(r"(DEL|AL) COMPROMISO|^Breve descripción del compromiso|^¿.*\?$", re.IGNORECASE)


@dataclass
class Block:
    text: str  # as printed, line breaks and PDF artefacts removed
    section: str
    kind: str  # "prose", "heading", "short", "bullet-short"


# --- normalisation --------------------------------------------------------------------------------


def clean(text: str) -> str:
    """The printed words without PDF/markup artefacts: emphasis asterisks, tags, glyphs, extra spaces."""
    text = re.sub(r"</?(?:i|b|em|strong|p|td|th|tr|table|thead|tbody|ul|li|br)\b[^>]*>", " ", text)
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"[\ufffd\u200b\u00a0]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-folded form used to compare texts."""
    text = unicodedata.normalize("NFKD", clean(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[a-z0-9]+", text))


def hyphenated(previous: str, line: str) -> bool:
    """ "coope-" / "ración" (a word cut at the line end) or "Pública -" / "INAP-" (an opening dash)."""
    return bool(
        (re.search(r"[a-záéíóúñü]-$", previous) and re.match(r"[a-záéíóúñü]", line))
        or re.search(r"\s[-–]$", previous)
    )


def join_lines(previous: str, line: str) -> str:
    if re.search(r"[a-záéíóúñü]-$", previous) and re.match(r"[a-záéíóúñü]", line):
        return previous[:-1] + line  # "coope-" + "ración"
    if re.search(r"\s[-–]$", previous):
        return previous + line  # "Pública -" + "INAP-"
    return previous + " " + line


# --- segmentation ---------------------------------------------------------------------------------


def is_wrapped(lines: list[str]) -> bool:
    """A page of short hard-wrapped lines (a PDF column), not one paragraph per line."""
    lengths = sorted(len(line) for line in lines if line.strip())
    if len(lengths) < 10:
        return False
    return statistics.median(lengths) >= 40 and lengths[int(len(lengths) * 0.9)] < 100


def ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.:!?;]\W*$", text))


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def looks_like_heading(text: str) -> bool:
    body = ENUMERATION.sub("", text).strip()
    if not body or DECORATIVE.match(body):
        return False
    if is_question(body):
        return True
    if CAPTION_DATE.search(body) or body.count(",") >= 2:  # a photo caption, a list: not a heading
        return False
    if COMMITMENT_HEADING.match(body) or COMMITMENT_SUBHEADING.search(body):
        return True
    letters = [c for c in body if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and word_count(body) >= 1:
        return True
    return word_count(body) <= 15 and not SENTENCE_PUNCT.search(body.rstrip(":")) and body[:1].isupper()


def is_prose(text: str) -> bool:
    body = re.sub(r"<?https?://\S+", " ", ENUMERATION.sub("", text))  # a bare link is not prose
    return word_count(body) >= 8 and bool(SENTENCE_PUNCT.search(body))


def raw_blocks(text: str) -> list[tuple[str, bool]]:
    """(block text, starts with a bullet) for each run of lines that belong together."""
    lines = [line.rstrip() for line in text.splitlines()]
    wrapped = is_wrapped(lines)
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    full_line = lengths[int(len(lengths) * 0.9)] * 0.6  # a wrapped line shorter than this ends its paragraph
    blocks: list[list] = []  # [text, bullet, open, length of its last line]
    for line in lines:
        if not line.strip():
            continue
        if TABLE_ROW.search(line) or (INDEX_LINE.search(line) and "\t" in line):
            if blocks:
                blocks[-1][2] = False
            continue
        bullet = bool(BULLET.match(line)) and not re.match(r"^\s*-\s*\d", line)
        body = BULLET.sub("", line).strip() if bullet else line.strip()
        if not body:
            continue
        if blocks and blocks[-1][2] and not bullet:
            prev, last_len = blocks[-1][0], blocks[-1][3]
            starts_new = ENUMERATION.match(body) or is_all_caps(body) or is_question(body)
            continues = (
                not starts_new
                and not ends_sentence(prev)
                and not looks_like_heading_start(prev, wrapped)
                and (
                    re.match(r"[a-záéíóúñü(]", body)
                    or hyphenated(prev, body)
                    or prev.endswith(",")
                    or (wrapped and last_len >= full_line)
                )
            )
            if continues:
                blocks[-1][0] = join_lines(prev, body)
                blocks[-1][3] = len(line.strip())
                continue
            if prev.upper() == "COMPROMISO" and body.isdigit():  # "COMPROMISO" / "1"
                blocks[-1][0] = f"{prev} {body}"
                continue
        blocks.append([body, bullet, True, len(line.strip())])
    return [(clean(b[0]), b[1]) for b in blocks]


def is_question(text: str) -> bool:
    return text.startswith("¿") and text.rstrip().endswith("?")


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def looks_like_heading_start(prev: str, wrapped: bool) -> bool:
    """Whether the block so far is a finished heading (nothing may be joined to it)."""
    body = ENUMERATION.sub("", prev).strip()
    if body.startswith("¿") and body.endswith("?"):
        return True
    letters = [c for c in body if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True
    # a short line without punctuation in a wrapped page is a heading ("Contexto", "Proyecto")
    return wrapped and word_count(body) <= 4 and not ENUMERATION.match(prev)


def segment(text: str) -> list[Block]:
    top: str | None = None
    sub: str | None = None
    skipping: str | None = None
    out: list[Block] = []
    for body, bullet in raw_blocks(text):
        if skipping:
            if body.upper() == skipping:
                skipping = None
            else:
                continue
        if body.upper() in SKIP_UNTIL:
            skipping = SKIP_UNTIL[body.upper()]
            continue
        section = " > ".join(s for s in (top, sub) if s) or "(inicio del documento)"
        if is_prose(body) and not is_question(body):
            out.append(Block(body, section, "prose"))
            continue
        if not bullet and looks_like_heading(body):
            m = COMMITMENT_HEADING.match(body)
            if m:
                top, sub = f"Compromiso {m.group(1)}", None
            elif top and top.startswith("Compromiso") and COMMITMENT_SUBHEADING.search(body):
                sub = body
            elif top and top.startswith("Compromiso") and not body.isupper():
                # the next commitment's title, printed before its "COMPROMISO N"
                sub = body
            else:
                top, sub = body, None
            out.append(Block(body, section, "heading"))
            continue
        if not DECORATIVE.match(body) and not body.isdigit():
            out.append(Block(body, section, "bullet-short" if bullet else "short"))
    return out


# --- the data -------------------------------------------------------------------------------------


def data_strings() -> list[str]:
    """Every text a user can be shown: the curators' `notes` and the `source` labels do not count."""
    strings: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            strings.append(fold(node))
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("notes", "source"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(DATA_DIR.rglob("*.yaml")):
        with path.open(encoding="utf-8") as f:
            walk(yaml.safe_load(f))
    return strings


LABEL = re.compile(r"^[^:]{1,40}:\s*")  # "Resultados esperados: ...", "1. Actividad: ..."


def present(text: str, strings: list[str]) -> bool:
    """The text, or the text after its enumeration ("ii) ") or label ("Hito 3: "), is in a data string."""
    forms = {fold(text), fold(ENUMERATION.sub("", text))}
    bare = ENUMERATION.sub("", text)
    if LABEL.match(bare) and word_count(LABEL.match(bare).group()) <= 4:
        forms.add(fold(LABEL.sub("", bare, count=1)))
    forms.discard("")
    return any(form in s for s in strings for form in forms)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+(?=[A-ZÁÉÍÓÚÑ¿“\"(])", text) if word_count(s) >= 3]


def covered_by_sentences(text: str, strings: list[str]) -> bool:
    """Every sentence of the paragraph occurs in some data string (the paragraph was split up)."""
    parts = sentences(text)
    return bool(parts) and all(present(s.rstrip("."), strings) for s in parts)


# --- output ---------------------------------------------------------------------------------------


def yaml_fact(text: str, document: str, section: str, indent: int = 4) -> str:
    pad = " " * indent
    body = textwrap.wrap(text, width=96 - indent - 4, break_long_words=False, break_on_hyphens=False)
    lines = [f"{pad}- topic: passage", f"{pad}  text: >-"]
    lines += [f"{pad}    {chunk}" for chunk in body]
    lines += [f"{pad}  source:", f"{pad}    document: {document}",
              f"{pad}    section: {json.dumps(section, ensure_ascii=False)}"]
    return "\n".join(lines)


def seeds_dir() -> Path:
    if env := os.environ.get("HITOBOT_SEEDS_DIR"):
        return Path(env)
    for parent in ROOT.parents:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared" / "seeds"
    sys.exit("seed texts not found: set HITOBOT_SEEDS_DIR")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="*", help="seed numbers (000, 003, ...); default: all")
    parser.add_argument("--all", action="store_true", help="also list the paragraphs already present")
    args = parser.parse_args()
    strings = data_strings()
    for path in sorted(seeds_dir().glob("*.txt")):
        if args.prefixes and path.name[:3] not in args.prefixes:
            continue
        blocks = segment(path.read_text(encoding="utf-8"))
        prose = [b for b in blocks if b.kind == "prose"]
        missing = [b for b in prose if not present(b.text, strings)]
        split = [b for b in missing if covered_by_sentences(b.text, strings)]
        print(f"# ==== {path.name}: {len(prose)} prose paragraphs, {len(missing)} not present verbatim"
              f" ({len(split)} of them only split up: every sentence is in some field)")
        for b in prose:
            if b in missing:
                if b in split:
                    print("# split up: every sentence is already in some field, the paragraph as a whole is not")
                print(yaml_fact(b.text, path.name, b.section))
            elif args.all:
                print(f"# present: [{b.section}] {b.text[:90]}")
        shorts = [b for b in blocks if b.kind in ("short", "bullet-short") and not present(b.text, strings)]
        if shorts:
            print(f"# ---- {path.name}: short lines not present (captions, contact details?), judge by hand")
            for b in shorts:
                print(f"#   [{b.section}] {b.text}")


if __name__ == "__main__":
    main()
