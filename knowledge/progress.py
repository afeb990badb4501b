"""The one rule for progress: a hito's status now, its progress, and a commitment's roll-up.

Every place that shows a percentage (the commitment's card, /avance's chart and caption, the
answers, a focal point's confirmation and the subscribers' notice) asks these functions, so the
same data always gives the same figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from knowledge.schema import CurrentStatus, Hito, StatusDef

Statuses = Mapping[str, StatusDef] | Iterable[StatusDef]


def _by_key(statuses: Statuses) -> Mapping[str, StatusDef]:
    return statuses if isinstance(statuses, Mapping) else {s.key: s for s in statuses}


def hito_state(hito: Hito) -> tuple[str | None, int | None]:
    """(status key, explicit progress) now: the history's newest row, else the plan's own claim."""
    if hito.current is not None:
        return hito.current.status, hito.current.progress
    if hito.status is not None:
        return hito.status.status, None
    return None, None


def reported(hito: Hito) -> CurrentStatus | None:
    """The hito's status now when someone reported it (a focal point's update), not the plan:
    what an answer attributes to its author ("según SESAN, 2 de diciembre de 2026")."""
    current = hito.current
    if current is None or current.kind == "source":
        return None
    return current


def hito_progress(hito: Hito, statuses: Statuses) -> int | None:
    """A hito's progress %: the figure reported, else the one its status implies; None = unknown."""
    status, progress = hito_state(hito)
    if progress is not None:
        return progress
    found = _by_key(statuses).get(status) if status else None
    return found.progress if found else None


def commitment_progress(hitos: Iterable[Hito], statuses: Statuses) -> int | None:
    """The mean progress of ALL the hitos, an unknown one counting as 0 (not started as far as
    anyone can tell); None when no hito's progress is known at all."""
    by_key = _by_key(statuses)
    values = [hito_progress(h, by_key) for h in hitos]
    if not values or all(v is None for v in values):
        return None
    return round(sum(v or 0 for v in values) / len(values))


def is_completed(hito: Hito, statuses: Statuses) -> bool:
    """Its status now is a final one (completed)."""
    status = hito_state(hito)[0]
    found = _by_key(statuses).get(status) if status else None
    return found is not None and found.final


def is_overdue(hito: Hito, statuses: Statuses, today: dt.date) -> bool:
    """Past its end date (its last possible day) and not recorded as completed."""
    if hito.end is None or hito.end.last_day() >= today:
        return False
    return not is_completed(hito, statuses)
