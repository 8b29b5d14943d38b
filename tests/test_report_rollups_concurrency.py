"""Contacts saved at the same moment keep the report rollups exact and never fail (issue 14).

Eight managers save through the contact form at once — into one household, and into eight
households that share every report cell (organisation, team, town and manager). Every save
must succeed, each must be stored once, and the rollups and figures must equal a fresh count.
PostgreSQL only: SQLite serialises writers with a file lock, so requests cannot race there.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from app.contacts.models import Contact
from app.extensions import db
from app.reports import figures, rollups
from app.timeutil import today
from tests.conftest import Browser, count_rows, given_consent, is_postgres
from tests.contacts_helpers import contact_payload, seed_topics
from tests.test_report_rollups import computed, reference

THREADS = 8
ROUNDS = 3


def _postgres_only() -> None:
    if not is_postgres():
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers with a file lock, so saves cannot "
            "race; run with TEST_DATABASE_URL=postgresql+psycopg://..."
        )


def _save_all_at_once(browsers: list[Browser], targets: list[tuple[int, int]]) -> list:
    """Each browser posts one contact form at the same moment (released by a barrier) into
    its (household id, person id); returns the status codes."""
    barrier = threading.Barrier(len(browsers))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def save(browser: Browser, household_id: int, person_id: int) -> None:
        # same day, setting and topics for all: the same rollup rows and cells
        data = contact_payload([person_id], setting="home_visit", topics=["housing", "language"])
        try:
            barrier.wait(timeout=20)
            response = browser.post(f"/households/{household_id}/contacts/new", data)
            statuses.append(response.status_code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=save, args=(browser, *target))
        for browser, target in zip(browsers, targets, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return statuses


def _assert_exact(county, saves: int) -> None:
    db.session.expire_all()
    assert count_rows(Contact) == saves
    with db.engine.connect() as conn:
        assert rollups.stored(conn) == rollups.computed(conn)
    scope = figures.ReportScope(
        organisation_id=county.county.id,
        team_id=county.team_a.id,
        start=date(today().year - 1, 1, 1),
        end=today() + timedelta(days=1),
    )
    assert computed(scope) == reference(scope)
    assert computed(scope)["settings"] == {"home_visit": saves}
    assert computed(scope)["topics"] == {"housing": saves, "language": saves}
    db.session.rollback()


@pytest.fixture
def same_cell(consented, make):
    """Seven more households of the county's manager in the same town (so: one report cell),
    one consenting person each, besides household_a."""
    seed_topics()
    county = consented
    households = [county.household_a]
    for n in range(THREADS - 1):
        household = make.household(county.town_a, f"Nachbar{n}", manager=county.users["manager"])
        person = make.person(household, f"Person{n}")
        households.append(household)
        db.session.flush()
        db.session.add(given_consent(person.id))
    db.session.commit()
    return county, [(h.id, h.members[0].id) for h in households]


def test_eight_saves_into_one_household_at_once(login, same_cell):
    _postgres_only()
    county, targets = same_cell
    browsers = [login("manager") for _ in range(THREADS)]
    for round_ in range(1, ROUNDS + 1):
        statuses = _save_all_at_once(browsers, [targets[0]] * THREADS)
        assert statuses == [302] * THREADS
        _assert_exact(county, round_ * THREADS)


def test_eight_saves_into_households_sharing_every_cell_at_once(login, same_cell):
    _postgres_only()
    county, targets = same_cell
    browsers = [login("manager") for _ in range(THREADS)]
    for round_ in range(1, ROUNDS + 1):
        statuses = _save_all_at_once(browsers, targets)
        assert statuses == [302] * THREADS
        _assert_exact(county, round_ * THREADS)
