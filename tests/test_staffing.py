"""Staff and funding: scoped figures from the database, and the pages as users use them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.staffing import rules, services
from app.staffing.models import FundingPeriod, FundingRate, Position
from tests.staffing_helpers import make_period, make_position

ON = date(2025, 6, 15)


def _world(county, make):
    """Team Nord: 3 eligible persons (one household_a member + a family of two), plus persons
    who do not count; Team Süd: 1 eligible person. Positions: Nord 1.00 + 0.50 (+ 0.75
    already ended), Süd 0.75 ending within six months of ON."""
    family = make.household(county.town_a, "Nasser")
    make.person(family, "Omar")
    make.person(family, "Lina")
    # does not count: own tenancy, asylum procedure under 24 months, closed case
    make.person(make.household(county.town_a, "Eigen", accommodation="own_tenancy"), "Ali")
    make.person(
        make.household(county.town_a, "Neu"),
        "Hadi",
        residence_status="asylum_applicant",
        asylum_application_date=date(2024, 1, 1),
    )
    make.person(
        make.household(county.town_a, "Weg", status="closed", closed_on=date(2025, 1, 1)), "Sara"
    )
    period = make_period(county.county)
    nord = [
        make_position(period, county.team_a, county.users["lead"], "1.00", "university"),
        make_position(period, county.team_a, county.users["manager"], "0.50", "vocational"),
        make_position(
            period,
            county.team_a,
            label="Elternzeitvertretung",
            fte="0.75",
            start=date(2023, 1, 1),
            end=date(2025, 3, 31),
        ),
    ]
    sued = make_position(
        period,
        county.team_b,
        county.users["manager_b"],
        "0.75",
        "vocational",
        start=date(2023, 12, 1),  # ends 30.11.2025
    )
    # another organisation's position never shows up for the county
    town_period = make_period(county.town, granted="64000.00")
    make_position(town_period, county.town_team, county.users["town_manager"])
    db.session.commit()
    return period, nord, sued


def test_eligible_persons_and_fte_per_100_by_team(county, make):
    _world(county, make)
    counts = services.eligible_persons_by_team(county.county.id, ON)
    assert counts == {county.team_a.id: 3, county.team_b.id: 1}
    admin = county.users["admin"]
    rows = services.team_staffing(admin, ON)
    by_name = {(r.team.name if r.team else None): r for r in rows}
    assert by_name["Team Nord"].fte == Decimal("1.50")
    assert by_name["Team Nord"].fte_per_100 == rules.fte_per(Decimal("1.50"), 3) == Decimal("50.00")
    assert by_name["Team Nord"].persons_per_fte == Decimal("2.0")
    assert by_name["Team Süd"].fte == Decimal("0.75")
    assert by_name[None].fte == Decimal("2.25") and by_name[None].eligible == 4
    assert by_name[None].fte_per_100 == Decimal("56.25")
    lead_rows = services.team_staffing(county.users["lead"], ON)
    assert [r.team.name for r in lead_rows] == ["Team Nord"]
    assert services.team_staffing(county.users["manager"], ON) == []


def test_funding_totals_and_scope(county, make):
    period, _nord, sued = _world(county, make)
    admin_positions = services.positions_for(county.users["admin"])
    assert len(admin_positions) == 4
    totals = services.period_funding(period, admin_positions)
    # 64,000 x 1 + 51,000 x 0.5 + 64,000 x 0.75 x 3/12 (Jan-Mar) + 51,000 x 0.75 x 11/12 (Jan-Nov)
    expected = Decimal("64000") + Decimal("25500") + Decimal("12000") + Decimal("35062.50")
    assert totals.used == expected == Decimal("136562.50")
    assert totals.remaining == Decimal("815185.00") - expected
    assert totals.share_percent == Decimal("16.8")  # 16.75 %
    lead_positions = services.positions_for(county.users["lead"])
    assert {p.team_id for p in lead_positions} == {county.team_a.id}
    assert services.positions_for(county.users["manager"]) == []
    assert [p.id for p in rules.contract_warnings(admin_positions, ON)] == [sued.id]


def _form(page) -> dict:
    body = page.get_data(as_text=True).replace("\xa0", " ")
    return {
        "idempotency_key": re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', body)[
            1
        ]
    }


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def test_admin_creates_a_period_with_german_amounts_once(county, login, ctx):
    b = login("admin")
    page = b.get("/staffing/periods/new")
    assert page.status_code == 200
    data = _form(page) | {
        "name": "Förderzeitraum 2025/26",
        "starts_on": "01.01.2025",
        "ends_on": "31.12.2026",
        "granted_amount": "815.185,00 €",
        "rate_vocational": "51.000",
        "rate_university": "64000",
    }
    first = b.post("/staffing/periods/new", data)
    assert first.status_code == 302
    again = b.post("/staffing/periods/new", data)  # double submit
    assert again.status_code == 302
    assert _count(FundingPeriod) == 1
    period = db.session.scalar(select(FundingPeriod))
    assert period.granted_amount == Decimal("815185.00")
    assert period.rate_map() == {"vocational": Decimal("51000"), "university": Decimal("64000")}
    # The next period starts with these rates (configurable, not in code).
    assert "51.000,00" in b.get("/staffing/periods/new").get_data(as_text=True).replace("\xa0", " ")


def test_bad_period_input_gives_german_messages_and_changes_nothing(county, login, ctx):
    b = login("admin")
    data = _form(b.get("/staffing/periods/new")) | {
        "name": "",
        "starts_on": "01.01.2026",
        "ends_on": "31.12.2025",
        "granted_amount": "viel",
        "rate_vocational": "0",
        "rate_university": "",
    }
    response = b.post("/staffing/periods/new", data)
    body = response.get_data(as_text=True).replace("\xa0", " ")
    assert response.status_code == 200
    for message in (
        "Bitte eine Bezeichnung angeben.",
        "Das Ende liegt vor dem Beginn.",
        "Bitte eine Zahl angeben (z. B. 51.000,00).",
        "Bitte einen Jahressatz über 0 € angeben.",
        "Bitte den Jahressatz angeben.",
    ):
        assert message in body
    assert _count(FundingPeriod) == 0 and _count(FundingRate) == 0


def test_period_names_are_unique_per_organisation(county, login, ctx):
    make_period(county.county, name="Förderjahr 2025")
    db.session.commit()
    b = login("admin")
    data = _form(b.get("/staffing/periods/new")) | {
        "name": "Förderjahr 2025",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "granted_amount": "1000",
        "rate_vocational": "1",
        "rate_university": "1",
    }
    body = b.post("/staffing/periods/new", data).get_data(as_text=True).replace("\xa0", " ")
    assert "Einen Förderzeitraum mit dieser Bezeichnung gibt es schon." in body
    assert _count(FundingPeriod) == 1


def test_admin_edits_rates_of_a_period(county, login, ctx):
    period = make_period(county.county)
    db.session.commit()
    b = login("admin")
    page = b.get(f"/staffing/periods/{period.id}/edit")
    data = _form(page) | {
        "name": period.name,
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "granted_amount": "900.000",
        "rate_vocational": "52.000",
        "rate_university": "65.500,50",
    }
    assert b.post(f"/staffing/periods/{period.id}/edit", data).status_code == 302
    db.session.expire_all()
    period = db.session.get(FundingPeriod, period.id)
    assert period.granted_amount == Decimal("900000")
    assert period.rate_map() == {
        "vocational": Decimal("52000"),
        "university": Decimal("65500.50"),
    }
    assert _count(FundingRate) == 2


def test_admin_adds_a_position_once_with_a_two_year_contract(county, login, ctx):
    period = make_period(county.county)
    db.session.commit()
    b = login("admin")
    page = b.get(f"/staffing/positions/new?user={county.users['manager'].id}")
    assert page.status_code == 200
    data = _form(page) | {
        "funding_period_id": str(period.id),
        "team_id": str(county.team_a.id),
        "user_id": str(county.users["manager"].id),
        "fte": "0,75",
        "qualification": "vocational",
        "contract_start": "01.03.2025",
        "contract_end": "",
    }
    assert b.post("/staffing/positions/new", data).status_code == 302
    assert b.post("/staffing/positions/new", data).status_code == 302  # double submit
    assert _count(Position) == 1
    position = db.session.scalar(select(Position))
    assert position.contract_end == date(2027, 2, 28)
    assert position.fte == Decimal("0.75")
    listing = b.get("/staffing/positions?on=2025-06-01").get_data(as_text=True).replace("\xa0", " ")
    # 51,000 x 0.75 x 10 months / 12 in 2025
    amount = rules.subsidy(
        Decimal("51000"), Decimal("0.75"), date(2025, 3, 1), date(2027, 2, 28), *_y25()
    )
    assert amount == Decimal("31875.00")
    assert "31.875,00 €" in listing


def _y25():
    return date(2025, 1, 1), date(2025, 12, 31)


def test_bad_position_input_is_refused_in_german(county, login, ctx):
    period = make_period(county.county)
    db.session.commit()
    b = login("admin")
    base = _form(b.get("/staffing/positions/new")) | {
        "funding_period_id": str(period.id),
        "team_id": str(county.team_a.id),
        "qualification": "",
        "contract_start": "01.03.2025",
        "contract_end": "01.01.2025",
    }
    body = b.post("/staffing/positions/new", base | {"user_id": "0", "fte": "0,1"}).get_data(
        as_text=True
    )
    for message in (
        "Der Stellenanteil liegt zwischen 0,25 und 1,00 VZÄ.",
        "Bitte die Qualifikation wählen.",
        "Das Vertragsende liegt vor dem Beginn.",
        "Bitte eine Person wählen oder die Stelle bezeichnen.",
    ):
        assert message in body
    wrong_team = base | {
        "user_id": str(county.users["manager_b"].id),
        "fte": "1",
        "qualification": "university",
        "contract_end": "",
    }
    body = b.post("/staffing/positions/new", wrong_team).get_data(as_text=True).replace("\xa0", " ")
    assert "Diese Person gehört zu einem anderen Team." in body
    assert _count(Position) == 0


def test_team_lead_reads_own_team_only_and_cannot_edit(county, make, login):
    period, nord, _sued = _world(county, make)
    lead = login("lead")
    overview = lead.get("/staffing?on=2025-06-15").get_data(as_text=True).replace("\xa0", " ")
    assert "Team Nord" in overview and "Team Süd" not in overview
    assert "Bewilligt" not in overview  # the grant covers other teams' positions too
    assert "815.185" not in overview
    listing = (
        lead.get("/staffing/positions?on=2025-06-15").get_data(as_text=True).replace("\xa0", " ")
    )
    assert "Elternzeitvertretung" in listing
    assert "Manager_B" not in listing
    assert lead.get(f"/staffing/positions/{nord[0].id}/edit").status_code == 403
    assert lead.get(f"/staffing/periods/{period.id}/edit").status_code == 403
    assert login("manager").get("/staffing").status_code == 403


def test_admin_sees_totals_and_the_six_month_warning(county, make, login):
    _period, _nord, _sued = _world(county, make)
    admin = login("admin")
    body = admin.get("/staffing?on=2025-06-15").get_data(as_text=True).replace("\xa0", " ")
    assert "815.185,00 €" in body
    assert "136.562,50 €" in body
    assert "16,8 %" in body
    warning = re.search(r'id="contract-warnings">(.*?)</div>', body, re.S)[1]
    assert "Manager_B" in warning and "30.11.2025" in warning
    assert "Lead" not in warning
    # a year earlier nothing ends within six months
    assert 'id="contract-warnings"' not in admin.get("/staffing?on=2024-06-01").get_data(
        as_text=True
    )


def test_other_organisation_cannot_reach_positions(county, make, login):
    period, nord, _sued = _world(county, make)
    town_admin = login("town_admin")
    assert town_admin.get(f"/staffing/positions/{nord[0].id}/edit").status_code == 404
    assert town_admin.get(f"/staffing/periods/{period.id}/edit").status_code == 404
    assert town_admin.get(f"/staffing?period={period.id}").status_code == 404
    assert "Elternzeitvertretung" not in town_admin.get("/staffing/positions").get_data(
        as_text=True
    )


def test_positions_list_fragment_for_htmx(county, make, login):
    period, _nord, _sued = _world(county, make)
    make_period(
        county.county,
        name="Förderjahr 2026",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    db.session.commit()
    admin = login("admin")
    fragment = admin.htmx_get(f"/staffing/positions?period={period.id}", target="positions")
    body = fragment.get_data(as_text=True).replace("\xa0", " ")
    assert body.startswith('<div id="positions">')
    assert "<html" not in body and "Elternzeitvertretung" in body


def test_amounts_follow_the_interface_language(county, login, ctx):
    """An English user types 51,000.00; reading it the German way would store 51 €."""
    b = login("admin")
    english = {"Accept-Language": "en"}
    data = _form(b.get("/staffing/periods/new", headers=english)) | {
        "name": "Funding 2025/26",
        "starts_on": "01.01.2025",
        "ends_on": "31.12.2026",
        "granted_amount": "815,185.00 €",
        "rate_vocational": "51.000,00",  # German notation in an English form: refused
        "rate_university": "64,000",
    }
    refused = b.post("/staffing/periods/new", data, headers=english)
    assert refused.status_code == 200
    assert "Please enter a number (e.g. 51,000.00)." in refused.get_data(as_text=True)
    assert _count(FundingPeriod) == 0
    saved = b.post(
        "/staffing/periods/new", data | {"rate_vocational": "51,000.00"}, headers=english
    )
    assert saved.status_code == 302
    period = db.session.scalar(select(FundingPeriod))
    assert period.granted_amount == Decimal("815185.00")
    assert period.rate_map() == {"vocational": Decimal("51000"), "university": Decimal("64000")}
    page = b.get("/staffing/periods/new", headers=english).get_data(as_text=True)
    assert "51,000.00" in page
