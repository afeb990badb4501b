"""Knowledge base: plans, commitments, hitos, activities, actors, catalogue, status history.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Self-contained: it creates every table of storage/models/knowledge.py as it was written for this
revision (later changes get their own revisions).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('acronyms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acronym', sa.String(length=40), nullable=False),
    sa.Column('expansion', sa.String(length=500), nullable=False),
    sa.Column('actor_key', sa.String(length=64), nullable=True),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acronyms')),
    sa.UniqueConstraint('acronym', 'expansion', name=op.f('uq_acronyms_acronym'))
    )
    op.create_index(op.f('ix_acronyms_acronym'), 'acronyms', ['acronym'], unique=False)
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('acronym', sa.String(length=40), nullable=True),
    sa.Column('sector', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=True),
    sa.Column('parent_key', sa.String(length=64), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('key', name=op.f('uq_actors_key'))
    )
    op.create_table('catalogue_info',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('period_label', sa.String(length=40), nullable=False),
    sa.Column('publisher', sa.Text(), nullable=False),
    sa.Column('practice_count', sa.Integer(), nullable=False),
    sa.Column('institution_count', sa.Integer(), nullable=False),
    sa.Column('institution_breakdown', sa.JSON(), nullable=False),
    sa.Column('spheres', sa.JSON(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_info'))
    )
    op.create_table('load_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed', sa.Boolean(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_load_runs'))
    )
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('period_label', sa.String(length=40), nullable=False),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('key', name=op.f('uq_plans_key'))
    )
    op.create_table('practices',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('institution', sa.Text(), nullable=False),
    sa.Column('sphere', sa.String(length=20), nullable=True),
    sa.Column('ods', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('results', sa.Text(), nullable=True),
    sa.Column('beneficiaries', sa.Text(), nullable=True),
    sa.Column('contact', sa.Text(), nullable=True),
    sa.Column('country_scope', sa.Text(), nullable=True),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('import_file', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practices'))
    )
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('short_name', sa.String(length=200), nullable=True),
    sa.Column('reference_code', sa.String(length=100), nullable=True),
    sa.Column('objective', sa.Text(), nullable=True),
    sa.Column('specific_objectives', sa.JSON(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('activities', sa.JSON(), nullable=False),
    sa.Column('expected_results', sa.JSON(), nullable=False),
    sa.Column('achievements', sa.JSON(), nullable=False),
    sa.Column('lessons_learned', sa.JSON(), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('period_text', sa.Text(), nullable=True),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('amount', sa.String(length=100), nullable=True),
    sa.Column('pilot_ministries', sa.JSON(), nullable=False),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('key', name=op.f('uq_projects_key'))
    )
    op.create_table('statuses',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name_es', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('irm_level', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_statuses'))
    )
    op.create_table('actor_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_aliases_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_aliases')),
    sa.UniqueConstraint('actor_id', 'alias', name=op.f('uq_actor_aliases_actor_id'))
    )
    op.create_index(op.f('ix_actor_aliases_actor_id'), 'actor_aliases', ['actor_id'], unique=False)
    op.create_table('commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('short_title', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('objective', sa.Text(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('causes', sa.JSON(), nullable=False),
    sa.Column('done_so_far', sa.JSON(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=True),
    sa.Column('expected_results', sa.JSON(), nullable=False),
    sa.Column('transparency', sa.Text(), nullable=True),
    sa.Column('accountability', sa.Text(), nullable=True),
    sa.Column('participation', sa.Text(), nullable=True),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('resources', sa.Text(), nullable=True),
    sa.Column('modifications', sa.JSON(), nullable=False),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_commitments_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_commitments_plan_id'))
    )
    op.create_index(op.f('ix_commitments_plan_id'), 'commitments', ['plan_id'], unique=False)
    op.create_table('plan_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source_document', sa.String(length=40), nullable=False),
    sa.Column('source_section', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_facts_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_facts'))
    )
    op.create_index(op.f('ix_plan_facts_plan_id'), 'plan_facts', ['plan_id'], unique=False)
    op.create_table('thematic_tables',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=False),
    sa.Column('place', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_thematic_tables_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematic_tables'))
    )
    op.create_index(op.f('ix_thematic_tables_plan_id'), 'thematic_tables', ['plan_id'], unique=False)
    op.create_table('hitos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('expected_results', sa.JSON(), nullable=False),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('end_original', sa.String(length=10), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('period_text', sa.Text(), nullable=True),
    sa.Column('status_claim', sa.JSON(), nullable=True),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_hitos_commitment_id_commitments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hitos')),
    sa.UniqueConstraint('commitment_id', 'number', name=op.f('uq_hitos_commitment_id'))
    )
    op.create_index(op.f('ix_hitos_commitment_id'), 'hitos', ['commitment_id'], unique=False)
    op.create_index(op.f('ix_hitos_due_date'), 'hitos', ['due_date'], unique=False)
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hito_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('period_text', sa.Text(), nullable=True),
    sa.Column('product', sa.Text(), nullable=True),
    sa.Column('verification', sa.Text(), nullable=True),
    sa.Column('source_document', sa.String(length=40), nullable=True),
    sa.Column('source_section', sa.Text(), nullable=True),
    sa.Column('uncertain', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['hito_id'], ['hitos.id'], name=op.f('fk_activities_hito_id_hitos')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('hito_id', 'number', name=op.f('uq_activities_hito_id'))
    )
    op.create_index(op.f('ix_activities_hito_id'), 'activities', ['hito_id'], unique=False)
    op.create_table('hito_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hito_id', sa.Integer(), nullable=False),
    sa.Column('status_key', sa.String(length=40), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('author_kind', sa.String(length=10), nullable=False),
    sa.Column('author_user_id', sa.BigInteger(), nullable=True),
    sa.Column('author_label', sa.String(length=200), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hito_id'], ['hitos.id'], name=op.f('fk_hito_status_changes_hito_id_hitos')),
    sa.ForeignKeyConstraint(['status_key'], ['statuses.key'], name=op.f('fk_hito_status_changes_status_key_statuses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hito_status_changes'))
    )
    op.create_index(op.f('ix_hito_status_changes_created_at'), 'hito_status_changes', ['created_at'], unique=False)
    op.create_index(op.f('ix_hito_status_changes_hito_id'), 'hito_status_changes', ['hito_id'], unique=False)
    op.create_table('actor_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('sector', sa.String(length=20), nullable=True),
    sa.Column('group_label', sa.Text(), nullable=True),
    sa.Column('partner_country', sa.String(length=100), nullable=True),
    sa.Column('partner_role', sa.Text(), nullable=True),
    sa.Column('printed_name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('hito_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_actor_links_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_links_actor_id_actors')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_actor_links_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hito_id'], ['hitos.id'], name=op.f('fk_actor_links_hito_id_hitos'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_actor_links_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_links'))
    )
    op.create_index(op.f('ix_actor_links_activity_id'), 'actor_links', ['activity_id'], unique=False)
    op.create_index(op.f('ix_actor_links_actor_id'), 'actor_links', ['actor_id'], unique=False)
    op.create_index(op.f('ix_actor_links_commitment_id'), 'actor_links', ['commitment_id'], unique=False)
    op.create_index(op.f('ix_actor_links_hito_id'), 'actor_links', ['hito_id'], unique=False)
    op.create_index(op.f('ix_actor_links_project_id'), 'actor_links', ['project_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_actor_links_project_id'), table_name='actor_links')
    op.drop_index(op.f('ix_actor_links_hito_id'), table_name='actor_links')
    op.drop_index(op.f('ix_actor_links_commitment_id'), table_name='actor_links')
    op.drop_index(op.f('ix_actor_links_actor_id'), table_name='actor_links')
    op.drop_index(op.f('ix_actor_links_activity_id'), table_name='actor_links')
    op.drop_table('actor_links')
    op.drop_index(op.f('ix_hito_status_changes_hito_id'), table_name='hito_status_changes')
    op.drop_index(op.f('ix_hito_status_changes_created_at'), table_name='hito_status_changes')
    op.drop_table('hito_status_changes')
    op.drop_index(op.f('ix_activities_hito_id'), table_name='activities')
    op.drop_table('activities')
    op.drop_index(op.f('ix_hitos_due_date'), table_name='hitos')
    op.drop_index(op.f('ix_hitos_commitment_id'), table_name='hitos')
    op.drop_table('hitos')
    op.drop_index(op.f('ix_thematic_tables_plan_id'), table_name='thematic_tables')
    op.drop_table('thematic_tables')
    op.drop_index(op.f('ix_plan_facts_plan_id'), table_name='plan_facts')
    op.drop_table('plan_facts')
    op.drop_index(op.f('ix_commitments_plan_id'), table_name='commitments')
    op.drop_table('commitments')
    op.drop_index(op.f('ix_actor_aliases_actor_id'), table_name='actor_aliases')
    op.drop_table('actor_aliases')
    op.drop_table('statuses')
    op.drop_table('projects')
    op.drop_table('practices')
    op.drop_table('plans')
    op.drop_table('load_runs')
    op.drop_table('catalogue_info')
    op.drop_table('actors')
    op.drop_index(op.f('ix_acronyms_acronym'), table_name='acronyms')
    op.drop_table('acronyms')
