"""Transfer between organisations: with the clients' transfer consent the receiving side
accepts and the case moves (the sender keeps no access); without it only a notice of the move
goes and the case closes; a town of one's own organisation is refused. Both sides audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import roles
from app.appointments.models import Appointment, AppointmentShare
from app.audit.models import AuditEvent
from app.consent.models import ConsentRecord
from app.contacts.models import Contact, Task
from app.extensions import db
from app.households.models import Household
from app.timeutil import today
from app.transfers import services
from app.transfers.models import Transfer
from tests.appointment_world import build_world
from tests.contacts_helpers import make_contact, seed_topics


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _consent_by_form(b, person_id: int, **scopes: str):
    data = {
        "counselling": "y",
        "language": "de",
        "form_version": "2026-1",
        "method": "paper",
        "given_on": today().strftime("%d.%m.%Y"),
    } | scopes
    b.get(f"/persons/{person_id}/consent/new")
    return b.post(f"/persons/{person_id}/consent/new", data)


def _start(b, household_id: int, municipality_id: int, confirm: bool = True):
    url = f"/households/{household_id}/transfer"
    b.get(url)
    data = {"municipality_id": municipality_id} | ({"confirm": "y"} if confirm else {})
    return b.post(url, data)


@pytest.fixture
def moving(county):
    """Haddad (Nordheim, county team A) with a noted contact, an open task and an appointment
    shared with a volunteer; a team lead at the town's IM."""
    seed_topics()
    make_contact(
        county.household_a,
        county.users["manager"],
        note="Vertrauliche Notiz zur Wohnung",
        tasks=[{"description": "Antrag Wohngeld"}],
    )
    world = build_world(county)  # also consents to counselling and volunteer sharing
    world.appointment.starts_at += timedelta(days=2)
    world.appointment.ends_at += timedelta(days=2)
    db.session.commit()
    return county, world


def test_consent_form_records_the_transfer_scope(county, login):
    manager = login("manager")
    assert _consent_by_form(manager, county.person_a.id, transfer="y").status_code == 302
    record = db.session.scalar(select(ConsentRecord))
    assert (record.transfer, record.transfer_notes) == (True, False)
    refused = _consent_by_form(manager, county.person_a.id, transfer_notes="y")
    assert re.search(r'id="transfer_notes-err">Notizen gehen nur mit', refused.text)
    assert len(db.session.scalars(select(ConsentRecord)).all()) == 1


