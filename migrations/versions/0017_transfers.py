"""transfers between organisations: the transfer table (one open transfer per household) and
the consent scopes for a transfer (case data, and the contacts' notes as well)

Revision ID: 0017_transfers
Revises: 0013_invariants_and_audit_head
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_transfers"
down_revision = "0013_invariants_and_audit_head"
branch_labels = None
depends_on = None

OPEN_WHERE = "status = 'pending'"


def upgrade():
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("transfer", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("transfer_notes", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=False),
        sa.Column("to_org_id", sa.Integer(), nullable=False),
        sa.Column("to_municipality_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("with_notes", sa.Boolean(), nullable=False),
        sa.Column("household_name", sa.String(length=120), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["consent_record.id"],
            name=op.f("fk_transfer_consent_id_consent_record"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_transfer_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["app_user.id"], name=op.f("fk_transfer_decided_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"], ["organisation.id"], name=op.f("fk_transfer_from_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_transfer_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["to_municipality_id"],
            ["municipality.id"],
            name=op.f("fk_transfer_to_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"], ["organisation.id"], name=op.f("fk_transfer_to_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer")),
    )
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfer_household_id"), ["household_id"])
        batch_op.create_index(batch_op.f("ix_transfer_from_org_id"), ["from_org_id"])
        batch_op.create_index(batch_op.f("ix_transfer_to_org_id"), ["to_org_id"])
        batch_op.create_index(
            "uq_transfer_open",
            ["household_id"],
            unique=True,
            postgresql_where=sa.text(OPEN_WHERE),
            sqlite_where=sa.text(OPEN_WHERE),
        )


def downgrade():
    op.drop_table("transfer")
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.drop_column("transfer_notes")
        batch_op.drop_column("transfer")
