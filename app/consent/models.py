from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.households.models import Person
from app.timeutil import utcnow


class ConsentRecord(db.Model):
    """One state of a person's consent. Never changed: a new record (e.g. a withdrawal)
    supersedes the previous one from its effective date on, so the history stays complete."""

    __table_args__ = (Index("ix_consent_record_person", "person_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    # "given" (scopes below apply) or "withdrawn" (nothing applies any more).
    state: Mapped[str] = mapped_column(String(10))
    # Date the consent was given or withdrawn; it applies from this day on.
    effective_on: Mapped[date]
    counselling: Mapped[bool] = mapped_column(default=False)
    volunteer_sharing: Mapped[bool] = mapped_column(default=False)
    # Transfer to the organisation of a new home town (app/transfers): the case data moves;
    # the contacts' free-text notes only with `transfer_notes` as well.
    transfer: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    transfer_notes: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    form_version: Mapped[str] = mapped_column(String(20), default="")
    language: Mapped[str] = mapped_column(String(5), default="de")
    # "paper" (signed form) or "screen_interpreter" (on screen, with interpreter).
    method: Mapped[str] = mapped_column(String(20), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    agencies: Mapped[list[ConsentAgency]] = relationship(
        back_populates="consent", order_by="ConsentAgency.id", cascade="all, delete-orphan"
    )

    @property
    def is_given(self) -> bool:
        return self.state == "given"

    @property
    def agency_names(self) -> list[str]:
        return [a.agency_name for a in self.agencies]


class ConsentAgency(db.Model):
    """A release from confidentiality towards one named agency (e.g. Jobcenter)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent_record.id"), index=True)
    agency_name: Mapped[str] = mapped_column(String(160))

    consent: Mapped[ConsentRecord] = relationship(back_populates="agencies")
