from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Municipality, Organisation, Team
from app.timeutil import utcnow


class Household(db.Model):
    """A family or single person living at one address; the unit a manager is responsible for."""

    __table_args__ = (
        Index("ix_household_team_status", "team_id", "status"),
        # Ids are never reused (SQLite would reuse the highest after a delete): an id of a
        # merged household stays its pointer to the survivor (app/merge/).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    street: Mapped[str] = mapped_column(String(160), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    accommodation: Mapped[str] = mapped_column(String(20))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    closed_reason: Mapped[str | None] = mapped_column(String(30))
    closed_on: Mapped[date | None]
    # Counselling runs up to 3 years from this day (the creation day when not set).
    counselling_started_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team] = relationship()
    municipality: Mapped[Municipality] = relationship()
    manager: Mapped[User | None] = relationship()
    members: Mapped[list[Person]] = relationship(back_populates="household", order_by="Person.id")

    @property
    def is_single(self) -> bool:
        return len(self.members) == 1


class Person(db.Model):
    __table_args__ = (
        Index("ix_person_birth", "birth_year", "birth_month", "birth_day"),
        {"sqlite_autoincrement": True},  # as Household: merged ids are never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(80))
    family_name: Mapped[str] = mapped_column(String(80))
    # The name as written in the person's own script (e.g. Arabic), if it differs.
    native_name: Mapped[str] = mapped_column(String(160), default="")
    # Normalised forms for tolerant search (see app/households/search.py).
    search_name: Mapped[str] = mapped_column(String(400), default="", index=True)
    search_skeleton: Mapped[str] = mapped_column(String(400), default="")
    search_latin: Mapped[str] = mapped_column(String(400), default="", server_default="")
    search_phonetic: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Birth dates are often known only partly: year always, month and day if known.
    birth_year: Mapped[int | None]
    birth_month: Mapped[int | None]
    birth_day: Mapped[int | None]
    sex: Mapped[str] = mapped_column(String(1), default="u")
    country_of_origin: Mapped[str] = mapped_column(String(80), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    residence_status: Mapped[str] = mapped_column(String(20))
    residence_legal_basis: Mapped[str] = mapped_column(String(40), default="")
    entry_date: Mapped[date | None]
    asylum_application_date: Mapped[date | None]
    decision_date: Mapped[date | None]
    prospect: Mapped[str] = mapped_column(String(10), default="unclear")
    phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(back_populates="members")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def birth_display(self) -> str:
        if self.birth_year is None:
            return _("unbekannt")
        if self.birth_month and self.birth_day:
            return f"{self.birth_day:02d}.{self.birth_month:02d}.{self.birth_year}"
        if self.birth_month:
            return f"{self.birth_month:02d}/{self.birth_year}"
        return str(self.birth_year)
