from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.households.models import Household, Person
from app.officehours.models import OfficeLocation
from app.timeutil import utcnow

# Labels in the interface language (lazy); the database keeps the codes.
KINDS = {
    "home_visit": _l("Hausbesuch"),
    "office_hour": _l("Sprechstunde"),
    "office": _l("Termin im Büro"),
    "accompaniment": _l("Begleitung zu einer Behörde"),
    "other": _l("Sonstiges"),
}
STATUSES = {
    "planned": _l("geplant"),
    "done": _l("stattgefunden"),
    "cancelled": _l("abgesagt"),
    "no_show": _l("nicht erschienen"),
}

# Which appointments occupy their office-hour slot (as in officehours.services.free_slots).
SLOT_TAKEN_WHERE = "location_id IS NOT NULL AND status <> 'cancelled'"

appointment_person = Table(
    "appointment_person",
    db.metadata,
    Column("appointment_id", ForeignKey("appointment.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
)


class Appointment(db.Model):
    """A planned meeting with a household; times are stored as naive UTC."""

    __table_args__ = (
        Index("ix_appointment_manager_starts", "manager_id", "starts_at"),
        # One office-hour slot holds one appointment; a cancelled one frees it. The database
        # keeps this even when two bookings race past the free-slot check.
        Index(
            "uq_appointment_slot",
            "location_id",
            "starts_at",
            unique=True,
            postgresql_where=text(SLOT_TAKEN_WHERE),
            sqlite_where=text(SLOT_TAKEN_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("office_location.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(80), default="")
    interpreter: Mapped[bool] = mapped_column(default=False)
    bring: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="planned")
    short_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship()
    manager: Mapped[User] = relationship()
    location: Mapped[OfficeLocation | None] = relationship()
    persons: Mapped[list[Person]] = relationship(secondary=appointment_person, order_by=Person.id)
    shares: Mapped[list[AppointmentShare]] = relationship(
        back_populates="appointment", cascade="all, delete-orphan", order_by="AppointmentShare.id"
    )

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AppointmentShare(db.Model):
    """One appointment shared with one volunteer, with what the volunteer may see."""

    __table_args__ = (UniqueConstraint("appointment_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    show_first_name: Mapped[bool] = mapped_column(default=True)
    show_language: Mapped[bool] = mapped_column(default=True)
    show_meeting_point: Mapped[bool] = mapped_column(default=True)
    show_phone: Mapped[bool] = mapped_column(default=False)
    meeting_point: Mapped[str] = mapped_column(String(200), default="")
    answer: Mapped[str] = mapped_column(String(10), default="open")  # open, accepted, declined
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    appointment: Mapped[Appointment] = relationship(back_populates="shares")
    volunteer: Mapped[User] = relationship()


class CalendarToken(db.Model):
    """A private iCalendar feed URL of one user; only the token's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
