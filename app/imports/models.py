"""What an import remembers: column mappings per header signature, finished imports by file
hash, and one key per imported row, so that the same data is never created twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class ImportMapping(db.Model):
    """The column mapping last used for files with these headers (JSON: column -> field)."""

    __table_args__ = (UniqueConstraint("organisation_id", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    signature: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportRun(db.Model):
    """A finished import; a file (by its SHA-256) is imported once per organisation."""

    __table_args__ = (UniqueConstraint("organisation_id", "file_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    file_hash: Mapped[str] = mapped_column(String(64))
    households: Mapped[int] = mapped_column(default=0)
    persons: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportedRow(db.Model):
    """One imported person, by a key of its data (a hash of name, birth date and town): re-imported
    rows are recognised and skipped, and new members of an imported family join its household."""

    __table_args__ = (UniqueConstraint("organisation_id", "row_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"), index=True)
    row_key: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
