"""The shape of the curated data files in knowledge/data/ (and of the in-memory knowledge base).

Every shipped fact lives in a YAML file that is validated against these models before anything
touches the database.  The same models are what `storage` hands back when it reads the
knowledge base out of the database, so the question-answering core works on one type whether
it was fed from files (tests) or from the database (the bot).

Conventions
- Identifiers are English; the text users read is Spanish, exactly as the source says it.
- Actor names (institutions, organisations) are written as the source prints them
  ("Red Ciudadana", "ICEFI", "GAE en coordinación con otras instituciones del Organismo
  Ejecutivo"); the loader resolves each name through the actor registry (actors.yaml: canonical
  name, acronym, aliases).  A name that matches no actor is a validation error, unless it is
  marked free text with a leading "~" (e.g. "~Instituciones invitadas que tengan experiencia en
  datos abiertos.") for descriptions that are not a single actor.
- Dates: full dates as ISO `2023-06-30`; month-precision dates (the hito tables say
  "Junio 2025") as `2025-06`; a year alone as `2020`.  See `PartialDate`.
- Every record has `source`: the seed file name and the section it comes from.
- `uncertain: [field, ...]` lists fields whose value the mangled source table does not make
  certain; `notes` may say why.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Strict(BaseModel):
    """Base: unknown fields are an error (a typo in a data file must not pass silently)."""

    # defer_build: a class builds its validator when first validated, not at import (start-up
    # time: the bot reads the knowledge base from the database with model_construct).
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True, defer_build=True)


class ValueObject(Strict):
    """An immutable value (a date, a source reference): equal ones may be one shared object.

    Frozen, so sharing is safe; copy.deepcopy of a record (model_copy(deep=True) of a plan)
    shares its values instead of copying them, as it does for str and tuples.  A direct
    `value.model_copy(deep=True)` still makes a copy of its own."""

    model_config = ConfigDict(frozen=True)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        if memo is None:  # the value's own model_copy(deep=True): it may update the copy in place
            return super().__deepcopy__()
        return self


class PartialDate(ValueObject):
    """A date known to the day, the month or the year ("30.6.2025", "Junio 2025", "2020")."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date):
            return cls(year=value.year, month=value.month, day=value.day)
        if isinstance(value, int) and not isinstance(value, bool) and cls is PartialDate:
            return _shared_partial_date(value, None, None)
        if isinstance(value, int):
            return cls(year=value)
        if isinstance(value, str):
            m = _PARTIAL_DATE.match(value.strip())
            if m:
                year, month, day = (int(g) if g else None for g in m.groups())
                if month is not None and not 1 <= month <= 12:
                    raise ValueError(f"month {month} is not between 1 and 12")
                if day is not None:
                    dt.date(year, month, day)  # raises ValueError for 2025-02-30
                if cls is PartialDate:  # memory: one object per distinct date
                    return _shared_partial_date(year, month, day)
                return cls(year=year, month=month, day=day)
        raise ValueError(f"expected a date like 2025-06-30, 2025-06 or 2025, got {value!r}")

    @property
    def precision(self) -> Literal["day", "month", "year"]:
        return "day" if self.day else "month" if self.month else "year"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last day the date can mean: 2025-06 -> 30 June 2025 (used for due dates)."""
        if self.day:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        nxt = dt.date(self.year + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def __str__(self) -> str:
        return self.iso()


@functools.lru_cache(maxsize=4096)
def _shared_partial_date(year: int, month: int | None, day: int | None) -> PartialDate:
    return PartialDate(year=year, month=month, day=day)


def _partial_date(value: object) -> PartialDate:
    return PartialDate.parse(value)


from pydantic import BeforeValidator  # noqa: E402  (kept next to its only use)

PDate = Annotated[PartialDate, BeforeValidator(_partial_date)]


class Source(ValueObject):
    """Where a fact comes from: the seed file and the section (heading, table, page label)."""

    document: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    section: str = Field(min_length=1)


class Sourced(Strict):
    source: Source
    uncertain: list[str] = Field(default_factory=list)
    notes: str | None = None


# --- actors and acronyms -------------------------------------------------------------------

Sector = Literal["government", "civil_society", "international", "academia", "private", "other"]


class Actor(Sourced):
    """An institution or organisation named in the seeds."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str  # canonical name in Spanish
    acronym: str | None = None
    aliases: list[str] = Field(default_factory=list)  # spellings found in the seeds
    sector: Sector
    country: str | None = None  # for foreign partners (México, Alemania)
    parent: str | None = None  # key of the parent actor (a unit of a ministry)
    description: str | None = None


