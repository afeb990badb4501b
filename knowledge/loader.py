"""Data loader: reads the curated YAML files of knowledge/data, validates them, reports every problem.

    data = load_data_dir()            # the shipped knowledge/data
    data = load_data_dir(Path(...))   # any directory with the same layout (docs/ARCHITECTURE.md)

Everything is checked before anything is returned: the schema (knowledge/schema.py), then the
records against each other (actor names resolve through actors.yaml, status keys exist,
acronyms name existing actors, keys and numbers are unique).  All problems are collected and
raised together as one `DataError`, one line per `DataIssue`:

    knowledge/data/pan6/commitment_3.yaml:118: commitment.hitos[1].end: expected a date like ...

Line numbers come from the YAML node marks (yaml.compose), found by following pydantic's error
location through the node tree.  Files the layout does not name (a lexicon folder, READMEs)
are ignored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.actors import is_free_text
from knowledge.index import ActorDirectory
from knowledge.schema import (
    Acronym,
    Actor,
    CatalogueInfo,
    Commitment,
    KnowledgeData,
    Plan,
    Practice,
    Project,
    StatusDef,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().with_name("data")
CATALOGUE_SAMPLE = "catalogue_sample.csv"
_COMMITMENT_FILE = re.compile(r"^commitment_(\d+)\.ya?ml$")

Loc = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class DataIssue:
    """One problem in one data file: where (file, line, record path, field) and why."""

    file: str
    line: int | None
    path: str
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = ".".join(p for p in (self.path, self.field) if p)
        return f"{where}: {what}: {self.reason}" if what else f"{where}: {self.reason}"


class DataError(ValueError):
    """The data files have problems; `.issues` lists all of them."""

    def __init__(self, issues: list[DataIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    def __reduce__(self) -> tuple[Any, ...]:  # pickled whole (the start-up child hands it over)
        return (type(self), (self.issues,))


# --- YAML with line numbers --------------------------------------------------------------------


@dataclasses.dataclass
class YamlFile:
    """A parsed data file: the plain data and the node tree that knows line numbers."""

    path: Path
    label: str
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: Loc) -> int | None:
        """The 1-based line of the value at `loc` (or of the nearest enclosing node)."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                match = next(((k, v) for k, v in node.value if k.value == part), None)
                if match is None:
                    continue  # a validator's name or a missing field: stay on the parent
                key, node = match
                line = key.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    break
                node = node.value[part]
                line = node.start_mark.line + 1
        return line


