"""database invariants and a truncation-evident audit chain: one appointment per office-hour
slot (a partial unique index that ignores cancelled appointments); append-only checkpoints of
the audit chain's head

Revision ID: 0013_invariants_and_audit_head
Revises: 0012_contact_rollups

A database in which a slot was already booked twice (the race this index closes) cannot get
the index: the upgrade stops and names the appointments, so that someone decides which one to
cancel or move (`docs/appointments.md`), rather than the migration cancelling one silently.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_invariants_and_audit_head"
down_revision = "0012_contact_rollups"
branch_labels = None
depends_on = None

SLOT_TAKEN_WHERE = "location_id IS NOT NULL AND status <> 'cancelled'"

CHECKPOINT_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_checkpoint_append_only() RETURNS trigger AS $body$
BEGIN
    RAISE EXCEPTION 'audit_checkpoint is append-only: UPDATE and DELETE are refused';
END;
$body$ LANGUAGE plpgsql
"""


def _refuse_double_bookings() -> None:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT location_id, starts_at, count(*) AS n, min(id) AS first_id, "
            "max(id) AS last_id FROM appointment "
            f"WHERE {SLOT_TAKEN_WHERE} GROUP BY location_id, starts_at HAVING count(*) > 1"
        )
    ).all()
    if rows:
        listed = "; ".join(
            f"location {r.location_id} at {r.starts_at} UTC: {r.n} appointments "
            f"(ids {r.first_id}..{r.last_id})"
            for r in rows[:20]
        )
        raise RuntimeError(
            "Office-hour slots booked more than once; cancel or move all but one appointment "
            f"per slot, then upgrade again: {listed}"
        )


def upgrade():
    _refuse_double_bookings()
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(
            "uq_appointment_slot",
            ["location_id", "starts_at"],
            unique=True,
            postgresql_where=sa.text(SLOT_TAKEN_WHERE),
            sqlite_where=sa.text(SLOT_TAKEN_WHERE),
        )
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    # Like audit_event: PostgreSQL refuses UPDATE and DELETE of a checkpoint.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CHECKPOINT_APPEND_ONLY_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE "
            "ON audit_checkpoint FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only()"
        )


def downgrade():
    op.drop_table("audit_checkpoint")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_checkpoint_append_only()")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("uq_appointment_slot")
