"""Callback data of the bot's buttons: short, versioned, built and parsed in one place.

Telegram allows 1-64 bytes of callback data and a client can send anything, so every press
goes through `parse_callback`, which returns None for anything it does not fully understand
(a tampered button, or one from an older version of the bot) and never raises.

    v1:m              main menu               v1:pl             the list of plans
    v1:p:pan6:0       plan, commitments page  v1:c:pan6.c3:0    commitment 3 of pan6, hitos page 0
    v1:h:pan6.c3h2    hito 2 of commitment 3  v1:g:pan6.c3      progress chart of commitment 3
    v1:r:<ref>        any knowledge ref       v1:l:en           switch the language
    v1:s:2:<words>    /buscar results, page 2 (the words are left out when they do not fit
                      in 64 bytes: then they come from the person's last search, in user_data)
    v1:k              /catalogo               v1:k:a            the catalogue's own facts
    v1:k:i:0          institutions, page 0    v1:k:i:<id>:0     practices of an institution (id:
    v1:k:o:0          ODS, page 0                               8 hex digits), page 0
    v1:k:e:0          spheres                 v1:k:o:4:1        practices of ODS 4, page 1
                                              v1:k:e:amb:0      practices of the environmental sphere

Commitments and hitos are named by their ref (knowledge.refs), plan included.  Buttons sent
before plans were named in refs (`v1:c:3:0`, `v1:h:3:2`, `v1:g:3`) still parse: their `ref` is
the unqualified `c3` / `c3h2`, which the knowledge core resolves as it did then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from knowledge.refs import Ref, parse_ref

VERSION = "v1"
MAX_BYTES = 64

Action = Literal["menu", "plans", "plan", "commitment", "hito", "chart", "ref", "language", "search",
                 "catalogue"]

_PLAN_KEY = re.compile(r"^pan\d{1,2}$")
_SMALL_INT = re.compile(r"^\d{1,3}$")
CATALOGUE_GROUPS = ("i", "o", "e")  # by institution, by ODS, by sphere
SPHERE_CODES = {"eco": "económico", "soc": "social", "amb": "ambiental"}
_INSTITUTION_ID = re.compile(r"[0-9a-f]{8}")


@dataclass(frozen=True, slots=True)
class Press:
    """What a button asks for, once validated."""

    action: Action
    plan_key: str | None = None
    commitment: int | None = None
    hito: int | None = None
    page: int = 0
    ref: str | None = None
    locale: str | None = None
    words: str | None = None  # search words ("" = the person's last search)
    group: str | None = None  # catalogue: "i" institutions, "o" ODS, "e" spheres, "a" its facts; None: /catalogo
    key: str | None = None  # catalogue: an institution id, an ODS number or a sphere code
    # commitment, hito, chart: `ref` is the record's ref ("pan6.c3h2"; "c3h2" from an old button),
    # `plan_key` its plan (None from an old button), `commitment` and `hito` its numbers


def _join(*parts: object) -> str:
    data = ":".join([VERSION, *(str(p) for p in parts)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
    return data


def menu() -> str:
    return _join("m")


def plans() -> str:
    return _join("pl")


def plan(plan_key: str, page: int = 0) -> str:
    return _join("p", plan_key, page)


def _record(ref: Ref | str, kind: str) -> str:
    parsed = parse_ref(ref) if isinstance(ref, str) else ref
    if parsed is None or parsed.kind != kind or not parsed.plan:
        raise ValueError(f"not a {kind} ref with its plan: {ref!r}")
    return str(parsed)


def commitment(ref: Ref | str, page: int = 0) -> str:
    """A commitment's screen, a page of its hitos (`ref`: "pan6.c3")."""
    return _join("c", _record(ref, "commitment"), page)


def hito(ref: Ref | str) -> str:
    """A hito's screen (`ref`: "pan6.c3h2")."""
    return _join("h", _record(ref, "hito"))


def chart(ref: Ref | str) -> str:
    """The progress chart of a commitment (`ref`: "pan6.c3")."""
    return _join("g", _record(ref, "commitment"))


def ref(any_ref: str) -> str:
    return _join("r", any_ref)


def language(locale: str) -> str:
    return _join("l", locale)


def search(page: int, words: str = "") -> str:
    """A page of /buscar results; the words ride along when they fit in the 64 bytes."""
    with_words = ":".join([VERSION, "s", str(page), words])
    if words and len(with_words.encode()) <= MAX_BYTES:
        return with_words
    return _join("s", page)