class Acronym(Sourced):
    acronym: str
    expansion: str
    actor: str | None = None  # key of the Actor it names, when it names one


# --- plans, commitments, hitos, activities ---------------------------------------------------


class Supporters(Strict):
    """Partes interesadas de apoyo, split as the tables split them."""

    government: list[str] = Field(default_factory=list)
    osc: list[str] = Field(default_factory=list)
    other: list[str] = Field(default_factory=list)


class StatusClaim(Strict):
    """A status the source itself states (e.g. 'hitos 1, 2 y 3 ya fueron cumplidos')."""

    status: str  # key in statuses.yaml
    as_of: PDate | None = None
    quote: str  # the sentence of the source that says so
    source: Source


class CurrentStatus(Strict):
    """A hito's status now: the newest row of its status history (set by storage, not in files)."""

    status: str  # key in statuses.yaml
    progress: int | None = Field(default=None, ge=0, le=100)
    since: dt.datetime | None = None
    note: str | None = None
    author: str | None = None  # "fuente: 003_...txt", or the institutions a focal point reported for
    evidence: str | None = None
    kind: Literal["source", "system", "user"] | None = None  # who wrote the row: the plan, the bot, a person


class Activity(Sourced):
    number: int = Field(ge=1)
    text: str
    start: PDate | None = None
    end: PDate | None = None
    period_text: str | None = None  # the period exactly as printed, when it is not one range
    responsible: list[str] = Field(default_factory=list)
    product: str | None = None
    verification: str | None = None  # medio de verificación


class Hito(Sourced):
    number: int = Field(ge=1)
    text: str
    expected_results: list[str] = Field(default_factory=list)
    start: PDate | None = None
    end: PDate | None = None  # the current (revised) end date
    end_original: PDate | None = None  # the first end date, where the table shows two
    period_text: str | None = None  # the period exactly as printed, when it is not one range
    responsible: list[str] = Field(default_factory=list)
    supporters: Supporters = Field(default_factory=Supporters)
    activities: list[Activity] = Field(default_factory=list)
    status: StatusClaim | None = None  # what the source document says (data files)
    current: CurrentStatus | None = None  # what the status history says now (storage only)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Hito:
        if self.start and self.end and self.end.last_day() < self.start.first_day():
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class ActorGroup(Strict):
    """A labelled list of actors as the source groups them (e.g. 'Año 2024')."""

    label: str
    actors: list[str]


class Commitment(Sourced):
    number: int = Field(ge=1)
    title: str
    short_title: str | None = None  # the highlighted words of the thematic page, if any
    description: str | None = None  # breve descripción
    objective: str | None = None  # objetivo (4th plan)
    problem: str | None = None
    causes: list[str] = Field(default_factory=list)
    done_so_far: list[str] = Field(default_factory=list)
    solution: str | None = None
    expected_results: list[str] = Field(default_factory=list)
    transparency: str | None = None
    accountability: str | None = None
    participation: str | None = None
    start: PDate | None = None
    end: PDate | None = None
    responsible: list[str] = Field(default_factory=list)
    osc_and_other_actors: list[ActorGroup] = Field(default_factory=list)
    other_actors: list[str] = Field(default_factory=list)
    resources: str | None = None
    modifications: list[str] = Field(default_factory=list)
    hitos: list[Hito] = Field(default_factory=list)

    @field_validator("hitos")
    @classmethod
    def _hito_numbers_unique(cls, hitos: list[Hito]) -> list[Hito]:
        seen = [h.number for h in hitos]
        dupes = sorted({n for n in seen if seen.count(n) > 1})
        if dupes:
            raise ValueError(f"hito numbers repeat: {dupes}")
        return hitos


class ThematicTable(Strict):
    number: int
    topic: str
    date: PDate
    place: str | None = None


class PlanFact(Strict):
    """A short statement about the plan, quoted or closely paraphrased from the source."""

    topic: str  # machine key: validity, co_creation, revision, forum_validation, relaunch, ...
    text: str
    source: Source


