"""Dashboard, drill-down lists and exports over HTTP, on the hand-built data set."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorValue
from app.reports import exports, figures
from app.timeutil import today
from tests.contacts_helpers import StatementCounter
from tests.reports_world import _more, build

PERIOD = "date_from=01.01.2025&date_to=31.12.2025"


@pytest.fixture
def world(county, make):
    return build(county, make)


def numbers(html: str) -> dict[str, str]:
    """Figure cards: label -> the number shown."""
    found = re.findall(r"<strong>([^<]+)</strong> <span>([^<]+)</span>", html)
    return {label: value for value, label in found}


def test_team_lead_sees_own_team_figures(world, login):
    page = login("lead").get(f"/reports?{PERIOD}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    cards = numbers(html)
    assert cards["Personen in Kontakt"] == "9"
    assert cards["davon Einzelpersonen"] == "3 (33 %)"
    assert cards["Haushalte in Kontakt"] == "5"
    assert cards["Beratungskontakte"] == "12"
    assert cards["Anteil Hausbesuche"] == "33 %"
    assert cards["offene Aufgaben heute"] == "3"
    assert "Team Nord" in html and "Team Süd" not in html
    # charts: accessible SVG with title, description and the numbers as a table
    assert html.count('<svg role="img"') == 5
    assert re.search(r'<title id="chart-settings-t">Kontakte nach Art</title>', html)
    assert re.search(r"Hausbesuch \(aufsuchend\)</a></th><td class=\"num\">4</td>", html)
    assert 'viewBox="0 0 320 ' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_admin_sees_organisation_and_can_filter(world, login):
    admin = login("admin")
    cards = numbers(admin.get(f"/reports?{PERIOD}").get_data(as_text=True))
    assert cards["Personen in Kontakt"] == "10"
    assert cards["Beratungskontakte"] == "14"
    team_b = world.county.team_b.id
    cards = numbers(admin.get(f"/reports?{PERIOD}&team_id={team_b}").get_data(as_text=True))
    assert cards["Personen in Kontakt"] == "1"
    town_a = world.county.town_a.id
    cards = numbers(admin.get(f"/reports?{PERIOD}&municipality_id={town_a}").get_data(as_text=True))
    assert cards["Personen in Kontakt"] == "9"


def test_team_lead_cannot_see_another_team(world, login):
    lead = login("lead")
    team_b = world.county.team_b.id
    town_b = world.county.town_b.id
    assert lead.get(f"/reports?{PERIOD}&team_id={team_b}").status_code == 404
    assert lead.get(f"/reports?{PERIOD}&municipality_id={town_b}").status_code == 404
    assert lead.get(f"/reports/list/personen?{PERIOD}&team_id={team_b}").status_code == 404
    url = f"/reports/export/statistics.csv?{PERIOD}&team_id={team_b}"
    assert lead.get(url).status_code == 404
    # Another organisation's team is out of reach for its admin too.
    town_team = world.county.town_team.id
    assert login("admin").get(f"/reports?team_id={town_team}").status_code == 404
    # Nonsense parameters fall back to the defaults instead of failing.
    assert lead.get("/reports?team_id=abc&date_from=32.13.2025").status_code == 200


def test_other_roles_are_refused(world, login):
    for user in ("manager", "frontdesk", "volunteer"):
        assert login(user).get("/reports").status_code == 403, user


def test_bad_dates_give_german_messages(world, login):
    html = login("lead").get("/reports?date_from=31.12.2025&date_to=01.01.2025")
    assert "„Bis“ liegt vor „Von“." in html.get_data(as_text=True)
    html = login("lead").get("/reports?date_from=99.99.2025").get_data(as_text=True)
    assert "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)." in html


def test_htmx_request_returns_the_fragment(world, login):
    response = login("lead").htmx_get(f"/reports?{PERIOD}", target="dashboard")
    html = response.get_data(as_text=True)
    assert '<section id="dashboard"' in html
    assert "<html" not in html and "<form" not in html
    assert numbers(html)["Personen in Kontakt"] == "9"


def test_drilldown_lists_show_the_records_behind_the_figures(world, login):
    lead = login("lead")
    html = lead.get(f"/reports/list/einzelpersonen?{PERIOD}").get_data(as_text=True)
    assert "3 Einträge" in html
    assert html.count("/persons/") == 3
    html = lead.get(f"/reports/list/kontakte?{PERIOD}&setting=home_visit").get_data(as_text=True)
    assert "4 Einträge" in html
    html = lead.get(f"/reports/list/familien?{PERIOD}").get_data(as_text=True)
    assert "2 Einträge" in html and "Family0" in html
    html = lead.get(f"/reports/list/ueberfaellig?{PERIOD}").get_data(as_text=True)
    overdue = figures.tasks(world.team_a(), today()).overdue
    assert overdue == 2  # due 9 and 10 January 2026
    assert f"{overdue} Einträge" in html and "fällig 09.01.2026" in html
    assert lead.get("/reports/list/unbekannt").status_code == 404
    # The admin's organisation-wide list has team B's person, the lead's does not.
    admin_html = login("admin").get(f"/reports/list/personen?{PERIOD}").get_data(as_text=True)
    lead_html = lead.get(f"/reports/list/personen?{PERIOD}").get_data(as_text=True)
    assert "Farid" in admin_html and "Farid" not in lead_html
    assert "10 Einträge" in admin_html and "9 Einträge" in lead_html


def test_drilldown_counts_match_the_figures(world, login):
    lead = login("lead")
    scope = world.team_a()
    expected = {
        "personen": figures.reach(scope).persons,
        "haushalte": figures.reach(scope).households,
        "kontakte": figures.contacts_by_setting(scope).total,
        "berechtigte": figures.coverage(scope).eligible,
        "sprechstunde": figures.office_hours(scope).checkins,
    }
    for name, count in expected.items():
        html = lead.get(f"/reports/list/{name}?{PERIOD}").get_data(as_text=True)
        assert f"{count} Einträge" in html, name


def test_dashboard_xlsx_matches_the_figures(world, login):
    response = login("lead").get(f"/reports/export/dashboard.xlsx?{PERIOD}")
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {(r[0], r[1]): r[2] for r in sheet.iter_rows(values_only=True)}
    assert rows[("In Kontakt", "Personen")] == 9
    assert rows[("In Kontakt", "davon Einzelpersonen")] == 3
    assert rows[("Kontakte nach Art", "Kontakte insgesamt")] == 12
    assert rows[("Kontakte nach Art", "Hausbesuch (aufsuchend)")] == 4
    assert rows[("Kontakte je Haushalt", "Verhältnis Familie / Einzelperson")] == 4.5
    data = figures.dashboard(world.team_a(), today())
    assert rows[("Abdeckung", "Berechtigte Personen am Ende des Zeitraums")] == (
        data.coverage.eligible
    )
    assert rows[("Sprechstunde", "Wartezeit Median (Minuten)")] == 20
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.object_type for e in events] == ["report_dashboard"]


def _indicator_values(world):
    seed_catalogue()
    german = db.session.scalar(select(Indicator).where(Indicator.key == "german_level"))
    codes = [o.code for o in german.active_options]
    persons = [m for h in world.families for m in h.members]
    # Three persons with the first level; one of them corrected to the second level, one
    # changed later (after the reporting date) to the third.
    first = []
    for person in persons[:3]:
        value = IndicatorValue(
            indicator_id=german.id,
            household_id=person.household_id,
            person_id=person.id,
            value=codes[0],
            valid_from=date(2025, 1, 1),
        )
        db.session.add(value)
        first.append(value)
    db.session.flush()
    db.session.add(
        IndicatorValue(
            indicator_id=german.id,
            household_id=persons[0].household_id,
            person_id=persons[0].id,
            value=codes[1],
            valid_from=date(2025, 1, 1),
            kind="correction",
            corrects_id=first[0].id,
        )
    )
    db.session.add(
        IndicatorValue(
            indicator_id=german.id,
            household_id=persons[1].household_id,
            person_id=persons[1].id,
            value=codes[2],
            valid_from=date(2026, 3, 1),
        )
    )
    db.session.commit()
    return german, codes, persons


def test_indicator_distribution_csv_uses_the_as_of_rule(world, login):
    _, codes, _ = _indicator_values(world)
    url = f"/reports/export/indicators.csv?{PERIOD}&on=31.12.2025"
    response = login("lead").get(url)
    assert response.status_code == 200
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][0] == "Stichtag"
    total = {
        r[3]: int(r[7])
        for r in rows[1:]
        if r[1] == "german_level" and r[5] == "Insgesamt" and r[6] == "alle"
    }
    # Team A has 12 persons (Samira, 9 in contact, Amir, Lena): 2 first level, 1 second.
    assert total == {codes[0]: 2, codes[1]: 1, exports.NO_VALUE: 12 - 3}
    by_team = {
        (r[3], r[6]): int(r[7]) for r in rows[1:] if r[1] == "german_level" and r[5] == "Team"
    }
    assert by_team[(codes[0], "Team Nord")] == 2
    assert not any(team == "Team Süd" for _, team in by_team)
    by_sex = sum(int(r[7]) for r in rows[1:] if r[1] == "german_level" and r[5] == "Geschlecht")
    assert by_sex == 12
    # restricted indicators (health) and free text never leave the system
    restricted = {i.key for i in db.session.scalars(select(Indicator)) if i.restricted}
    assert restricted and not restricted & {r[1] for r in rows[1:]}
    # the next year, the later change holds
    later = login("lead").get(
        "/reports/export/indicators.xlsx?date_from=01.01.2026&date_to=31.12.2026&on=31.03.2026"
    )
    sheet = load_workbook(io.BytesIO(later.data)).active
    later_total = {
        r[3]: r[7]
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[1] == "german_level" and r[5] == "Insgesamt"
    }
    assert later_total[codes[2]] == 1 and later_total[codes[0]] == 1


def test_pseudonymised_export_has_no_names_and_stable_ids(world, login, app):
    _indicator_values(world)
    lead = login("lead")
    first = lead.get(f"/reports/export/statistics.csv?{PERIOD}").get_data(as_text=True)
    second = lead.get(f"/reports/export/statistics.csv?{PERIOD}").get_data(as_text=True)
    assert first == second
    rows = list(csv.reader(io.StringIO(first.lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(body) == 12
    assert "geburtsjahr" in header and "german_level" in header
    for name in ("Samira", "Haddad", "Solo", "Family0", "Kind0", "Notiz"):
        assert name not in first
    restricted = {i.key for i in db.session.scalars(select(Indicator)) if i.restricted}
    assert not restricted & set(header)
    ids = [r[0] for r in body]
    assert len(set(ids)) == 12 and all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    person_ids = {str(p.id) for h in world.families for p in h.members}
    assert not person_ids & set(ids)
    with app.test_request_context():
        assert exports.pseudonym("person", world.families[0].members[0].id) in ids
    contacts = {r[0]: int(r[header.index("kontakte_im_zeitraum")]) for r in body}
    with app.test_request_context():
        single = exports.pseudonym("person", world.singles[0].members[0].id)
    assert contacts[single] == 1
    assert sum(contacts.values()) == 3 + 3 * 4 + 3 * 5  # every participant of every contact
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.object_type for e in audit] == ["report_pseudonymised"] * 2


GROWTH_URLS = [
    f"/reports?{PERIOD}",
    f"/reports/list/personen?{PERIOD}",
    f"/reports/list/kontakte?{PERIOD}",
    f"/reports/list/aufgaben?{PERIOD}",
    f"/reports/list/sprechstunde?{PERIOD}",
    f"/reports/export/dashboard.xlsx?{PERIOD}",
    f"/reports/export/indicators.csv?{PERIOD}",
    f"/reports/export/statistics.xlsx?{PERIOD}",
]
# Built and grown once per run for all URLs (see tests/test_statement_counts.py); each URL is
# still its own test.
_GROWTH: dict[str, tuple[int, int]] = {}


@pytest.fixture
def growth(request, login) -> dict[str, tuple[int, int]]:
    if not _GROWTH:
        county, make = request.getfixturevalue("county"), request.getfixturevalue("make")
        build(county, make)
        seed_catalogue()
        db.session.commit()
        lead = login("lead")

        def statements(url: str) -> int:
            with StatementCounter(db.engine) as counter:
                response = lead.get(url)
            assert response.status_code == 200, url
            return counter.count

        few = {url: statements(url) for url in GROWTH_URLS}
        for copy in range(8):
            _more(county, make, copy)
        _GROWTH.update({url: (few[url], statements(url)) for url in GROWTH_URLS})
    return _GROWTH


@pytest.mark.parametrize("url", GROWTH_URLS)
def test_statements_do_not_grow_with_the_data(url, growth):
    few, many = growth[url]
    assert many == few, f"{url}: {few} statements before the data grew, {many} after"


def test_caseload_links_to_each_teams_eligible_persons(world, login):
    html = login("admin").get(f"/reports?{PERIOD}").get_data(as_text=True)
    table = html.split('id="chart-caseload"', 1)[1].split("</figure>", 1)[0]
    links = re.findall(r'href="([^"]+)"', table)
    assert len(links) == 2
    counts = {}
    for link in links:
        page = login("admin").get(link.replace("&amp;", "&")).get_data(as_text=True)
        counts[link] = int(re.search(r"<p>(\d+) Einträge</p>", page).group(1))
    rows = figures.caseload_per_fte(world.scope())
    assert sorted(counts.values()) == sorted(r.eligible for r in rows) == [1, 11]


def test_dashboard_stays_within_the_page_weight_budget(world, login):
    from app.pageweight import FIRST_ROUND_TRIP, measure

    weight = measure(login("admin").client.get, f"/reports?{PERIOD}")
    assert weight.html_bytes < weight.html_raw_bytes
    assert weight.html_bytes <= FIRST_ROUND_TRIP, weight.html_bytes


def test_household_indicator_counts_for_every_member(world, login):
    seed_catalogue()
    child_benefit = db.session.scalar(select(Indicator).where(Indicator.key == "child_benefit"))
    family = world.families[0]
    db.session.add(
        IndicatorValue(
            indicator_id=child_benefit.id,
            household_id=family.id,
            person_id=None,
            value="true",
            valid_from=date(2025, 2, 1),
        )
    )
    db.session.commit()
    response = login("lead").get(f"/reports/export/indicators.csv?{PERIOD}")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    total = {r[4]: int(r[7]) for r in rows[1:] if r[1] == "child_benefit" and r[5] == "Insgesamt"}
    assert total == {"ja": 3, "(kein Wert)": 12 - 3}  # the family's three members
    # before the value's date nobody has one
    early = login("lead").get(f"/reports/export/indicators.csv?{PERIOD}&on=31.01.2025")
    assert "child_benefit;Kindergeld;true" not in early.get_data(as_text=True)


def test_drilldown_htmx_returns_the_list_fragment_and_pages(world, county, make, login):
    for copy in range(6):  # 9 + 6 * 5 = 39 persons in contact: two pages
        _more(county, make, copy)
    lead = login("lead")
    fragment = lead.htmx_get(f"/reports/list/personen?{PERIOD}", target="report-list")
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "39 Einträge" in html
    assert html.count("/persons/") == 25
    second = lead.get(f"/reports/list/personen?{PERIOD}&page=2").get_data(as_text=True)
    assert second.count("/persons/") == 14


def test_every_export_is_audited(world, login):
    lead = login("lead")
    for url in (
        f"/reports/export/dashboard.xlsx?{PERIOD}",
        f"/reports/export/indicators.csv?{PERIOD}&on=30.06.2025",
        f"/reports/export/indicators.xlsx?{PERIOD}",
        f"/reports/export/statistics.csv?{PERIOD}",
        f"/reports/export/statistics.xlsx?{PERIOD}",
    ):
        assert lead.get(url).status_code == 200, url
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
    ).all()
    assert [e.object_type for e in events] == [
        "report_dashboard",
        "report_indicator_distribution",
        "report_indicator_distribution",
        "report_pseudonymised",
        "report_pseudonymised",
    ]
    assert "as of 2025-06-30" in events[1].detail
    assert all(f"team {world.county.team_a.id}" in e.detail for e in events)
    assert login("lead").get(f"/reports/export/indicators.pdf?{PERIOD}").status_code == 404


def test_dashboard_speaks_the_interface_language(world, login):
    """Same figures; labels, dates, decimal signs and percentages follow the locale."""
    page = login("lead").get(f"/reports?{PERIOD}", headers={"Accept-Language": "en"})
    cards = numbers(page.get_data(as_text=True))
    assert cards["Persons in contact"] == "9"
    assert cards["of which single persons"] == "3 (33%)"
    assert cards["Eligible on Dec 31, 2025"] == "11"
    assert cards["per family household (2)"] == "4.5"
    assert cards["Ratio of families to single persons"] == "4.5 : 1"
    german = numbers(login("lead").get(f"/reports?{PERIOD}").get_data(as_text=True))
    assert german["je Familienhaushalt (2)"] == "4,5"
    assert german["davon Einzelpersonen"] == "3 (33 %)"
