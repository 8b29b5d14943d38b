"""The count sheet against a small hand-built data set with known figures: via the functions
and via the CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.contacts.models import Topic
from app.extensions import db
from app.indicators import countsheet
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorValue
from app.plans.models import (
    Goal,
    GoalStatusChange,
    IntegrationPlan,
    NetworkingContact,
    Referral,
)

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def world(county, make):
    seed_catalogue()
    manager = county.users["manager"]
    level = db.session.scalar(db.select(Indicator).where(Indicator.key == "german_level"))
    ha = county.household_a
    make.person(ha, "Adam", sex="m", birth_year=2018)
    county.person_a.sex = "f"
    h2 = make.household(county.town_a, "Single65", manager=manager)
    make.person(h2, "Otto", sex="m", birth_year=1960)
    h3 = make.household(county.town_a, "Only2024", manager=manager)
    make.person(h3, "Vera", sex="f", birth_year=2000)
    h4 = make.household(
        county.town_a,
        "Closed",
        manager=manager,
        status="closed",
        closed_reason="moved_away",
        closed_on=date(2025, 6, 1),
    )
    make.person(h4, "Kim", sex="u", birth_year=2005)
    county.household_b.members[0].sex = "m"
    db.session.flush()
    # household A: an indicator value recorded in 2025 (valid from 2023: a backdated entry)
    db.session.add(
        IndicatorValue(
            indicator_id=level.id,
            household_id=ha.id,
            person_id=county.person_a.id,
            value="A2",
            valid_from=date(2023, 1, 1),
            recorded_at=datetime(2025, 3, 3, 10),
            recorded_by_id=manager.id,
        )
    )
    # a plan of household A begun in 2024 and updated in 2025
    db.session.add(
        IntegrationPlan(
            household_id=ha.id,
            started_on=date(2024, 1, 1),
            created_at=datetime(2024, 1, 1),
            updated_at=datetime(2025, 2, 2),
        )
    )
    # h2: referrals in 2025 and 2024; h3: only activity in 2024
    db.session.add_all(
        [
            Referral(household_id=h2.id, service="job_centre", referred_on=date(2025, 4, 1)),
            Referral(household_id=h2.id, service="jmd", referred_on=date(2024, 4, 1)),
            Referral(household_id=h3.id, service="health", referred_on=date(2024, 12, 31)),
            Referral(
                household_id=county.household_b.id, service="mbe", referred_on=date(2025, 7, 1)
            ),
        ]
    )
    # h4: plan begun, goals judged and plan closed in 2025
    plan = IntegrationPlan(
        household_id=h4.id,
        started_on=date(2025, 3, 1),
        closed_on=date(2025, 5, 30),
        status="closed",
        updated_at=datetime(2025, 5, 30),
    )
    db.session.add(plan)
    db.session.flush()
    german = Goal(plan_id=plan.id, field="german", title="B1", status="achieved")
    labour = Goal(plan_id=plan.id, field="labour", title="Job", status="not_achieved")
    db.session.add_all([german, labour])
    db.session.flush()
    db.session.add_all(
        [
            GoalStatusChange(
                goal_id=german.id,
                from_status="new",
                to_status="agreed",
                changed_on=date(2025, 3, 1),
            ),
            GoalStatusChange(
                goal_id=german.id,
                from_status="agreed",
                to_status="achieved",
                changed_on=date(2025, 5, 1),
            ),
            GoalStatusChange(
                goal_id=labour.id,
                from_status="agreed",
                to_status="not_achieved",
                changed_on=date(2025, 5, 2),
            ),
        ]
    )
    org = county.county.id
    colleague = county.users["colleague"]
    db.session.add_all(
        [
            NetworkingContact(
                organisation_id=org,
                user_id=manager.id,
                group="churches",
                institution="Gemeinde",
                contacted_on=date(2025, 2, 1),
            ),
            NetworkingContact(
                organisation_id=org,
                user_id=manager.id,
                group="welfare",
                institution="Caritas",
                contacted_on=date(2025, 9, 1),
            ),
            NetworkingContact(
                organisation_id=org,
                user_id=manager.id,
                group="welfare",
                institution="Diakonie",
                contacted_on=date(2024, 9, 1),
            ),
            NetworkingContact(
                organisation_id=org,
                user_id=colleague.id,
                group="other",
                institution="Tafel",
                contacted_on=date(2025, 10, 1),
            ),
        ]
    )
    db.session.commit()
    return county


def test_figures_for_one_manager(world):
    sheet = countsheet.compute(world.users["manager"], YEAR, "mine")
    f = sheet.figure
    assert f("Erreichte Haushalte", "Haushalte insgesamt") == 3
    assert f("Erreichte Haushalte", "Einzelpersonen") == 2
    assert f("Erreichte Haushalte", "Familien") == 1
    assert f("Erreichte Personen", "Personen insgesamt") == 4
    assert f("Erreichte Personen", "Geschlecht: weiblich") == 1
    assert f("Erreichte Personen", "Geschlecht: männlich") == 2
    assert f("Erreichte Personen", "Geschlecht: ohne Angabe") == 1
    assert f("Erreichte Personen", "Alter 6–17") == 1
    assert f("Erreichte Personen", "Alter 18–26") == 1
    assert f("Erreichte Personen", "Alter 27–64") == 1
    assert f("Erreichte Personen", "Alter 65+") == 1
    assert f("Erreichte Personen", "männlich, 65+") == 1
    assert f("Erreichte Personen", "weiblich, 27–64") == 1
    assert f("Integrationspläne", "begonnen") == 1
    assert f("Integrationspläne", "fortgeschrieben") == 1
    assert f("Integrationspläne", "abgeschlossen") == 1
    assert f("Ziele nach Handlungsfeld", "Deutsche Sprache: erreicht") == 1
    assert f("Ziele nach Handlungsfeld", "Arbeitsmarkt: nicht erreicht") == 1
    assert f("Ziele nach Handlungsfeld", "Arbeitsmarkt: erreicht") == 0
    assert f("Verweisungen an Regeldienste", "Jobcenter") == 1
    assert f("Verweisungen an Regeldienste", "Jugendmigrationsdienst (JMD)") == 0
    assert f("Netzwerkkontakte", "Kirchen und Religionsgemeinschaften") == 1
    assert f("Netzwerkkontakte", "Soziale Träger und Wohlfahrtsverbände") == 1
    assert f("Netzwerkkontakte", "Sonstige") == 0
    assert f("Abgeschlossene Fälle nach Grund", "Weggezogen") == 1


def test_figures_for_the_organisation_and_another_period(world):
    sheet = countsheet.compute(world.users["admin"], YEAR, "organisation")
    f = sheet.figure
    assert f("Erreichte Haushalte", "Haushalte insgesamt") == 4  # + team B, not the town
    assert f("Erreichte Personen", "Personen insgesamt") == 5
    assert f("Verweisungen an Regeldienste", "Migrationsberatung für Erwachsene (MBE)") == 1
    assert f("Netzwerkkontakte", "Sonstige") == 1
    # a manager asking for the organisation gets their own figures only
    mine = countsheet.compute(world.users["manager"], YEAR, "organisation")
    assert mine.scope == "mine"
    assert mine.figure("Erreichte Haushalte", "Haushalte insgesamt") == 3
    # 2024: h3's referral (31 Dec) and h2's, household A's plan start
    older = countsheet.compute(world.users["manager"], (date(2024, 1, 1), date(2024, 12, 31)))
    assert older.figure("Erreichte Haushalte", "Haushalte insgesamt") == 3
    assert older.figure("Integrationspläne", "begonnen") == 1
    assert older.figure("Netzwerkkontakte", "Soziale Träger und Wohlfahrtsverbände") == 1
    # any period: the first quarter of 2025
    q1 = countsheet.compute(world.users["manager"], (date(2025, 1, 1), date(2025, 3, 31)))
    assert q1.figure("Erreichte Haushalte", "Haushalte insgesamt") == 2  # A and h4
    assert q1.figure("Ziele nach Handlungsfeld", "Deutsche Sprache: erreicht") == 0


def test_csv_download_matches(world, login):
    b = login("manager")
    response = b.get("/reports/count-sheet.csv?year=2025")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Zeitraum", "01.01.2025–31.12.2025", ""]
    figures = {(r[0], r[1]): int(r[2]) for r in rows[3:]}
    assert figures[("Erreichte Haushalte", "Haushalte insgesamt")] == 3
    assert figures[("Erreichte Personen", "Alter 65+")] == 1
    assert figures[("Verweisungen an Regeldienste", "Jobcenter")] == 1
    assert figures[("Abgeschlossene Fälle nach Grund", "Weggezogen")] == 1
    body = response.data.decode("utf-8-sig")
    assert "Haddad" not in body and "Samira" not in body  # no names in exports


def test_xlsx_download_matches(world, login):
    b = login("admin")
    response = b.get("/reports/count-sheet.xlsx?date_from=2025-01-01&date_to=2025-12-31")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    figures = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert figures[("Erreichte Haushalte", "Haushalte insgesamt")] == 4
    assert figures[("Netzwerkkontakte", "Sonstige")] == 1
    assert figures[("Ziele nach Handlungsfeld", "Deutsche Sprache: erreicht")] == 1


def test_count_sheet_page_and_bad_period(world, login):
    b = login("manager")
    page = b.get("/reports/count-sheet?year=2025")
    assert page.status_code == 200 and "Haushalte insgesamt" in page.text
    bad = b.get("/reports/count-sheet?date_from=2025-05-01&date_to=2025-01-01")
    assert "„Bis“ liegt vor „Von“." in bad.text
    assert b.get("/reports/count-sheet.pdf").status_code == 404


def test_count_sheet_uses_a_fixed_number_of_queries(world, make):
    from sqlalchemy import event

    def count(fn):
        statements = []

        def before(*args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        return len(statements)

    manager = world.users["manager"]
    small = count(lambda: countsheet.compute(manager, YEAR))
    for n in range(10):
        h = make.household(world.town_a, f"More{n}", manager=manager)
        make.person(h, "X")
        db.session.flush()
        db.session.add(Referral(household_id=h.id, service="jmd", referred_on=date(2025, 5, 5)))
    db.session.commit()
    assert count(lambda: countsheet.compute(manager, YEAR)) == small


def test_team_lead_sees_own_cases_or_the_team(world, make):
    lead = world.users["lead"]
    own = make.household(world.town_a, "LeadCase", manager=lead)
    make.person(own, "Lea", sex="f", birth_year=1980)
    db.session.flush()
    db.session.add(
        Referral(household_id=own.id, service="youth_office", referred_on=date(2025, 8, 8))
    )
    db.session.commit()
    mine = countsheet.compute(lead, YEAR, "mine")
    team = countsheet.compute(lead, YEAR, "team")
    assert mine.figure("Erreichte Haushalte", "Haushalte insgesamt") == 1
    # the team: the manager's three households and the lead's own; not team B's
    assert team.figure("Erreichte Haushalte", "Haushalte insgesamt") == 4
    assert team.figure("Netzwerkkontakte", "Sonstige") == 1  # the colleague's contact
    assert countsheet.compute(lead, YEAR, "organisation").scope == "mine"


def test_admin_and_lead_see_one_managers_sheet(world, login):
    manager = world.users["manager"]
    admin_view = countsheet.compute(world.users["admin"], YEAR, "organisation", manager)
    own = countsheet.compute(manager, YEAR, "mine")
    assert admin_view.scope == "manager" and admin_view.manager == manager.display_name
    assert [s.rows for s in admin_view.sections] == [s.rows for s in own.sections]
    lead_view = countsheet.compute(world.users["lead"], YEAR, "team", manager)
    assert [s.rows for s in lead_view.sections] == [s.rows for s in own.sections]
    # another team's manager is not the lead's to report on: the lead's team figures instead
    other = countsheet.compute(world.users["lead"], YEAR, "team", world.users["manager_b"])
    assert other.scope == "team" and other.manager == ""
    # a manager cannot look at a colleague's sheet
    peek = countsheet.compute(manager, YEAR, "mine", world.users["colleague"])
    assert peek.manager == "" and peek.figure("Erreichte Haushalte", "Haushalte insgesamt") == 3

    b = login("admin")
    response = b.get(f"/reports/count-sheet.csv?year=2025&manager_id={manager.id}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Bereich", "Integrationsmanager:in", manager.display_name]
    figures = {(r[0], r[1]): int(r[2]) for r in rows[3:]}
    assert figures[("Erreichte Haushalte", "Haushalte insgesamt")] == 3
    page = b.get("/reports/count-sheet?year=2025")
    assert "Einzelne:r Integrationsmanager:in" in page.text
    assert "Einzelne:r" not in login("manager").get("/reports/count-sheet").text


def test_consultation_contacts_count_by_setting_and_topic(county, make):
    """Hand-built: in 2025 two home visits and one office contact (one more deleted, one in
    2024); the household has nothing else, so only its contacts make it "reached"."""
    from tests.contacts_helpers import make_contact, seed_topics

    seed_topics()
    manager = county.users["manager"]
    household = make.household(county.town_a, "NurKontakte", manager=manager)
    make.person(household, "Lina", sex="f", birth_year=1990)
    db.session.commit()
    make_contact(household, manager, when=datetime(2025, 2, 3, 10), topics=["housing"])
    make_contact(household, manager, when=datetime(2025, 5, 6, 10), topics=["housing", "language"])
    make_contact(
        household, manager, when=datetime(2025, 9, 1, 9), setting="office", topics=["language"]
    )
    deleted = make_contact(household, manager, when=datetime(2025, 10, 1, 9))
    deleted.deleted_at, deleted.deleted_reason = datetime(2025, 10, 2), "doppelt"
    make_contact(household, manager, when=datetime(2024, 12, 30, 9))
    db.session.commit()

    sheet = countsheet.compute(county.users["admin"], YEAR, "organisation")
    assert sheet.figure("Beratungskontakte nach Art", "Kontakte insgesamt") == 3
    assert sheet.figure("Beratungskontakte nach Art", "Hausbesuch (aufsuchend)") == 2
    assert sheet.figure("Beratungskontakte nach Art", "Büro") == 1
    housing, language = (
        t.label
        for t in db.session.scalars(
            db.select(Topic).where(Topic.key.in_(["housing", "language"])).order_by(Topic.key)
        )
    )
    assert sheet.figure("Beratungskontakte nach Thema", housing) == 2
    assert sheet.figure("Beratungskontakte nach Thema", language) == 2
    assert sheet.figure("Erreichte Haushalte", "Haushalte insgesamt") == 1
    assert sheet.figure("Erreichte Personen", "Personen insgesamt") == 1


def test_exports_follow_the_interface_language(world, login):
    """Issue #9: with an English interface the count sheet's page, CSV and XLSX carry English
    labels as plain text cells; the figures are the same."""
    english = {"Accept-Language": "en"}
    b = login("admin")
    query = "date_from=2025-01-01&date_to=2025-12-31"
    page = b.get(f"/reports/count-sheet?{query}", headers=english).text
    assert "Households reached" in page and "Erreichte Haushalte" not in page
    response = b.get(f"/reports/count-sheet.xlsx?{query}", headers=english)
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    assert sheet.title == "Count sheet"
    assert [c.value for c in sheet[1]] == ["Period", "Jan 1, 2025–Dec 31, 2025", None]
    assert [c.value for c in sheet[3]] == ["Section", "Characteristic", "Count"]
    figures = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert figures[("Households reached", "Households in total")] == 4
    assert figures[("Counselling contacts by type", "Home visit (outreach)")] == 0
    assert not any("Erreichte" in str(key) for key in figures)
    response = b.get(f"/reports/count-sheet.csv?{query}", headers=english)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["Scope", "whole provider organisation"]
    figures = {(r[0], r[1]): int(r[2]) for r in rows[3:]}
    assert figures[("Households reached", "Households in total")] == 4
    assert ("Persons reached", "Age unknown") in figures
