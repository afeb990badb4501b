"""Knowledge sync: writes a validated KnowledgeData into the database as an idempotent upsert.

    with db.session() as session:            # one transaction: all of it, or nothing
        report = load_knowledge(session, load_data_dir())
    print(report.summary())                  # "Sin cambios: 2 planes, 7 compromisos, ..."

Records are matched by natural key (plan key; plan + commitment number; + hito number;
+ activity number; actor key; acronym + expansion; project key; practice id; status key).
A content hash per record decides "unchanged"; changed records are updated in place (their
ids stay, so history and participation rows keep pointing at them).  Records that left the
files are deleted, unless something points at them: a status history row, a row of another
table with a foreign key, or a subscription / feedback report naming them by ref (`c3h2`).
Those are kept and flagged `retired` (read_knowledge leaves them out).  Status history is
never deleted.  A hito's status as the source states it (Hito.status) becomes one history
row (author_kind "source") the first time it is loaded, and never again.

Practices are not in the YAML files: `load_knowledge` touches them only when `data.practices`
is non-empty (the shipped sample, on a first start).  The importer (`import_practices`) adds
and updates practices by id; a row without an id is the practice with the same title and
institution, or a new one numbered after the highest number in use.  Practices the file does
not have stay, unless `replace=True` (`hitobot import-catalogue --replace`), which removes
them (or retires them, when someone follows them); `practices_not_in` lists them beforehand.

Every load or import that changes something adds a `load_runs` row with changed=True: a
running bot watches them (storage.repositories.knowledge.data_version, bot/reload.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import column, delete, exists, insert, inspect, select
from sqlalchemy import table as table_clause
from sqlalchemy.orm import Session

from knowledge.catalogue_io import CatalogueError, CatalogueRow, make_issue, practice_name_key
from knowledge.i18n import N_, translations
from knowledge.index import ActorDirectory
from knowledge.loader import actor_names_of_commitment
from knowledge.refs import (
    CATALOGUE,
    Ref,
    acronym_ref,
    actor_ref,
    plan_ref,
    practice_ref,
    project_ref,
)
from knowledge.schema import (
    Activity,
    Commitment,
    Hito,
    KnowledgeData,
    PartialDate,
    Plan,
    Practice,
    Project,
    Source,
    StatusClaim,
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

# Kinds in report order: Spanish (singular, plural, grammatical gender) msgids for summaries.
KIND_NAMES: dict[str, tuple[str, str, str]] = {
    "plans": (N_("plan"), N_("planes"), "m"),
    "commitments": (N_("compromiso"), N_("compromisos"), "m"),
    "hitos": (N_("hito"), N_("hitos"), "m"),
    "activities": (N_("actividad"), N_("actividades"), "f"),
    "actors": (N_("actor"), N_("actores"), "m"),
    "acronyms": (N_("sigla"), N_("siglas"), "f"),
    "projects": (N_("proyecto"), N_("proyectos"), "m"),
    "catalogue": (N_("ficha del catálogo"), N_("fichas del catálogo"), "f"),
    "practices": (N_("práctica"), N_("prácticas"), "f"),
    "statuses": (N_("estado"), N_("estados"), "m"),
    "status_claims": (N_("estado según la fuente"), N_("estados según la fuente"), "m"),
}
# Tables whose rows name knowledge entities by ref (participation: subscriptions, feedback).
REF_COLUMN = "ref"
SOURCE_AUTHOR = "source"


@dataclasses.dataclass
class KindCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    retired: int = 0

    @property
    def current(self) -> int:
        """Records of this kind the files have now."""
        return self.inserted + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.removed or self.retired)


@dataclasses.dataclass
class LoadReport:
    """What a load or import did, per kind of record."""

    counts: dict[str, KindCounts] = dataclasses.field(default_factory=dict)

    def of(self, kind: str) -> KindCounts:
        return self.counts.setdefault(kind, KindCounts())

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {k: dataclasses.asdict(v) for k, v in self.counts.items()}

    def summary(self, locale: str = "es") -> str:
        """One or a few lines for a person, in Spanish or English (gettext, domain bot)."""
        t = translations(locale)
        _ = t.gettext
        kinds = [k for k in KIND_NAMES if k in self.counts and k != "status_claims"]
        if not self.changed:
            listed = ", ".join(_count_phrase(t, k, self.counts[k].current) for k in kinds
                               if self.counts[k].current)
            return _("Sin cambios: {list}; ya estaban al día.").format(list=listed or _("nada que cargar"))
        lines = [_("Cambios cargados:")]
        for kind in [*kinds, "status_claims"]:
            c = self.counts.get(kind)
            if c is None or not (c.changed or c.unchanged):
                continue
            parts = [_participle(t, what, n, KIND_NAMES[kind][2]) for what, n in (
                ("new", c.inserted), ("updated", c.updated), ("removed", c.removed), ("retired", c.retired),
                ("unchanged", c.unchanged)) if n]
            lines.append(f"- {_(KIND_NAMES[kind][1])}: {', '.join(parts)}")
        if any(self.counts[k].retired for k in self.counts):
            lines.append(_("(retirados: ya no están en los archivos, pero se conservan porque tienen "
                           "historial o seguimiento)"))
        return "\n".join(lines)


def _participle(t: Any, what: str, n: int, gender: str) -> str:
    """'3 nuevos' / '1 nueva' / '2 eliminadas' ..., agreeing with the noun (gender m or f)."""
    n_ = t.ngettext
    if what == "unchanged":
        text = n_("{n} sin cambios", "{n} sin cambios", n)
    elif gender == "f":
        text = {"new": n_("{n} nueva", "{n} nuevas", n), "updated": n_("{n} actualizada", "{n} actualizadas", n),
                "removed": n_("{n} eliminada", "{n} eliminadas", n),
                "retired": n_("{n} retirada", "{n} retiradas", n)}[what]
    else:
        text = {"new": n_("{n} nuevo", "{n} nuevos", n), "updated": n_("{n} actualizado", "{n} actualizados", n),
                "removed": n_("{n} eliminado", "{n} eliminados", n),
                "retired": n_("{n} retirado", "{n} retirados", n)}[what]
    return text.format(n=n)


def _count_phrase(t: Any, kind: str, n: int) -> str:
    singular, plural, _ = KIND_NAMES[kind]
    return f"{n} {t.ngettext(singular, plural, n)}"


# --- helpers ---------------------------------------------------------------------------------


def content_hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(date: PartialDate | None) -> str | None:
    return date.iso() if date else None


def _source_fields(source: Source | None) -> dict[str, Any]:
    return {"source_document": source.document if source else None,
            "source_section": source.section if source else None}


def _sourced_fields(record: Any) -> dict[str, Any]:
    return {**_source_fields(record.source), "uncertain": list(record.uncertain), "notes": record.notes}


class _Syncer:
    """One load: the session, the report, and what was seen (so the rest can be removed)."""

    def __init__(self, session: Session, report: LoadReport) -> None:
        self.session = session
        self.report = report
        self._references: dict[str, list[tuple[str, str]]] | None = None
        self._ref_tables: list[str] | None = None
        self._new_rows: set[int] = set()  # id() of the rows this load inserted

    def upsert(self, kind: str, existing: dict[Any, Any], key: Any, model: type,
               fields: dict[str, Any], digest: str) -> tuple[Any, bool]:
        """Insert, update or leave one row; returns (row, whether its content changed).

        A new row is only added to the session: its id is there after the next flush, which
        the callers do once per kind (one multi-row INSERT instead of one round trip a row)."""
        counts = self.report.of(kind)
        row = existing.get(key)
        if row is None:
            row = model(**fields, content_hash=digest, retired=False)
            self.session.add(row)
            self._new_rows.add(id(row))
            existing[key] = row
            counts.inserted += 1
            return row, True
        if row.content_hash == digest and not row.retired:
            counts.unchanged += 1
            return row, False
        for name, value in fields.items():
            setattr(row, name, value)
        row.content_hash = digest
        row.retired = False
        counts.updated += 1
        return row, True

    # -- removal ---------------------------------------------------------------------------

    def _foreign_keys_to(self, table: str) -> list[tuple[str, str]]:
        """(table, column) pairs of every foreign key in the database that points at `table`."""
        if self._references is None:
            inspector = inspect(self.session.connection())
            self._references = {}
            self._ref_tables = []
            for name in inspector.get_table_names():
                for fk in inspector.get_foreign_keys(name):
                    if len(fk["constrained_columns"]) == 1:
                        self._references.setdefault(fk["referred_table"], []).append(
                            (name, fk["constrained_columns"][0]))
                if any(c["name"] == REF_COLUMN for c in inspector.get_columns(name)):
                    self._ref_tables.append(name)
        return self._references.get(table, [])

    def is_referenced(self, table: str, row_id: Any, refs: Iterable[str]) -> bool:
        for other, col in self._foreign_keys_to(table):
            t = table_clause(other, column(col))
            if self.session.scalar(select(exists().where(t.c[col] == row_id))):
                return True
        refs = list(refs)
        for other in self._ref_tables or []:
            t = table_clause(other, column(REF_COLUMN))
            if refs and self.session.scalar(select(exists().where(t.c[REF_COLUMN].in_(refs)))):
                return True
        return False

    def remove_stale(self, kind: str, rows: Iterable[Any], table: str,
                     refs_of: Callable[[Any], list[str]],
                     before_delete: Callable[[Any], None] | None = None) -> None:
        """Delete rows no longer in the files, or flag them retired when something points at them."""
        counts = self.report.of(kind)
        for row in rows:
            if before_delete is not None:
                before_delete(row)
            self.session.flush()
            row_id = getattr(row, "id", None) if table != "statuses" else row.key
            if self.is_referenced(table, row_id, refs_of(row)):
                if not row.retired:
                    row.retired = True
                    counts.retired += 1
            else:
                self.session.delete(row)
                self.session.flush()
                counts.removed += 1

    def is_new(self, row: Any) -> bool:
        """Inserted by this load (so nothing can point at it yet: no old links to drop)."""
        return id(row) in self._new_rows

    def drop_links(self, owner_column: str, owner_id: int) -> None:
        self.session.execute(delete(ActorLinkRow).where(getattr(ActorLinkRow, owner_column) == owner_id))


# --- the load ------------------------------------------------------------------------------


def load_knowledge(session: Session, data: KnowledgeData, label: str | None = None) -> LoadReport:
    """Upsert everything in `data`; remove what is gone; returns what changed (see module doc).

    Runs in the caller's transaction: on any exception nothing of it stays once the caller
    rolls back (Database.session() does).
    """
    report = LoadReport()
    sync = _Syncer(session, report)
    started = utcnow()
    index = ActorDirectory(data.actors, acronyms=data.acronyms)
    _sync_statuses(sync, data)
    actor_ids = _sync_actors(sync, data)
    _sync_acronyms(sync, data)
    seen_hitos = _sync_plans(sync, data, index, actor_ids)
    _sync_projects(sync, data, index, actor_ids)
    _sync_catalogue(sync, data)
    if data.practices:
        _sync_practices(sync, data.practices)
    _record_status_claims(sync, data, seen_hitos)
    _remove_stale_knowledge(sync, data)
    session.add(LoadRun(kind="knowledge", label=label, started_at=started, finished_at=utcnow(),
                        changed=report.changed, counts=report.as_dict()))
    session.flush()
    return report


@dataclasses.dataclass(frozen=True, slots=True)
class PracticeSummary:
    """A practice as an operator reads it in a list (what --replace will remove)."""

    id: str
    title: str
    institution: str


def resolve_practice_ids(session: Session, rows: Iterable[CatalogueRow | Practice],
                         file_label: str) -> list[Practice]:
    """The practices of an import with their final ids: a row without an id is the practice of
    the catalogue with the same title and institution (accents and capitals aside), or a new
    one numbered after the highest number in use.  Raises CatalogueError when such a row is a
    practice another row of the file names by its id."""
    rows = [r if isinstance(r, CatalogueRow) else CatalogueRow(0, r, True) for r in rows]
    existing = session.execute(
        select(PracticeRow.id, PracticeRow.title, PracticeRow.institution, PracticeRow.retired)).all()
    by_name: dict[tuple[str, str], str] = {}
    for pid, title, institution, _retired in sorted(existing, key=lambda r: (r.retired, practice_sort_key(r.id))):
        by_name.setdefault(practice_name_key(title, institution), pid)
    given = {r.practice.id: r.line for r in rows if r.id_given}
    used = {pid for pid, *_ in existing} | set(given)
    next_number = max((int(i) for i in used if i.isdigit()), default=0) + 1
    out: list[Practice] = []
    issues = []
    for row in rows:
        practice = row.practice
        if not row.id_given:
            match = by_name.get(practice_name_key(practice.title, practice.institution))
            if match is not None and match in given:
                issues.append(make_issue(file_label, row.line, "id", N_(
                    "sin id, esta fila es la práctica {id} del catálogo (mismo título e institución), "
                    "que la fila {row} también actualiza"), id=match, row=given[match]))
                continue
            if match is None:
                while str(next_number) in used:
                    next_number += 1
                match = str(next_number)
                used.add(match)
            practice = practice.model_copy(update={"id": match})
        out.append(practice)
    if issues:
        raise CatalogueError(issues)
    return out


def practices_not_in(session: Session, practices: Iterable[Practice]) -> list[PracticeSummary]:
    """The practices of the catalogue (not retired) that `practices` leaves out: what an import
    with replace=True removes, in id order."""
    wanted = {p.id for p in practices}
    rows = session.execute(select(PracticeRow.id, PracticeRow.title, PracticeRow.institution)
                           .where(PracticeRow.retired.is_(False))).all()
    return sorted((PracticeSummary(*r) for r in rows if r.id not in wanted), key=lambda p: practice_sort_key(p.id))


def import_practices(session: Session, practices: Iterable[CatalogueRow | Practice], file_label: str,
                     *, replace: bool = False) -> LoadReport:
    """Add and update the catalogue's practices by id (rows without one matched by title and
    institution, see resolve_practice_ids); with replace=True, practices the file does not
    have are removed (retired, when someone follows them).  All or nothing, in the caller's
    transaction; raises CatalogueError (nothing written) when the rows contradict each other."""
    resolved = resolve_practice_ids(session, practices, file_label)
    ids = [p.id for p in resolved]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"practice ids repeat: {repeated}")
    report = LoadReport()
    sync = _Syncer(session, report)
    started = utcnow()
    _sync_practices(sync, resolved, file_label, replace=replace)
    session.add(LoadRun(kind="catalogue", label=file_label, started_at=started, finished_at=utcnow(),
                        changed=report.changed, counts=report.as_dict()))
    session.flush()
    return report


# --- per kind ---------------------------------------------------------------------------------


def _sync_statuses(sync: _Syncer, data: KnowledgeData) -> None:
    existing = {r.key: r for r in sync.session.scalars(select(StatusRow))}
    for status in data.statuses:
        fields = {"key": status.key, "name_es": status.name_es, "name_en": status.name_en,
                  "irm_level": status.irm_level, "progress": status.progress,
                  "sort_order": status.order, "final": status.final}
        sync.upsert("statuses", existing, status.key, StatusRow, fields,
                    content_hash(status.model_dump(mode="json")))


def _sync_actors(sync: _Syncer, data: KnowledgeData) -> dict[str, int]:
    existing = {r.key: r for r in sync.session.scalars(select(ActorRow))}
    changed_actors = []
    for actor in data.actors:
        fields = {"key": actor.key, "name": actor.name, "acronym": actor.acronym,
                  "sector": actor.sector, "country": actor.country, "parent_key": actor.parent,
                  "description": actor.description, **_sourced_fields(actor)}
        row, changed = sync.upsert("actors", existing, actor.key, ActorRow, fields,
                                   content_hash(actor.model_dump(mode="json")))
        if changed:
            changed_actors.append((row, actor))
    sync.session.flush()  # ids of the new actors
    for row, actor in changed_actors:
        if not sync.is_new(row):
            sync.session.execute(delete(ActorAliasRow).where(ActorAliasRow.actor_id == row.id))
        sync.session.add_all(ActorAliasRow(actor_id=row.id, position=i, alias=alias)
                             for i, alias in enumerate(dict.fromkeys(actor.aliases)))
    return {key: row.id for key, row in existing.items()}


def _sync_acronyms(sync: _Syncer, data: KnowledgeData) -> None:
    existing = {(r.acronym, r.expansion): r for r in sync.session.scalars(select(AcronymRow))}
    for acronym in data.acronyms:
        fields = {"acronym": acronym.acronym, "expansion": acronym.expansion,
                  "actor_key": acronym.actor, **_sourced_fields(acronym)}
        sync.upsert("acronyms", existing, (acronym.acronym, acronym.expansion), AcronymRow, fields,
                    content_hash(acronym.model_dump(mode="json")))


_LINK_COLUMNS = ("actor_id", "role", "sector", "group_label", "partner_country", "partner_role",
                 "printed_name", "position", "commitment_id", "hito_id", "activity_id", "project_id")


class _Linker:
    """Writes actor links, resolving printed names through the actor index.

    Links are plain rows nobody reads back during a load: `add` queues them and `write`
    inserts the queue in one executemany (no ORM object per link)."""

    def __init__(self, sync: _Syncer, index: ActorDirectory, actor_ids: dict[str, int]) -> None:
        self.sync, self.index, self.actor_ids = sync, index, actor_ids
        self._queued: list[dict[str, Any]] = []

    def resolved_key(self, name: str) -> str | None:
        return self.index.resolve(name)

    def add(self, owner_column: str, owner: Any, links: list[dict[str, Any]]) -> None:
        """The links of `owner` (a flushed row) become exactly `links`."""
        owner_id = owner.id
        if not self.sync.is_new(owner):
            self.sync.drop_links(owner_column, owner_id)
        for position, link in enumerate(links):
            key = self.resolved_key(link["printed_name"])
            row = dict.fromkeys(_LINK_COLUMNS)  # the columns a link does not set stay NULL
            row.update(link, actor_id=self.actor_ids.get(key) if key else None, position=position)
            row[owner_column] = owner_id
            self._queued.append(row)

    def write(self) -> None:
        """Insert the queued links (call before anything reads or deletes links)."""
        if self._queued:
            self.sync.session.execute(insert(ActorLinkRow), self._queued)
            self._queued = []


def _link(role: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"role": role, "printed_name": name, **extra}


def commitment_links(commitment: Commitment) -> list[dict[str, Any]]:
    links = [_link("responsible", n) for n in commitment.responsible]
    for group in commitment.osc_and_other_actors:
        links += [_link("osc", n, group_label=group.label) for n in group.actors]
    links += [_link("other", n) for n in commitment.other_actors]
    return links


def hito_links(hito: Hito) -> list[dict[str, Any]]:
    links = [_link("responsible", n) for n in hito.responsible]
    for sector in ("government", "osc", "other"):
        links += [_link("supporter", n, sector=sector) for n in getattr(hito.supporters, sector)]
    return links


def activity_links(activity: Activity) -> list[dict[str, Any]]:
    return [_link("responsible", n) for n in activity.responsible]


def project_links(project: Project) -> list[dict[str, Any]]:
    return [_link("partner", p.actor, partner_country=p.country, partner_role=p.role)
            for p in project.partners]


def _sync_plans(sync: _Syncer, data: KnowledgeData, index: ActorDirectory,
                actor_ids: dict[str, int]) -> set[int]:
    """Plans, commitments, hitos and activities; returns the ids of the hitos in the files."""
    session = sync.session
    linker = _Linker(sync, index, actor_ids)
    plans = {r.key: r for r in session.scalars(select(PlanRow))}
    commitments = {(r.plan_id, r.number): r for r in session.scalars(select(CommitmentRow))}
    hitos = {(r.commitment_id, r.number): r for r in session.scalars(select(HitoRow))}
    activities = {(r.hito_id, r.number): r for r in session.scalars(select(ActivityRow))}
    seen_hitos: set[int] = set()
    # Level by level (plans, commitments, hitos, activities), one flush per level: the new rows
    # of a level get their ids from one multi-row INSERT, in the order they were added.
    plan_rows = [(_sync_plan(sync, plans, plan), plan) for plan in data.plans]
    session.flush()
    for (plan_row, changed), plan in plan_rows:
        if changed:
            _write_plan_children(sync, plan_row, plan)
    pending_commitments = []
    for (plan_row, _), plan in plan_rows:
        for commitment in plan.commitments:
            resolved = [linker.resolved_key(n) for _, n in actor_names_of_commitment(commitment)]
            dump = commitment.model_dump(mode="json", exclude={"hitos"})
            fields = {
                "plan_id": plan_row.id, "number": commitment.number, "title": commitment.title,
                "short_title": commitment.short_title, "description": commitment.description,
                "objective": commitment.objective, "problem": commitment.problem,
                "causes": commitment.causes, "done_so_far": commitment.done_so_far,
                "solution": commitment.solution, "expected_results": commitment.expected_results,
                "transparency": commitment.transparency,
                "accountability": commitment.accountability,
                "participation": commitment.participation, "start": _iso(commitment.start),
                "end": _iso(commitment.end), "resources": commitment.resources,
                "modifications": commitment.modifications, **_sourced_fields(commitment),
            }
            c_row, changed = sync.upsert("commitments", commitments, (plan_row.id, commitment.number),
                                         CommitmentRow, fields, content_hash([dump, resolved]))
            pending_commitments.append((c_row, changed, commitment))
    session.flush()
    pending_hitos = []
    for c_row, changed, commitment in pending_commitments:
        if changed:
            linker.add("commitment_id", c_row, commitment_links(commitment))
        for hito in commitment.hitos:
            pending_hitos.append((*_sync_hito(sync, linker, hitos, c_row.id, hito), hito))
    session.flush()
    pending_activities = []
    for h_row, changed, links, hito in pending_hitos:
        seen_hitos.add(h_row.id)
        if changed:
            linker.add("hito_id", h_row, links)
        for activity in hito.activities:
            pending_activities.append((*_sync_activity(sync, linker, activities, h_row.id, activity),
                                       activity))
    session.flush()
    for a_row, changed, activity in pending_activities:
        if changed:
            linker.add("activity_id", a_row, activity_links(activity))
    linker.write()
    return seen_hitos


def _sync_plan(sync: _Syncer, plans: dict[str, PlanRow], plan: Plan) -> tuple[PlanRow, bool]:
    fields = {"key": plan.key, "number": plan.number, "title": plan.title,
              "period_label": plan.period_label, "start": _iso(plan.start), "end": _iso(plan.end),
              "current": plan.current, "summary": plan.summary, **_sourced_fields(plan)}
    dump = plan.model_dump(mode="json", exclude={"commitments"})
    return sync.upsert("plans", plans, plan.key, PlanRow, fields, content_hash(dump))


def _write_plan_children(sync: _Syncer, row: PlanRow, plan: Plan) -> None:
    """A changed plan's facts and thematic tables, replaced as a whole (row is flushed)."""
    session = sync.session
    if not sync.is_new(row):
        session.execute(delete(PlanFactRow).where(PlanFactRow.plan_id == row.id))
        session.execute(delete(ThematicTableRow).where(ThematicTableRow.plan_id == row.id))
    session.add_all(PlanFactRow(plan_id=row.id, position=i, topic=f.topic, text=f.text,
                                **_source_fields(f.source)) for i, f in enumerate(plan.facts))
    session.add_all(ThematicTableRow(plan_id=row.id, position=i, number=t.number, topic=t.topic,
                                     date=t.date.iso(), place=t.place)
                    for i, t in enumerate(plan.thematic_tables))


