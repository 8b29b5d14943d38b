"""experience report texts

Revision ID: 0008_report_texts
Revises: 0007_staffing
Create Date: 2026-11-25 20:18:07.506878

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_report_texts'
down_revision = '0007_staffing'
branch_labels = None
depends_on = None


def upgrade():
    # Narrative sections of the yearly experience report.
    op.create_table('report_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_report_text_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_report_text_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_text')),
    sa.UniqueConstraint('organisation_id', 'year', 'section', name=op.f('uq_report_text_organisation_id_year_section'))
    )
    with op.batch_alter_table('report_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_text_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_text_organisation_id'))

    op.drop_table('report_text')
