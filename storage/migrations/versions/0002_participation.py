"""Participation: people, roles, subscriptions, feedback, digest items, outbox, shared rate.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("username", sa.String(64)),
        sa.Column("locale", sa.String(5), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("inactive_since", TS),
        sa.Column("notify_mode", sa.String(10), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
    )
    op.create_table(
        "osc_memberships",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("organisation_key", sa.String(64)),
        sa.Column("organisation_name", sa.String(300), nullable=False),
        sa.Column("contact", sa.String(300)),
        sa.Column("consent_at", TS, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.BigInteger()),
        sa.Column("decided_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_osc_memberships_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_osc_memberships"),
    )
    op.create_index("ix_osc_memberships_person_id", "osc_memberships", ["person_id"])
    op.create_index("ix_osc_memberships_state", "osc_memberships", ["state"])
    op.create_table(
        "focal_points",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_key", sa.String(64), nullable=False),
        sa.Column("appointed_by", sa.BigInteger()),
        sa.Column("appointed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_focal_points_person_id_people"),
        sa.PrimaryKeyConstraint("person_id", "actor_key", name="pk_focal_points"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_subscriptions_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.UniqueConstraint("person_id", "ref", name="uq_subscriptions_person_id"),
    )
    op.create_index("ix_subscriptions_person_id", "subscriptions", ["person_id"])
    op.create_index("ix_subscriptions_ref", "subscriptions", ["ref"])
    op.create_table(
        "feedback_reports",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(20)),
        sa.Column("person_id", sa.BigInteger()),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("observation", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment_kind", sa.String(10)),
        sa.Column("attachment_file_id", sa.String(200)),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("state_reason", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="SET NULL",
                                name="fk_feedback_reports_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_reports"),
        sa.UniqueConstraint("reference", name="uq_feedback_reports_reference"),
    )
    op.create_index("ix_feedback_reports_person_id", "feedback_reports", ["person_id"])
    op.create_index("ix_feedback_reports_ref", "feedback_reports", ["ref"])
    op.create_table(
        "feedback_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("text", sa.Text()),
        sa.Column("author_id", sa.BigInteger()),
        sa.Column("author_role", sa.String(12)),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["feedback_reports.id"], ondelete="CASCADE",
                                name="fk_feedback_events_report_id_feedback_reports"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_events"),
    )
    op.create_index("ix_feedback_events_report_id", "feedback_events", ["report_id"])
    op.create_table(
        "digest_items",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("dedupe_key", sa.String(160), nullable=False),
        sa.Column("ref", sa.String(40)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("digested_at", TS),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_digest_items_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_digest_items"),
        sa.UniqueConstraint("dedupe_key", name="uq_digest_items_dedupe_key"),
    )
    op.create_index("ix_digest_items_person_id", "digest_items", ["person_id"])
    op.create_table(
        "outbox",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reply_markup", sa.JSON()),
        sa.Column("dedupe_key", sa.String(160), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", TS, nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_expires_at", TS),
        sa.Column("sent_at", TS),
        sa.Column("telegram_message_id", sa.BigInteger()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
    )
    op.create_index("ix_outbox_chat_id", "outbox", ["chat_id"])
    op.create_index("ix_outbox_state_not_before", "outbox", ["state", "not_before"])
    op.create_table(
        "delivery_rate",
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_delivery_rate"),
    )


def downgrade() -> None:
    for table in ("delivery_rate", "outbox", "digest_items", "feedback_events",
                  "feedback_reports", "subscriptions", "focal_points", "osc_memberships",
                  "people"):
        op.drop_table(table)