def _sync_hito(sync: _Syncer, linker: _Linker, hitos: dict[Any, HitoRow], commitment_id: int,
               hito: Hito) -> tuple[HitoRow, bool, list[dict[str, Any]]]:
    links = hito_links(hito)
    resolved = [linker.resolved_key(link["printed_name"]) for link in links]
    dump = hito.model_dump(mode="json", exclude={"activities", "current"})
    fields = {
        "commitment_id": commitment_id, "number": hito.number, "text": hito.text,
        "expected_results": hito.expected_results, "start": _iso(hito.start), "end": _iso(hito.end),
        "end_original": _iso(hito.end_original),
        "due_date": hito.end.last_day() if hito.end else None, "period_text": hito.period_text,
        "status_claim": _claim_fields(hito.status) if hito.status else None,
        **_sourced_fields(hito),
    }
    row, changed = sync.upsert("hitos", hitos, (commitment_id, hito.number), HitoRow, fields,
                               content_hash([dump, resolved]))
    return row, changed, links


def _claim_fields(claim: StatusClaim) -> dict[str, Any]:
    """A StatusClaim as JSON that validates back (PartialDate as its ISO text)."""
    return {**claim.model_dump(mode="json", exclude={"as_of"}), "as_of": _iso(claim.as_of)}


