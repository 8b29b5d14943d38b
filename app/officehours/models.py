from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Municipality
from app.timeutil import utcnow

schedule_manager = Table(
    "office_schedule_manager",
    db.metadata,
    Column("schedule_id", ForeignKey("office_schedule.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("app_user.id"), primary_key=True),
)


class OfficeLocation(db.Model):
    """A room in a town hall where office hours (Sprechstunden) take place."""

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))  # e.g. "Rathaus Uhingen"
    room: Mapped[str] = mapped_column(String(80), default="")
    street: Mapped[str] = mapped_column(String(160), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship()
    schedules: Mapped[list[OfficeSchedule]] = relationship(
        back_populates="location", order_by="(OfficeSchedule.weekday, OfficeSchedule.start_time)"
    )

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.municipality.name}".strip(", ")

    @property
    def label(self) -> str:
        return f"{self.name}, {self.room}" if self.room else self.name


class OfficeSchedule(db.Model):
    """A weekly recurring office hour at a location, with the managers on duty."""

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("office_location.id"), index=True)
    weekday: Mapped[int]  # 0 = Monday
    start_time: Mapped[time]
    end_time: Mapped[time]
    slot_minutes: Mapped[int] = mapped_column(default=30)
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    location: Mapped[OfficeLocation] = relationship(back_populates="schedules")
    managers: Mapped[list[User]] = relationship(secondary=schedule_manager, order_by=User.id)


class OfficeException(db.Model):
    """A date on which a location's office hours do not take place (holiday, cancelled)."""

    __table_args__ = (Index("ix_office_exception_location_on", "location_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("office_location.id"))
    on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(120), default="")

    location: Mapped[OfficeLocation] = relationship()


class KioskToken(db.Model):
    """A front-desk device enrolled for one location; only the token's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("office_location.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    location: Mapped[OfficeLocation] = relationship()


class QueueEntry(db.Model):
    """A person checked in for today's office hour at a location."""

    __table_args__ = (Index("ix_queue_entry_location_day", "location_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("office_location.id"))
    day: Mapped[date]
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    walk_in_name: Mapped[str] = mapped_column(String(80), default="")
    language: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    scheduled_at: Mapped[datetime | None]
    called_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    location: Mapped[OfficeLocation] = relationship()
    appointment = relationship("Appointment")
    person = relationship("Person")
    household = relationship("Household")
    taken_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        from app.officehours.services import QUEUE_STATUSES  # services imports the models

        return str(QUEUE_STATUSES.get(self.status, self.status))
