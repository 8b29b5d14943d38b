"""indexes for the reports dashboard: contacts by date across households

Revision ID: 0007_reports
Revises: 0006
"""

from alembic import op

revision = "0007_reports"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # The dashboard and the count sheet select an organisation's contacts by period; the
    # existing (household_id, occurred_at) index serves one household's timeline only.
    op.create_index("ix_contact_occurred_at", "contact", ["occurred_at"])
    # Open tasks per team (dashboard "open and overdue tasks").
    op.create_index("ix_contact_task_status_due", "contact_task", ["status", "due_on"])


def downgrade():
    op.drop_index("ix_contact_task_status_due", table_name="contact_task")
    op.drop_index("ix_contact_occurred_at", table_name="contact")
