"""Demo funding: one funding year with the programme's rates and the county's grant, and a
position for every county staff member (some contracts end within six months)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from app.accounts.models import User
from app.extensions import db
from app.households.rules import add_months
from app.organisations.models import Organisation
from app.staffing.models import FundingPeriod, FundingRate, Position
from app.staffing.rules import CONTRACT_MONTHS, default_contract_end

# From the county's committee report and the state's funding rules (docs/staffing-and-funding.md).
DEMO_GRANT = Decimal("815185.00")
DEMO_RATES = {"vocational": Decimal("51000.00"), "university": Decimal("64000.00")}
ENDING_SOON = 3  # contracts that end within the next six months


def build_staffing(
    rng: random.Random, today: date, county: Organisation, staff: list[User]
) -> FundingPeriod:
    period = FundingPeriod(
        organisation=county,
        name=f"Förderjahr {today.year}",  # i18n: not ui
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year, 12, 31),
        granted_amount=DEMO_GRANT,
        rates=[FundingRate(qualification=q, yearly_rate=r) for q, r in DEMO_RATES.items()],
    )
    db.session.add(period)
    people = sorted(staff, key=lambda u: u.username)
    for index, user in enumerate(people):
        if index < ENDING_SOON:
            # ends in one to five months
            start = add_months(today, 1 + index * 2 - CONTRACT_MONTHS)
        else:
            start = add_months(today, -rng.randint(1, 17)) - timedelta(days=rng.randint(0, 27))
        db.session.add(
            Position(
                organisation=county,
                team=user.team,
                user=user,
                funding_period=period,
                fte=user.fte,
                qualification=user.qualification or "vocational",
                contract_start=start,
                contract_end=default_contract_end(start),
            )
        )
    return period
