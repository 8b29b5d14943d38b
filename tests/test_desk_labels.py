"""Front desk check-in search: two persons who would read the same ("Najib H. · Nordheim") are
told apart by the year of birth, then by the street's initial; nothing more is shown."""

from __future__ import annotations

import re

from app.extensions import db
from app.officehours import services
from app.officehours.labels import desk_labels
from tests.appointment_world import build_world
from tests.conftest import Browser

_RESULT = re.compile(r'<li class="row"><span>([^<]*)</span>')


def _results(browser: Browser, location_id: int, q: str) -> list[str]:
    response = browser.htmx_get(f"/desk/{location_id}?q={q}", target="checkin-results")
    assert response.status_code == 200
    return _RESULT.findall(response.get_data(as_text=True))


def _two_najibs(county, make, *, years=(1990, 1995), streets=("Hauptstraße 5", "Lindenweg 2")):
    first = make.household(county.town_a, "Hamidi", street=streets[0])
    make.person(first, "Najib", birth_year=years[0])
    second = make.household(county.town_a, "Haidari", street=streets[1])
    make.person(second, "Najib", birth_year=years[1])
    db.session.commit()
    return first, second


def test_front_desk_tells_two_same_looking_persons_apart_by_year_of_birth(county, make, login, ctx):
    world = build_world(county)
    _two_najibs(county, make)
    desk = login("frontdesk")
    labels = _results(desk, world.location.id, "najib")
    assert sorted(labels) == [
        "Najib H. · Nordheim · geb. 1990",
        "Najib H. · Nordheim · geb. 1995",
    ]
    # Only the first name, the initial, the town and the year: no surname, street or case data.
    body = desk.get(f"/desk/{world.location.id}?q=najib").get_data(as_text=True)
    for secret in ("Hamidi", "Haidari", "Hauptstraße", "Lindenweg"):
        assert secret not in body


def test_a_person_who_reads_differently_gets_no_year(county, make, login, ctx):
    world = build_world(county)
    _two_najibs(county, make)
    make.person(county.household_a, "Najiba", birth_year=2001)
    db.session.commit()
    labels = _results(login("frontdesk"), world.location.id, "naji")
    assert "Najiba H. · Nordheim" in labels
    assert not any("2001" in label for label in labels)
    assert sum("geb." in label for label in labels) == 2


def test_same_year_too_adds_the_initial_of_the_street(county, make, app, ctx):
    world = build_world(county)
    _two_najibs(county, make, years=(1990, 1990))
    kiosk = Browser(app.test_client())
    kiosk.get(f"/kiosk/{world.kiosk_raw}")
    labels = _results(kiosk, world.location.id, "najib")
    assert sorted(labels) == [
        "Najib H. · Nordheim · geb. 1990 · Straße H.",
        "Najib H. · Nordheim · geb. 1990 · Straße L.",
    ]


def test_each_label_is_as_short_as_the_others_allow(county, make, ctx):
    build_world(county)
    first, second = _two_najibs(county, make, years=(None, None))
    # without a known year the street's initial alone tells them apart
    labels = desk_labels([first.members[0], second.members[0]])
    assert labels == ["Najib H. · Nordheim · Straße H.", "Najib H. · Nordheim · Straße L."]
    # one person alone: the short label of before
    assert desk_labels([first.members[0]]) == ["Najib H. · Nordheim"]


def test_results_in_german_order_of_first_names(county, make, ctx):
    world = build_world(county)
    household = make.household(county.town_a, "Yilmaz")
    for given in ("Ümit", "Uwe", "Ulrike", "Zehra"):
        make.person(household, given)
    db.session.commit()
    labels = [r["label"] for r in services.search_for_checkin(world.location, "yilmaz")]
    assert [label.split()[0] for label in labels] == ["Ulrike", "Ümit", "Uwe", "Zehra"]


def test_the_queue_tells_two_same_looking_persons_apart_too(county, make, login, ctx):
    world = build_world(county)
    first, second = _two_najibs(county, make)
    desk = login("frontdesk")
    for household in (first, second):
        response = desk.post(
            f"/desk/{world.location.id}/checkin",
            {"mode": "person", "person_id": str(household.members[0].id)},
        )
        assert response.status_code == 303
    queue = login("manager").get(f"/officehours/locations/{world.location.id}/queue").text
    names = re.findall(r"<strong>(Najib[^<]*)</strong>", queue)
    assert sorted(names) == ["Najib H. · geb. 1990", "Najib H. · geb. 1995"]
    # the world's walk-in keeps the name given at the desk
    assert "<strong>Amal</strong>" in queue
