"""Practices: the id is a text key ("12", "SYN-4"), the source document any name.

A catalogue as SEGEPLAN publishes it numbers its practices however it likes, and cites
documents that are not seed files.  Existing ids (whole numbers) become their text ("12"), so
refs such as `p12` in subscriptions and feedback keep naming the same practice.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite rebuilds the table (batch mode); PostgreSQL alters the columns in place.
    with op.batch_alter_table("practices") as batch:
        batch.alter_column("id", existing_type=sa.Integer(), type_=sa.String(length=40),
                           existing_nullable=False,
                           postgresql_using="id::text")
        batch.alter_column("source_document", existing_type=sa.String(length=40),
                           type_=sa.String(length=200), existing_nullable=True)


def downgrade() -> None:
    # Only whole-number ids go back; a text id would not fit an integer column.
    op.execute("DELETE FROM practices WHERE NOT (id ~ '^[0-9]+$')" if op.get_bind().dialect.name == "postgresql"
               else "DELETE FROM practices WHERE id = '' OR id GLOB '*[^0-9]*'")
    with op.batch_alter_table("practices") as batch:
        batch.alter_column("source_document", existing_type=sa.String(length=200),
                           type_=sa.String(length=40), existing_nullable=True,
                           postgresql_using="left(source_document, 40)")
        batch.alter_column("id", existing_type=sa.String(length=40), type_=sa.Integer(),
                           existing_nullable=False,
                           postgresql_using="id::integer")