def _sync_activity(sync: _Syncer, linker: _Linker, activities: dict[Any, ActivityRow], hito_id: int,
                   activity: Activity) -> tuple[ActivityRow, bool]:
    resolved = [linker.resolved_key(n) for n in activity.responsible]
    fields = {"hito_id": hito_id, "number": activity.number, "text": activity.text,
              "start": _iso(activity.start), "end": _iso(activity.end),
              "period_text": activity.period_text, "product": activity.product,
              "verification": activity.verification, **_sourced_fields(activity)}
    return sync.upsert("activities", activities, (hito_id, activity.number), ActivityRow,
                       fields, content_hash([activity.model_dump(mode="json"), resolved]))


def _sync_projects(sync: _Syncer, data: KnowledgeData, index: ActorDirectory,
                   actor_ids: dict[str, int]) -> None:
    linker = _Linker(sync, index, actor_ids)
    existing = {r.key: r for r in sync.session.scalars(select(ProjectRow))}
    changed_projects = []
    for project in data.projects:
        resolved = [linker.resolved_key(p.actor) for p in project.partners]
        fields = {
            "key": project.key, "title": project.title, "short_name": project.short_name,
            "reference_code": project.reference_code, "objective": project.objective,
            "specific_objectives": project.specific_objectives, "context": project.context,
            "components": [c.model_dump(mode="json") for c in project.components],
            "activities": project.activities, "expected_results": project.expected_results,
            "achievements": project.achievements, "lessons_learned": project.lessons_learned,
            "countries": project.countries, "period_text": project.period_text,
            "start": _iso(project.start), "end": _iso(project.end), "amount": project.amount,
            "pilot_ministries": project.pilot_ministries, **_sourced_fields(project),
        }
        row, changed = sync.upsert("projects", existing, project.key, ProjectRow, fields,
                                   content_hash([project.model_dump(mode="json"), resolved]))
        if changed:
            changed_projects.append((row, project))
    sync.session.flush()
    for row, project in changed_projects:
        linker.add("project_id", row, project_links(project))
    linker.write()


