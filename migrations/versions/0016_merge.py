"""merging duplicates and transliterating search: the pointers merged persons and households
leave (record_merge), ids of persons and households never reused on SQLite (AUTOINCREMENT, as
PostgreSQL's sequences already do), and two more search keys per person (search_latin,
search_phonetic), filled here for every person (app.households.search.rebuild_search_keys, the
code of `flask search-keys rebuild`)

Revision ID: 0016_merge
Revises: 0015_imports
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_merge"
down_revision = "0015_imports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("first_survivor_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.String(length=400), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_by_id"], ["app_user.id"], name=op.f("fk_record_merge_merged_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_record_merge_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_merge")),
        sa.UniqueConstraint("kind", "merged_id", name=op.f("uq_record_merge_kind_merged_id")),
    )
    with op.batch_alter_table("record_merge", schema=None) as batch_op:
        batch_op.create_index("ix_record_merge_survivor", ["kind", "survivor_id"])
        batch_op.create_index(batch_op.f("ix_record_merge_organisation_id"), ["organisation_id"])

    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite gives a new row the highest id + 1, so deleting the newest merged record would
    # hand its id to the next one: AUTOINCREMENT (a rebuilt table there) never reuses ids.
    recreate = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
    with op.batch_alter_table("household", schema=None, **(recreate if sqlite else {})):
        pass
    with op.batch_alter_table("person", schema=None, **(recreate if sqlite else {})) as batch_op:
        batch_op.add_column(
            sa.Column("search_latin", sa.String(length=400), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("search_phonetic", sa.String(length=200), server_default="", nullable=False)
        )

    from app.households.search import rebuild_search_keys

    rebuild_search_keys(op.get_bind())


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("search_phonetic")
        batch_op.drop_column("search_latin")
    op.drop_table("record_merge")
    # The skeletons of names in other scripts keep their transliterated form (the earlier
    # code searches them just as well); SQLite's tables keep AUTOINCREMENT.
