"""interface language per user

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("locale")
