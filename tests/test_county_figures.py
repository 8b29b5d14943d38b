"""Combined county figures (issue #16, point 7): the county's admins see the dashboard figures
of the county and of the towns with their own IM that agreed, side by side and summed, as
aggregates only; a town agrees on its set-up page."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.accounts import roles
from app.audit.models import AuditEvent
from app.audit.refusals import ACTION as REFUSED
from app.extensions import db
from app.organisations.models import Municipality, Organisation, Team
from app.reports import county as county_view
from app.reports import figures
from app.reports.figures import ReportScope
from app.timeutil import today
from tests.contacts_helpers import contact_payload, form_key, make_contact
from tests.reports_world import YEAR_2025, build

PERIOD = "date_from=01.01.2025&date_to=31.12.2025"
# Figures shown as whole numbers (FTE has two decimals).
WHOLE = [f.key for f in county_view.count_figures() if f.digits == 0]
NAMES = ("Haddad", "Samira", "Kovalenko", "Olena", "Rahimi", "Farid", "Solo", "Zweitfam", "Zora")


@pytest.fixture
def world(consented, make):
    return build(consented, make)


@pytest.fixture
def second_town(world, make):
    """Another town with its own IM, which does not share its figures, with a contact."""
    org = Organisation(name="Stadt Zweitstadt", kind="town")
    team = Team(organisation=org, name="IM Zweitstadt")
    town = Municipality(name="Zweitstadt", organisation=org, team=team, population=7000)
    db.session.add_all([org, team, town])
    manager = make.user("zweit_manager", roles.MANAGER, org, team)
    household = make.household(town, "Zweitfamilie", manager=manager)
    make.person(household, "Zora")
    db.session.commit()
    make_contact(household, manager, when=datetime(2025, 4, 1, 10), setting="office")
    return org


def share_figures(login, username: str, shares: bool):
    admin = login(username)
    admin.get("/admin/setup/")
    return admin.post("/admin/setup/sharing", {"shares_figures": "y"} if shares else {})


def table(html: str) -> dict[str, dict[str, str]]:
    """Rows of the county table: figure id -> {organisation (or "Summe"): number shown}."""
    rows = re.findall(r'<tr id="f-([\w-]+)"><th scope="row">.*?</th>(.*?)</tr>', html, re.S)
    return {
        key: dict(re.findall(r'<span class="cell-org">([^<]*): </span>([^<]*)</td>', cells))
        for key, cells in rows
    }


def row_id(key: str) -> str:
    return key.replace(".", "-")


def numbers(html: str) -> dict[str, str]:
    """Figure cards of the dashboard: label -> the number shown."""
    found = re.findall(r"<strong>([^<]+)</strong> <span>([^<]+)</span>", html)
    return {label: value for value, label in found}


# --- the towns' consent -------------------------------------------------------------------------
def test_a_town_agrees_on_its_set_up_page_and_can_withdraw(login, county):
    town_admin = login("town_admin")
    page = town_admin.get("/admin/setup/").text
    assert "Zahlen mit dem Landkreis teilen" in page and "nur Summen" in page
    for _twice in range(2):  # a double submit records one change
        assert share_figures(login, "town_admin", True).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, county.town.id).shares_figures is True
    assert "checked" in town_admin.get("/admin/setup/").text
    assert share_figures(login, "town_admin", False).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, county.town.id).shares_figures is False
    changes = db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.object_type == "organisation", AuditEvent.object_id == county.town.id
        )
    ).all()
    assert changes == ["shares figures: True", "shares figures: False"]
    # The county has nothing to agree to.
    county_admin = login("admin")
    assert "shares_figures" not in county_admin.get("/admin/setup/").text
    assert county_admin.post("/admin/setup/sharing", {"shares_figures": "y"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Organisation, county.county.id).shares_figures is False


# --- the combined view --------------------------------------------------------------------------
def test_sums_equal_the_organisations_own_dashboards(world, second_town, login):
    county = world.county
    share_figures(login, "town_admin", True)
    # The town's manager records one more contact through the contact form.
    town_manager = login("town_manager")
    household = county.household_town
    html = town_manager.get(f"/households/{household.id}/contacts/new").text
    data = contact_payload(
        [household.members[0].id], occurred_at="2025-06-02T10:00", topics=["housing"]
    )
    data["idempotency_key"] = form_key(html)
    assert town_manager.post(f"/households/{household.id}/contacts/new", data).status_code == 302

    page = login("admin").get(f"/reports/county?{PERIOD}")
    assert page.status_code == 200
    rows = table(page.text)
    columns = [county.county.name, county.town.name, "Summe"]
    assert list(rows["contacts"]) == columns  # the town that did not agree has no column
    assert rows["contacts"] == {county.county.name: "14", county.town.name: "2", "Summe": "16"}
    for org in (county.county, county.town):
        own = figures.dashboard(ReportScope(organisation_id=org.id, **YEAR_2025), today())
        expected = {f.key: f.count(own) for f in county_view.count_figures()}
        for key in WHOLE:
            assert rows[row_id(key)][org.name] == str(expected[key]), (org.name, key)
    for key in WHOLE:
        cells = rows[row_id(key)]
        assert int(cells["Summe"]) == int(cells[county.county.name]) + int(cells[county.town.name])
    # What each organisation's admin sees on its own dashboard is its column.
    for username, org in (("admin", county.county), ("town_admin", county.town)):
        cards = numbers(login(username).get(f"/reports?{PERIOD}").text)
        assert cards["Beratungskontakte"] == rows["contacts"][org.name]
        assert cards["Personen in Kontakt"] == rows["persons"][org.name]
        assert cards["Haushalte in Kontakt"] == rows["households"][org.name]
        assert cards["offene Aufgaben heute"] == rows["tasks_open"][org.name]
        assert cards["Anmeldungen zur Sprechstunde"] == rows["checkins"][org.name]
    # Shares come from the sums, not from adding percentages.
    eligible = int(rows["eligible"]["Summe"])
    reached = int(rows["eligible_in_contact"]["Summe"])
    assert rows["coverage"]["Summe"] == f"{round(100 * reached / eligible)} %"
    # Topics: the defaults summed (town's housing contact included).
    housing = re.search(r"<th scope=\"row\">Wohnen</th>(.*?)</tr>", page.text, re.S).group(1)
    shown = dict(re.findall(r'<span class="cell-org">([^<]*): </span>([^<]*)</td>', housing))
    for org in (county.county, county.town):
        scope = ReportScope(organisation_id=org.id, **YEAR_2025)
        own = {t.key: t.count for t in figures.contacts_by_topic(scope)}
        assert shown[org.name] == str(own["housing"])
    assert int(shown["Summe"]) == int(shown[county.county.name]) + int(shown[county.town.name])
    # Aggregates only: no name, no list, no link to a record.
    assert not any(name in page.text for name in NAMES)
    assert "/households/" not in page.text and "/reports/list/" not in page.text
    listed = re.search(r'<ul class="list"[^>]*id="not-shared">(.*?)</ul>', page.text, re.S)
    assert "Stadt Zweitstadt" in listed.group(1) and "nicht freigegeben" in listed.group(1)


def test_a_town_that_did_not_agree_is_listed_and_not_summed(world, login):
    county = world.county
    admin = login("admin")
    rows = table(admin.get(f"/reports/county?{PERIOD}").text)
    assert list(rows["contacts"]) == [county.county.name, "Summe"]
    for key in WHOLE:
        assert rows[row_id(key)]["Summe"] == rows[row_id(key)][county.county.name]
    page = admin.get(f"/reports/county?{PERIOD}").text
    assert f'{county.town.name} · <span class="muted">nicht freigegeben</span>' in page
    # Agreeing shows the town; withdrawing hides it again.
    share_figures(login, "town_admin", True)
    assert county.town.name in table(admin.get(f"/reports/county?{PERIOD}").text)["contacts"]
    share_figures(login, "town_admin", False)
    assert county.town.name not in table(admin.get(f"/reports/county?{PERIOD}").text)["contacts"]


def test_the_combined_figures_are_the_dashboards_summed(world, second_town, login):
    share_figures(login, "town_admin", True)
    county = world.county
    start, end = YEAR_2025["start"], YEAR_2025["end"]
    combined = county_view.combined(start, end, today())
    assert [c.name for c in combined.columns] == [county.county.name, county.town.name]
    assert combined.not_shared == ["Stadt Zweitstadt"]
    dashboards = [
        figures.dashboard(ReportScope(organisation_id=org.id, start=start, end=end), today())
        for org in (county.county, county.town)
    ]
    for f in combined.figures:
        assert combined.total.counts[f.key] == sum(f.count(d) for d in dashboards), f.key
    assert combined.total.counts["persons"] == sum(d.reach.persons for d in dashboards)
    assert combined.total.share("eligible_in_contact", "eligible") == (
        sum(d.coverage.eligible_in_contact for d in dashboards)
        / sum(d.coverage.eligible for d in dashboards)
    )


def test_period_filter_and_htmx_fragment(world, login):
    admin = login("admin")
    rows = table(admin.get("/reports/county?date_from=01.01.2024&date_to=31.12.2024").text)
    scope = ReportScope(
        organisation_id=world.county.county.id, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    assert rows["contacts"]["Summe"] == str(figures.dashboard(scope, today()).settings.total)
    assert (
        rows["contacts"]["Summe"]
        != table(admin.get(f"/reports/county?{PERIOD}").text)["contacts"]["Summe"]
    )
    fragment = admin.htmx_get(f"/reports/county?{PERIOD}", target="county")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="county"' in fragment.text
    bad = admin.get("/reports/county?date_from=31.12.2025&date_to=01.01.2025")
    assert bad.status_code == 200 and "„Bis“ liegt vor „Von“." in bad.text


def test_only_the_county_admins_see_it(world, login, browser):
    share_figures(login, "town_admin", True)
    for username in ("town_admin", "lead", "manager", "frontdesk", "volunteer", "town_manager"):
        response = login(username).get(f"/reports/county?{PERIOD}")
        assert response.status_code == 403, username
        assert "Haushalte in Kontakt" not in response.text
    assert browser.get("/reports/county").status_code == 302  # to the login
    refusals = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == REFUSED).order_by(AuditEvent.id)
    ).all()
    assert len(refusals) == 6
    assert all(d == "reports.county 403 GET /reports/county" for d in refusals)
    # The county's admin finds it from the dashboard.
    assert 'href="/reports/county"' in login("admin").get("/reports").text
    assert 'href="/reports/county"' not in login("town_admin").get("/reports").text
