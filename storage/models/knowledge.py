"""Knowledge base tables: plans, commitments, hitos, actors, catalogue, and the hito status history.

The curated YAML files (knowledge/data) are loaded into these tables by `storage.sync`; rows are
keyed by their natural key (plan key; plan + commitment number; + hito number; + activity
number; actor key; ...) and carry a `content_hash` so a reload can tell "unchanged" from
"updated".  Records that leave the files are deleted, except rows something else points at
(status history, subscriptions, feedback): those stay, flagged `retired`.

`hito_status_changes` is the status history (Decidim-style versions): rows are only ever
inserted, never updated or deleted; a hito's status now is its newest row.

Partial dates (2025-06, 2020) are stored as their ISO text; a hito's `due_date` is the last day
its end date can mean, so "hitos due before X" is one indexed query.  Lists of paragraphs are
JSON columns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

KEY = String(64)
DATE_TEXT = String(10)  # PartialDate.iso(): 2025-06-30, 2025-06 or 2025
HASH = String(64)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SourcedColumns:
    """Where a record comes from, and what the curators were not sure of."""

    source_document: Mapped[str | None] = mapped_column(String(40))
    source_section: Mapped[str | None] = mapped_column(Text)
    uncertain: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)


class SyncedColumns:
    """Bookkeeping of the loader: content fingerprint and the retired flag."""

    content_hash: Mapped[str] = mapped_column(HASH, default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class StatusRow(SyncedColumns, Base):
    """One word of the status vocabulary (statuses.yaml)."""

    __tablename__ = "statuses"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_es: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    irm_level: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer)
    final: Mapped[bool] = mapped_column(Boolean, default=False)


class ActorRow(SourcedColumns, SyncedColumns, Base):
    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    name: Mapped[str] = mapped_column(Text)
    acronym: Mapped[str | None] = mapped_column(String(40))
    sector: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(100))
    parent_key: Mapped[str | None] = mapped_column(KEY)
    description: Mapped[str | None] = mapped_column(Text)


class ActorAliasRow(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    alias: Mapped[str] = mapped_column(String(500))


class AcronymRow(SourcedColumns, SyncedColumns, Base):
    __tablename__ = "acronyms"
    __table_args__ = (UniqueConstraint("acronym", "expansion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    acronym: Mapped[str] = mapped_column(String(40), index=True)
    expansion: Mapped[str] = mapped_column(String(500))
    actor_key: Mapped[str | None] = mapped_column(KEY)


class PlanRow(SourcedColumns, SyncedColumns, Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    period_label: Mapped[str] = mapped_column(String(40))
    start: Mapped[str | None] = mapped_column(DATE_TEXT)
    end: Mapped[str | None] = mapped_column(DATE_TEXT)
    current: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str | None] = mapped_column(Text)


class PlanFactRow(Base):
    __tablename__ = "plan_facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    source_document: Mapped[str] = mapped_column(String(40))
    source_section: Mapped[str] = mapped_column(Text)


class ThematicTableRow(Base):
    __tablename__ = "thematic_tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(Text)
    date: Mapped[str] = mapped_column(DATE_TEXT)
    place: Mapped[str | None] = mapped_column(Text)


class CommitmentRow(SourcedColumns, SyncedColumns, Base):
    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    short_title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    objective: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    causes: Mapped[list[str]] = mapped_column(JSON, default=list)
    done_so_far: Mapped[list[str]] = mapped_column(JSON, default=list)
    solution: Mapped[str | None] = mapped_column(Text)
    expected_results: Mapped[list[str]] = mapped_column(JSON, default=list)
    transparency: Mapped[str | None] = mapped_column(Text)
    accountability: Mapped[str | None] = mapped_column(Text)
    participation: Mapped[str | None] = mapped_column(Text)
    start: Mapped[str | None] = mapped_column(DATE_TEXT)
    end: Mapped[str | None] = mapped_column(DATE_TEXT)
    resources: Mapped[str | None] = mapped_column(Text)
    modifications: Mapped[list[str]] = mapped_column(JSON, default=list)


class HitoRow(SourcedColumns, SyncedColumns, Base):
    __tablename__ = "hitos"
    __table_args__ = (UniqueConstraint("commitment_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    expected_results: Mapped[list[str]] = mapped_column(JSON, default=list)
    start: Mapped[str | None] = mapped_column(DATE_TEXT)
    end: Mapped[str | None] = mapped_column(DATE_TEXT)
    end_original: Mapped[str | None] = mapped_column(DATE_TEXT)
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)  # last day `end` can mean
    period_text: Mapped[str | None] = mapped_column(Text)
    status_claim: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # StatusClaim of the source


class ActivityRow(SourcedColumns, SyncedColumns, Base):
    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("hito_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hito_id: Mapped[int] = mapped_column(ForeignKey("hitos.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[str | None] = mapped_column(DATE_TEXT)
    end: Mapped[str | None] = mapped_column(DATE_TEXT)
    period_text: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    verification: Mapped[str | None] = mapped_column(Text)


class ProjectRow(SourcedColumns, SyncedColumns, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    title: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(String(200))
    reference_code: Mapped[str | None] = mapped_column(String(100))
    objective: Mapped[str | None] = mapped_column(Text)
    specific_objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    context: Mapped[list[str]] = mapped_column(JSON, default=list)
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    expected_results: Mapped[list[str]] = mapped_column(JSON, default=list)
    achievements: Mapped[list[str]] = mapped_column(JSON, default=list)
    lessons_learned: Mapped[list[str]] = mapped_column(JSON, default=list)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    period_text: Mapped[str | None] = mapped_column(Text)
    start: Mapped[str | None] = mapped_column(DATE_TEXT)
    end: Mapped[str | None] = mapped_column(DATE_TEXT)
    amount: Mapped[str | None] = mapped_column(String(100))
    pilot_ministries: Mapped[list[str]] = mapped_column(JSON, default=list)


class ActorLinkRow(Base):
    """An actor named by a commitment, hito, activity or project, in the role the source gives.

    role: responsible | supporter (sector: government/osc/other) | osc (group_label: the
    source's group, e.g. "Año 2024") | other | partner (partner_country, partner_role).
    `actor_id` is None for free text ("~Instituciones invitadas ..."); `printed_name` is the
    name exactly as the data file writes it.  Exactly one owner column is set.
    """

    __tablename__ = "actor_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    sector: Mapped[str | None] = mapped_column(String(20))
    group_label: Mapped[str | None] = mapped_column(Text)
    partner_country: Mapped[str | None] = mapped_column(String(100))
    partner_role: Mapped[str | None] = mapped_column(Text)
    printed_name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    hito_id: Mapped[int | None] = mapped_column(ForeignKey("hitos.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )


class HitoStatusChange(Base):
    """One entry of a hito's status history; inserted, never updated or deleted."""

    __tablename__ = "hito_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hito_id: Mapped[int] = mapped_column(ForeignKey("hitos.id"), index=True)
    status_key: Mapped[str] = mapped_column(ForeignKey("statuses.key"))
    progress: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    author_kind: Mapped[str] = mapped_column(String(10))  # source | system | user
    author_user_id: Mapped[int | None] = mapped_column(BigInteger)  # Telegram user id, no FK
    author_label: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Text)  # the seed file, for author_kind "source"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class PracticeRow(SyncedColumns, Base):
    """A catalogue practice; `id` is the practice's key as the catalogue gives it ("12",
    "SYN-4": knowledge.schema.PRACTICE_ID_PATTERN), the natural key, not a surrogate."""

    __tablename__ = "practices"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    institution: Mapped[str] = mapped_column(Text)
    sphere: Mapped[str | None] = mapped_column(String(20))
    ods: Mapped[list[int]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    beneficiaries: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    country_scope: Mapped[str | None] = mapped_column(Text)
    source_document: Mapped[str | None] = mapped_column(String(200))  # any document name
    source_section: Mapped[str | None] = mapped_column(Text)
    import_file: Mapped[str | None] = mapped_column(Text)


class CatalogueInfoRow(SourcedColumns, SyncedColumns, Base):
    """The catalogue's own facts (catalogue.yaml); one row."""

    __tablename__ = "catalogue_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    period_label: Mapped[str] = mapped_column(String(40))
    publisher: Mapped[str] = mapped_column(Text)
    practice_count: Mapped[int] = mapped_column(Integer)
    institution_count: Mapped[int] = mapped_column(Integer)
    institution_breakdown: Mapped[list[str]] = mapped_column(JSON, default=list)
    spheres: Mapped[list[str]] = mapped_column(JSON, default=list)
    facts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class LoadRun(Base):
    """One successful load of the data files or import of a catalogue file (an audit log)."""

    __tablename__ = "load_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # knowledge | catalogue
    label: Mapped[str | None] = mapped_column(Text)  # data directory or imported file
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    changed: Mapped[bool] = mapped_column(Boolean, default=False)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
