"""Funding periods with their yearly rates per qualification, and funded positions.

Money is Numeric (Decimal in Python), never float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Organisation, Team
from app.timeutil import utcnow


class FundingPeriod(db.Model):
    """A grant (Förderzeitraum): its dates, the granted sum and the yearly rate per full
    position for each qualification."""

    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        UniqueConstraint("organisation_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    granted_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    idempotency_key: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    rates: Mapped[list[FundingRate]] = relationship(
        back_populates="period", cascade="all, delete-orphan", order_by="FundingRate.qualification"
    )

    def rate_map(self) -> dict[str, Decimal]:
        return {r.qualification: r.yearly_rate for r in self.rates}


class FundingRate(db.Model):
    """Yearly subsidy for one full-time position (1.0 FTE) with this qualification."""

    __table_args__ = (UniqueConstraint("period_id", "qualification"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("funding_period.id"), index=True)
    qualification: Mapped[str] = mapped_column(String(20))
    yearly_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    period: Mapped[FundingPeriod] = relationship(back_populates="rates")


class Position(db.Model):
    """A funded position (Stelle) or part of one, held by a named person or vacant."""

    __tablename__ = "staff_position"
    __table_args__ = (UniqueConstraint("organisation_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    funding_period_id: Mapped[int] = mapped_column(ForeignKey("funding_period.id"), index=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    fte: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    qualification: Mapped[str] = mapped_column(String(20))
    contract_start: Mapped[date]
    contract_end: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team | None] = relationship()
    user: Mapped[User | None] = relationship()
    funding_period: Mapped[FundingPeriod] = relationship()

    @property
    def title(self) -> str:
        if self.user is not None:
            return self.user.display_name
        return self.label or "Unbesetzte Stelle"
