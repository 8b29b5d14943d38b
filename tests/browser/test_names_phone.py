"""Names on a phone (360 px): the finder's towns in German order, desk answers that can be told
apart, household lists naming the first member, and nothing wider than the screen."""

from __future__ import annotations

from app.extensions import db
from app.organisations.models import Municipality
from tests.appointment_world import build_world
from tests.browser.conftest import PHONE, sign_in
from tests.browser.layout import MIN_TARGET, SMALL_TARGETS_JS
from tests.conftest import PASSWORD

LONG_STREET = "Bürgermeister-Christian-Eberhard-Weißenbach-Straße 128"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_finder_towns_in_german_order_on_a_phone(phone, county):
    for name in ("Gruibingen", "Göppingen", "Bad Überkingen", "Bad Boll"):
        db.session.add(
            Municipality(name=name, organisation=county.county, team=county.team_a, population=1)
        )
    db.session.commit()
    phone.goto("/zustaendigkeit")
    towns = phone.eval_on_selector_all(
        "#municipality_id option", "options => options.slice(1).map(o => o.textContent)"
    )
    assert towns.index("Göppingen") < towns.index("Gruibingen")
    assert towns.index("Bad Boll") < towns.index("Bad Überkingen") < towns.index("Eigenstadt")
    phone.select_option("#municipality_id", label="Göppingen")
    phone.click("button[type=submit]")
    phone.wait_for_url("**municipality_id=*")
    _fits(phone)


def test_desk_answers_can_be_told_apart_on_a_phone(phone, county, make):
    world = build_world(county)
    for surname, year in (("Hamidi", 1990), ("Haidari", 1995)):
        make.person(
            make.household(county.town_a, surname, street=LONG_STREET), "Najib", birth_year=year
        )
    db.session.commit()
    sign_in(phone, "frontdesk", PASSWORD)
    phone.goto(f"/desk/{world.location.id}")
    phone.fill("#q", "najib")  # htmx asks as one types
    phone.wait_for_selector("#checkin-results li.row")
    labels = phone.eval_on_selector_all(
        "#checkin-results li.row span", "spans => spans.map(s => s.textContent)"
    )
    assert sorted(labels) == ["Najib H. · Nordheim · geb. 1990", "Najib H. · Nordheim · geb. 1995"]
    assert "Hamidi" not in phone.inner_text("main") and "Bürgermeister" not in phone.content()
    _fits(phone)
    buttons = phone.eval_on_selector_all(
        "#checkin-results button",
        "bs => bs.map(b => [b.getBoundingClientRect().height, b.getBoundingClientRect().width])",
    )
    assert len(buttons) == 2 and all(
        h >= MIN_TARGET - 0.5 and w >= MIN_TARGET - 0.5 for h, w in buttons
    )


def test_household_list_labels_on_a_phone(phone, county, make):
    manager = county.users["manager"]
    for given, street in (("Zahra", "Markt 1"), ("Najib", LONG_STREET), ("Najib", "Lindenweg 2")):
        make.person(make.household(county.town_a, "Ahmadi", manager=manager, street=street), given)
    make.person(make.household(county.town_a, "Öztürk", manager=manager), "Emre")
    make.person(make.household(county.town_a, "Ozan", manager=manager), "Deniz")
    db.session.commit()
    sign_in(phone, "manager", PASSWORD)
    phone.goto("/households")
    labels = phone.eval_on_selector_all(
        "#household-list a.row strong", "els => els.map(e => e.textContent)"
    )
    assert labels == [
        f"Ahmadi, Najib · {LONG_STREET}",
        "Ahmadi, Najib · Lindenweg 2",
        "Ahmadi, Zahra",
        "Haddad, Samira",
        "Ozan, Deniz",
        "Öztürk, Emre",
    ]
    _fits(phone)  # the long street wraps instead of widening the page
    assert phone.evaluate(SMALL_TARGETS_JS) == []