CATALOGUE_ROW_ID = 1


def _sync_catalogue(sync: _Syncer, data: KnowledgeData) -> None:
    existing = {r.id: r for r in sync.session.scalars(select(CatalogueInfoRow))}
    info = data.catalogue
    if info is None:
        return
    fields = {"id": CATALOGUE_ROW_ID, "title": info.title, "period_label": info.period_label,
              "publisher": info.publisher, "practice_count": info.practice_count,
              "institution_count": info.institution_count,
              "institution_breakdown": info.institution_breakdown, "spheres": info.spheres,
              "facts": [f.model_dump(mode="json") for f in info.facts], **_sourced_fields(info)}
    sync.upsert("catalogue", existing, CATALOGUE_ROW_ID, CatalogueInfoRow, fields,
                content_hash(info.model_dump(mode="json")))


def _sync_practices(sync: _Syncer, practices: list[Practice], file_label: str | None = None,
                    replace: bool = True) -> None:
    existing = {r.id: r for r in sync.session.scalars(select(PracticeRow))}
    seen: set[str] = set()
    for practice in practices:
        import_file = practice.import_file or file_label
        fields = {"id": practice.id, "title": practice.title, "institution": practice.institution,
                  "sphere": practice.sphere, "ods": practice.ods,
                  "description": practice.description, "results": practice.results,
                  "beneficiaries": practice.beneficiaries, "contact": practice.contact,
                  "country_scope": practice.country_scope, "import_file": import_file,
                  **_source_fields(practice.source)}
        dump = practice.model_dump(mode="json", exclude={"import_file"})
        sync.upsert("practices", existing, practice.id, PracticeRow, fields, content_hash(dump))
        seen.add(practice.id)
    if not replace:
        return
    stale = [row for pid, row in sorted(existing.items(), key=lambda item: practice_sort_key(item[0]))
             if pid not in seen]
    sync.remove_stale("practices", stale, "practices", lambda r: [practice_ref(r.id)])


