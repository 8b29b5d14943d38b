"""contact rollups for the reports: monthly counts and day masks per household and year;
a partial index on deleted contacts

Revision ID: 0012_contact_rollups
Revises: 0011_session_token

The rows are filled from the existing contacts (app.reports.rollups.rebuild, the same code that
keeps them up to date), so an upgraded database reports the same figures as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_contact_rollups"
down_revision = "0011_session_token"
branch_labels = None
depends_on = None


def _months(prefix):
    return [
        sa.Column(f"{prefix}{m}", sa.Integer(), nullable=False, server_default="0")
        for m in range(1, 13)
    ]


def upgrade():
    op.create_table(
        "report_contact_rollup",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("setting", sa.String(length=20), nullable=False),
        *_months("n"),
        *_months("d"),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("household_id", "year", "setting"),
    )
    op.create_table(
        "report_topic_rollup",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        *_months("n"),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["contact_topic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("household_id", "year", "topic_id"),
    )
    op.create_table(
        "report_participant_rollup",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *_months("d"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "household_id", "year"),
    )
    op.create_index(
        "ix_contact_deleted",
        "contact",
        ["id"],
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
    )
    # Fill from the contacts with the application's own code (the migration runs inside the
    # app context of `flask db upgrade`, so the models import cleanly).
    from app.reports import rollups

    rollups.rebuild(op.get_bind())


def downgrade():
    op.drop_index("ix_contact_deleted", table_name="contact")
    op.drop_table("report_participant_rollup")
    op.drop_table("report_topic_rollup")
    op.drop_table("report_contact_rollup")
