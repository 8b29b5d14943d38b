"""Set-up without a developer: teams, municipalities and their teams (with the consequences shown
before saving), town organisations, and the first run of an empty installation."""

from __future__ import annotations

import os
import re
import stat

from sqlalchemy import func, select

from app.accounts import roles
from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.households.models import Household
from app.organisations.models import Municipality, Organisation, Team
from app.setup import services
from tests.conftest import PASSWORD, Browser


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_admin_creates_and_renames_a_team(county, login):
    admin = login("admin")
    assert admin.get("/admin/setup/").status_code == 200
    response = admin.post("/admin/setup/teams/new", {"name": "Team Ost"})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "Team Ost"))
    assert team.organisation_id == county.county.id
    response = admin.post(f"/admin/setup/teams/{team.id}", {"name": "Team Ost-Alb"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "Team Ost-Alb"
    assert {e.object_id for e in _audit("create")} >= {team.id}


def test_duplicate_or_empty_team_name_is_refused_next_to_the_field(county, login):
    admin = login("admin")
    before = db.session.scalar(select(func.count(Team.id)))
    for name, message in (("team nord", "gibt es schon"), ("", "Bitte einen Namen angeben.")):
        response = admin.post("/admin/setup/teams/new", {"name": name})
        assert response.status_code == 200
        assert re.search(r'<p class="error" id="name-err">[^<]*' + message, response.text)
    assert db.session.scalar(select(func.count(Team.id))) == before


def test_moving_a_town_shows_the_consequences_before_saving(county, make, login):
    extra = make.household(county.town_a, "Ahmadi", manager=county.users["manager"])
    make.person(extra, "Nour")
    closed = make.household(county.town_a, "Karimi", status="closed")
    make.person(closed, "Ali")
    db.session.commit()
    admin = login("admin")
    url = f"/admin/setup/municipalities/{county.town_a.id}"
    preview = admin.post(url, {"team_id": county.team_b.id})
    assert preview.status_code == 200
    assert "2 aktive Haushalte wechseln das Team." in preview.text
    assert "nicht im neuen Team" in preview.text  # both have a team-A manager
    db.session.expire_all()
    assert db.session.get(Household, extra.id).team_id == county.team_a.id  # nothing saved yet

    done = admin.post(url, {"team_id": county.team_b.id, "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Municipality, county.town_a.id).team_id == county.team_b.id
    for household_id in (county.household_a.id, extra.id):
        moved = db.session.get(Household, household_id)
        assert (moved.team_id, moved.manager_id) == (county.team_b.id, None)
    assert db.session.get(Household, closed.id).team_id == county.team_a.id
    assert sorted(e.object_id for e in _audit("team_change")) == sorted(
        [county.household_a.id, extra.id]
    )
    # The household now belongs to team B: its manager sees it, team A's does not.
    assert login("manager_b").get(f"/households/{extra.id}").status_code == 200
    assert login("manager").get(f"/households/{extra.id}").status_code == 404


def test_admin_adds_a_municipality(county, login):
    admin = login("admin")
    response = admin.post(
        "/admin/setup/municipalities/new",
        {"name": "Neudorf", "population": "1200", "team_id": county.team_b.id},
    )
    assert response.status_code == 302
    town = db.session.scalar(select(Municipality).where(Municipality.name == "Neudorf"))
    assert (town.organisation_id, town.team_id, town.population) == (
        county.county.id,
        county.team_b.id,
        1200,
    )
    again = admin.post(
        "/admin/setup/municipalities/new",
        {"name": "neudorf", "population": "x", "team_id": county.team_b.id},
    )
    assert "Diese Gemeinde gibt es schon." in again.text or "Zahl" in again.text
    assert (
        db.session.scalar(
            select(func.count(Municipality.id)).where(func.lower(Municipality.name) == "neudorf")
        )
        == 1
    )


def test_setup_pages_stay_within_role_and_organisation(county, login):
    for username in ("manager", "lead", "frontdesk", "volunteer"):
        assert login(username).get("/admin/setup/").status_code == 403
    town_admin = login("town_admin")
    assert town_admin.get(f"/admin/setup/municipalities/{county.town_a.id}").status_code == 404
    assert town_admin.get(f"/admin/setup/teams/{county.team_a.id}").status_code == 404
    # another organisation's team cannot be chosen for a town of one's own
    response = town_admin.post(
        f"/admin/setup/municipalities/{county.own_town.id}", {"team_id": county.team_a.id}
    )
    assert response.status_code == 200 and "Not a valid choice" not in response.text
    db.session.expire_all()
    assert db.session.get(Municipality, county.own_town.id).team_id == county.town_team.id
    # only a county admin founds town organisations
    assert town_admin.get("/admin/setup/organisations/new").status_code == 403


def test_county_admin_founds_a_town_with_its_own_im(county, make, login):
    empty_town = Municipality(
        name="Leerbach", organisation=county.county, team=county.team_b, population=800
    )
    db.session.add(empty_town)
    db.session.commit()
    admin = login("admin")
    form = {
        "name": "Gemeinde Leerbach",
        "team_name": "IM Leerbach",
        "municipality_ids": [empty_town.id, county.town_a.id],
        "admin_username": "leerbach_admin",
        "admin_name": "Lea Berg",
        "password": "ein sehr langes Startpasswort",
    }
    refused = admin.post("/admin/setup/organisations/new", form)
    assert refused.status_code == 200
    assert "In Nordheim gibt es Haushalte" in refused.text
    assert db.session.scalar(select(Organisation).where(Organisation.name == form["name"])) is None

    form["municipality_ids"] = [empty_town.id]
    assert admin.post("/admin/setup/organisations/new", form).status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Gemeinde Leerbach"))
    db.session.expire_all()
    town = db.session.get(Municipality, empty_town.id)
    assert (town.organisation_id, town.team.name) == (org.id, "IM Leerbach")
    new_admin = db.session.scalar(select(User).where(User.username == "leerbach_admin"))
    assert (new_admin.role, new_admin.organisation_id) == (roles.ADMIN, org.id)
    # the founder sees none of the new organisation's set-up, the new admin their own
    assert admin.get(f"/admin/setup/municipalities/{town.id}").status_code == 404
    b = Browser(admin.client._client.application.test_client())
    assert b.login("leerbach_admin", "ein sehr langes Startpasswort").status_code == 302
    assert "Leerbach" in b.get("/admin/setup/").text


def test_first_run_page_claims_an_empty_installation_with_the_code(app, ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # keep the project's folder clean
    browser = Browser(app.test_client())
    page = browser.get("/login")
    assert "zur ersten Einrichtung" in page.text
    assert browser.get("/setup").status_code == 200
    token_file = os.path.join(app.instance_path, "setup-token")
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    with open(token_file) as handle:
        token = handle.read().strip()
    form = {
        "organisation_name": "Landkreis Musterland",
        "kind": "county",
        "team_name": "Team Mitte",
        "goeppingen": "y",
        "admin_username": "erstadmin",
        "admin_name": "Erika Muster",
        "password": "ein sehr langes Startpasswort",
    }
    wrong = browser.post("/setup", {**form, "token": "falsch"})
    assert "Der Einrichtungs-Code stimmt nicht." in wrong.text
    assert services.is_fresh_installation()
    done = browser.post("/setup", {**form, "token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    org = db.session.scalar(
        select(Organisation).where(Organisation.name == form["organisation_name"])
    )
    teams = {t.name for t in org.teams}
    assert "Team Mitte" in teams and "Voralb" in teams  # the list's teams come along
    assert (
        db.session.scalar(
            select(func.count(Municipality.id)).where(Municipality.organisation_id == org.id)
        )
        == 33
    )  # 38 towns less the five with their own IM
    assert not os.path.exists(token_file)
    assert browser.get("/setup").status_code == 404  # once set up, never again
    assert browser.login("erstadmin", "ein sehr langes Startpasswort").status_code == 302
    assert _audit("setup_initialise")


def test_first_run_page_is_gone_once_accounts_exist(county, browser):
    assert browser.get("/setup").status_code == 404
    assert "zur ersten Einrichtung" not in browser.get("/login").text


def test_setup_init_command_starts_a_county_from_empty(app, ctx, tmp_path):
    towns = tmp_path / "towns.csv"
    towns.write_text(
        "\ufeffmunicipality,population_approx,county_team\nAdorf,1000,Nord\nBedorf,,\n",
        encoding="utf-8",
    )
    args = [
        "setup",
        "init",
        "--organisation",
        "Landkreis Leer",
        "--team",
        "Süd",
        "--admin-username",
        "chefin",
        "--admin-name",
        "Chefin",
        "--municipalities",
        str(towns),
    ]
    runner = app.test_cli_runner()
    weak = runner.invoke(args=args, env={"WEGBEGLEITER_ADMIN_PASSWORD": "kurz"})
    assert weak.exit_code != 0 and services.is_fresh_installation()
    result = runner.invoke(args=args, env={"WEGBEGLEITER_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "2 municipalities" in result.output
    towns_by_name = {m.name: m.team.name for m in db.session.scalars(select(Municipality))}
    assert towns_by_name == {"Adorf": "Nord", "Bedorf": "Süd"}
    again = runner.invoke(args=args, env={"WEGBEGLEITER_ADMIN_PASSWORD": PASSWORD})
    assert again.exit_code != 0 and "schon eingerichtet" in again.output
    assert db.session.scalar(select(func.count(User.id))) == 1