class Plan(Sourced):
    key: str = Field(pattern=r"^pan\d+$")
    number: int
    title: str
    period_label: str  # "2023-2025"
    start: PDate | None = None
    end: PDate | None = None
    current: bool = False
    summary: str | None = None
    facts: list[PlanFact] = Field(default_factory=list)
    thematic_tables: list[ThematicTable] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)

    @field_validator("commitments")
    @classmethod
    def _commitment_numbers_unique(cls, commitments: list[Commitment]) -> list[Commitment]:
        seen = [c.number for c in commitments]
        dupes = sorted({n for n in seen if seen.count(n) > 1})
        if dupes:
            raise ValueError(f"commitment numbers repeat: {dupes}")
        return commitments


# --- catalogue and cooperation projects -------------------------------------------------------


class CatalogueInfo(Sourced):
    """The catalogue's own facts (seed 001); the practices themselves come through the importer."""

    title: str
    period_label: str
    publisher: str  # actor key or name
    practice_count: int
    institution_count: int
    institution_breakdown: list[str]
    spheres: list[str]
    facts: list[PlanFact] = Field(default_factory=list)


# A practice's id is a key that fits a ref (`p<id>`, knowledge/refs.py) and a deep link: ASCII
# letters, digits, "_" and "-", at most 39 characters.  Numbers from older imports and YAML
# ("12") are keys like any other; the importer turns any text id into one (practice_key).
PRACTICE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,39}$"


class PracticeSource(Source):
    """Where a catalogue practice comes from: any document (the file SEGEPLAN publishes, a
    report, a seed file) and the section in it.  Unlike `Source`, the document name is free:
    practices come from outside the seeds."""

    document: str = Field(min_length=1, max_length=200)


def practice_sort_key(practice_id: str) -> tuple:
    """Natural order of practice ids: "2" before "10", numbers before words ("SYN-2" < "SYN-10")."""
    parts = re.split(r"(\d+)", str(practice_id).casefold())
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part)


class Practice(Strict):
    """One good practice of the catalogue (imported from CSV/XLSX, or the shipped sample)."""

    id: str = Field(pattern=PRACTICE_ID_PATTERN)
    title: str
    institution: str
    sphere: Literal["económico", "social", "ambiental"] | None = None
    ods: list[int] = Field(default_factory=list)
    description: str | None = None
    results: str | None = None
    beneficiaries: str | None = None
    contact: str | None = None
    country_scope: str | None = None
    source: PracticeSource | None = None  # the document and section a row names, if any
    import_file: str | None = None  # the file the practice was imported from

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        """A whole number (an older import, a YAML `id: 12`) is the key "12"."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("ods")
    @classmethod
    def _ods_range(cls, ods: list[int]) -> list[int]:
        bad = [n for n in ods if not 1 <= n <= 17]
        if bad:
            raise ValueError(f"ODS numbers go from 1 to 17, got {bad}")
        return ods


class Partner(Strict):
    country: str | None = None
    actor: str  # name as printed (resolved through actors.yaml)
    role: str | None = None


class Component(Strict):
    title: str
    expected_results: list[str] = Field(default_factory=list)


class Project(Sourced):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    short_name: str | None = None
    reference_code: str | None = None
    objective: str | None = None
    specific_objectives: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)
    activities: list[str] = Field(default_factory=list)
    expected_results: list[str] = Field(default_factory=list)
    achievements: list[str] = Field(default_factory=list)
    lessons_learned: list[str] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    period_text: str | None = None
    start: PDate | None = None
    end: PDate | None = None
    amount: str | None = None  # as printed: "EUR 450.000"
    pilot_ministries: list[str] = Field(default_factory=list)


# --- statuses -----------------------------------------------------------------------------------


class StatusDef(Strict):
    """One word of the status vocabulary (statuses.yaml), as data."""

    key: str = Field(pattern=r"^[a-z_]+$")
    name_es: str
    name_en: str
    irm_level: Literal["not_started", "limited", "substantial", "complete", "unknown"]
    progress: int | None = Field(default=None, ge=0, le=100)  # implied %, None = unknown
    order: int
    final: bool = False


# --- the whole knowledge base ----------------------------------------------------------------


class KnowledgeData(Strict):
    """Everything the bot knows, as one validated object."""

    actors: list[Actor] = Field(default_factory=list)
    acronyms: list[Acronym] = Field(default_factory=list)
    plans: list[Plan] = Field(default_factory=list)
    catalogue: CatalogueInfo | None = None
    practices: list[Practice] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    statuses: list[StatusDef] = Field(default_factory=list)
