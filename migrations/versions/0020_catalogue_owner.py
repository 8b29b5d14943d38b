"""catalogues per organisation: topics and indicators carry their organisation (NULL: a
county-wide default), defaults an organisation hid for itself, and a town's consent to share
its dashboard figures with the county

Existing topics and indicators become county-wide defaults (organisation NULL): every
organisation used them until now, so none of them loses an entry (docs/catalogues.md).

Revision ID: 0020_catalogue_owner
Revises: 0019_name_sort_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_catalogue_owner"
down_revision = "0019_name_sort_keys"
branch_labels = None
depends_on = None

CATALOGUES = (("contact_topic", "contact_topic_hidden", "topic_id"),
              ("indicator", "indicator_hidden", "indicator_id"))


def upgrade():
    for table, hidden, key in CATALOGUES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_organisation_id_organisation"),
                "organisation",
                ["organisation_id"],
                ["id"],
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_organisation_id"), ["organisation_id"])
        op.create_table(
            hidden,
            sa.Column("organisation_id", sa.Integer(), nullable=False),
            sa.Column(key, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["organisation_id"],
                ["organisation.id"],
                name=op.f(f"fk_{hidden}_organisation_id_organisation"),
            ),
            sa.ForeignKeyConstraint([key], [f"{table}.id"], name=op.f(f"fk_{hidden}_{key}_{table}")),
            sa.PrimaryKeyConstraint("organisation_id", key, name=op.f(f"pk_{hidden}")),
        )
        with op.batch_alter_table(hidden, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{hidden}_{key}"), [key])
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shares_figures", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("shares_figures")
    for table, hidden, key in reversed(CATALOGUES):
        op.drop_table(hidden)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_organisation_id"))
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_organisation_id_organisation"), type_="foreignkey"
            )
            batch_op.drop_column("organisation_id")
