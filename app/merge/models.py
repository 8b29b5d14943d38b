"""The pointer a merged record leaves behind (app/merge/services.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.timeutil import utcnow

KINDS = ("person", "household")


class RecordMerge(db.Model):
    """A person or household merged into another: its row is gone, its id (never reused) now
    points to the survivor, so old links redirect and its audit history stays findable.

    `survivor_id` always names the current survivor: when a survivor is merged in turn, the
    pointers to it move on (one hop, never a chain)."""

    __tablename__ = "record_merge"
    __table_args__ = (
        # a record is merged once: a replay or a race of the same merge fails here
        UniqueConstraint("kind", "merged_id"),
        Index("ix_record_merge_survivor", "kind", "survivor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "person" or "household"
    # no foreign keys: the merged row no longer exists, the survivor may be merged on
    merged_id: Mapped[int]
    survivor_id: Mapped[int]
    # the survivor as it was when merged (the result page names it even after a later merge)
    first_survivor_id: Mapped[int]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # field names whose value was taken from the merged record (never the values themselves)
    fields: Mapped[str] = mapped_column(String(400), default="")
    # how many rows of each kind moved to the survivor, e.g. {"contacts": 3}
    moved: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)

    merged_by: Mapped[User | None] = relationship()
