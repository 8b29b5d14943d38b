from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.timeutil import utcnow


class AuditEvent(db.Model):
    """One audited action. Never updated or deleted; each row carries the hash of its
    predecessor so that a changed or removed row breaks the chain (see services.verify)."""

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    object_type: Mapped[str] = mapped_column(String(30), default="")
    object_id: Mapped[int | None]
    # Field names or a short description; never the personal data itself.
    detail: Mapped[str] = mapped_column(String(500), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User | None] = relationship()


class AuditCheckpoint(db.Model):
    """The chain's head as it was at some moment: the newest event, its hash and how many events
    there were up to it. Written every AUDIT_CHECKPOINT_EVERY events and by `flask audit verify`;
    never updated or deleted, so removing the newest events (which leaves a well-linked but
    shorter chain) contradicts a checkpoint. See services.verify."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    event_id: Mapped[int]  # no foreign key: the checkpoint must outlive a deleted event
    event_count: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


# PostgreSQL refuses UPDATE and DELETE on audit rows outright (migration 0003 installs the same
# trigger in production; create_all installs it here so that tests exercise it). TRUNCATE is not
# covered by row triggers: the application role must not own the table (see docs).
APPEND_ONLY_FUNCTION = DDL(
    """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $body$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: UPDATE and DELETE are refused';
END;
$body$ LANGUAGE plpgsql
"""
)
APPEND_ONLY_TRIGGER = DDL(
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
)
CHECKPOINT_APPEND_ONLY_FUNCTION = DDL(
    """
CREATE OR REPLACE FUNCTION audit_checkpoint_append_only() RETURNS trigger AS $body$
BEGIN
    RAISE EXCEPTION 'audit_checkpoint is append-only: UPDATE and DELETE are refused';
END;
$body$ LANGUAGE plpgsql
"""
)
CHECKPOINT_APPEND_ONLY_TRIGGER = DDL(
    "CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint "
    "FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only()"
)
for _table, _ddls in (
    (AuditEvent.__table__, (APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER)),
    (AuditCheckpoint.__table__, (CHECKPOINT_APPEND_ONLY_FUNCTION, CHECKPOINT_APPEND_ONLY_TRIGGER)),
):
    for _ddl in _ddls:
        event.listen(_table, "after_create", _ddl.execute_if(dialect="postgresql"))