def test_with_consent_the_receiving_side_accepts_and_the_case_moves(moving, login, app):
    county, world = moving
    household_id, person_id = county.household_a.id, county.person_a.id
    manager = login("manager")
    assert _consent_by_form(manager, person_id, transfer="y").status_code == 302

    preview = _start(manager, household_id, county.own_town.id, confirm=False)
    assert preview.status_code == 200
    assert "Alle Personen haben in die Übertragung eingewilligt." in preview.text
    assert "Die Gesprächsnotizen gehen nicht mit" in preview.text
    assert db.session.scalars(select(Transfer)).all() == []  # nothing sent yet
    sent = _start(manager, household_id, county.own_town.id)
    assert sent.status_code == 302
    # A replay of the confirmation sends nothing twice.
    assert _start(manager, household_id, county.own_town.id).status_code == 302
    transfer = db.session.scalar(select(Transfer))
    assert len(db.session.scalars(select(Transfer)).all()) == 1
    assert (transfer.status, transfer.to_org_id, transfer.with_notes) == (
        "pending",
        county.town.id,
        False,
    )
    assert [e.user_id for e in _events("transfer_start")] == [county.users["manager"].id]
    assert manager.get(f"/households/{household_id}").status_code == 200  # still the sender's

    town_admin = login("town_admin")
    inbox = town_admin.get("/transfers")
    assert "Haddad" in inbox.text and "Testkreis" in inbox.text
    detail = town_admin.get(f"/transfers/{transfer.id}")
    assert detail.status_code == 200 and "Samira" not in detail.text  # no case data yet
    assert town_admin.get(f"/households/{household_id}").status_code == 404
    accepted = town_admin.post(
        f"/transfers/{transfer.id}",
        {"manager_id": county.users["town_manager"].id, "accept": "1"},
    )
    assert accepted.status_code == 302
    db.session.expire_all()
    household = db.session.get(Household, household_id)
    assert (
        household.organisation_id,
        household.team_id,
        household.municipality_id,
        household.manager_id,
        household.status,
    ) == (
        county.town.id,
        county.town_team.id,
        county.own_town.id,
        county.users["town_manager"].id,
        "active",
    )
    # Without consent to the notes the contact moves without its text.
    contact = db.session.scalar(select(Contact))
    assert contact.household_id == household_id and contact.note == ""
    assert db.session.scalar(select(Task)).owner_id == county.users["town_manager"].id
    assert db.session.get(Appointment, world.appointment.id).status == "cancelled"
    assert db.session.scalars(select(AppointmentShare)).all() == []
    assert [e.user_id for e in _events("transfer_accept")] == [county.users["town_admin"].id]

    # The sender keeps no access; the receiving manager has the case.
    for username in ("manager", "lead", "admin"):
        b = login(username)
        assert b.get(f"/households/{household_id}").status_code == 404
        assert b.get(f"/persons/{person_id}").status_code == 404
    assert "Nordheim" not in login("volunteer").get("/volunteer").text  # the share ended
    receiving = login("town_manager").get(f"/households/{household_id}")
    assert receiving.status_code == 200 and "Samira" in receiving.text
    # Accepting again changes nothing.
    again = town_admin.post(f"/transfers/{transfer.id}", {"manager_id": 0, "accept": "1"})
    assert again.status_code == 302
    assert len(_events("transfer_accept")) == 1
    # Each side's audit log shows its own part.
    accepted_log = "/admin/audit/?action=transfer_accept"
    sent_log = "/admin/audit/?action=transfer_start"
    assert f"transfer {transfer.id} from organisation" in town_admin.get(accepted_log).text
    county_admin = login("admin")
    assert f"transfer {transfer.id} to organisation" in county_admin.get(sent_log).text
    assert "from organisation" not in county_admin.get(accepted_log).text
    # The finder names the receiving organisation for the household's new town.
    finder = app.test_client().get(f"/zustaendigkeit?municipality_id={county.own_town.id}")
    assert "Zuständig: <strong>Stadt Eigenstadt</strong>" in finder.text


def test_notes_move_only_with_consent_to_them(moving, login):
    county, _world = moving
    manager = login("manager")
    _consent_by_form(manager, county.person_a.id, transfer="y", transfer_notes="y")
    preview = _start(manager, county.household_a.id, county.own_town.id, confirm=False)
    assert "Die Gesprächsnotizen gehen mit." in preview.text
    _start(manager, county.household_a.id, county.own_town.id)
    transfer = db.session.scalar(select(Transfer))
    town_admin = login("town_admin")
    town_admin.get(f"/transfers/{transfer.id}")
    town_admin.post(f"/transfers/{transfer.id}", {"manager_id": 0, "accept": "1"})
    db.session.expire_all()
    assert db.session.scalar(select(Contact)).note == "Vertrauliche Notiz zur Wohnung"
    assert db.session.get(Household, county.household_a.id).manager_id is None  # the team


def test_without_consent_only_a_notice_goes_and_the_case_closes(moving, login):
    county, _world = moving
    manager = login("manager")
    preview = _start(manager, county.household_a.id, county.own_town.id, confirm=False)
    assert "nur eine Umzugsmeldung" in preview.text and "Samira Haddad" in preview.text
    assert _start(manager, county.household_a.id, county.own_town.id).status_code == 302
    transfer = db.session.scalar(select(Transfer))
    assert (transfer.status, transfer.consent_id) == ("notice", None)
    db.session.expire_all()
    household = db.session.get(Household, county.household_a.id)
    assert (household.status, household.closed_reason) == ("closed", "moved_away")
    assert household.organisation_id == county.county.id  # the case stays with the sender
    assert len(_events("transfer_notice")) == 1 and len(_events("close")) == 1
    # A replay: the case is closed, nothing is sent again.
    assert _start(manager, county.household_a.id, county.own_town.id).status_code == 200
    assert len(db.session.scalars(select(Transfer)).all()) == 1

    town_admin = login("town_admin")
    inbox = town_admin.get("/transfers")
    assert "Haddad" in inbox.text and "Umzug gemeldet" in inbox.text and "Eigenstadt" in inbox.text
    assert "Samira" not in inbox.text and "Vertrauliche" not in inbox.text
    notice = town_admin.get(f"/transfers/{transfer.id}")
    assert "Annehmen" not in notice.text  # nothing to accept
    refused = town_admin.post(f"/transfers/{transfer.id}", {"manager_id": 0, "accept": "1"})
    assert refused.status_code == 302
    assert town_admin.get(f"/households/{county.household_a.id}").status_code == 404
    assert _events("transfer_accept") == []


