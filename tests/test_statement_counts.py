"""No page of the app sends more SQL statements when there is more data (no N+1 queries).

Every key page is requested on a small hand-built world (3 households with persons, contacts,
topics, participants, tasks, indicator values, referrals, appointments and check-ins) and again
after the world grew tenfold (30 households, and the household the page shows got ten times the
contacts, persons and values). The number of statements must be the same, and below a fixed
ceiling. A warm-up request precedes each count, so per-process caches do not distort it.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest

from app.appointments import services as appointment_services
from app.appointments.models import Appointment
from app.consent.models import ConsentRecord
from app.contacts.models import Contact, Task, Topic
from app.contacts.services import ensure_default_topics
from app.extensions import db
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorValue
from app.officehours.models import OfficeLocation, OfficeSchedule, QueueEntry
from app.plans.models import Referral
from app.timeutil import today, utcnow
from tests.contacts_helpers import StatementCounter


@pytest.fixture(autouse=True)
def _no_audit_checkpoint(app, monkeypatch):
    # An audit checkpoint (every AUDIT_CHECKPOINT_EVERY events, app/audit) adds its statements
    # to whichever request crosses the boundary; that is no page's or save's own cost.
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY", 10**9)


@pytest.fixture
def statements(ctx) -> StatementCounter:
    return StatementCounter(db.engine)


@dataclass
class Grower:
    """Adds households (with everything a manager's day touches) to the `county` world."""

    county: object
    location: OfficeLocation
    topics: list[Topic]
    indicators: list[Indicator]
    households: int = 0

    def household(self, *, persons: int = 2, contacts: int = 3):
        users = self.county.users
        self.households += 1
        household = _household(self.county, f"Familie{self.households}", users["manager"])
        self.fill(household, persons=persons, contacts=contacts)
        return household

    def fill(self, household, *, persons: int, contacts: int) -> None:
        users = self.county.users
        members = []
        for n in range(persons):
            from tests.conftest import Factory

            members.append(Factory().person(household, f"Person{n}", birth_year=1980 + n))
        db.session.flush()
        members = list(household.members)
        for person in members:
            db.session.add(
                ConsentRecord(
                    person_id=person.id,
                    state="given",
                    effective_on=today() - timedelta(days=400),
                    counselling=True,
                    volunteer_sharing=True,
                    method="paper",
                )
            )
            for indicator in self.indicators:
                for age in (300, 100):
                    db.session.add(
                        IndicatorValue(
                            indicator_id=indicator.id,
                            household_id=household.id,
                            person_id=None if indicator.applies_to == "household" else person.id,
                            value=_value(indicator),
                            valid_from=today() - timedelta(days=age),
                            recorded_by_id=users["manager"].id,
                        )
                    )
        for n in range(contacts):
            when = utcnow() - timedelta(days=2 + n)
            contact = Contact(
                household_id=household.id,
                author_id=users["manager"].id if n % 2 else users["colleague"].id,
                idempotency_key=str(uuid.uuid4()),
                occurred_at=when,
                duration_minutes=45,
                setting=["home_visit", "office_hour", "phone"][n % 3],
                note="Notiz",
                participants=members[: 1 + n % len(members)],
                topics=self.topics[: 1 + n % 3],
            )
            db.session.add(contact)
            db.session.flush()
            db.session.add(
                Task(
                    contact_id=contact.id,
                    household_id=household.id,
                    description="Schritt",
                    owner_kind="manager",
                    owner_id=users["manager"].id,
                    due_on=today() + timedelta(days=n - 2),
                    status="open" if n % 2 else "done",
                    created_by_id=users["manager"].id,
                )
            )
        db.session.add(
            Referral(
                household_id=household.id,
                person_id=members[0].id,
                service="jmd",
                referred_on=today() - timedelta(days=20),
            )
        )
        start = datetime.combine(today(), time(9)) + timedelta(minutes=7 * self.households)
        appointment = Appointment(
            household=household,
            manager=users["manager"],
            kind="home_visit",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            short_code=appointment_services.new_short_code(),
            persons=members[:1],
        )
        db.session.add(appointment)
        db.session.add(
            QueueEntry(
                location=self.location,
                day=today(),
                person_id=members[0].id,
                household_id=household.id,
                appointment=appointment,
                scheduled_at=start,
            )
        )
        db.session.commit()


def _household(county, name: str, manager):
    from app.households.models import Household

    household = Household(
        organisation=county.county,
        team=county.team_a,
        municipality=county.town_a,
        name=name,
        accommodation="follow_up",
        manager=manager,
    )
    db.session.add(household)
    return household


def _value(indicator: Indicator) -> str:
    codes = [o.code for o in indicator.options]
    return {
        "choice": codes[0] if codes else "x",
        "multi": f'["{codes[0]}"]' if codes else "[]",
        "bool": "true",
        "number": str(int(indicator.min_value or 1)),
        "date": (today() + timedelta(days=90)).isoformat(),
    }.get(indicator.type, "Pflege")


@pytest.fixture
def grower(consented) -> Grower:
    ensure_default_topics()
    seed_catalogue()
    db.session.commit()
    county = consented
    location = OfficeLocation(municipality=county.town_a, name="Rathaus Nordheim", room="1")
    db.session.add(
        OfficeSchedule(
            location=location,
            weekday=today().weekday(),
            start_time=time(0, 0),
            end_time=time(23, 30),
            managers=[county.users["manager"]],
        )
    )
    db.session.commit()
    topics = list(db.session.scalars(db.select(Topic).order_by(Topic.sort_order)))
    indicators = list(db.session.scalars(db.select(Indicator).order_by(Indicator.position)))
    # a mix of types and both levels, few enough to keep the world quick to build
    chosen = {i.type: i for i in indicators if i.applies_to == "person"}
    chosen |= {"household": next(i for i in indicators if i.applies_to == "household")}
    grower = Grower(county, location, topics, list(chosen.values()))
    grower.fill(county.household_a, persons=1, contacts=3)
    for _ in range(2):
        grower.household()
    return grower


def _grow(grower: Grower) -> None:
    """Ten times the data: 27 more households, 18 more teams (with a town each), and the
    shown household gets 10x as much."""
    from app.organisations.models import Municipality, Team

    county = grower.county.county
    for n in range(18):
        team = Team(organisation=county, name=f"Team {n:02d}")
        db.session.add(Municipality(name=f"Ort {n:02d}", organisation=county, team=team))
    db.session.commit()
    for _ in range(27):
        grower.household()
    grower.fill(grower.county.household_a, persons=9, contacts=27)


def _pages(grower: Grower) -> dict[str, tuple]:
    county = grower.county
    household = county.household_a
    person = county.person_a
    return {
        "households list": ("manager", "/households"),
        "households list (admin)": ("admin", "/households"),
        "household page": ("manager", f"/households/{household.id}"),
        "contact form": ("manager", f"/households/{household.id}/contacts/new"),
        "timeline": ("manager", f"/households/{household.id}/timeline"),
        "casework": ("manager", f"/households/{household.id}/casework"),
        "tasks": ("manager", "/tasks"),
        "tasks (team lead)": ("lead", "/tasks"),
        "count sheet": ("manager", "/reports/count-sheet"),
        "count sheet (admin)": ("admin", "/reports/count-sheet"),
        "worklist": ("manager", "/worklist"),
        "indicator sheet": ("manager", f"/persons/{person.id}/indicators"),
        "person page": ("manager", f"/persons/{person.id}"),
        "appointments day": ("manager", "/appointments"),
        "appointments week": ("manager", "/appointments/week"),
        "appointments team": ("lead", "/appointments/team"),
        "office-hour queue": ("manager", f"/officehours/locations/{grower.location.id}/queue"),
        "search": ("manager", "/search", {"q": "Person"}),
        "finder": ("", f"/zustaendigkeit?municipality_id={county.town_a.id}"),
        "dashboard (admin)": ("admin", f"/reports?{TWELVE}"),
        "dashboard (team lead)": ("lead", f"/reports?{TWELVE}"),
        "dashboard export": ("admin", f"/reports/export/dashboard.xlsx?{TWELVE}"),
        "indicator distribution export": ("admin", f"/reports/export/indicators.csv?{TWELVE}"),
        "experience report PDF": ("admin", f"/reports/experience.pdf?year={today().year}"),
        "subject access PDF": ("lead", f"/persons/{person.id}/subject-access.pdf"),
        "subject access JSON": ("lead", f"/persons/{person.id}/subject-access.json"),
    }


TWELVE = "period=last_12_months"
# Fixed ceilings per page: generous enough for small changes, low enough to catch a loop.
CEILING = 40
PAGE_NAMES = [
    "households list",
    "households list (admin)",
    "household page",
    "contact form",
    "timeline",
    "casework",
    "tasks",
    "tasks (team lead)",
    "count sheet",
    "count sheet (admin)",
    "worklist",
    "indicator sheet",
    "person page",
    "appointments day",
    "appointments week",
    "appointments team",
    "office-hour queue",
    "search",
    "finder",
    "dashboard (admin)",
    "dashboard (team lead)",
    "dashboard export",
    "indicator distribution export",
    "experience report PDF",
    "subject access PDF",
    "subject access JSON",
]


def _count(app, login, statements: StatementCounter, who: str, url: str, form=None) -> list:
    """The statements of one request (GET, or with `form` a POST), after a warm-up."""
    browser = login(who) if who else None
    client = browser.client if browser else app.test_client()

    def request():
        return browser.post(url, form) if form is not None else client.get(url)

    response = request()  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    with statements:
        before = statements.count
        response = request()
        counted = statements.statements[before:]
    assert response.status_code == 200, (url, response.status_code)
    return counted


def _repeated(sql: list[str]) -> str:
    """The statements sent more than once: where an N+1 hides."""
    top = Counter(sql).most_common(3)
    return "\n".join(f"{n}x {statement[:300]}" for statement, n in top if n > 1)


# The world is built and grown once per run, and every page is counted on it before and after
# growing: building the world 26 times cost minutes of each suite. Each page still passes or
# fails on its own.
_MEASURED: dict[str, tuple[list[str], list[str]]] = {}


@pytest.fixture
def measured(request, app, login, statements) -> dict[str, tuple[list[str], list[str]]]:
    if not _MEASURED:
        grower = request.getfixturevalue("grower")
        small = {name: _count(app, login, statements, *_pages(grower)[name]) for name in PAGE_NAMES}
        _grow(grower)
        pages = _pages(grower)
        for name in PAGE_NAMES:
            _MEASURED[name] = (small[name], _count(app, login, statements, *pages[name]))
    return _MEASURED


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_statement_count_does_not_grow_with_the_data(measured, page):
    small, big = measured[page]
    assert len(big) == len(small), (
        f"{page}: {len(small)} statements with 3 households, {len(big)} with 30\n" + _repeated(big)
    )
    assert len(small) <= CEILING, f"{page}: {len(small)} statements\n" + _repeated(small)


# Saving a contact through the form (one participant, two topics), rollup upkeep included:
# 35 statements (SQLite) with the delete-and-reinsert upkeep, 27 since the new contact's rows
# are added by upsert (app/reports/rollups.py: 11 statements of upkeep, the household's other
# contacts are not read); PostgreSQL sends one more.
SAVE_STATEMENTS = 28


def _save_statements(login, statements: StatementCounter, household, person_ids) -> list[str]:
    from tests.contacts_helpers import contact_payload, form_key

    browser = login("manager")
    url = f"/households/{household.id}/contacts/new"
    html = browser.get(url).text
    data = contact_payload(person_ids, idempotency_key=form_key(html))
    with statements:
        before = statements.count
        response = browser.post(url, data)
        counted = statements.statements[before:]
    assert response.status_code == 302, response.status_code
    return counted


def test_saving_a_contact_sends_few_statements_whatever_the_data(app, login, grower, statements):
    household = grower.county.household_a
    small = _save_statements(login, statements, household, [household.members[0].id])
    _grow(grower)
    big = _save_statements(login, statements, household, [household.members[0].id])
    assert len(big) == len(small), _repeated(big)
    assert len(small) <= SAVE_STATEMENTS, f"{len(small)} statements\n" + _repeated(small)
