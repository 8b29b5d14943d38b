from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app import collation
from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Municipality, Organisation, Team
from app.timeutil import utcnow

SORT_KEY_LENGTH = 400
# German name order kept in a column (app/collation.py) so paginated lists sort in SQL; compared
# byte by byte, hence collation "C" on PostgreSQL whatever the database's locale.
SortKey = String(SORT_KEY_LENGTH).with_variant(String(SORT_KEY_LENGTH, collation="C"), "postgresql")


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
    # indexed: the household list's first pages come from the index, not from sorting them all
    sort_key: Mapped[str] = mapped_column(SortKey, default="", index=True)
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

    @validates("name")
    def _keep_sort_key(self, _key: str, name: str) -> str:
        self.sort_key = collation.sort_text(name, length=SORT_KEY_LENGTH)
        return name

    @property
    def is_single(self) -> bool:
        return len(self.members) == 1

    @property
    def label(self) -> str:
        """How lists name the household: surname and the first member's first name
        ("Ahmadi, Najib"), with the member's surname too when it is another one."""
        first = self.members[0] if self.members else None
        if first is None or not first.given_name or self.status == "anonymised":
            return self.name
        if collation.primary(first.family_name) in ("", collation.primary(self.name)):
            return f"{self.name}, {first.given_name}"
        return f"{self.name}, {first.full_name}"


class Person(db.Model):
    __table_args__ = (
        Index("ix_person_birth", "birth_year", "birth_month", "birth_day"),
        {"sqlite_autoincrement": True},  # as Household: merged ids are never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(80))
    family_name: Mapped[str] = mapped_column(String(80))
    sort_key: Mapped[str] = mapped_column(SortKey, default="")  # family name, then first name
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

    @validates("given_name", "family_name")
    def _keep_sort_key(self, key: str, value: str) -> str:
        given = value if key == "given_name" else self.given_name
        family = value if key == "family_name" else self.family_name
        self.sort_key = collation.sort_text(family, given, length=SORT_KEY_LENGTH)
        return value

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
