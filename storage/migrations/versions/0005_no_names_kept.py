"""Personal data where it does not belong: names out of the status history and the people table.

- A focal point's update used to be signed "<Telegram full name> (<institution keys>)" in the
  public status history (and so in every export and answer). It is now signed by the
  institutions alone; older rows are rewritten the same way (acronym, else name, else key).
- `people.display_name` and `people.username` (copied from Telegram at every press of
  "Seguir", without a word) are no longer collected; the values already kept are erased. The
  name a member registered with (osc_memberships.full_name, with consent) is unchanged.

Data only; the schema is the same.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_OLD_LABEL = re.compile(r"^.*\(([^()]*)\)\s*$", re.S)


def upgrade() -> None:
    bind = op.get_bind()
    actors = {key: (acronym or name or key) for key, acronym, name in
              bind.execute(sa.text("SELECT key, acronym, name FROM actors"))}
    rows = bind.execute(sa.text(
        "SELECT id, author_label FROM hito_status_changes WHERE author_kind = 'user'")).all()
    for row_id, label in rows:
        match = _OLD_LABEL.match(label or "")
        keys = [k.strip() for k in match.group(1).split(",") if k.strip()] if match else []
        public = ", ".join(actors.get(k, k) for k in keys) or None
        if public != label:
            bind.execute(sa.text("UPDATE hito_status_changes SET author_label = :label WHERE id = :id"),
                         {"label": public, "id": row_id})
    bind.execute(sa.text("UPDATE people SET display_name = '', username = NULL "
                         "WHERE display_name <> '' OR username IS NOT NULL"))


def downgrade() -> None:
    pass  # the names are gone; nothing to restore
