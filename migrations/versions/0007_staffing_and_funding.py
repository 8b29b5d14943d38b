"""staffing and funding

Revision ID: 0007_staffing
Revises: 0006
Create Date: 2026-11-25 20:12:31.252478

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_staffing'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Funding periods with yearly rates per qualification, and funded positions.
    op.create_table('funding_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('granted_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('idempotency_key', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_funding_period_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_period')),
    sa.UniqueConstraint('organisation_id', 'idempotency_key', name=op.f('uq_funding_period_organisation_id_idempotency_key')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_funding_period_organisation_id_name'))
    )
    with op.batch_alter_table('funding_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funding_period_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('funding_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('qualification', sa.String(length=20), nullable=False),
    sa.Column('yearly_rate', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['funding_period.id'], name=op.f('fk_funding_rate_period_id_funding_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_rate')),
    sa.UniqueConstraint('period_id', 'qualification', name=op.f('uq_funding_rate_period_id_qualification'))
    )
    with op.batch_alter_table('funding_rate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funding_rate_period_id'), ['period_id'], unique=False)

    op.create_table('staff_position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('funding_period_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('fte', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('qualification', sa.String(length=20), nullable=False),
    sa.Column('contract_start', sa.Date(), nullable=False),
    sa.Column('contract_end', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['funding_period_id'], ['funding_period.id'], name=op.f('fk_staff_position_funding_period_id_funding_period')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_staff_position_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_staff_position_team_id_team')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_staff_position_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_position')),
    sa.UniqueConstraint('organisation_id', 'idempotency_key', name=op.f('uq_staff_position_organisation_id_idempotency_key'))
    )
    with op.batch_alter_table('staff_position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_position_funding_period_id'), ['funding_period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_position_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_position_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_position_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('staff_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_position_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_position_team_id'))
        batch_op.drop_index(batch_op.f('ix_staff_position_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_staff_position_funding_period_id'))

    op.drop_table('staff_position')
    with op.batch_alter_table('funding_rate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funding_rate_period_id'))

    op.drop_table('funding_rate')
    with op.batch_alter_table('funding_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funding_period_organisation_id'))

    op.drop_table('funding_period')