def _record_status_claims(sync: _Syncer, data: KnowledgeData, seen_hitos: set[int]) -> None:
    """Each source status claim becomes one history row, the first time it is seen."""
    session = sync.session
    counts = sync.report.of("status_claims")
    rows = session.execute(
        select(HitoRow.id, PlanRow.key, CommitmentRow.number, HitoRow.number)
        .join(CommitmentRow, HitoRow.commitment_id == CommitmentRow.id)
        .join(PlanRow, CommitmentRow.plan_id == PlanRow.id)
        .where(HitoRow.id.in_(seen_hitos) if seen_hitos else HitoRow.id.is_(None))
    ).all()
    hito_ids = {(plan_key, c, h): hito_id for hito_id, plan_key, c, h in rows}
    implied = {s.key: s.progress for s in data.statuses}
    recorded = set(session.execute(
        select(HitoStatusChange.hito_id, HitoStatusChange.status_key, HitoStatusChange.source)
        .where(HitoStatusChange.author_kind == SOURCE_AUTHOR)).all())
    for plan in data.plans:
        for commitment in plan.commitments:
            for hito in commitment.hitos:
                claim = hito.status
                if claim is None:
                    continue
                hito_id = hito_ids[(plan.key, commitment.number, hito.number)]
                if (hito_id, claim.status, claim.source.document) in recorded:
                    counts.unchanged += 1
                    continue
                session.add(HitoStatusChange(
                    hito_id=hito_id, status_key=claim.status, progress=implied.get(claim.status),
                    note=claim.quote, author_kind=SOURCE_AUTHOR, author_label=claim.source.document,
                    source=claim.source.document, created_at=_claim_time(claim.as_of)))
                counts.inserted += 1
    session.flush()


