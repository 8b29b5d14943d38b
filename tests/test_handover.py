"""Caseload handover: all or some households of a manager (or of a place) go to another
manager or team in one step, with a preview, an audit entry per household, and no second
move when the confirmation is sent again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.appointments.models import Appointment
from app.audit.models import AuditEvent
from app.contacts.models import Task
from app.extensions import db
from app.handover import services
from app.households.models import Household
from tests.appointment_world import build_world
from tests.contacts_helpers import make_contact, seed_topics


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)


def _handovers() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "handover").order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def caseload(county, make):
    """The manager of team A has two households (one with an open task and an appointment
    shared with a volunteer); a third one of the team lives in a collective accommodation."""
    extra = make.household(county.town_a, "Ahmadi", manager=county.users["manager"])
    make.person(extra, "Nour")
    shelter = make.household(
        county.town_a, "Yilmaz", street="Lagerweg 3", accommodation="collective"
    )
    make.person(shelter, "Emre")
    db.session.commit()
    seed_topics()
    make_contact(county.household_a, county.users["manager"], tasks=[{"description": "Antrag"}])
    world = build_world(county)
    return county, extra, shelter, world


def test_lead_hands_over_a_managers_households_after_a_preview(caseload, login):
    county, extra, _shelter, world = caseload
    lead = login("lead")
    manager, colleague = county.users["manager"], county.users["colleague"]
    page = lead.get(f"/handover?manager_id={manager.id}")
    assert page.status_code == 200
    # Both households are listed, each preselected.
    for household in (county.household_a, extra):
        assert re.search(
            rf'checked[^>]*value="{household.id}"|value="{household.id}"[^>]*checked', page.text
        )
    form = {
        "manager_id": manager.id,
        "municipality_id": 0,
        "street": "",
        "household_ids": [county.household_a.id, extra.id],
        "target_manager_id": colleague.id,
        "target_team_id": 0,
        "idempotency_key": _key(page.text),
    }
    preview = lead.post("/handover", form)
    assert preview.status_code == 200
    assert "2 Haushalte gehen an Colleague." in preview.text
    assert "1 offene Aufgabe" in preview.text and "1 Freigabe für Ehrenamtliche" in preview.text
    assert "Antrag" in preview.text and "Volunteer" in preview.text  # listed for review
    db.session.expire_all()
    assert db.session.get(Household, extra.id).manager_id == manager.id  # nothing saved yet

    done = lead.post("/handover", form | {"confirm": "y"})
    assert done.status_code == 200
    assert "2 Haushalte gingen an Colleague." in done.text
    db.session.expire_all()
    for household_id in (county.household_a.id, extra.id):
        moved = db.session.get(Household, household_id)
        assert (moved.manager_id, moved.team_id) == (colleague.id, county.team_a.id)
    task = db.session.scalar(select(Task))
    assert task.owner_id == colleague.id  # the open task follows
    assert db.session.get(Appointment, world.appointment.id).manager_id == colleague.id
    assert len(db.session.get(Appointment, world.appointment.id).shares) == 1  # share stays
    events = _handovers()
    assert sorted(e.object_id for e in events) == sorted([county.household_a.id, extra.id])
    assert all(e.user_id == county.users["lead"].id for e in events)

    # The confirmation sent again (double tap, replay) moves nothing and audits nothing.
    again = lead.post("/handover", form | {"confirm": "y"})
    assert again.status_code == 302
    assert "schon gespeichert" in lead.get(again.headers["Location"]).text
    assert len(_handovers()) == 2


def test_only_the_ticked_households_move(caseload, login):
    county, extra, _shelter, _world = caseload
    lead = login("lead")
    manager = county.users["manager"]
    page = lead.get(f"/handover?manager_id={manager.id}")
    form = {
        "manager_id": manager.id,
        "municipality_id": 0,
        "household_ids": [extra.id],
        "target_manager_id": county.users["colleague"].id,
        "target_team_id": 0,
        "idempotency_key": _key(page.text),
        "confirm": "y",
    }
    assert lead.post("/handover", form).status_code == 200
    db.session.expire_all()
    assert db.session.get(Household, extra.id).manager_id == county.users["colleague"].id
    assert db.session.get(Household, county.household_a.id).manager_id == manager.id
    assert [e.object_id for e in _handovers()] == [extra.id]


def test_admin_hands_a_collective_accommodation_to_another_team(caseload, login):
    county, _extra, shelter, _world = caseload
    admin = login("admin")
    page = admin.get(f"/handover?municipality_id={county.town_a.id}&street=lagerweg")
    assert "Yilmaz" in page.text and "Haddad" not in page.text  # only the accommodation
    form = {
        "manager_id": 0,
        "municipality_id": county.town_a.id,
        "street": "lagerweg",
        "household_ids": [shelter.id],
        "target_manager_id": 0,
        "target_team_id": county.team_b.id,
        "idempotency_key": _key(page.text),
    }
    preview = admin.post("/handover", form)
    assert "1 Haushalt geht an Team Süd." in preview.text
    assert admin.post("/handover", form | {"confirm": "y"}).status_code == 200
    db.session.expire_all()
    moved = db.session.get(Household, shelter.id)
    assert (moved.team_id, moved.manager_id) == (county.team_b.id, None)
    # Team B's manager now sees it, team A's manager no longer.
    assert login("manager_b").get(f"/households/{shelter.id}").status_code == 200
    assert login("manager").get(f"/households/{shelter.id}").status_code == 404


def test_a_team_without_a_manager_leaves_tasks_and_appointments_for_review(caseload, login):
    county, extra, _shelter, world = caseload
    admin = login("admin")
    manager = county.users["manager"]
    page = admin.get(f"/handover?manager_id={manager.id}")
    form = {
        "manager_id": manager.id,
        "municipality_id": 0,
        "household_ids": [county.household_a.id, extra.id],
        "target_manager_id": 0,
        "target_team_id": county.team_b.id,
        "idempotency_key": _key(page.text),
    }
    preview = admin.post("/handover", form)
    assert "bleiben Aufgaben und Termine" in preview.text and "Antrag" in preview.text
    admin.post("/handover", form | {"confirm": "y"})
    db.session.expire_all()
    assert db.session.scalar(select(Task)).owner_id == manager.id
    assert db.session.get(Appointment, world.appointment.id).manager_id == manager.id


def test_bad_input_is_refused_next_to_the_field(caseload, login):
    county, extra, _shelter, _world = caseload
    lead = login("lead")
    manager = county.users["manager"]
    page = lead.get(f"/handover?manager_id={manager.id}")
    base = {
        "manager_id": manager.id,
        "municipality_id": 0,
        "idempotency_key": _key(page.text),
        "target_team_id": 0,
        "confirm": "y",
    }
    none_ticked = lead.post("/handover", base | {"target_manager_id": county.users["colleague"].id})
    assert re.search(r'id="household_ids-err">Bitte mindestens einen Haushalt', none_ticked.text)
    no_target = lead.post("/handover", base | {"household_ids": [extra.id], "target_manager_id": 0})
    assert re.search(r'id="target_manager_id-err">Bitte eine Person oder ein Team', no_target.text)
    wrong_team = lead.post(
        "/handover",
        base
        | {
            "household_ids": [extra.id],
            "target_manager_id": county.users["colleague"].id,
            "target_team_id": county.team_b.id,
        },
    )
    assert "Die Person gehört nicht zu diesem Team." in wrong_team.text
    same = lead.post(
        "/handover", base | {"household_ids": [extra.id], "target_manager_id": manager.id}
    )
    assert "schon bei diesem Ziel" in same.text
    assert _handovers() == []
    db.session.expire_all()
    assert db.session.get(Household, extra.id).manager_id == manager.id


def test_roles_and_teams_are_checked(caseload, login):
    county, _extra, _shelter, _world = caseload
    assert login("manager").get("/handover").status_code == 403
    assert login("volunteer").get("/handover").status_code == 403
    lead = login("lead")
    # Team B's household is not the lead's to hand over: not listed, and a forged post fails.
    page = lead.get(f"/handover?manager_id={county.users['manager_b'].id}")
    assert "Rahimi" not in page.text
    forged = lead.post(
        "/handover",
        {
            "manager_id": county.users["manager"].id,
            "municipality_id": 0,
            "household_ids": [county.household_b.id],
            "target_manager_id": county.users["colleague"].id,
            "target_team_id": 0,
            "idempotency_key": "0b6c1f1e-5f0e-4a53-9a3e-0c7b8f7d2a11",
            "confirm": "y",
        },
    )
    assert forged.status_code == 200
    assert "Ungültige Auswahl" in forged.text  # the household is not among the choices
    # The other organisation's admin cannot reach the county's households either.
    town_admin = login("town_admin")
    page = town_admin.get(f"/handover?manager_id={county.users['manager'].id}")
    assert "Haddad" not in page.text
    assert _handovers() == []
    db.session.expire_all()
    assert db.session.get(Household, county.household_b.id).manager_id == (
        county.users["manager_b"].id
    )


def test_resolve_target_rules(county, ctx):
    users = county.users
    target = services.resolve_target(county.county.id, users["colleague"], None)
    assert (target.team.id, target.manager.id) == (county.team_a.id, users["colleague"].id)
    assert services.resolve_target(county.county.id, None, county.team_b).manager is None
    for manager, team in (
        (None, None),
        (users["colleague"], county.team_b),
        (users["town_manager"], None),
        (None, county.town_team),
    ):
        with pytest.raises(services.HandoverError):
            services.resolve_target(county.county.id, manager, team)


def test_households_already_with_the_target_do_not_move(county, ctx):
    target = services.Target(team=county.team_a, manager=county.users["manager"])
    assert services.moving([county.household_a], target) == []
    other = services.Target(team=county.team_a, manager=county.users["colleague"])
    assert services.moving([county.household_a], other) == [county.household_a]
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
