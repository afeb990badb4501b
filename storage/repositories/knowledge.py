"""Knowledge-base queries: the whole knowledge base, hito status history, due dates.

Progress percentages are a domain rule, worked out from what these return (knowledge/progress.py).

Functions are named after the question they answer and take a Session (the caller owns the
transaction).  They return the schema types of knowledge/schema.py, or small frozen
dataclasses, never ORM rows, so handlers cannot change the database by accident.
Retired records (gone from the files but kept for their history) are left out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.refs import Ref, hito_ref
from knowledge.schema import (
    Acronym,
    Activity,
    Actor,
    ActorGroup,
    CatalogueInfo,
    Commitment,
    Component,
    CurrentStatus,
    Hito,
    KnowledgeData,
    PartialDate,
    Partner,
    Plan,
    PlanFact,
    Practice,
    PracticeSource,
    Project,
    Source,
    StatusClaim,
    StatusDef,
    Supporters,
    ThematicTable,
    practice_sort_key,
)
from storage.models.knowledge import (
    AcronymRow,
    ActivityRow,
    ActorAliasRow,
    ActorLinkRow,
    ActorRow,
    CatalogueInfoRow,
    CommitmentRow,
    HitoRow,
    HitoStatusChange,
    LoadRun,
    PlanFactRow,
    PlanRow,
    PracticeRow,
    ProjectRow,
    StatusRow,
    ThematicTableRow,
    utcnow,
)

AuthorKind = Literal["source", "system", "user"]
AUTHOR_KINDS = ("source", "system", "user")


@dataclasses.dataclass(frozen=True, slots=True)
class StatusChange:
    """One entry of a hito's public status history."""

    id: int
    status: str
    progress: int | None
    note: str | None
    evidence: str | None
    author_kind: str
    author_user_id: int | None
    author_label: str | None
    source: str | None
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class DueHito:
    """A hito with its place in the plans (for reminders and "what is due" questions)."""

    plan_key: str
    commitment: int
    commitment_title: str
    hito: Hito
    due_date: dt.date
    responsible_actor_keys: tuple[str, ...]


class UnknownHito(LookupError):
    """No such (current) hito in the database."""


# --- small conversions ---------------------------------------------------------------------------


