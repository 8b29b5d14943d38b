"""The demo county: realistic shape, synthetic people, loadable once."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select

from app.accounts import roles
from app.accounts.models import User
from app.demo.generator import COUNTY_NAME, DEMO_PASSWORD, load_municipalities
from app.extensions import db
from app.households.models import Household, Person
from app.households.rules import person_eligibility
from app.organisations.models import Municipality, Organisation, Team
from app.timeutil import today
from tests.conftest import Browser


def test_demo_county_has_realistic_shape(app, ctx):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and DEMO_PASSWORD in result.output
    kiosk_path = result.output.split("(demo only, shown once): ")[1].split()[0]
    assert app.test_client().get(kiosk_path).status_code == 302

    assert db.session.scalar(select(func.count(Municipality.id))) == 38
    county = db.session.scalar(select(Organisation).where(Organisation.name == COUNTY_NAME))
    own_im = {row["municipality"] for row in load_municipalities() if row["own_im"] == "yes"}
    assert len(own_im) == 5
    assert db.session.scalar(select(func.count(Organisation.id))) == 6
    county_teams = db.session.scalars(select(Team).where(Team.organisation_id == county.id))
    assert len(list(county_teams)) == 5

    staff = db.session.scalars(
        select(User).where(
            User.organisation_id == county.id,
            User.role.in_((roles.MANAGER, roles.TEAM_LEAD)),
        )
    ).all()
    assert len(staff) == 16
    assert sum((u.fte for u in staff), Decimal(0)) == Decimal("13.45")
    assert {r for (r,) in db.session.execute(select(User.role).distinct())} == set(roles.ALL_ROLES)

    county_persons = db.session.scalars(
        select(Person).join(Person.household).where(Household.organisation_id == county.id)
    ).all()
    assert 1350 <= len(county_persons) <= 1500
    sizes = Counter(p.household_id for p in county_persons)
    singles = sum(1 for size in sizes.values() if size == 1)
    assert 0.28 <= singles / len(county_persons) <= 0.40  # about a third live alone
    on = today()
    eligible = sum(person_eligibility(p, on).eligible for p in county_persons)
    assert 0.5 < eligible / len(county_persons) < 0.95  # eligibility varies
    statuses = Counter(p.residence_status for p in county_persons)
    assert {"asylum_applicant", "toleration", "residence_permit"} <= statuses.keys()
    # Households belong to the organisation responsible for their town.
    mismatched = db.session.scalar(
        select(func.count(Household.id))
        .join(Household.municipality)
        .where(Household.team_id != Municipality.team_id)
    )
    assert mismatched == 0
    # Staff and funding: a position per county staff member, the committee report's grant.
    from app.staffing import rules
    from app.staffing.models import FundingPeriod, Position

    period = db.session.scalar(
        select(FundingPeriod).where(FundingPeriod.organisation_id == county.id)
    )
    assert period.granted_amount == Decimal("815185.00")
    assert period.rate_map() == {"vocational": Decimal("51000"), "university": Decimal("64000")}
    positions = db.session.scalars(
        select(Position).where(Position.organisation_id == county.id)
    ).all()
    assert {p.user_id for p in positions} == {u.id for u in staff}
    assert rules.staffed_fte(positions, on) == Decimal("13.45")
    assert 1 <= len(rules.contract_warnings(positions, on)) < len(positions)


def test_demo_data_runs_once_and_logins_work(app, ctx):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--if-empty"]).exit_code == 0
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0 and "already holds data" in again.output
    assert runner.invoke(args=["demo-data"]).exit_code != 0
    for username in ("admin", "teamleitung", "manager", "empfang", "ehrenamt"):
        b = Browser(app.test_client())
        assert b.login(username, DEMO_PASSWORD).status_code == 302, username


def test_demo_casework_indicator_history_plans_referrals_networking(app, ctx):
    from app.indicators.models import IndicatorValue
    from app.indicators.services import worklist
    from app.plans.models import Goal, IntegrationPlan, NetworkingContact, PlanVersion, Referral

    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    persons = count(Person)
    without_history = db.session.scalar(
        select(func.count(Person.id)).where(
            ~select(IndicatorValue.id).where(IndicatorValue.person_id == Person.id).exists()
        )
    )
    assert without_history == 0
    values = count(IndicatorValue)
    assert 3 * persons < values < 15 * persons  # a few values each
    changed = db.session.execute(
        select(IndicatorValue.person_id, IndicatorValue.indicator_id)
        .where(IndicatorValue.person_id.is_not(None), IndicatorValue.kind == "change")
        .group_by(IndicatorValue.person_id, IndicatorValue.indicator_id)
        .having(func.count() > 1)
    ).all()
    assert len(changed) > persons // 10  # some changes over the year
    corrections = db.session.scalar(
        select(func.count(IndicatorValue.id)).where(IndicatorValue.kind == "correction")
    )
    assert corrections > 0
    assert count(IntegrationPlan) > 50 and count(Goal) > count(IntegrationPlan)
    assert count(Referral) > 100 and count(NetworkingContact) > 100
    # Signed by names, never by German role words that an English page would show as typed.
    signers = list(db.session.scalars(select(PlanVersion.signed_by)))
    assert signers and not any("Klient:in" in s or "manager:in" in s for s in signers)
    assert all(len(s.split()) >= 2 for s in signers)
    manager = db.session.scalar(select(User).where(User.username == "manager"))
    items = worklist(manager, today())
    assert any(item.stale for item in items) and any(item.missing for item in items)
