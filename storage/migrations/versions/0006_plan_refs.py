"""Refs name their plan: `c3h2` stored before becomes `pan6.c3h2`.

Every plan numbers its commitments from 1, so a stored `c1` would name another commitment once
the next plan is loaded. The refs people follow (subscriptions), report on (feedback reports)
and hold in their digest are rewritten with the plan that numbered the commitment when they
were stored: the shipped plans' numbers were unique (knowledge.refs.SHIPPED_PLANS: 6th plan
1-6, 4th plan 10); a number they do not have gets the plan of this database the bot gave it
(current first), and stays as it is when no plan has it. The reminders' dedupe keys ("overdue:c3h2:…",
"due7:c3h2:…") are rewritten the same way, so no reminder already sent goes out again.

Data only; the schema is the same. Downgrade writes the shipped plans' refs without the plan.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from knowledge.refs import SHIPPED_PLANS, parse_ref, qualify

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REF_COLUMNS = (("feedback_reports", "ref"), ("digest_items", "ref"))
KEY_COLUMNS = (("outbox", "dedupe_key"), ("digest_items", "dedupe_key"))
KEYED_EVENTS = ("overdue", "due")  # bot/reminders.py: "<event>:<hito ref>:<date>:<person>"

Rewrite = Callable[[str], str | None]  # a stored ref -> its new spelling, None when it stays


def _plan_of(bind: sa.Connection) -> Callable[[int], str | None]:
    """The plan a number without one named when it was stored, as the bot read it then: the
    shipped plan that has it (knowledge.refs.SHIPPED_PLANS), else the first plan of this
    database that has it (current first, then the newest), else the shipped plan anyway."""
    plans: dict[int, list[str]] = defaultdict(list)
    for key, number in bind.execute(sa.text(
            "SELECT plans.key, commitments.number FROM commitments JOIN plans ON plans.id = commitments.plan_id "
            "ORDER BY plans.current DESC, plans.number DESC")):
        plans[number].append(key)

    def plan_of(number: int) -> str | None:
        have = plans.get(number, [])
        shipped = SHIPPED_PLANS.get(number)
        return shipped if shipped in have or not have else have[0]
    return plan_of


def _qualified(plan_of: Callable[[int], str | None]) -> Rewrite:
    def rewrite(text: str) -> str | None:
        ref = parse_ref(text)
        if ref is None or not ref.is_record or ref.plan:
            return None
        new = qualify(ref, plan_of)
        return str(new) if new is not None and new.plan else None
    return rewrite


def _unqualified(text: str) -> str | None:
    ref = parse_ref(text)
    if ref is None or not ref.is_record or ref.plan is None or SHIPPED_PLANS.get(ref.commitment) != ref.plan:
        return None
    return str(dataclasses.replace(ref, plan=None))


def _key(rewrite: Rewrite) -> Rewrite:
    def rewrite_key(key: str) -> str | None:
        event, sep, rest = key.partition(":")
        ref, sep2, tail = rest.partition(":")
        if not sep or not sep2 or event.rstrip("0123456789") not in KEYED_EVENTS:
            return None
        new = rewrite(ref)
        return ":".join((event, new, tail)) if new else None
    return rewrite_key


def _rewrite(bind: sa.Connection, table: str, column: str, rewrite: Rewrite, like: tuple[str, ...] = ()) -> None:
    where = " OR ".join(f"{column} LIKE '{pattern}'" for pattern in like) or f"{column} IS NOT NULL"
    rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {where}")).all()
    for row_id, value in rows:
        new = rewrite(value)
        if new is not None and new != value:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE id = :id"), {"new": new, "id": row_id})


def _rewrite_subscriptions(bind: sa.Connection, rewrite: Rewrite) -> None:
    """One row per person and ref: an old row whose new spelling the person already follows goes."""
    rows = bind.execute(sa.text("SELECT id, person_id, ref FROM subscriptions")).all()
    held = {(person, ref) for _id, person, ref in rows}
    for row_id, person, ref in rows:
        new = rewrite(ref)
        if new is None or new == ref:
            continue
        if (person, new) in held:
            bind.execute(sa.text("DELETE FROM subscriptions WHERE id = :id"), {"id": row_id})
        else:
            bind.execute(sa.text("UPDATE subscriptions SET ref = :new WHERE id = :id"), {"new": new, "id": row_id})
            held.add((person, new))
        held.discard((person, ref))


def _apply(rewrite: Rewrite) -> None:
    bind = op.get_bind()
    _rewrite_subscriptions(bind, rewrite)
    for table, column in REF_COLUMNS:
        _rewrite(bind, table, column, rewrite)
    for table, column in KEY_COLUMNS:
        _rewrite(bind, table, column, _key(rewrite), like=tuple(f"{event}%" for event in KEYED_EVENTS))


def upgrade() -> None:
    _apply(_qualified(_plan_of(op.get_bind())))


def downgrade() -> None:
    _apply(_unqualified)
