"""Open data: hito statuses with their history and published feedback, as CSV and JSON files.

No Telegram here; `hitobot export DIR` and the admins' /exportar both call `write_open_data`.
Feedback authors appear only where the member allowed it; nothing else personal is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.refs import hito_ref
from storage.models.knowledge import CommitmentRow, HitoRow, HitoStatusChange, PlanRow
from storage.repositories import participation as repo

HISTORY_FIELDS = ("plan", "commitment", "hito", "ref", "status", "progress", "note", "evidence",
                  "author_kind", "author", "source", "created_at")
FEEDBACK_FIELDS = ("reference", "ref", "observation", "text", "author", "created_at", "answers")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def status_history_rows(session: Session) -> list[dict[str, Any]]:
    """Every row of the hito status history, oldest first, with the hito's ref."""

    columns = {c.key for c in HitoStatusChange.__table__.columns}
    rows = []
    for change in session.scalars(select(HitoStatusChange).order_by(HitoStatusChange.id)):
        row = {c: _iso(getattr(change, c)) for c in columns}
        plan, commitment, hito = _hito_coordinates(session, change, row)
        rows.append({
            "plan": plan, "commitment": commitment, "hito": hito,
            "ref": hito_ref(plan, commitment, hito) if plan and commitment and hito else None,
            "status": row.get("status") or row.get("status_key"), "progress": row.get("progress"),
            "note": row.get("note"), "evidence": row.get("evidence"),
            "author_kind": row.get("author_kind"),
            "author": row.get("author_label") if row.get("author_kind") != "user" or row.get("author_label") else None,
            "source": row.get("source"), "created_at": row.get("created_at"),
        })
    return rows


def _hito_coordinates(session: Session, change: Any, row: dict[str, Any]) -> tuple[Any, Any, Any]:
    if "commitment_number" in row and "hito_number" in row:
        return row.get("plan_key"), row["commitment_number"], row["hito_number"]

    hito = session.get(HitoRow, row.get("hito_id")) if "hito_id" in row else None
    if hito is None:
        return None, None, None
    commitment = session.get(CommitmentRow, getattr(hito, "commitment_id", None))
    plan = session.get(PlanRow, getattr(commitment, "plan_id", None)) if commitment else None
    return (getattr(plan, "key", None), getattr(commitment, "number", None), getattr(hito, "number", None))


def current_status_rows(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for row in history:
        if row["ref"]:
            latest[f"{row['plan']}:{row['ref']}"] = row
    return sorted(latest.values(), key=lambda r: (str(r["plan"]), r["commitment"] or 0, r["hito"] or 0))


def feedback_rows(session: Session) -> list[dict[str, Any]]:
    return [{"reference": r.reference, "ref": r.ref, "observation": r.observation, "text": r.text,
             "author": r.author, "created_at": _iso(r.created_at), "answers": r.answers}
            for r in repo.published_reports(session)]


def _write_csv(path: Path, fields: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (" | ".join(v) if isinstance(v, list) else v) for k, v in row.items()})


def write_open_data(session: Session, out_dir: Path) -> list[Path]:
    """Write the open-data files into out_dir; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    history = status_history_rows(session)
    current = current_status_rows(history)
    feedback = feedback_rows(session)
    written = []
    for name, fields, rows in (("hito_status_history", HISTORY_FIELDS, history),
                               ("hito_status_current", HISTORY_FIELDS, current),
                               ("feedback_published", FEEDBACK_FIELDS, feedback)):
        csv_path, json_path = out_dir / f"{name}.csv", out_dir / f"{name}.json"
        _write_csv(csv_path, fields, rows)
        json_path.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        written += [csv_path, json_path]
    return written
