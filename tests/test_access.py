"""Access control table: every route, every role. A route missing here fails the suite."""

from __future__ import annotations

import re

import pytest

from app import create_app

ROLES = ("anonymous", "admin", "team_lead", "manager", "front_desk", "volunteer")
LOGIN_AS = {
    "admin": "admin",
    "team_lead": "lead",
    "manager": "manager",
    "front_desk": "frontdesk",
    "volunteer": "volunteer",
}


def rule(
    anonymous: str, admin: str, team_lead: str, manager: str, front_desk: str, volunteer: str
) -> dict[str, str]:
    return dict(
        zip(ROLES, (anonymous, admin, team_lead, manager, front_desk, volunteer), strict=True)
    )


PUBLIC = rule("ok", "ok", "ok", "ok", "ok", "ok")
SIGNED_IN = rule("login", "ok", "ok", "ok", "ok", "ok")
CASE_DATA = rule("login", "ok", "ok", "ok", "deny", "deny")
ADMIN_ONLY = rule("login", "ok", "deny", "deny", "deny", "deny")
REVIEWERS = rule("login", "ok", "ok", "deny", "deny", "deny")  # team lead and admin
# Subject access and corrections history: team lead and admin, not every manager.
PRIVACY = REVIEWERS
# Logging out ends at the login page, whoever does it.
TO_LOGIN = rule("login", "login", "login", "login", "login", "login")
LEAD_AND_ADMIN = REVIEWERS
VOLUNTEER_ONLY = rule("login", "deny", "deny", "deny", "deny", "ok")
CALENDAR_USERS = rule("login", "ok", "ok", "ok", "deny", "ok")
STAFF = rule("login", "ok", "ok", "ok", "ok", "deny")
# Reachable with a valid secret token only (tested in test_appointments / test_officehours);
# with an invalid one every role, signed in or not, is refused.
TOKEN_ONLY = rule("deny", "deny", "deny", "deny", "deny", "deny")
# The admins of a town with its own IM only (the table's admin is the county's; the town admin
# is tested in test_county_figures.py).
TOWN_ADMIN_ONLY = rule("login", "deny", "deny", "deny", "deny", "deny")

