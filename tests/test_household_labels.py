"""Households are named so that they can be told apart ("Ahmadi, Najib", the street where even
that is the same) and every list, select and page sorts names in German order."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.accounts import roles
from app.appointments.models import Appointment
from app.appointments.services import new_short_code
from app.extensions import db
from app.households.labels import distinct_labels
from app.households.models import Household
from app.organisations.models import Municipality, Team
from app.timeutil import utcnow
from tests.contacts_helpers import make_contact, seed_topics, today_plus
from tests.test_households import PERSON, household_form

_STRONG = re.compile(r'<a class="row" href="/households/\d+">\s*<strong>([^<]*)</strong>')


def _options(html: str, select_name: str) -> list[str]:
    block = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no select {select_name}"
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>([^<]*)<", block[1])]


def _create_household(b, county, surname: str, given: str, street: str) -> int:
    response = b.post("/households/new", household_form(county, name=surname, street=street))
    assert response.status_code == 302
    household_id = int(response.headers["Location"].split("/households/")[1].split("/")[0])
    person = PERSON | {"given_name": given, "family_name": surname, "native_name": ""}
    person["confirm_not_duplicate"] = "y"  # two Najib Ahmadi of 1988 are two persons here
    assert b.post(f"/households/{household_id}/persons/new", person).status_code == 302
    return household_id


def _list_labels(b) -> list[str]:
    response = b.get("/households")
    assert response.status_code == 200
    return _STRONG.findall(response.get_data(as_text=True))


def test_household_list_names_the_first_member(login, county, ctx):
    b = login("manager")
    for given, street in (("Zahra", "Hauptstraße 5"), ("Najib", "Lindenweg 2"), ("Ali", "Markt 1")):
        _create_household(b, county, "Ahmadi", given, street)
    labels = _list_labels(b)
    ahmadi = [label for label in labels if label.startswith("Ahmadi")]
    # three households of the same surname, told apart and in order of the first names
    assert ahmadi == ["Ahmadi, Ali", "Ahmadi, Najib", "Ahmadi, Zahra"]
    assert labels.index("Ahmadi, Zahra") < labels.index("Haddad, Samira")


def test_two_households_that_still_read_the_same_show_their_street(login, county, ctx):
    b = login("manager")
    _create_household(b, county, "Ahmadi", "Najib", "Hauptstraße 5")
    _create_household(b, county, "Ahmadi", "Najib", "Lindenweg 2")
    _create_household(b, county, "Ahmadi", "Zahra", "Markt 1")
    labels = _list_labels(b)
    assert "Ahmadi, Najib · Hauptstraße 5" in labels
    assert "Ahmadi, Najib · Lindenweg 2" in labels
    assert "Ahmadi, Zahra" in labels  # no street where the name alone is enough
    assert "Haddad, Samira" in labels


def test_household_list_in_german_order(login, county, make, ctx):
    for surname, given in (
        ("Pohl", "Anna"),
        ("Öztürk", "Emre"),
        ("Ozan", "Deniz"),
        ("Çelik", "Ali"),
    ):
        make.person(make.household(county.town_a, surname, manager=county.users["manager"]), given)
    db.session.commit()
    labels = _list_labels(login("manager"))
    assert labels == [
        "Çelik, Ali",
        "Haddad, Samira",
        "Ozan, Deniz",
        "Öztürk, Emre",
        "Pohl, Anna",
    ]


def test_a_member_of_another_surname_is_named_in_full(make, county, ctx):
    household = make.household(county.town_a, "Ahmadi")
    make.person(household, "Laila", family="Karimi")
    make.person(household, "Omid", family="Ahmadi")
    empty = make.household(county.town_a, "Noori")
    db.session.commit()
    assert household.label == "Ahmadi, Laila Karimi"
    assert empty.label == "Noori"  # no member yet: the surname alone
    assert distinct_labels([household, empty]) == {
        household.id: "Ahmadi, Laila Karimi",
        empty.id: "Noori",
    }


def test_task_and_appointment_lists_use_the_label(login, county, make, ctx):
    seed_topics()
    manager = county.users["manager"]
    other = make.household(county.town_a, "Haddad", manager=manager, street="Lindenweg 2")
    make.person(other, "Yusuf")
    db.session.commit()
    make_contact(
        other, manager, tasks=[{"description": "Mietvertrag prüfen", "due_on": today_plus(2)}]
    )
    start = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=5)
    db.session.add(
        Appointment(
            household=other,
            manager=manager,
            kind="home_visit",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="Lindenweg 2",
            short_code=new_short_code(),
        )
    )
    db.session.commit()
    b = login("manager")
    tasks = b.get("/tasks").get_data(as_text=True)
    assert ">Haddad, Yusuf</a>" in tasks
    day = b.get(f"/appointments?day={start.date().isoformat()}").get_data(as_text=True)
    week = b.get("/appointments/week").get_data(as_text=True)
    assert "Haddad, Yusuf" in day or "Haddad, Yusuf" in week


def test_handover_choices_use_the_label(login, county, make, ctx):
    make.person(make.household(county.town_a, "Haddad", manager=county.users["manager"]), "Yusuf")
    db.session.commit()
    b = login("lead")
    html = b.get(f"/handover?manager_id={county.users['manager'].id}").get_data(as_text=True)
    assert "Haddad, Samira · Nordheim" in html
    assert "Haddad, Yusuf · Nordheim" in html


def _towns(county) -> None:
    for name in ("Gruibingen", "Göppingen", "Bad Überkingen", "Bad Boll", "Adelberg"):
        db.session.add(
            Municipality(name=name, organisation=county.county, team=county.team_a, population=1)
        )
    db.session.commit()


def test_finder_town_list_in_german_order(client, county, ctx):
    _towns(county)
    html = client.get("/zustaendigkeit").get_data(as_text=True)
    towns = _options(html, "municipality_id")[1:]  # after "– bitte wählen –"
    assert towns == [
        "Adelberg",
        "Bad Boll",
        "Bad Überkingen",
        "Eigenstadt",
        "Göppingen",
        "Gruibingen",
        "Nordheim",
        "Südhausen",
    ]


def test_select_options_and_set_up_lists_in_german_order(login, county, make, ctx):
    _towns(county)
    for name in ("Özlem Arslan", "Otto Brandt", "Paula Weber"):
        make.user(
            name.split()[0].lower(), roles.MANAGER, county.county, county.team_a, display_name=name
        )
    db.session.add(Team(organisation=county.county, name="Team Ödland"))
    db.session.commit()
    html = login("manager").get("/households/new").get_data(as_text=True)
    towns = _options(html, "municipality_id")
    assert towns.index("Göppingen") < towns.index("Gruibingen") < towns.index("Nordheim")
    managers = _options(html, "manager_id")
    assert managers.index("Otto Brandt") < managers.index("Özlem Arslan")
    assert managers.index("Özlem Arslan") < managers.index("Paula Weber")
    setup = login("admin").get("/admin/setup/").get_data(as_text=True)
    teams = re.findall(r"<li><div><strong>(Team [^<]*)</strong>", setup)
    assert teams == ["Team Nord", "Team Ödland", "Team Süd"]
    listed = re.findall(r"<li><div><strong>([^<]*)</strong><br><small>Team", setup)
    assert listed.index("Göppingen") < listed.index("Gruibingen")


def test_person_search_in_german_order(login, county, make, ctx):
    for surname in ("Ozan", "Pohl", "Öztürk"):
        make.person(make.household(county.town_a, surname), "Aylin")
    db.session.commit()
    b = login("manager")
    b.get("/search")
    html = b.post("/search", {"q": "aylin"}).get_data(as_text=True)
    found = [n for n in re.findall(r"Aylin (\w+)", html) if n in ("Ozan", "Pohl", "Öztürk")]
    assert list(dict.fromkeys(found)) == ["Ozan", "Öztürk", "Pohl"]
    assert db.session.scalar(select(Household.sort_key).where(Household.name == "Öztürk"))
