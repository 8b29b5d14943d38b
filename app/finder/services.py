"""Which organisation is responsible for a municipality, and its coming office hours."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.collation import sorted_by_name
from app.extensions import db
from app.households.search import fold
from app.officehours.models import OfficeLocation
from app.officehours.services import Session, sessions_between
from app.organisations.models import Municipality, Organisation, Team
from app.timeutil import today


@dataclass
class Answer:
    municipality: Municipality
    organisation: Organisation
    team: Team | None
    sessions: list[Session]


def all_municipalities() -> list[Municipality]:
    return sorted_by_name(db.session.scalars(select(Municipality)))


def match_municipality(text: str) -> Municipality | None:
    """The municipality whose name occurs in a typed address ("Hauptstr. 1, 73066 Uhingen").
    The longest matching name wins (Eislingen/Fils before a shorter name inside it)."""
    folded = f" {fold(text or '')} "
    best = None
    for municipality in all_municipalities():
        short = municipality.name.split(" an der ")[0]  # i18n: not UI
        names = {fold(municipality.name), fold(short)}
        names |= {fold(municipality.name.split("/")[0])}
        for name in names:
            if name and f" {name} " in folded and (best is None or len(name) > best[0]):
                best = (len(name), municipality)
    return best[1] if best else None


def responsibility(municipality: Municipality, days: int = 21) -> Answer:
    locations = list(
        db.session.scalars(
            select(OfficeLocation).where(
                OfficeLocation.municipality_id == municipality.id,
                OfficeLocation.active.is_(True),
            )
        )
    )
    if not locations:  # no office hour in town: those of the responsible team
        locations = list(
            db.session.scalars(
                select(OfficeLocation)
                .join(OfficeLocation.municipality)
                .where(
                    Municipality.team_id == municipality.team_id,
                    OfficeLocation.active.is_(True),
                )
            )
        )
    organisation = municipality.organisation
    return Answer(
        municipality=municipality,
        organisation=organisation,
        team=municipality.team if organisation.kind == "county" else None,
        sessions=sessions_between(locations, today(), days)[:8],
    )
