"""Editable narrative sections of the yearly experience report (Sachbericht)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class ReportText(db.Model):
    """One section ("introduction", "developments", "challenges") of an organisation's report
    for a calendar year. Admins write it; team leads read it in their team's report."""

    __table_args__ = (UniqueConstraint("organisation_id", "year", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int]
    section: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
