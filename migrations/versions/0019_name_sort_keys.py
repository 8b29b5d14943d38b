"""German name order in SQL: household.sort_key (indexed) and person.sort_key
(app/collation.py), filled for the rows there are

Revision ID: 0019_name_sort_keys
Revises: 0016_merge
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_name_sort_keys"
down_revision = "0016_merge"
branch_labels = None
depends_on = None

LENGTH = 400
CHUNK = 1000


def _sort_key_type():
    return sa.String(length=LENGTH).with_variant(
        sa.String(length=LENGTH, collation="C"), "postgresql"
    )


def _fill(table: str, columns: tuple[str, ...]) -> None:
    # The key is computed in Python (the same function the application uses on every save).
    from app.collation import sort_text

    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
    update = sa.text(f"UPDATE {table} SET sort_key = :key WHERE id = :id")
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        params = [{"id": r[0], "key": sort_text(*r[1:], length=LENGTH)} for r in chunk]
        conn.execute(update, params)


def upgrade():
    for table in ("household", "person"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("sort_key", _sort_key_type(), server_default="", nullable=False)
            )
    _fill("household", ("name",))
    _fill("person", ("family_name", "given_name"))
    op.create_index("ix_household_sort_key", "household", ["sort_key"])


def downgrade():
    op.drop_index("ix_household_sort_key", table_name="household")
    for table in ("person", "household"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("sort_key")
