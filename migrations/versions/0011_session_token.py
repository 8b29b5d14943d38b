"""session token: a changed password ends the user's other sessions

Revision ID: 0011_session_token
Revises: 0010_scale_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_session_token"
down_revision = "0010_scale_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("session_token")
