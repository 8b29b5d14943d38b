"""Database side of staffing and funding: scoped queries and the figures built from the
pure rules in `app.staffing.rules`. Every staffing figure on a page, in an export or in the
experience report comes from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts import roles
from app.accounts.models import User
from app.collation import sorted_by_name
from app.extensions import db
from app.households.models import Household, Person
from app.organisations.models import Team
from app.reports.figures import ReportScope, eligible_persons_stmt
from app.staffing import rules
from app.staffing.models import FundingPeriod, Position


def position_scope(user: User, stmt: Select) -> Select:
    """Admins see their organisation's positions, team leads their own team's; nobody else."""
    stmt = stmt.where(Position.organisation_id == user.organisation_id)
    if user.role == roles.ADMIN:
        return stmt
    if user.role == roles.TEAM_LEAD and user.team_id is not None:
        return stmt.where(Position.team_id == user.team_id)
    return stmt.where(false())


def positions_for(user: User, period_id: int | None = None) -> list[Position]:
    stmt = position_scope(user, select(Position)).options(
        joinedload(Position.user), joinedload(Position.team), joinedload(Position.funding_period)
    )
    if period_id is not None:
        stmt = stmt.where(Position.funding_period_id == period_id)
    stmt = stmt.order_by(Position.contract_end, Position.id)
    return list(db.session.scalars(stmt).unique())


def position_for(user: User, position_id: int) -> Position | None:
    return db.session.scalar(
        position_scope(user, select(Position)).where(Position.id == position_id)
    )


def periods_for(user: User) -> list[FundingPeriod]:
    """Funding periods of the user's organisation (grants are per organisation), newest
    first. Team leads read them; only admins change them."""
    if user.role not in (roles.ADMIN, roles.TEAM_LEAD):
        return []
    return list(
        db.session.scalars(
            select(FundingPeriod)
            .where(FundingPeriod.organisation_id == user.organisation_id)
            .options(selectinload(FundingPeriod.rates))
            .order_by(FundingPeriod.starts_on.desc(), FundingPeriod.id.desc())
        )
    )


def period_for(user: User, period_id: int) -> FundingPeriod | None:
    return next((p for p in periods_for(user) if p.id == period_id), None)


def current_period(periods: list[FundingPeriod], on: date) -> FundingPeriod | None:
    """The period covering the day, else the newest."""
    for period in periods:
        if period.starts_on <= on <= period.ends_on:
            return period
    return periods[0] if periods else None


def latest_rates(organisation_id: int) -> dict[str, Decimal]:
    """The rates of the organisation's newest period: the defaults for a new period."""
    period = db.session.scalar(
        select(FundingPeriod)
        .where(FundingPeriod.organisation_id == organisation_id)
        .order_by(FundingPeriod.starts_on.desc(), FundingPeriod.id.desc())
        .limit(1)
    )
    return period.rate_map() if period else {}


def period_funding(period: FundingPeriod, positions: list[Position]) -> rules.FundingTotals:
    """Subsidy of `positions` (already scoped) in `period` against its grant."""
    mine = [p for p in positions if p.funding_period_id == period.id]
    return rules.funding_totals(
        period.starts_on, period.ends_on, period.granted_amount, period.rate_map(), mine
    )


def eligible_persons_by_team(organisation_id: int, on: date, team_ids: list[int] | None = None):
    """Eligible persons on the day per team, counted exactly as the reports count them
    (app/reports/figures.py `eligible_persons_stmt`: the SQL eligibility clause of
    app/households/rules.py, cases not closed by the day)."""
    scope = ReportScope(organisation_id=organisation_id, start=on, end=on)
    stmt = eligible_persons_stmt(scope, Household.team_id, func.count(Person.id)).group_by(
        Household.team_id
    )
    if team_ids is not None:
        stmt = stmt.where(Household.team_id.in_(team_ids))
    return {team_id: count for team_id, count in db.session.execute(stmt)}


@dataclass(frozen=True)
class TeamStaffing:
    team: Team | None
    fte: Decimal
    eligible: int
    fte_per_100: Decimal | None
    persons_per_fte: Decimal | None

    @property
    def name(self) -> str:
        return self.team.name if self.team else "Ohne Team"


def team_staffing(user: User, on: date, positions: list[Position] | None = None):
    """FTE staffed on the day, eligible persons and the ratio for each team the user may
    see; for admins also the organisation's total (last row, team None)."""
    positions = positions_for(user) if positions is None else positions
    if user.role == roles.ADMIN:
        teams = sorted_by_name(
            db.session.scalars(select(Team).where(Team.organisation_id == user.organisation_id))
        )
    elif user.role == roles.TEAM_LEAD and user.team is not None:
        teams = [user.team]
    else:
        return []
    eligible = eligible_persons_by_team(user.organisation_id, on, [t.id for t in teams])
    rows = []
    for team in teams:
        fte = rules.staffed_fte([p for p in positions if p.team_id == team.id], on)
        count = eligible.get(team.id, 0)
        rows.append(
            TeamStaffing(
                team, fte, count, rules.fte_per(fte, count), rules.persons_per_fte(fte, count)
            )
        )
    if user.role == roles.ADMIN:
        fte = rules.staffed_fte(positions, on)
        count = sum(eligible.values())
        rows.append(
            TeamStaffing(
                None, fte, count, rules.fte_per(fte, count), rules.persons_per_fte(fte, count)
            )
        )
    return rows
