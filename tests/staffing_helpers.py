"""Hand-built funding periods and positions for the staffing tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.extensions import db
from app.staffing.models import FundingPeriod, FundingRate, Position
from app.staffing.rules import default_contract_end

RATES = {"vocational": Decimal("51000.00"), "university": Decimal("64000.00")}


def make_period(
    organisation,
    name: str = "Förderjahr 2025",
    starts_on: date = date(2025, 1, 1),
    ends_on: date = date(2025, 12, 31),
    granted: str = "815185.00",
    rates: dict | None = None,
) -> FundingPeriod:
    period = FundingPeriod(
        organisation=organisation,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_amount=Decimal(granted),
    )
    for qualification, rate in (rates or RATES).items():
        period.rates.append(FundingRate(qualification=qualification, yearly_rate=rate))
    db.session.add(period)
    db.session.flush()
    return period


def make_position(
    period: FundingPeriod,
    team,
    user=None,
    fte: str = "1.00",
    qualification: str = "university",
    start: date = date(2025, 1, 1),
    end: date | None = None,
    label: str = "",
) -> Position:
    position = Position(
        organisation_id=period.organisation_id
        if period.organisation_id
        else period.organisation.id,
        funding_period=period,
        team=team,
        user=user,
        label=label,
        fte=Decimal(fte),
        qualification=qualification,
        contract_start=start,
        contract_end=end or default_contract_end(start),
    )
    db.session.add(position)
    db.session.flush()
    return position