def test_a_town_of_ones_own_organisation_is_refused(county, login):
    manager = login("manager")
    refused = _start(manager, county.household_a.id, county.town_b.id)
    assert refused.status_code == 200
    assert re.search(r'id="municipality_id-err">Südhausen gehört zu Ihrer eigenen', refused.text)
    assert db.session.scalars(select(Transfer)).all() == []
    db.session.expire_all()
    assert db.session.get(Household, county.household_a.id).status == "active"


def test_the_receiving_side_may_decline_and_the_case_stays(moving, make, login):
    county, _world = moving
    make.user("town_lead", roles.TEAM_LEAD, county.town, county.town_team)
    db.session.commit()
    manager = login("manager")
    _consent_by_form(manager, county.person_a.id, transfer="y")
    _start(manager, county.household_a.id, county.own_town.id)
    transfer = db.session.scalar(select(Transfer))
    lead = login("town_lead")  # the team lead of the town's team decides too
    lead.get(f"/transfers/{transfer.id}")
    assert lead.post(f"/transfers/{transfer.id}", {"manager_id": 0, "decline": "1"}).status_code
    db.session.expire_all()
    assert db.session.get(Transfer, transfer.id).status == "declined"
    assert [e.user_id for e in _events("transfer_decline")] == [
        db.session.scalar(select(Transfer.decided_by_id))
    ]
    assert db.session.get(Household, county.household_a.id).organisation_id == county.county.id
    assert manager.get(f"/households/{county.household_a.id}").status_code == 200
    # A new transfer may be started later.
    assert "abgelehnt" in manager.get(f"/households/{county.household_a.id}/transfer").text


def test_a_consent_withdrawn_meanwhile_stops_the_acceptance(moving, login):
    county, _world = moving
    manager = login("manager")
    _consent_by_form(manager, county.person_a.id, transfer="y")
    _start(manager, county.household_a.id, county.own_town.id)
    url = f"/persons/{county.person_a.id}/consent/withdraw"
    manager.get(url)
    manager.post(url, {"withdrawn_on": today().strftime("%d.%m.%Y"), "confirm": "y"})
    transfer = db.session.scalar(select(Transfer))
    town_admin = login("town_admin")
    town_admin.get(f"/transfers/{transfer.id}")
    refused = town_admin.post(f"/transfers/{transfer.id}", {"manager_id": 0, "accept": "1"})
    assert refused.status_code == 200 and "gilt nicht mehr" in refused.text
    db.session.expire_all()
    assert db.session.get(Household, county.household_a.id).organisation_id == county.county.id


def test_roles_teams_and_organisations_are_checked(moving, login):
    county, _world = moving
    # Sending side: another team's manager and a volunteer cannot start it.
    assert login("manager_b").get(f"/households/{county.household_a.id}/transfer").status_code == (
        404
    )
    assert login("volunteer").get(f"/households/{county.household_a.id}/transfer").status_code == (
        403
    )
    manager = login("manager")
    _consent_by_form(manager, county.person_a.id, transfer="y")
    _start(manager, county.household_a.id, county.own_town.id)
    transfer = db.session.scalar(select(Transfer))
    # Only the receiving organisation's admin or the town team's lead decide.
    assert login("town_manager").get("/transfers").status_code == 403
    for username in ("admin", "lead"):
        b = login(username)
        assert b.get(f"/transfers/{transfer.id}").status_code == 404
        assert "Haddad" not in b.get("/transfers").text
        assert b.post(f"/transfers/{transfer.id}", {"accept": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Transfer, transfer.id).status == "pending"


def test_plan_transfer_rules(county, ctx):
    plan = services.plan_transfer(county.household_a, county.own_town)
    assert (plan.consented, plan.with_notes, [p.id for p in plan.missing]) == (
        False,
        False,
        [county.person_a.id],
    )
    with pytest.raises(services.TransferError):
        services.plan_transfer(county.household_a, county.town_b)
    county.household_a.status = "closed"
    with pytest.raises(services.TransferError):
        services.plan_transfer(county.household_a, county.own_town)
