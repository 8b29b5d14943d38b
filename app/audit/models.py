from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.timeutil import utcnow


class AuditEvent(db.Model):
    """One audited action. Never updated or deleted; each row carries the hash of its
    predecessor so that a changed or removed row breaks the chain (see services.verify_chain)."""

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
event.listen(
    AuditEvent.__table__, "after_create", APPEND_ONLY_FUNCTION.execute_if(dialect="postgresql")
)
event.listen(
    AuditEvent.__table__, "after_create", APPEND_ONLY_TRIGGER.execute_if(dialect="postgresql")
)
