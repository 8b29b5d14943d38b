from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Organisation(db.Model):
    """A provider of integration management: the county, or a town with its own IM."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "county" or "town"
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    # When set, every staff account of the organisation must use two-factor login.
    enforce_2fa_all: Mapped[bool] = mapped_column(default=False)
    # A town's consent that the county sees its dashboard figures (aggregates only) in the
    # combined county view (/reports/county); the county's own figures are always there.
    shares_figures: Mapped[bool] = mapped_column(default=False)

    teams: Mapped[list[Team]] = relationship(back_populates="organisation", order_by="Team.name")

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class Team(db.Model):
    """A regional team of an organisation; members stand in for each other."""

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    organisation: Mapped[Organisation] = relationship(back_populates="teams")
    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="team", order_by="Municipality.name"
    )


class Municipality(db.Model):
    """A town (Gemeinde/Stadt); its responsible organisation and, for the county, team."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    population: Mapped[int] = mapped_column(default=0)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)

    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team] = relationship(back_populates="municipalities")