def display_path(path: Path) -> str:
    """The file name a person should open: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def format_loc(loc: Loc) -> tuple[str, str | None]:
    """('commitment', 'hitos', 1, 'end') -> ('commitment.hitos[1]', 'end')."""
    field = loc[-1] if loc and isinstance(loc[-1], str) else None
    parts = loc[:-1] if field is not None else loc
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text, field


class IssueCollector:
    """Gathers DataIssues from every file so they can be reported together."""

    def __init__(self) -> None:
        self.issues: list[DataIssue] = []
        self.unreadable: list[str] = []  # files that could not be parsed at all

    def add(self, file: YamlFile | str, loc: Loc, reason: str, line: int | None = None) -> None:
        if isinstance(file, YamlFile):
            line = line if line is not None else file.line_of(loc)
            label = file.label
        else:
            label = file
        path, field = format_loc(loc)
        self.issues.append(DataIssue(label, line, path, field, reason))

    def add_validation_error(self, file: YamlFile, prefix: Loc, error: ValidationError) -> None:
        for err in error.errors():
            loc = prefix + tuple(p for p in err["loc"] if isinstance(p, str | int))
            self.add(file, loc, _reason(err))


def _reason(err: dict[str, Any]) -> str:
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    value = err.get("input")
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field (a typo?)"
    if isinstance(value, str | int | float | bool) and "got" not in msg:
        msg += f", got {value!r}"
    return msg


def _duplicate_mapping_keys(node: yaml.Node | None, loc: Loc = ()) -> Iterator[tuple[Loc, int]]:
    """Every key written twice in the same YAML mapping (PyYAML silently keeps the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                yield loc + (name,), key.start_mark.line + 1
            seen.add(name)
            yield from _duplicate_mapping_keys(value, loc + (name,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_mapping_keys(item, loc + (i,))


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers) and the plain data built from it."""
    loader = _FAST_LOADER(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
        return root, data
    finally:
        loader.dispose()


def read_yaml(path: Path, issues: IssueCollector) -> YamlFile | None:
    """Parse one file; malformed YAML becomes an issue with its line, and None is returned."""
    label = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        root, data = _compose_and_construct(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "malformed YAML"
        issues.add(label, (), f"malformed YAML: {reason}", line=line)
        issues.unreadable.append(label)
        return None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        issues.add(label, (), f"cannot read the file: {exc}")
        issues.unreadable.append(label)
        return None
    file = YamlFile(path, label, data, root)
    for loc, line in _duplicate_mapping_keys(root):
        issues.add(file, loc, "key written twice in the same block", line=line)
    return file


def _top_level(file: YamlFile, expected: set[str], issues: IssueCollector) -> dict[str, Any] | None:
    """The file's top-level mapping, after checking its keys are the ones the layout names."""
    if file.data is None:
        return {}
    if not isinstance(file.data, dict):
        names = ", ".join(sorted(expected))
        issues.add(file, (), f"the file must be a mapping with the key(s) {names}", line=1)
        return None
    for key in file.data:
        if key not in expected:
            issues.add(file, (str(key),), f"unknown top-level key; expected {', '.join(sorted(expected))}")
    return file.data


# --- reading each kind of file --------------------------------------------------------------


@dataclasses.dataclass
class Located:
    """A validated record and where it was written."""

    record: Any
    file: YamlFile
    loc: Loc


def _validate(model: type[BaseModel], raw: Any, file: YamlFile, loc: Loc, issues: IssueCollector) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        issues.add_validation_error(file, loc, exc)
        return None


def _read_list(path: Path, key: str, model: type[BaseModel], issues: IssueCollector) -> list[Located]:
    if not path.is_file():
        return []
    file = read_yaml(path, issues)
    if file is None:
        return []
    top = _top_level(file, {key}, issues)
    if top is None:
        return []
    raw_items = top.get(key) or []
    if not isinstance(raw_items, list):
        issues.add(file, (key,), "expected a list")
        return []
    out = []
    for i, raw in enumerate(raw_items):
        record = _validate(model, raw, file, (key, i), issues)
        if record is not None:
            out.append(Located(record, file, (key, i)))
    return out


def _read_one(path: Path, key: str, model: type[BaseModel], issues: IssueCollector,
              extra_keys: set[str] = frozenset()) -> tuple[Located | None, dict[str, Any]]:
    if not path.is_file():
        return None, {}
    file = read_yaml(path, issues)
    if file is None:
        return None, {}
    top = _top_level(file, {key} | set(extra_keys), issues)
    if top is None:
        return None, {}
    if key not in top:
        issues.add(file, (key,), "required top-level key is missing", line=1)
        return None, top
    record = _validate(model, top[key], file, (key,), issues)
    return (Located(record, file, (key,)) if record is not None else None), top


def _read_plans(root: Path, issues: IssueCollector) -> list[Plan]:
    plans: dict[str, Plan] = {}
    for plan_dir in sorted(p for p in root.glob("pan*") if p.is_dir()):
        located, _ = _read_one(plan_dir / "plan.yaml", "plan", Plan, issues)
        if located is None:
            continue
        plan: Plan = located.record
        if plan.key in plans:
            issues.add(located.file, ("plan", "key"), f"plan key {plan.key!r} is used by another plan.yaml")
            continue
        plans[plan.key] = plan
    return list(plans.values())


def _read_commitments(root: Path, plans: list[Plan], issues: IssueCollector) -> list[Located]:
    """Every pan*/commitment_N.yaml, attached to its plan (by `plan_key`)."""
    by_key = {p.key: p for p in plans}
    out: list[Located] = []
    files = sorted(root.glob("pan*/commitment_*.y*ml"), key=_commitment_file_order)
    for path in files:
        located, top = _read_one(path, "commitment", Commitment, issues, extra_keys={"plan_key"})
        if located is None:
            continue
        commitment: Commitment = located.record
        plan_key = top.get("plan_key")
        m = _COMMITMENT_FILE.match(path.name)
        if m and int(m[1]) != commitment.number:
            issues.add(located.file, ("commitment", "number"),
                       f"the file is {path.name} but the commitment number is {commitment.number}")
        if not isinstance(plan_key, str) or plan_key not in by_key:
            known = ", ".join(sorted(by_key)) or "none"
            issues.add(located.file, ("plan_key",),
                       f"plan_key {plan_key!r} names no plan (plans with a plan.yaml: {known})",
                       line=None if "plan_key" in top else 1)
            continue
        if plan_key != path.parent.name:
            issues.add(located.file, ("plan_key",),
                       f"plan_key {plan_key!r} but the file is in the folder {path.parent.name}/")
        plan = by_key[plan_key]
        if any(c.number == commitment.number for c in plan.commitments):
            issues.add(located.file, ("commitment", "number"),
                       f"plan {plan_key} already has a commitment {commitment.number}")
            continue
        plan.commitments.append(commitment)
        out.append(located)
    for plan in plans:
        plan.commitments.sort(key=lambda c: c.number)
    return out


def _commitment_file_order(path: Path) -> tuple[str, int, str]:
    m = _COMMITMENT_FILE.match(path.name)
    return (path.parent.name, int(m[1]) if m else 0, path.name)


# --- cross-record checks -------------------------------------------------------------------


def actor_names_of_commitment(commitment: Commitment) -> Iterator[tuple[Loc, str]]:
    """Every actor name a commitment file writes, with its location under `commitment`."""
    for i, name in enumerate(commitment.responsible):
        yield ("responsible", i), name
    for g, group in enumerate(commitment.osc_and_other_actors):
        for i, name in enumerate(group.actors):
            yield ("osc_and_other_actors", g, "actors", i), name
    for i, name in enumerate(commitment.other_actors):
        yield ("other_actors", i), name
    for h, hito in enumerate(commitment.hitos):
        for i, name in enumerate(hito.responsible):
            yield ("hitos", h, "responsible", i), name
        for sector in ("government", "osc", "other"):
            for i, name in enumerate(getattr(hito.supporters, sector)):
                yield ("hitos", h, "supporters", sector, i), name
        for a, activity in enumerate(hito.activities):
            for i, name in enumerate(activity.responsible):
                yield ("hitos", h, "activities", a, "responsible", i), name


def _check_actor_name(index: ActorDirectory, name: str, located: Located, loc: Loc,
                      issues: IssueCollector) -> None:
    if is_free_text(name):
        if not name.lstrip()[1:].strip():
            issues.add(located.file, located.loc + loc, "free text after '~' is empty")
        return
    if index.resolve(name) is None:
        issues.add(located.file, located.loc + loc,
                   f"{name!r} matches no actor of actors.yaml (add the actor or an alias, "
                   "or write '~' before free text)")


def _check_actors(actors: list[Located], invalid: list[Actor], issues: IssueCollector) -> ActorDirectory:
    # Actors with schema errors still lend their names, so they cause no "matches no actor" echo.
    index = ActorDirectory([a.record for a in actors] + invalid)
    seen: dict[str, Located] = {}
    for located in actors:
        actor: Actor = located.record
        if actor.key in seen:
            issues.add(located.file, located.loc + ("key",), f"actor key {actor.key!r} is used twice")
        seen.setdefault(actor.key, located)
    for located in actors:
        actor = located.record
        if actor.parent and actor.parent not in seen:
            issues.add(located.file, located.loc + ("parent",), f"parent {actor.parent!r} is no actor key")
    for form, keys in index.collisions.items():
        for key in keys[1:]:
            located = seen[key]
            issues.add(located.file, located.loc,
                       f"the name {form!r} is also claimed by actor {keys[0]!r}: "
                       "a name must lead to one actor")
    return index


def _actors_with_schema_errors(valid: list[Located]) -> list[Actor]:
    """Unvalidated stand-ins for the actors of actors.yaml that failed validation."""
    if not valid:
        return []
    file = valid[0].file
    raw_items = (file.data or {}).get("actors") or []
    valid_positions = {located.loc[1] for located in valid}
    out = []
    for i, raw in enumerate(raw_items):
        if i in valid_positions or not isinstance(raw, dict):
            continue
        names = {k: raw.get(k) for k in ("name", "acronym") if isinstance(raw.get(k), str)}
        aliases = [a for a in raw.get("aliases") or [] if isinstance(a, str)]
        out.append(Actor.model_construct(key=str(raw.get("key", f"#{i}")), aliases=aliases,
                                         name=names.get("name", ""), acronym=names.get("acronym")))
    return out


def _check_unique(records: list[Located], key_of: Any, what: str, loc: Loc,
                  issues: IssueCollector) -> None:
    seen: set[Any] = set()
    for located in records:
        key = key_of(located.record)
        if key in seen:
            issues.add(located.file, located.loc + loc, f"{what} {key!r} is written twice")
        seen.add(key)


def _check_cross_references(
    statuses: list[Located],
    actors: list[Located],
    acronyms: list[Located],
    projects: list[Located],
    commitments: list[Located],
    plans: list[Plan],
    issues: IssueCollector,
) -> None:
    index = _check_actors(actors, _actors_with_schema_errors(actors), issues)
    _check_unique(statuses, lambda s: s.key, "status key", ("key",), issues)
    _check_unique(acronyms, lambda a: (a.acronym, a.expansion), "acronym", ("acronym",), issues)
    _check_unique(projects, lambda p: p.key, "project key", ("key",), issues)
    status_keys = {s.record.key for s in statuses}
    for located in acronyms:
        acronym: Acronym = located.record
        if acronym.actor and acronym.actor not in index:
            issues.add(located.file, located.loc + ("actor",), f"{acronym.actor!r} is no actor key")
    for located in projects:
        project: Project = located.record
        for i, partner in enumerate(project.partners):
            _check_actor_name(index, partner.actor, located, ("partners", i, "actor"), issues)
    numbers_seen: dict[int, str] = {}
    for located in commitments:
        commitment: Commitment = located.record
        for loc, name in actor_names_of_commitment(commitment):
            _check_actor_name(index, name, located, loc, issues)
        for h, hito in enumerate(commitment.hitos):
            if hito.status and hito.status.status not in status_keys:
                issues.add(located.file, located.loc + ("hitos", h, "status", "status"),
                           f"{hito.status.status!r} is no status of statuses.yaml "
                           f"({', '.join(sorted(status_keys)) or 'none'})")
        plan_key = located.file.data.get("plan_key")
        if commitment.number in numbers_seen and numbers_seen[commitment.number] != plan_key:
            issues.add(located.file, located.loc + ("number",),
                       f"commitment {commitment.number} also exists in plan "
                       f"{numbers_seen[commitment.number]}; numbers must be unique across plans "
                       "(references like c3 name a commitment by number alone)")
        numbers_seen.setdefault(commitment.number, plan_key)
    del plans  # attached already; plan keys were checked while reading


# --- the catalogue sample ----------------------------------------------------------------------


def _read_catalogue_sample(root: Path, issues: IssueCollector) -> list[Practice]:
    path = root / CATALOGUE_SAMPLE
    if not path.is_file():
        return []
    from knowledge.catalogue_io import CatalogueError, read_practices

    try:
        return read_practices(path)
    except CatalogueError as exc:
        for problem in exc.issues:
            issues.add(problem.file, (problem.column,) if problem.column else (),
                       problem.reason, line=problem.row)
        return []


# --- entry point -----------------------------------------------------------------------------


def load_data_dir(path: Path | None = None, include_practices: bool = False) -> KnowledgeData:
    """Read and validate a data directory (None = the shipped knowledge/data).

    Practices are not part of the curated YAML: they come through the catalogue importer.
    With include_practices=True the directory's catalogue_sample.csv is read too (for an
    in-memory knowledge base without a database).  Raises DataError listing every problem.
    """
    root = Path(path) if path is not None else DEFAULT_DATA_DIR
    issues = IssueCollector()
    if not root.is_dir():
        raise DataError([DataIssue(display_path(root), None, "", None, "no such data directory")])
    statuses = _read_list(root / "statuses.yaml", "statuses", StatusDef, issues)
    actors = _read_list(root / "actors.yaml", "actors", Actor, issues)
    acronyms = _read_list(root / "acronyms.yaml", "acronyms", Acronym, issues)
    projects = _read_list(root / "projects.yaml", "projects", Project, issues)
    catalogue, _ = _read_one(root / "catalogue.yaml", "catalogue", CatalogueInfo, issues)
    plans = _read_plans(root, issues)
    commitments = _read_commitments(root, plans, issues)
    if not issues.unreadable:  # with a file missing, every reference into it would be reported
        _check_cross_references(statuses, actors, acronyms, projects, commitments, plans, issues)
    practices = _read_catalogue_sample(root, issues) if include_practices else []
    if issues.issues:
        raise DataError(issues.issues)
    return KnowledgeData(
        actors=[a.record for a in actors],
        acronyms=[a.record for a in acronyms],
        plans=sorted(plans, key=lambda p: p.number),
        catalogue=catalogue.record if catalogue else None,
        practices=practices,
        projects=[p.record for p in projects],
        statuses=sorted((s.record for s in statuses), key=lambda s: s.order),
    )
