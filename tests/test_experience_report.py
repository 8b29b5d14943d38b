"""Experience report PDF: its numbers are the shared figure functions' numbers on the
hand-built report world (tests/reports_world.py) plus hand-built positions."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.reports import experience, figures
from app.reports.experience_models import ReportText
from app.staffing import services as staffing
from tests.reports_world import build
from tests.staffing_helpers import make_period, make_position


@pytest.fixture
def world(county, make):
    world = build(county, make)
    period = make_period(county.county, name="Förderjahr 2025")
    make_position(period, county.team_a, county.users["lead"], "1.00", "university")
    make_position(period, county.team_a, county.users["manager"], "0.50", "vocational")
    make_position(
        period,
        county.team_b,
        county.users["manager_b"],
        "0.75",
        "vocational",
        start=date(2023, 12, 1),
    )
    db.session.commit()
    world.period = period
    return world


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


def test_admin_report_shows_the_figure_functions_numbers(app, world, login):
    scope = world.scope()
    reach = figures.reach(scope)
    settings = figures.contacts_by_setting(scope)
    per = figures.contacts_per_household(scope)
    hours = figures.office_hours(scope)
    topics = [t for t in figures.contacts_by_topic(scope) if t.count]
    coverage = figures.coverage(scope)
    admin = world.county.users["admin"]
    funding = staffing.period_funding(world.period, staffing.positions_for(admin))
    # the known answers of the hand-built data (tests/reports_world.py, positions above)
    assert (reach.persons, reach.households, reach.single_persons) == (10, 6, 4)
    assert (settings.total, settings.get("home_visit")) == (14, 5)
    assert [(t.key, t.count) for t in topics] == [("housing", 9), ("language", 3), ("health", 2)]
    assert (per.per_family, hours.checkins, hours.left) == (4.5, 4, 1)
    assert funding.used == Decimal("64000") + Decimal("25500") + Decimal("35062.50")

    text = pdf_text(login("admin").get("/reports/experience.pdf?year=2025"))
    found = lines(text)
    with app.test_request_context():
        from app.staffing import format as fmt

        expected = {
            f"Personen in Beratung (mindestens ein Kontakt) {reach.persons}",
            f"Haushalte in Beratung {reach.households}",
            f"davon Einzelpersonen {reach.single_persons}",
            f"Berechtigte Personen am 31.12.2025 {coverage.eligible}",
            f"Anteil der Berechtigten in Beratung {fmt.share(coverage.rate)}",
            f"Anteil Einzelpersonen an den erreichten Personen {fmt.share(reach.single_share)}",
            f"Anteil Hausbesuche an allen Kontakten {fmt.share(settings.share('home_visit'))}",
            f"Kontakte nach Art ({settings.total} insgesamt)",
            f"Kontakte je Familie ({per.family_households} Familien) "
            f"{fmt.decimal1(per.per_family)}",
            f"Kontakte je Einzelperson ({per.single_households} Einzelpersonen) "
            f"{fmt.decimal1(per.per_single)}",
            f"Anmeldungen (Check-ins) {hours.checkins}",
            f"davon beraten {hours.seen}",
            f"ohne Beratung gegangen {hours.left}",
            f"Wartezeit Median (Minuten) {fmt.decimal1(hours.median_wait)}",
            f"Bewilligte Fördersumme {fmt.euro(funding.granted)}",
            f"Verwendet (Stellen anteilig) {fmt.euro(funding.used)}",
            f"Verbleibend {fmt.euro(funding.remaining)}",
            f"Anteil verwendet {fmt.percent1(funding.share_percent)}",
        }
        expected |= {f"{i}. {t.label} {t.count}" for i, t in enumerate(topics, 1)}
        staff = staffing.team_staffing(admin, date(2025, 12, 31))
        expected |= {
            f"{r.team.name if r.team else 'Gesamt'} {fmt.decimal2(r.fte)} {r.eligible} "
            f"{fmt.decimal2(r.fte_per_100)} {fmt.decimal1(r.persons_per_fte)}"
            for r in staff
        }
    expected = {re.sub(r"[ \u00a0\u202f]+", " ", e) for e in expected}
    assert expected - found == set()
    # the ranking order of the topics
    assert text.index("1. Wohnen") < text.index("2. Sprache") < text.index("3. Gesundheit")
    # current staffing on the year's last day: the team B contract ended in November
    assert "Stand 31.12.2025: 2 besetzte Stellen mit 2 Personen und 1,50" in text
    assert "Manager_B" not in text
    # the dashboard's charts (app/reports/charts.py geometry), drawn as SVG
    with app.test_request_context():
        report = experience.build_report(admin, scope, date(2026, 1, 10))
        drawn = experience.report_charts(report)
        titles = [str(c.title) for c in drawn]
        new_eligible = next(c for c in drawn if c.kind == "columns")
    assert titles == [
        "Kontakte nach Art",
        "Themen nach Häufigkeit",
        "Kontakte je Haushalt",
        "Neu berechtigte Personen je Monat",
        "VZÄ je 100 berechtigte Personen nach Team",
    ]
    charts_part = text[text.index("7. Abbildungen") : text.index("Fördermittel")]
    for title in titles:
        assert title in charts_part
    months = figures.new_eligible_per_month(scope)
    assert [b.value for b in new_eligible.bars] == [m.count for m in months]
    assert [m.count for m in months if m.count] == [1, 3, 1]  # February, March, July


def test_texts_are_saved_once_and_printed(world, login):
    admin = login("admin")
    page = admin.get("/reports/experience?year=2025")
    assert page.status_code == 200
    data = {
        "year": "2025",
        "introduction": "Das Integrationsmanagement arbeitet in zwei Teams.",
        "developments": "Mehr Hausbesuche in Nordheim.",
        "challenges": "Der Wohnungsmarkt bleibt angespannt.",
    }
    assert admin.post("/reports/experience/texts", data).status_code == 302
    assert admin.post("/reports/experience/texts", data).status_code == 302  # sent twice
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ReportText.id))) == 3
    text = pdf_text(admin.get("/reports/experience.pdf?year=2025"))
    for value in data.values():
        if value != "2025":
            assert value in text
    assert text.index("Mehr Hausbesuche") < text.index("Der Wohnungsmarkt")
    # another year has its own (empty) texts
    assert "Mehr Hausbesuche" not in pdf_text(admin.get("/reports/experience.pdf?year=2024"))
    # too long: German message, nothing changed
    response = admin.post(
        "/reports/experience/texts", data | {"challenges": "x" * (experience.MAX_TEXT + 1)}
    )
    assert response.status_code == 422
    assert f"Höchstens {experience.MAX_TEXT} Zeichen." in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.scalar(select(ReportText.text).where(ReportText.section == "challenges"))
    assert stored == data["challenges"]


def test_team_lead_gets_own_team_only(world, login):
    lead = login("lead")
    team_a = figures.reach(world.team_a())
    text = pdf_text(lead.get("/reports/experience.pdf?year=2025"))
    assert f"Personen in Beratung (mindestens ein Kontakt) {team_a.persons}" in lines(text)
    assert team_a.persons == 9
    assert "Team Süd" not in text and "Manager_B" not in text
    assert "Bewilligte Fördersumme" not in text and "815.185" not in text
    assert "Förderung der Stellen dieses Teams 89.500,00 €" in text  # 64,000 + 25,500
    team_b = world.county.team_b.id
    assert lead.get(f"/reports/experience.pdf?year=2025&team={team_b}").status_code == 404
    assert lead.get(f"/reports/experience?team={team_b}").status_code == 404
    page = lead.get("/reports/experience?year=2025").get_data(as_text=True)
    assert "Texte speichern" not in page  # read-only
    response = lead.post("/reports/experience/texts", {"year": "2025", "challenges": "x"})
    assert response.status_code == 403
    assert login("manager").get("/reports/experience.pdf?year=2025").status_code == 403


def test_admin_report_for_one_team_and_other_organisations(world, login):
    admin = login("admin")
    team_b = world.county.team_b.id
    text = pdf_text(admin.get(f"/reports/experience.pdf?year=2025&team={team_b}"))
    reach_b = figures.reach(world.scope(team_id=team_b))
    assert f"Personen in Beratung (mindestens ein Kontakt) {reach_b.persons}" in lines(text)
    assert "Bewilligte Fördersumme" not in text  # a team's report: no organisation grant
    town_team = world.county.town_team.id
    assert admin.get(f"/reports/experience.pdf?year=2025&team={town_team}").status_code == 404
    town = pdf_text(login("town_admin").get("/reports/experience.pdf?year=2025"))
    assert "Testkreis" not in town and "Lead" not in town
    assert "Personen in Beratung (mindestens ein Kontakt) 1" in lines(town)


def test_demo_county_staffing_and_report(app, ctx):
    """The demo: the grant and rates, three contract warnings, and a report PDF for the year."""
    import time

    from app.demo.generator import DEMO_PASSWORD
    from app.timeutil import today
    from tests.conftest import Browser

    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    admin = Browser(app.test_client())
    assert admin.login("admin", DEMO_PASSWORD).status_code == 302
    page = admin.get("/staffing").get_data(as_text=True).replace("\xa0", " ")
    assert "815.185,00 €" in page and "64.000,00 €" in page and "51.000,00 €" in page
    assert "3 Verträge enden bis" in page
    started = time.perf_counter()
    text = pdf_text(admin.get(f"/reports/experience.pdf?year={today().year}"))
    elapsed = time.perf_counter() - started
    assert "Bewilligte Fördersumme 815.185,00 €" in text
    assert "16 besetzte Stellen mit 16 Personen und 13,45" in text
    assert elapsed < 30, elapsed


def test_current_year_report_counts_up_to_today_and_prints_no_placeholders(world, login):
    """A report for the running year uses today as its reference date, says nothing about
    the app's source files, and leaves out narrative sections nobody wrote."""
    from app.timeutil import today

    day = today()
    admin = login("admin")
    text = pdf_text(admin.get(f"/reports/experience.pdf?year={day.year}"))
    found = lines(text)
    assert f"Berichtszeitraum 01.01.{day.year} bis {day:%d.%m.%Y}" in text
    assert any(line.startswith(f"Berechtigte Personen am {day:%d.%m.%Y} ") for line in found)
    assert "docs/" not in text and ".md" not in text
    assert "Entwicklungen" not in found and "Herausforderungen" not in found
    assert "—" not in found

    experience.save_texts(world.county.users["admin"], day.year, {"challenges": "Wohnraum."})
    db.session.commit()
    found = lines(pdf_text(admin.get(f"/reports/experience.pdf?year={day.year}")))
    assert {"Herausforderungen", "Wohnraum."} <= found and "Entwicklungen" not in found