EXPECTED: dict[str, dict[str, str]] = {
    "main.home": SIGNED_IN,
    "main.health": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": TO_LOGIN,
    "admin_users.index": ADMIN_ONLY,
    "admin_users.new": ADMIN_ONLY,
    "admin_users.edit": ADMIN_ONLY,
    "admin_users.reset_password": ADMIN_ONLY,
    "admin_users.deactivate": ADMIN_ONLY,
    "admin_users.unlock": ADMIN_ONLY,
    "audit.index": ADMIN_ONLY,
    "households.index": CASE_DATA,
    "households.new": CASE_DATA,
    "households.show": CASE_DATA,
    "households.edit": CASE_DATA,
    "households.close": CASE_DATA,
    "households.reopen": CASE_DATA,
    "households.new_person": CASE_DATA,
    "households.show_person": CASE_DATA,
    "households.edit_person": CASE_DATA,
    "households.search": CASE_DATA,
    "contacts.new": CASE_DATA,
    "contacts.show": CASE_DATA,
    "contacts.edit": CASE_DATA,
    "contacts.delete": CASE_DATA,
    "contacts.comment": REVIEWERS,
    "contacts.timeline": CASE_DATA,
    "contacts.tasks": CASE_DATA,
    "contacts.task_status": CASE_DATA,
    "contacts.contact_pdf": CASE_DATA,
    "contacts.next_steps_pdf": CASE_DATA,
    "contacts.household_pdf": CASE_DATA,
    "contacts.topics": ADMIN_ONLY,
    "contacts.edit_topic": ADMIN_ONLY,
    "contacts.hide_topic": ADMIN_ONLY,
    "consent.give": CASE_DATA,
    "consent.withdraw": CASE_DATA,
    "consent.form_pdf": CASE_DATA,
    "privacy.subject_access": PRIVACY,
    "privacy.subject_access_json": PRIVACY,
    "privacy.subject_access_pdf": PRIVACY,
    "privacy.access_history": ADMIN_ONLY,
    "privacy.retention_index": ADMIN_ONLY,
    "privacy.retention_run": ADMIN_ONLY,
    "privacy.anonymise_now": ADMIN_ONLY,
    "security.account": SIGNED_IN,
    "security.change_password": SIGNED_IN,
    "security.set_language": SIGNED_IN,
    "security.setup_2fa": SIGNED_IN,
    "security.regenerate_recovery_codes": SIGNED_IN,
    "security.disable_2fa": SIGNED_IN,
    # The second login step: without a pending login it sends everyone back to /login
    # (anonymous) or home (signed in).
    "security.verify_2fa": SIGNED_IN,
    "security.organisation_settings": ADMIN_ONLY,
    "security.reset_user_2fa": ADMIN_ONLY,
    "indicators.sheet": CASE_DATA,
    "indicators.row": CASE_DATA,
    "indicators.edit": CASE_DATA,
    "indicators.confirm": CASE_DATA,
    "indicators.worklist": CASE_DATA,
    "indicators.catalogue": ADMIN_ONLY,
    "indicators.edit_indicator": ADMIN_ONLY,
    "indicators.retire": ADMIN_ONLY,
    "indicators.hide_indicator": ADMIN_ONLY,
    "indicators.add_option": ADMIN_ONLY,
    "indicators.retire_option": ADMIN_ONLY,
    "indicators.edit_option": ADMIN_ONLY,
    "indicators.count_sheet": CASE_DATA,
    "indicators.count_sheet_download": CASE_DATA,
    "indicators.count_sheet_batch": CASE_DATA,
    "indicators.count_sheet_check": CASE_DATA,
    "plans.overview": CASE_DATA,
    "plans.new_plan": CASE_DATA,
    "plans.show": CASE_DATA,
    "plans.areas": CASE_DATA,
    "plans.new_goal": CASE_DATA,
    "plans.goal_status": CASE_DATA,
    "plans.new_step": CASE_DATA,
    "plans.review": CASE_DATA,
    "plans.agree": CASE_DATA,
    "plans.close": CASE_DATA,
    "plans.pdf": CASE_DATA,
    "plans.new_referral": CASE_DATA,
    "plans.edit_referral": CASE_DATA,
    "plans.extend": CASE_DATA,
    "plans.networking": CASE_DATA,
    "pwa.manifest": PUBLIC,
    "pwa.service_worker": PUBLIC,
    "pwa.offline": PUBLIC,
    "pwa.csrf_token": PUBLIC,  # answers 401 JSON when signed out (see test_pwa)
    "appointments.day": CASE_DATA,
    "appointments.week": CASE_DATA,
    "appointments.team": LEAD_AND_ADMIN,
    "appointments.new": CASE_DATA,
    "appointments.edit": CASE_DATA,
    "appointments.show": CASE_DATA,
    "appointments.status": CASE_DATA,
    "appointments.card": CASE_DATA,
    "appointments.card_preview": CASE_DATA,
    "appointments.share": CASE_DATA,
    "appointments.unshare": CASE_DATA,
    "appointments.volunteer_index": VOLUNTEER_ONLY,
    "appointments.volunteer_answer": VOLUNTEER_ONLY,
    "appointments.calendar": CALENDAR_USERS,
    "appointments.calendar_issue": CALENDAR_USERS,
    "appointments.calendar_revoke": CALENDAR_USERS,
    "appointments.feed": TOKEN_ONLY,
    "officehours.locations": CASE_DATA,
    "officehours.location": CASE_DATA,
    "officehours.location_new": LEAD_AND_ADMIN,
    "officehours.location_edit": LEAD_AND_ADMIN,
    "officehours.schedule_new": LEAD_AND_ADMIN,
    "officehours.schedule_delete": LEAD_AND_ADMIN,
    "officehours.exception_new": LEAD_AND_ADMIN,
    "officehours.exception_delete": LEAD_AND_ADMIN,
    "officehours.kiosk_new": ADMIN_ONLY,
    "officehours.kiosk_revoke": ADMIN_ONLY,
    "officehours.book": CASE_DATA,
    "officehours.queue": CASE_DATA,
    "officehours.take": CASE_DATA,
    "officehours.finish": CASE_DATA,
    # The step after taking a walk-in (only the manager who took it; test_officehours.py).
    "officehours.walk_in": CASE_DATA,
    "officehours.kiosk_enrol": TOKEN_ONLY,
    "officehours.desk_index": STAFF,
    "officehours.desk": STAFF,
    "officehours.desk_checkin": STAFF,
    "finder.index": PUBLIC,
    "finder.organisation": ADMIN_ONLY,
    # Staff and funding: admins edit, team leads read their own team (test_staffing.py).
    "staffing.overview": LEAD_AND_ADMIN,
    "staffing.positions": LEAD_AND_ADMIN,
    "staffing.position_new": ADMIN_ONLY,
    "staffing.position_edit": ADMIN_ONLY,
    "staffing.period_new": ADMIN_ONLY,
    "staffing.period_edit": ADMIN_ONLY,
    # Experience report: admins and team leads (own team); only admins write its texts.
    "experience.index": LEAD_AND_ADMIN,
    "experience.pdf": LEAD_AND_ADMIN,
    "experience.save_texts": ADMIN_ONLY,
    "reports.dashboard": REVIEWERS,
    "reports.drilldown": REVIEWERS,
    "reports.export_dashboard": REVIEWERS,
    "reports.export_distribution": REVIEWERS,
    "reports.export_pseudonymised": REVIEWERS,
    # Combined county figures: the county's admins only (test_county_figures.py).
    "reports.county": ADMIN_ONLY,
    # Set-up of teams and municipalities: admins, their own organisation (test_setup.py).
    # Spreadsheet import of households and persons (test_imports.py).
    "imports.upload": LEAD_AND_ADMIN,
    "imports.mapping": LEAD_AND_ADMIN,
    "imports.confirm": LEAD_AND_ADMIN,
    "imports.template_file": LEAD_AND_ADMIN,
    "setup.index": ADMIN_ONLY,
    "setup.team": ADMIN_ONLY,
    "setup.new_municipality": ADMIN_ONLY,
    "setup.municipality": ADMIN_ONLY,
    "setup.new_organisation": ADMIN_ONLY,
    "setup.sharing": TOWN_ADMIN_ONLY,
    # Caseload handover: team leads (own team) and admins (organisation) (test_handover.py).
    "handover.index": LEAD_AND_ADMIN,
    # Transfers: started by the sending side, decided by the receiving side (test_transfers.py).
    "transfers.start": CASE_DATA,
    "transfers.inbox": LEAD_AND_ADMIN,
    "transfers.decide": LEAD_AND_ADMIN,
    # Merging duplicates (test_merge.py): whoever works on the team's cases.
    "merge.persons": CASE_DATA,
    "merge.households": CASE_DATA,
    "merge.person_duplicates": CASE_DATA,
    "merge.household_duplicates": CASE_DATA,
    "merge.result": CASE_DATA,
    # The first run exists only while the installation has no accounts.
    "firstrun.first_run": TOKEN_ONLY,
}
NOT_ROUTES = {"static"}

