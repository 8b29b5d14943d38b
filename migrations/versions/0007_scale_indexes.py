"""indexes for reports and key pages on a state-sized data set (see docs/scale.md)

Revision ID: 0007_scale_indexes
Revises: 0006
"""

from alembic import op

revision = "0007_scale_indexes"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # Contacts of a period: reports filter by occurred_at and read household and setting;
    # with deleted_at in the index an aggregate over a month needs no table access.
    op.create_index(
        "ix_contact_occurred_household_setting",
        "contact",
        ["occurred_at", "household_id", "setting", "deleted_at"],
    )
    # Open and overdue next steps: the task figure and the task lists filter by status and due.
    op.create_index("ix_contact_task_status_due", "contact_task", ["status", "due_on"])
    # The value of an indicator for a person on a day: the latest valid_from per indicator.
    op.drop_index("ix_indicator_value_person_indicator", table_name="indicator_value")
    op.create_index(
        "ix_indicator_value_person_indicator_valid",
        "indicator_value",
        ["person_id", "indicator_id", "valid_from"],
    )
    # Office-hour check-ins of a period across all locations of an organisation.
    op.create_index("ix_queue_entry_day", "queue_entry", ["day"])


def downgrade():
    op.drop_index("ix_queue_entry_day", table_name="queue_entry")
    op.drop_index("ix_indicator_value_person_indicator_valid", table_name="indicator_value")
    op.create_index(
        "ix_indicator_value_person_indicator", "indicator_value", ["person_id", "indicator_id"]
    )
    op.drop_index("ix_contact_task_status_due", table_name="contact_task")
    op.drop_index("ix_contact_occurred_household_setting", table_name="contact")