def _pdate(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def _source(row: Any) -> Source | None:
    if row.source_document and row.source_section:
        return _shared_source(row.source_document, row.source_section)
    return None


@functools.lru_cache(maxsize=4096)
def _shared_source(document: str, section: str) -> Source:
    """One Source object per distinct reference (an immutable value; memory)."""
    return Source(document=document, section=section)


def _sourced(row: Any) -> dict[str, Any]:
    return {"source": _source(row), "uncertain": list(row.uncertain or []), "notes": row.notes}


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _change(row: HitoStatusChange) -> StatusChange:
    return StatusChange(row.id, row.status_key, row.progress, row.note, row.evidence, row.author_kind,
                        row.author_user_id, row.author_label, row.source, _aware(row.created_at))


def _current(row: HitoStatusChange | None) -> CurrentStatus | None:
    return None if row is None else as_current(_change(row))


def as_current(change: StatusChange) -> CurrentStatus:
    """A history entry as the hito's status now (what the knowledge core shows)."""
    author = f"fuente: {change.source}" if change.author_kind == "source" and change.source else change.author_label
    return CurrentStatus(status=change.status, progress=change.progress, since=_aware(change.created_at),
                         note=change.note, author=author, evidence=change.evidence, kind=change.author_kind)


def _newest_changes(session: Session, hito_ids: list[int] | None = None) -> dict[int, HitoStatusChange]:
    """hito id -> its newest status history row."""
    query = select(HitoStatusChange).order_by(HitoStatusChange.created_at, HitoStatusChange.id)
    if hito_ids is not None:
        query = query.where(HitoStatusChange.hito_id.in_(hito_ids))
    newest: dict[int, HitoStatusChange] = {}
    for row in session.scalars(query):
        newest[row.hito_id] = row  # ascending order: the last one wins
    return newest


def _links_by_owner(session: Session, owner_column: str) -> dict[int, list[ActorLinkRow]]:
    column = getattr(ActorLinkRow, owner_column)
    out: dict[int, list[ActorLinkRow]] = defaultdict(list)
    for row in session.scalars(select(ActorLinkRow).where(column.is_not(None)).order_by(ActorLinkRow.position)):
        out[getattr(row, owner_column)].append(row)
    return out


def _names(links: list[ActorLinkRow], role: str, **match: Any) -> list[str]:
    return [link.printed_name for link in links if link.role == role
            and all(getattr(link, k) == v for k, v in match.items())]


# --- the whole knowledge base ------------------------------------------------------------------


def read_knowledge(session: Session) -> KnowledgeData:
    """Everything the bot knows, as schema objects; each hito's `current` is its newest history row.

    The records were validated when they were loaded (storage/sync.py takes only validated
    KnowledgeData), so they are rebuilt with model_construct, not validated a second time
    (start-up time: no pydantic validator is even built for them).  What people wrote through
    the bot (a hito's current status) and the JSON columns are still validated."""
    return KnowledgeData.model_construct(
        actors=_read_actors(session),
        acronyms=[
            Acronym.model_construct(acronym=r.acronym, expansion=r.expansion, actor=r.actor_key, **_sourced(r))
            for r in session.scalars(select(AcronymRow).where(AcronymRow.retired.is_(False))
                                     .order_by(AcronymRow.id))
        ],
        plans=_read_plans(session),
        catalogue=_read_catalogue(session),
        practices=read_practices(session),
        projects=_read_projects(session),
        statuses=status_vocabulary(session),
    )


def _read_actors(session: Session) -> list[Actor]:
    aliases: dict[int, list[str]] = defaultdict(list)
    for row in session.scalars(select(ActorAliasRow).order_by(ActorAliasRow.position)):
        aliases[row.actor_id].append(row.alias)
    return [
        Actor.model_construct(key=r.key, name=r.name, acronym=r.acronym, aliases=aliases[r.id], sector=r.sector,
              country=r.country, parent=r.parent_key, description=r.description, **_sourced(r))
        for r in session.scalars(select(ActorRow).where(ActorRow.retired.is_(False)).order_by(ActorRow.id))
    ]


def _read_plans(session: Session) -> list[Plan]:
    facts: dict[int, list[PlanFact]] = defaultdict(list)
    for r in session.scalars(select(PlanFactRow).order_by(PlanFactRow.position)):
        facts[r.plan_id].append(PlanFact.model_construct(topic=r.topic, text=r.text, source=_source(r)))
    tables: dict[int, list[ThematicTable]] = defaultdict(list)
    for r in session.scalars(select(ThematicTableRow).order_by(ThematicTableRow.position)):
        tables[r.plan_id].append(ThematicTable.model_construct(number=r.number, topic=r.topic,
                                                        date=PartialDate.parse(r.date), place=r.place))
    commitments = _read_commitments(session)
    return [
        Plan.model_construct(key=r.key, number=r.number, title=r.title, period_label=r.period_label,
             start=_pdate(r.start), end=_pdate(r.end), current=r.current, summary=r.summary,
             facts=facts[r.id], thematic_tables=tables[r.id], commitments=commitments[r.id],
             **_sourced(r))
        for r in session.scalars(select(PlanRow).where(PlanRow.retired.is_(False)).order_by(PlanRow.number))
    ]


def _read_commitments(session: Session) -> dict[int, list[Commitment]]:
    hitos = _read_hitos(session)
    links = _links_by_owner(session, "commitment_id")
    out: dict[int, list[Commitment]] = defaultdict(list)
    rows = session.scalars(select(CommitmentRow).where(CommitmentRow.retired.is_(False))
                           .order_by(CommitmentRow.number))
    for r in rows:
        mine = links[r.id]
        groups: list[ActorGroup] = []  # consecutive links with one label form one group
        for link in mine:
            if link.role != "osc":
                continue
            if not groups or groups[-1].label != (link.group_label or ""):
                groups.append(ActorGroup.model_construct(label=link.group_label or "", actors=[]))
            groups[-1].actors.append(link.printed_name)
        out[r.plan_id].append(Commitment.model_construct(
            number=r.number, title=r.title, short_title=r.short_title, description=r.description,
            objective=r.objective, problem=r.problem, causes=r.causes, done_so_far=r.done_so_far,
            solution=r.solution, expected_results=r.expected_results, transparency=r.transparency,
            accountability=r.accountability, participation=r.participation,
            start=_pdate(r.start), end=_pdate(r.end), responsible=_names(mine, "responsible"),
            osc_and_other_actors=groups,
            other_actors=_names(mine, "other"), resources=r.resources,
            modifications=r.modifications, hitos=hitos[r.id], **_sourced(r)))
    return out


def _read_hitos(session: Session) -> dict[int, list[Hito]]:
    activities = _read_activities(session)
    links = _links_by_owner(session, "hito_id")
    newest = _newest_changes(session)
    out: dict[int, list[Hito]] = defaultdict(list)
    for r in session.scalars(select(HitoRow).where(HitoRow.retired.is_(False)).order_by(HitoRow.number)):
        out[r.commitment_id].append(_hito(r, links[r.id], activities[r.id], newest.get(r.id)))
    return out


def _hito(r: HitoRow, links: list[ActorLinkRow], activities: list[Activity],
          newest: HitoStatusChange | None) -> Hito:
    return Hito.model_construct(
        number=r.number, text=r.text, expected_results=r.expected_results, start=_pdate(r.start),
        end=_pdate(r.end), end_original=_pdate(r.end_original), period_text=r.period_text,
        responsible=_names(links, "responsible"),
        supporters=Supporters.model_construct(government=_names(links, "supporter", sector="government"),
                              osc=_names(links, "supporter", sector="osc"),
                              other=_names(links, "supporter", sector="other")),
        activities=activities,
        status=StatusClaim.model_validate(r.status_claim) if r.status_claim else None,
        current=_current(newest), **_sourced(r))


def _read_activities(session: Session) -> dict[int, list[Activity]]:
    links = _links_by_owner(session, "activity_id")
    out: dict[int, list[Activity]] = defaultdict(list)
    for r in session.scalars(select(ActivityRow).where(ActivityRow.retired.is_(False))
                             .order_by(ActivityRow.number)):
        out[r.hito_id].append(Activity.model_construct(
            number=r.number, text=r.text, start=_pdate(r.start), end=_pdate(r.end),
            period_text=r.period_text, responsible=_names(links[r.id], "responsible"),
            product=r.product, verification=r.verification, **_sourced(r)))
    return out


def _read_projects(session: Session) -> list[Project]:
    links = _links_by_owner(session, "project_id")
    return [
        Project.model_construct(key=r.key, title=r.title, short_name=r.short_name, reference_code=r.reference_code,
                objective=r.objective, specific_objectives=r.specific_objectives, context=r.context,
                components=[Component.model_validate(c) for c in r.components],
                activities=r.activities, expected_results=r.expected_results,
                achievements=r.achievements, lessons_learned=r.lessons_learned,
                partners=[Partner.model_construct(country=link.partner_country, actor=link.printed_name, role=link.partner_role)
                          for link in links[r.id] if link.role == "partner"],
                countries=r.countries, period_text=r.period_text, start=_pdate(r.start),
                end=_pdate(r.end), amount=r.amount, pilot_ministries=r.pilot_ministries, **_sourced(r))
        for r in session.scalars(select(ProjectRow).where(ProjectRow.retired.is_(False)).order_by(ProjectRow.id))
    ]


def _read_catalogue(session: Session) -> CatalogueInfo | None:
    r = session.scalars(select(CatalogueInfoRow).where(CatalogueInfoRow.retired.is_(False))).first()
    if r is None:
        return None
    return CatalogueInfo.model_construct(
        title=r.title, period_label=r.period_label, publisher=r.publisher,
        practice_count=r.practice_count, institution_count=r.institution_count,
        institution_breakdown=r.institution_breakdown, spheres=r.spheres,
        facts=[PlanFact.model_validate(f) for f in r.facts], **_sourced(r))


def read_practices(session: Session) -> list[Practice]:
    """The catalogue's practices, by id in natural order ("2" before "10")."""
    rows = session.scalars(select(PracticeRow).where(PracticeRow.retired.is_(False)))
    return [
        Practice.model_construct(id=r.id, title=r.title, institution=r.institution, sphere=r.sphere, ods=r.ods,
                 description=r.description, results=r.results, beneficiaries=r.beneficiaries,
                 contact=r.contact, country_scope=r.country_scope,
                 source=PracticeSource.model_construct(document=r.source_document, section=r.source_section)
                 if r.source_document and r.source_section else None,
                 import_file=r.import_file)
        for r in sorted(rows, key=lambda r: practice_sort_key(r.id))
    ]


def data_version(session: Session) -> tuple[int, int, int]:
    """A value that changes whenever the knowledge base in the database does: (how many loads
    and imports changed something, the newest one's id, the newest hito status change's id).
    A running bot compares it every few seconds (bot/reload.py) and reads the knowledge base
    again when it differs.  The count moves even when two imports commit out of id order; the
    status changes are there so that a focal point's update made while the bot was reading
    (or by another bot process) is not lost."""
    count, newest = session.execute(
        select(func.count(LoadRun.id), func.max(LoadRun.id)).where(LoadRun.changed.is_(True))).one()
    newest_status = session.scalar(select(func.max(HitoStatusChange.id)))
    return int(count or 0), int(newest or 0), int(newest_status or 0)


def status_vocabulary(session: Session) -> list[StatusDef]:
    """The status words a hito can have (statuses.yaml as loaded), in their display order."""
    return [
        StatusDef.model_construct(key=r.key, name_es=r.name_es, name_en=r.name_en, irm_level=r.irm_level,
                  progress=r.progress, order=r.sort_order, final=r.final)
        for r in session.scalars(select(StatusRow).where(StatusRow.retired.is_(False))
                                 .order_by(StatusRow.sort_order, StatusRow.key))
    ]


def has_plans(session: Session) -> bool:
    """Whether any plan has been loaded (an empty database needs its first load)."""
    return session.scalars(select(PlanRow.id).limit(1)).first() is not None


# --- status history ----------------------------------------------------------------------------


def _hito_row(session: Session, plan_key: str | None, commitment: int, hito: int) -> HitoRow:
    query = (select(HitoRow).join(CommitmentRow, HitoRow.commitment_id == CommitmentRow.id)
             .join(PlanRow, CommitmentRow.plan_id == PlanRow.id)
             .where(CommitmentRow.number == commitment, HitoRow.number == hito,
                    HitoRow.retired.is_(False), CommitmentRow.retired.is_(False)))
    if plan_key:
        query = query.where(PlanRow.key == plan_key)
    rows = session.scalars(query).all()
    if len(rows) != 1:
        where = hito_ref(plan_key, commitment, hito) if plan_key else str(Ref("hito", commitment=commitment, hito=hito))
        raise UnknownHito(f"no hito {where}" if not rows else f"hito {where} is ambiguous: name the plan")
    return rows[0]


def record_status_change(
    session: Session,
    plan_key: str | None,
    commitment: int,
    hito: int,
    status: str,
    progress: int | None,
    note: str | None,
    author_kind: AuthorKind,
    author_user_id: int | None,
    author_label: str | None,
    source: str | None = None,
    evidence: str | None = None,
) -> StatusChange:
    """Add one entry to a hito's status history (it becomes the hito's status now).

    `progress` None means the status's implied progress (statuses.yaml).  Raises UnknownHito,
    or ValueError for a status that is not in the vocabulary or a progress outside 0-100.
    """
    if author_kind not in AUTHOR_KINDS:
        raise ValueError(f"author_kind must be one of {AUTHOR_KINDS}, got {author_kind!r}")
    status_row = session.get(StatusRow, status)
    if status_row is None or status_row.retired:
        raise ValueError(f"{status!r} is not a status of the vocabulary")
    if progress is not None and not 0 <= progress <= 100:
        raise ValueError(f"progress must be between 0 and 100, got {progress}")
    row = HitoStatusChange(
        hito_id=_hito_row(session, plan_key, commitment, hito).id, status_key=status,
        progress=status_row.progress if progress is None else progress, note=note,
        evidence=evidence, author_kind=author_kind, author_user_id=author_user_id,
        author_label=author_label, source=source, created_at=utcnow())
    session.add(row)
    session.flush()
    return _change(row)


def status_history(session: Session, plan_key: str | None, commitment: int, hito: int) -> list[StatusChange]:
    """A hito's status history, oldest first (the last entry is its status now)."""
    hito_id = _hito_row(session, plan_key, commitment, hito).id
    rows = session.scalars(select(HitoStatusChange).where(HitoStatusChange.hito_id == hito_id)
                           .order_by(HitoStatusChange.created_at, HitoStatusChange.id))
    return [_change(r) for r in rows]


def hitos_due_between(session: Session, start: dt.date, end: dt.date) -> list[DueHito]:
    """Hitos whose end date (its last possible day) falls between start and end, inclusive."""
    rows = session.execute(
        select(HitoRow, CommitmentRow, PlanRow)
        .join(CommitmentRow, HitoRow.commitment_id == CommitmentRow.id)
        .join(PlanRow, CommitmentRow.plan_id == PlanRow.id)
        .where(HitoRow.due_date >= start, HitoRow.due_date <= end, HitoRow.retired.is_(False),
               CommitmentRow.retired.is_(False))
        .order_by(HitoRow.due_date, CommitmentRow.number, HitoRow.number)
    ).all()
    if not rows:
        return []
    hito_ids = [h.id for h, _, _ in rows]
    newest = _newest_changes(session, hito_ids)
    links: dict[int, list[ActorLinkRow]] = defaultdict(list)
    for link in session.scalars(select(ActorLinkRow).where(ActorLinkRow.hito_id.in_(hito_ids))
                                .order_by(ActorLinkRow.position)):
        links[link.hito_id].append(link)
    activity_rows = _read_activities(session)
    actor_keys = dict(session.execute(select(ActorRow.id, ActorRow.key)).all())
    out = []
    for h, c, p in rows:
        responsible = tuple(dict.fromkeys(actor_keys[link.actor_id] for link in links[h.id]
                                          if link.role == "responsible" and link.actor_id))
        out.append(DueHito(p.key, c.number, c.title, _hito(h, links[h.id], activity_rows[h.id],
                                                           newest.get(h.id)), h.due_date, responsible))
    return out