_url_map_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
RULES = [r for r in _url_map_app.url_map.iter_rules() if r.endpoint not in NOT_ROUTES]


def test_every_route_is_in_the_table():
    endpoints = {r.endpoint for r in RULES}
    assert endpoints - EXPECTED.keys() == set(), "add the new routes to EXPECTED"
    assert EXPECTED.keys() - endpoints == set(), "remove routes that no longer exist"


def url_args(county, needed: set[str]) -> dict[str, int | str]:
    """Ids for a route's URL, creating only the records that route needs."""
    from datetime import date

    from sqlalchemy import select

    from app.contacts.models import Topic
    from app.extensions import db
    from app.indicators.catalogue import seed_catalogue
    from app.indicators.models import Indicator
    from app.plans.models import Goal, IntegrationPlan, Referral
    from tests.contacts_helpers import make_contact, seed_topics

    household = county.household_a
    args: dict[str, int | str] = {
        "household_id": household.id,
        "person_id": county.person_a.id,
        "user_id": county.users["colleague"].id,
        "group": "language",
        "fmt": "csv",
        "figure": "personen",
        "token": "not-a-valid-token",
        "team_id": county.team_a.id,
        "municipality_id": county.town_a.id,
    }
    if needed & {"contact_id", "task_id", "topic_id"}:
        seed_topics()
        contact = make_contact(household, county.users["manager"], tasks=[{}])
        args |= {
            "contact_id": contact.id,
            "task_id": contact.tasks[0].id,
            "topic_id": db.session.scalar(select(Topic.id).limit(1)),
        }
    appointment_ids = {
        "appointment_id",
        "share_id",
        "location_id",
        "schedule_id",
        "exception_id",
        "token_id",
        "entry_id",
    }
    if needed & appointment_ids:
        from tests.appointment_world import build_world

        world = build_world(county)
        args |= {
            "appointment_id": world.appointment.id,
            "share_id": world.share.id,
            "location_id": world.location.id,
            "schedule_id": world.schedule.id,
            "exception_id": world.exception.id,
            "token_id": world.kiosk_token.id,
            "entry_id": world.entry.id,
        }
    if needed & {"indicator_id", "option_id"}:
        seed_catalogue()
        indicator = db.session.scalar(select(Indicator).where(Indicator.key == "german_level"))
        args |= {"indicator_id": indicator.id, "option_id": indicator.options[0].id}
    if needed & {"plan_id", "goal_id", "referral_id"}:
        plan = IntegrationPlan(household_id=household.id, started_on=date(2025, 1, 1))
        db.session.add(plan)
        db.session.flush()
        goal = Goal(plan_id=plan.id, field="german", title="B1 erreichen")
        referral = Referral(
            household_id=household.id, service="job_centre", referred_on=date(2025, 2, 1)
        )
        db.session.add_all([goal, referral])
        db.session.commit()
        args |= {"plan_id": plan.id, "goal_id": goal.id, "referral_id": referral.id}
    if "transfer_id" in needed:
        from app.transfers.models import Transfer

        # A transfer from the town's IM into Nordheim (team A of the county) waits.
        transfer = Transfer(
            household_id=county.household_town.id,
            from_org_id=county.town.id,
            to_org_id=county.county.id,
            to_municipality_id=county.town_a.id,
            household_name=county.household_town.name,
            persons=1,
            created_by_id=county.users["town_manager"].id,
        )
        db.session.add(transfer)
        db.session.commit()
        args["transfer_id"] = transfer.id
    if needed & {"other_person_id", "other_household_id", "merge_id"}:
        from app.households.models import Household, Person
        from app.merge.services import merge_households

        twin = Household(
            organisation=county.county,
            team=county.team_a,
            municipality=county.town_a,
            name="Haddad",
            accommodation="follow_up",
        )
        again = Person(
            household=household,
            given_name="Samira",
            family_name="Hadad",
            residence_status="residence_permit",
        )
        gone = Household(
            organisation=county.county,
            team=county.team_a,
            municipality=county.town_a,
            name="Haddad",
            accommodation="follow_up",
        )
        db.session.add_all([twin, again, gone])
        db.session.commit()
        args |= {"other_person_id": again.id, "other_household_id": twin.id}
        merged = merge_households(None, twin, gone, {})
        db.session.commit()
        args["merge_id"] = merged.id
    if needed & {"position_id", "period_id"}:
        from tests.staffing_helpers import make_period, make_position

        period = make_period(county.county)
        position = make_position(period, county.team_a, county.users["manager"])
        db.session.commit()
        args |= {"position_id": position.id, "period_id": period.id}
    db.session.commit()
    return args


