"""Contacts (consultations), their topics, participants, next-step tasks, versions and comments.

Contacts are append-only in spirit: an edit keeps the old values in ContactVersion, a deletion
only sets deleted_at (with a reason) so the record stays for the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.contacts.choices import topic_label
from app.extensions import db
from app.households.models import Household, Person
from app.timeutil import utcnow

contact_participant = Table(
    "contact_participant",
    db.metadata,
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True, index=True),
)

# Defaults (organisation NULL) that an organisation hid for itself: not offered on its new
# contacts, still shown on old ones (app/organisations/ownership.py).
topic_hidden = Table(
    "contact_topic_hidden",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
    Column("topic_id", ForeignKey("contact_topic.id"), primary_key=True, index=True),
)

contact_topic_link = Table(
    "contact_topic_link",
    db.metadata,
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("contact_topic.id"), primary_key=True, index=True),
)


class Topic(db.Model):
    """A consultation topic of the editable catalogue. Retired topics stay for old contacts.

    `organisation_id` NULL: a county-wide default, which only the county's admins change;
    else the organisation's own topic, which only its admins change and only its staff see."""

    __tablename__ = "contact_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    @property
    def shown_label(self) -> str:
        return topic_label(self.label)


class Contact(db.Model):
    __tablename__ = "contact"
    __table_args__ = (
        # A double tap, a retry or a replay of the same form creates one contact only.
        UniqueConstraint("author_id", "idempotency_key"),
        Index("ix_contact_household_occurred", "household_id", "occurred_at"),
        # Reports: an organisation's contacts in a period (migration 0007_reports).
        Index("ix_contact_occurred_at", "occurred_at"),
        # Reports: the contacts of the days that the rollups cannot answer (partly covered
        # months), read from the index alone (migration 0012).
        Index(
            "ix_contact_report",
            "occurred_at",
            "household_id",
            "setting",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
        # Reports: the few deleted contacts, whose tasks do not count (migration 0012).
        Index(
            "ix_contact_deleted",
            "id",
            postgresql_where=text("deleted_at IS NOT NULL"),
            sqlite_where=text("deleted_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(36))
    occurred_at: Mapped[datetime]  # naive UTC
    duration_minutes: Mapped[int]
    setting: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(160), default="")
    interpreter_kind: Mapped[str] = mapped_column(String(20), default="")
    interpreter_language: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    deleted_reason: Mapped[str] = mapped_column(String(300), default="")

    household: Mapped[Household] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])
    participants: Mapped[list[Person]] = relationship(
        secondary=contact_participant, order_by="Person.id"
    )
    topics: Mapped[list[Topic]] = relationship(
        secondary=contact_topic_link, order_by="Topic.sort_order"
    )
    tasks: Mapped[list[Task]] = relationship(back_populates="contact", order_by="Task.id")
    comments: Mapped[list[ContactComment]] = relationship(
        back_populates="contact", order_by="ContactComment.id"
    )
    versions: Mapped[list[ContactVersion]] = relationship(
        back_populates="contact", order_by="ContactVersion.id.desc()"
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ContactVersion(db.Model):
    """The values a contact had before one edit: who changed which fields, when."""

    __tablename__ = "contact_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_fields: Mapped[str] = mapped_column(String(300))
    old_values: Mapped[dict[str, Any]] = mapped_column(JSON)

    contact: Mapped[Contact] = relationship(back_populates="versions")
    changed_by: Mapped[User] = relationship()


class Task(db.Model):
    """A next step agreed in a contact."""

    __tablename__ = "contact_task"
    __table_args__ = (
        Index("ix_contact_task_owner_status", "owner_id", "status"),
        # Reports: open and overdue tasks (migration 0007_reports).
        Index("ix_contact_task_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    contact: Mapped[Contact] = relationship(back_populates="tasks")
    household: Mapped[Household] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def is_done(self) -> bool:
        return self.status == "done"


class ContactComment(db.Model):
    """A team lead's review comment on a contact."""

    __tablename__ = "contact_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