def catalogue(group: str | None = None, key: str | int | None = None, page: int = 0) -> str:
    """/catalogo (no group), the catalogue's facts ("a"), a list of institutions, ODS or spheres
    (a group, no key), or the practices of one of them (group and key)."""
    if group is None:
        return _join("k")
    if group == "a":
        return _join("k", "a")
    if key is None:
        return _join("k", group, page)
    return _join("k", group, key, page)


def sphere_code(sphere: str) -> str:
    return next(code for code, name in SPHERE_CODES.items() if name == sphere)


def _int(text: str) -> int | None:
    return int(text) if _SMALL_INT.match(text) else None


def parse_callback(data: object) -> Press | None:
    """The one parser of callback data; None for anything malformed, unknown or too long."""
    if not isinstance(data, str) or not data or len(data.encode()) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION:
        return None
    kind, _, args_text = rest.partition(":")
    args = args_text.split(":") if args_text else []
    try:
        return _PARSERS[kind](args)
    except (KeyError, TypeError, ValueError):
        return None


def _parse_menu(args: list[str]) -> Press | None:
    return Press("menu") if not args else None


def _parse_plans(args: list[str]) -> Press | None:
    return Press("plans") if not args else None


def _parse_plan(args: list[str]) -> Press | None:
    key, page_text = args
    page = _int(page_text)
    if not _PLAN_KEY.match(key) or page is None:
        return None
    return Press("plan", plan_key=key, page=page)


def _record_press(action: Action, ref: Ref | None, page: int = 0) -> Press | None:
    if ref is None or not ref.commitment or (ref.hito is not None and not ref.hito):
        return None
    return Press(action, plan_key=ref.plan, commitment=ref.commitment, hito=ref.hito, page=page, ref=str(ref))


def _qualified(text: str, kind: str) -> Ref | None:
    ref = parse_ref(text)
    return ref if ref is not None and ref.kind == kind and ref.plan else None


def _parse_commitment(args: list[str]) -> Press | None:
    ref_text, page_text = args
    page = _int(page_text)
    if page is None:
        return None
    number = _int(ref_text)  # v1:c:3:0, an old button: commitment 3 as refs had it then
    ref = Ref("commitment", commitment=number) if number is not None else _qualified(ref_text, "commitment")
    return _record_press("commitment", ref, page)


def _parse_hito(args: list[str]) -> Press | None:
    if len(args) == 2:  # v1:h:3:2, an old button
        number, hito_number = (_int(a) for a in args)
        return _record_press("hito", Ref("hito", commitment=number, hito=hito_number)) if number and hito_number \
            else None
    (ref_text,) = args
    return _record_press("hito", _qualified(ref_text, "hito"))


def _parse_chart(args: list[str]) -> Press | None:
    (ref_text,) = args
    number = _int(ref_text)  # v1:g:3, an old button
    ref = Ref("commitment", commitment=number) if number is not None else _qualified(ref_text, "commitment")
    return _record_press("chart", ref)


def _parse_ref(args: list[str]) -> Press | None:
    text = ":".join(args)  # refs such as "i:sesan" contain a colon themselves
    return Press("ref", ref=text) if parse_ref(text) is not None else None


def _parse_language(args: list[str]) -> Press | None:
    (locale,) = args
    return Press("language", locale=locale) if locale in ("es", "en") else None


def _parse_search(args: list[str]) -> Press | None:
    if not args:
        return None
    page = _int(args[0])
    words = ":".join(args[1:]).strip()  # words may contain colons
    return Press("search", page=page, words=words) if page is not None else None


def _parse_catalogue(args: list[str]) -> Press | None:
    if not args:
        return Press("catalogue")
    group, *rest = args
    if group == "a":
        return None if rest else Press("catalogue", group="a")
    if group not in CATALOGUE_GROUPS or len(rest) not in (1, 2):
        return None
    page = _int(rest[-1])
    if page is None:
        return None
    if len(rest) == 1:
        return Press("catalogue", group=group, page=page)
    key = rest[0]
    valid = {"i": _INSTITUTION_ID.fullmatch(key) is not None,
             "o": re.fullmatch(r"[1-9]|1[0-7]", key) is not None,
             "e": key in SPHERE_CODES}[group]
    return Press("catalogue", group=group, key=key, page=page) if valid else None


_PARSERS = {
    "m": _parse_menu, "pl": _parse_plans, "p": _parse_plan, "c": _parse_commitment,
    "h": _parse_hito, "g": _parse_chart, "r": _parse_ref, "l": _parse_language,
    "s": _parse_search, "k": _parse_catalogue,
}

# PTB pattern for the navigation CallbackQueryHandler: anything claiming to be ours.
PATTERN = re.compile(rf"^{VERSION}:")