def outcome(response) -> str:
    if response.status_code in (403, 404):
        return "deny"
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return "login"
    assert response.status_code < 500, response.status_code
    return "ok"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_rule", RULES, ids=lambda r: f"{r.endpoint}:{r.rule}")
def test_route_access(url_rule, role, county, browser, login):
    expected = EXPECTED[url_rule.endpoint][role]
    b = browser if role == "anonymous" else login(LOGIN_AS[role])
    known = url_args(county, set(url_rule.arguments))
    args = {name: known[name] for name in url_rule.arguments}
    from flask import url_for

    with _url_map_app.test_request_context():
        url = url_for(url_rule.endpoint, **args)
    response = b.get(url) if "GET" in url_rule.methods else b.post(url, {})
    assert outcome(response) == expected, f"{role} {url} -> {response.status_code}"


@pytest.mark.parametrize(
    "url",
    [
        "/households/{b}",
        "/households/{b}/edit",
        "/households/{b}/close",
        "/households/{b}/persons/new",
        "/persons/{pb}",
        "/persons/{pb}/edit",
    ],
)
def test_manager_cannot_open_other_teams_household_by_guessing(url, county, login, ctx):
    from sqlalchemy import select

    from app.households.models import Person

    person_b = county.household_b.members[0]
    target = url.format(b=county.household_b.id, pb=person_b.id)
    for role in ("manager", "town_manager"):
        b = login(role)
        assert b.get(target).status_code == 404, (role, target)
    # Changing another team's data by POST is refused as well, and nothing changes.
    from app.extensions import db

    before = person_b.given_name
    response = login("manager").post(f"/persons/{person_b.id}/edit", {"given_name": "Hacked"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(Person.given_name).where(Person.id == person_b.id)) == before


def test_front_desk_and_volunteer_see_no_case_data(county, login):
    names = ["Haddad", "Samira", "Rahimi", "Kovalenko", "سميرة"]
    for role in ("frontdesk", "volunteer"):
        b = login(role)
        for url in (
            "/",
            f"/households/{county.household_a.id}",
            "/search",
            "/households",
            f"/persons/{county.person_a.id}",
        ):
            body = b.get(url).get_data(as_text=True)
            assert not any(n in body for n in names), (role, url)
        assert "Haushalte" not in b.get("/").get_data(as_text=True)


# --- numbers in URLs: ids beyond BIGINT and digits of other scripts never reach the database --

BAD_IDS = (
    str(2**63),  # one above the largest BIGINT
    str(10**20),
    "0",
    "３",  # full-width digit three
    "٣",  # Arabic-Indic digit three
    "1" * 5000,  # beyond Python's int() digit limit
)
ID_RULES = [r for r in RULES if "<int:" in r.rule]


# Bad ids never reach a view, so nothing changes between roles: one world per route serves all
# three (a test per route and role would build the same county 3 times over).
@pytest.mark.parametrize("url_rule", ID_RULES, ids=lambda r: f"{r.endpoint}:{r.rule}")
def test_out_of_range_ids_in_urls_are_not_found(url_rule, county, browser, login):
    known = url_args(county, set(url_rule.arguments))
    wrong = []
    for role in ("anonymous", "admin", "manager"):
        b = browser if role == "anonymous" else login(LOGIN_AS[role])
        for bad in BAD_IDS:
            url = re.sub(
                r"<(?:(\w+):)?(\w+)>",
                lambda m, bad=bad: bad if m.group(1) == "int" else str(known[m.group(2)]),
                url_rule.rule,
            )
            response = b.get(url) if "GET" in url_rule.methods else b.post(url, {})
            if response.status_code != 404:
                wrong.append(f"{role} {url[:80]} -> {response.status_code}")
    assert wrong == []


# Every numeric query argument a route reads, directly or through a filter form.
NUMERIC_ARGS = (
    "page",
    "user_id",
    "object_id",
    "municipality_id",
    "team_id",
    "team",
    "topic_id",
    "manager_id",
    "period",
    "user",
    "year",
    "person_id",
    "person_ids",
    "location_id",
    "duration",
    "age_min",
    "age_max",
)
HUGE_VALUES = (str(10**20), str(2**63), "-" + str(2**63), "３", "1" * 5000)


@pytest.mark.parametrize(
    "url_rule", [r for r in RULES if "GET" in r.methods], ids=lambda r: f"{r.endpoint}:{r.rule}"
)
def test_huge_numeric_query_arguments_never_give_500(url_rule, county, login):
    from urllib.parse import urlencode

    from flask import url_for

    known = url_args(county, set(url_rule.arguments))
    with _url_map_app.test_request_context():
        url = url_for(url_rule.endpoint, **{n: known[n] for n in url_rule.arguments})
    wrong = []
    for role in ("admin", "manager"):
        b = login(LOGIN_AS[role])
        for value in HUGE_VALUES:
            query = urlencode({name: value for name in NUMERIC_ARGS})
            response = b.get(f"{url}?{query}")
            if response.status_code >= 500:
                wrong.append(f"{role} {url} {value[:30]} -> {response.status_code}")
    assert wrong == []
