"""contact rollups for the reports: monthly counts and day masks per household and year,
setting and topic cells per scope;
partial indexes for the days the rollups cannot answer and for deleted contacts

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


def _scope():
    return [
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("manager_id", sa.Integer(), nullable=True),
    ]


def _single():
    return sa.Column("single", sa.Integer(), nullable=False, server_default="0")


def _household_fk():
    return sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE")


def _scope_indexes(table):
    op.create_index(f"ix_{table}_team_id", table, ["team_id"])
    op.create_index(f"ix_{table}_manager_id", table, ["manager_id"])


def upgrade():
    op.create_table(
        "report_household_rollup",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *_scope(),
        _single(),
        *_months("n"),
        *_months("d"),
        _household_fk(),
        sa.PrimaryKeyConstraint("household_id", "year"),
    )
    op.create_table(
        "report_setting_rollup",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("setting", sa.String(length=20), nullable=False),
        *_scope(),
        *_months("n"),
        _household_fk(),
        sa.PrimaryKeyConstraint("household_id", "year", "setting"),
    )
    op.create_table(
        "report_topic_rollup",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        *_scope(),
        *_months("n"),
        _household_fk(),
        sa.ForeignKeyConstraint(["topic_id"], ["contact_topic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("household_id", "year", "topic_id"),
    )
    op.create_table(
        "report_participant_rollup",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *_scope(),
        _single(),
        *_months("d"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        _household_fk(),
        sa.PrimaryKeyConstraint("person_id", "household_id", "year"),
    )
    for table in TABLES[:4]:
        _scope_indexes(table)
    for table, code in (
        ("report_setting_cell", sa.Column("setting", sa.String(length=20), nullable=False)),
        ("report_topic_cell", sa.Column("topic_id", sa.Integer(), nullable=False)),
    ):
        op.create_table(
            table,
            sa.Column("organisation_id", sa.Integer(), nullable=False),
            sa.Column("team_id", sa.Integer(), nullable=False),
            sa.Column("municipality_id", sa.Integer(), nullable=False),
            sa.Column("manager_id", sa.Integer(), nullable=False),
            sa.Column("year", sa.Integer(), nullable=False),
            code,
            *_months("n"),
            sa.PrimaryKeyConstraint(
                "organisation_id", "team_id", "municipality_id", "manager_id", "year", code.name
            ),
        )
    op.create_index(
        "ix_contact_report",
        "contact",
        ["occurred_at", "household_id", "setting", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
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


TABLES = (
    "report_household_rollup",
    "report_setting_rollup",
    "report_topic_rollup",
    "report_participant_rollup",
    "report_setting_cell",
    "report_topic_cell",
)


def downgrade():
    op.drop_index("ix_contact_deleted", table_name="contact")
    op.drop_index("ix_contact_report", table_name="contact")
    for table in reversed(TABLES):
        op.drop_table(table)
