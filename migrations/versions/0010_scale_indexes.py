"""indexes for key pages and reports on a state-sized data set (see docs/scale.md)

Revision ID: 0010_scale_indexes
Revises: 0009_report_texts

Contacts by period and tasks by status/due come with 0007_reports. An index on
queue_entry (day) was measured and left out: no gain (bench/scale_indexes.py, docs/scale.md).
"""

from alembic import op

revision = "0010_scale_indexes"
down_revision = "0009_report_texts"
branch_labels = None
depends_on = None


def upgrade():
    # The value of an indicator for a person on a day: the latest valid_from per indicator
    # (sheet, worklist, distribution export); replaces the index without valid_from.
    op.drop_index("ix_indicator_value_person_indicator", table_name="indicator_value")
    op.create_index(
        "ix_indicator_value_person_indicator_valid",
        "indicator_value",
        ["person_id", "indicator_id", "valid_from"],
    )


def downgrade():
    op.drop_index("ix_indicator_value_person_indicator_valid", table_name="indicator_value")
    op.create_index(
        "ix_indicator_value_person_indicator", "indicator_value", ["person_id", "indicator_id"]
    )