def _claim_time(as_of: PartialDate | None) -> dt.datetime:
    if as_of is None:
        return utcnow()
    return dt.datetime.combine(as_of.first_day(), dt.time(), tzinfo=dt.UTC)


def _remove_stale_knowledge(sync: _Syncer, data: KnowledgeData) -> None:
    """Delete (or retire) what the files no longer have, children before parents."""
    session = sync.session
    wanted_plans = {p.key for p in data.plans}
    wanted_commitments = {(p.key, c.number) for p in data.plans for c in p.commitments}
    wanted_hitos = {(p.key, c.number, h.number) for p in data.plans for c in p.commitments for h in c.hitos}
    wanted_activities = {(p.key, c.number, h.number, a.number) for p in data.plans
                         for c in p.commitments for h in c.hitos for a in h.activities}
    tree = session.execute(
        select(PlanRow, CommitmentRow, HitoRow, ActivityRow)
        .select_from(PlanRow)
        .outerjoin(CommitmentRow, CommitmentRow.plan_id == PlanRow.id)
        .outerjoin(HitoRow, HitoRow.commitment_id == CommitmentRow.id)
        .outerjoin(ActivityRow, ActivityRow.hito_id == HitoRow.id)
    ).all()
    stale_activities: dict[int, tuple[ActivityRow, str]] = {}
    stale_hitos: dict[int, tuple[HitoRow, str]] = {}
    stale_commitments: dict[int, tuple[CommitmentRow, str]] = {}
    stale_plans: dict[int, PlanRow] = {}
    for plan, commitment, hito, activity in tree:
        if plan.key not in wanted_plans:
            stale_plans[plan.id] = plan
        if commitment is None:
            continue
        if (plan.key, commitment.number) not in wanted_commitments:
            stale_commitments[commitment.id] = (commitment, Ref("commitment", commitment=commitment.number))
        if hito is None:
            continue
        if (plan.key, commitment.number, hito.number) not in wanted_hitos:
            stale_hitos[hito.id] = (hito, Ref("hito", commitment=commitment.number, hito=hito.number))
        if activity is not None and (plan.key, commitment.number, hito.number,
                                     activity.number) not in wanted_activities:
            stale_activities[activity.id] = (activity, Ref("activity", commitment=commitment.number,
                                                           hito=hito.number, activity=activity.number))
    refs: dict[int, Ref] = {}

    def with_plan_prefix(plan_key_of: Callable[[Any], str]) -> Callable[[Any], list[str]]:
        # its ref, and the form without the plan that rows may still hold (of a plan not shipped)
        return lambda row: [str(dataclasses.replace(refs[id(row)], plan=plan_key_of(row))), str(refs[id(row)])]

    plan_key_by_commitment = {c.id: p.key for p, c, _, _ in tree if c is not None}
    hito_commitment = {h.id: h.commitment_id for _, _, h, _ in tree if h is not None}
    for row, ref in [*stale_activities.values(), *stale_hitos.values(), *stale_commitments.values()]:
        refs[id(row)] = ref
    sync.remove_stale(
        "activities", [r for r, _ in stale_activities.values()], "activities",
        with_plan_prefix(lambda r: plan_key_by_commitment[hito_commitment[r.hito_id]]),
        before_delete=lambda r: sync.drop_links("activity_id", r.id))
    sync.remove_stale(
        "hitos", [r for r, _ in stale_hitos.values()], "hitos",
        with_plan_prefix(lambda r: plan_key_by_commitment[r.commitment_id]),
        before_delete=lambda r: sync.drop_links("hito_id", r.id))
    sync.remove_stale(
        "commitments", [r for r, _ in stale_commitments.values()], "commitments",
        with_plan_prefix(lambda r: plan_key_by_commitment[r.id]),
        before_delete=lambda r: sync.drop_links("commitment_id", r.id))

    def drop_plan_children(row: PlanRow) -> None:
        session.execute(delete(PlanFactRow).where(PlanFactRow.plan_id == row.id))
        session.execute(delete(ThematicTableRow).where(ThematicTableRow.plan_id == row.id))

    sync.remove_stale("plans", list(stale_plans.values()), "plans", lambda r: [plan_ref(r.key)],
                      before_delete=drop_plan_children)

    wanted_projects = {p.key for p in data.projects}
    sync.remove_stale(
        "projects", [r for r in session.scalars(select(ProjectRow)) if r.key not in wanted_projects],
        "projects", lambda r: [project_ref(r.key)], before_delete=lambda r: sync.drop_links("project_id", r.id))
    wanted_acronyms = {(a.acronym, a.expansion) for a in data.acronyms}
    sync.remove_stale(
        "acronyms", [r for r in session.scalars(select(AcronymRow))
                     if (r.acronym, r.expansion) not in wanted_acronyms],
        "acronyms", lambda r: [acronym_ref(r.acronym)])
    wanted_actors = {a.key for a in data.actors}

    def drop_aliases(row: ActorRow) -> None:
        session.execute(delete(ActorAliasRow).where(ActorAliasRow.actor_id == row.id))

    sync.remove_stale(
        "actors", [r for r in session.scalars(select(ActorRow)) if r.key not in wanted_actors],
        "actors", lambda r: [actor_ref(r.key)], before_delete=drop_aliases)
    if data.catalogue is None:
        sync.remove_stale("catalogue", list(session.scalars(select(CatalogueInfoRow))),
                          "catalogue_info", lambda r: [CATALOGUE])
    wanted_statuses = {s.key for s in data.statuses}
    sync.remove_stale(
        "statuses", [r for r in session.scalars(select(StatusRow)) if r.key not in wanted_statuses],
        "statuses", lambda r: [])


__all__ = ["KindCounts", "LoadReport", "PracticeSummary", "content_hash", "import_practices", "load_knowledge",
           "practices_not_in", "resolve_practice_ids"]
