"""The report rollups (app/reports/rollups.py) give the same figures as counting the contacts
themselves — for any period, scope and history of edits — and stay current on every write."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.contacts import services as contact_services
from app.contacts.models import Contact, Topic
from app.extensions import db
from app.households.models import Household, Person
from app.reports import figures, rollups
from app.timeutil import BERLIN
from tests.conftest import count_rows
from tests.contacts_helpers import contact_payload, form_key, seed_topics

SETTINGS = ("home_visit", "office_hour", "office", "phone")


# --- periods -------------------------------------------------------------------------------------
def test_a_calendar_year_is_twelve_whole_months():
    split = rollups.split_period(date(2025, 1, 1), date(2025, 12, 31))
    assert split.full == tuple((2025, m) for m in range(1, 13))
    assert split.partial == ()


def test_the_last_365_days_have_two_partial_months():
    split = rollups.split_period(date(2025, 11, 26), date(2026, 11, 25))
    assert split.full[0] == (2025, 12) and split.full[-1] == (2026, 10)
    assert len(split.full) == 11
    first, last = split.partial
    assert (first.first, first.last) == (date(2025, 11, 26), date(2025, 11, 30))
    assert first.day_mask == 0b11111 << 25
    assert (last.first, last.last) == (date(2026, 11, 1), date(2026, 11, 25))
    assert last.day_mask == (1 << 25) - 1


def test_partial_months_are_counted_by_the_fewer_days():
    # last 365 days: 5 days of November 2025 from the contacts; November 2026 whole from the
    # rollups less the contacts of its last 5 days (the future: nothing to subtract yet)
    split = rollups.split_period(date(2025, 11, 26), date(2026, 11, 25))
    assert split.add_ranges == [(date(2025, 11, 26), date(2025, 11, 30))]
    assert split.subtract_ranges == [(date(2026, 11, 26), date(2026, 11, 30))]
    assert len(split.rollup_months) == 12 and (2026, 11) in split.rollup_months
    # a period inside one month: whole month less both ends
    inner = rollups.split_period(date(2025, 6, 3), date(2025, 6, 27))
    assert inner.rollup_months == [(2025, 6)] and inner.add_ranges == []
    assert inner.subtract_ranges == [
        (date(2025, 6, 1), date(2025, 6, 2)),
        (date(2025, 6, 28), date(2025, 6, 30)),
    ]


def test_an_empty_period_counts_nothing(history):
    scope = figures.ReportScope(
        organisation_id=history.county.id, start=date(2025, 3, 2), end=date(2025, 3, 1)
    )
    assert computed(scope) == reference(scope)
    assert figures.reach(scope).persons == 0


def test_one_day_and_a_leap_february():
    assert rollups.split_period(date(2024, 2, 29), date(2024, 2, 29)).partial[0].day_mask == 1 << 28
    whole_february = rollups.split_period(date(2024, 2, 1), date(2024, 2, 29))
    assert whole_february.full == ((2024, 2),) and whole_february.partial == ()


# --- the reference: the figures counted from the contacts in Python ------------------------------
def local_day(contact: Contact) -> date:
    return contact.occurred_at.replace(tzinfo=UTC).astimezone(BERLIN).date()


def in_scope(household: Household, scope: figures.ReportScope) -> bool:
    return (
        household.organisation_id == scope.organisation_id
        and scope.team_id in (None, household.team_id)
        and scope.municipality_id in (None, household.municipality_id)
        and scope.manager_id in (None, household.manager_id)
    )


def reference(scope: figures.ReportScope) -> dict:
    contacts = [
        c
        for c in db.session.scalars(
            select(Contact).options(
                selectinload(Contact.participants),
                selectinload(Contact.topics),
                selectinload(Contact.household),
            )
        )
        if c.deleted_at is None
        and scope.start <= local_day(c) <= scope.end
        and in_scope(c.household, scope)
    ]
    sizes = Counter(p.household_id for p in db.session.scalars(select(Person)))
    persons = {p.id: p for c in contacts for p in c.participants}
    per_household = Counter(c.household_id for c in contacts)
    single = {h for h in per_household if sizes[h] == 1}
    return {
        "persons": len(persons),
        "single_persons": sum(1 for p in persons.values() if sizes[p.household_id] == 1),
        "households": len(per_household),
        "single_households": len(single),
        "settings": {k: v for k, v in Counter(c.setting for c in contacts).items()},
        "topics": {k: v for k, v in Counter(t.key for c in contacts for t in c.topics).items()},
        "single_contacts": sum(n for h, n in per_household.items() if h in single),
        "family_contacts": sum(n for h, n in per_household.items() if h not in single),
    }


def computed(scope: figures.ReportScope) -> dict:
    reach = figures.reach(scope)
    per = figures.contacts_per_household(scope)
    coverage = figures.coverage(scope)
    assert coverage.in_contact == reach.persons
    return {
        "persons": reach.persons,
        "single_persons": reach.single_persons,
        "households": reach.households,
        "single_households": reach.single_households,
        "settings": {k: n for k, n in figures.contacts_by_setting(scope).counts if n},
        "topics": {t.key: t.count for t in figures.contacts_by_topic(scope) if t.count},
        "single_contacts": per.single_contacts,
        "family_contacts": per.family_contacts,
    }


# --- a random history of contacts written through the service layer -------------------------------
def local_moment(day: date, rng: random.Random) -> datetime:
    # around local midnight as often as in the day: the UTC date differs there
    clock = rng.choice([time(0, 10), time(0, 50), time(9, 30), time(15, 0), time(23, 40)])
    local = datetime.combine(day, clock, tzinfo=BERLIN)
    return local.astimezone(UTC).replace(tzinfo=None)


def random_day(rng: random.Random) -> date:
    # two years, with extra weight on month and year boundaries
    if rng.random() < 0.4:
        month_start = date(rng.choice([2024, 2025]), rng.randint(1, 12), 1)
        return month_start + timedelta(days=rng.choice([-1, 0, 1]))
    return date(2024, 1, 1) + timedelta(days=rng.randint(0, 730))


def contact_data(household: Household, rng: random.Random, topics: list[str]):
    members = [p.id for p in household.members]
    return contact_services.ContactData(
        occurred_at=local_moment(random_day(rng), rng),
        duration_minutes=30,
        setting=rng.choice(SETTINGS),
        location="",
        interpreter_kind="",
        interpreter_language="",
        note="Notiz",
        participant_ids=rng.sample(members, rng.randint(1, len(members))),
        topic_keys=rng.sample(topics, rng.randint(0, 3)),
    )


@pytest.fixture
def history(county, make):
    """~10 households of 1–4 persons in two teams, 120 contacts created, then a third of them
    edited (other day, month or year; other participants and topics) and some deleted."""
    rng = random.Random(2025)
    seed_topics()
    topics = list(db.session.scalars(select(Topic.key)))
    towns = [county.town_a, county.town_b]
    managers = [county.users["manager"], county.users["colleague"], county.users["manager_b"]]
    households = []
    for i in range(10):
        household = make.household(rng.choice(towns), f"Zufall{i}", manager=rng.choice(managers))
        for j in range(rng.choice([1, 1, 2, 3, 4])):
            make.person(household, f"Person{j}")
        households.append(household)
    db.session.commit()
    author = county.users["manager"]
    contacts = []
    for _ in range(120):
        household = rng.choice(households)
        data = contact_data(household, rng, topics)
        contact, _ = contact_services.create_contact(author, household, str(uuid.uuid4()), data)
        contacts.append(contact)
        db.session.commit()
    for contact in rng.sample(contacts, 40):
        contact_services.update_contact(
            author, contact, contact_data(contact.household, rng, topics)
        )
        db.session.commit()
    for contact in rng.sample(contacts, 12):
        if contact.deleted_at is None:
            contact_services.delete_contact(author, contact, "doppelt erfasst")
            db.session.commit()
    # a household moves to the other team and town: its rows follow
    households[0].team = county.team_b
    households[0].municipality = county.town_b
    db.session.commit()
    # persons move and join: single-person households become families and back
    by_size = sorted(households, key=lambda h: len(h.members))
    single, family = by_size[0], by_size[-1]
    assert len(single.members) == 1 and len(family.members) > 2
    family.members[0].household = single
    db.session.commit()
    lone = by_size[1]
    if len(lone.members) == 1:
        make.person(lone, "Neugeboren", birth_year=2025)
        db.session.commit()
    # a couple separates: the one who stays now lives alone
    couple = next(h for h in households if len(h.members) == 2 and h is not single)
    couple.members[1].household = by_size[-1]
    db.session.commit()
    return county


def random_period(rng: random.Random) -> tuple[date, date]:
    start = random_day(rng)
    return start, start + timedelta(days=rng.choice([0, 1, 6, 30, 45, 90, 364, 500]))


def test_the_rollups_give_the_figures_of_the_contacts_for_random_periods_and_scopes(history):
    county = history
    assert count_rows(Contact) >= 120
    rng = random.Random(11)
    scopes = [
        {},
        {"team_id": county.team_a.id},
        {"team_id": county.team_b.id},
        {"municipality_id": county.town_a.id},
        {"manager_id": county.users["colleague"].id},
    ]
    periods = [
        (date(2024, 1, 1), date(2024, 12, 31)),
        (date(2024, 3, 1), date(2025, 2, 28)),
        (date(2024, 11, 26), date(2025, 11, 25)),
        (date(2025, 1, 1), date(2025, 1, 1)),
    ] + [random_period(rng) for _ in range(30)]
    checked = 0
    for start, end in periods:
        for extra in scopes:
            scope = figures.ReportScope(
                organisation_id=county.county.id, start=start, end=end, **extra
            )
            expected = reference(scope)
            assert computed(scope) == expected, (start, end, extra)
            checked += expected["persons"] > 0
    assert checked > 50  # most combinations found someone: the comparison is not vacuous


def test_stored_rows_equal_a_rebuild_after_the_history(history):
    conn = db.session.connection()
    before = rollups.stored(conn)
    assert before[rollups.household_rollup]  # there is something to compare
    rollups.rebuild(conn)
    assert rollups.stored(conn) == before


# --- upkeep through the pages a manager uses -----------------------------------------------------
@pytest.mark.usefixtures("consented")
def test_a_contact_saved_edited_and_deleted_through_the_form_moves_the_figures(county, login, app):
    seed_topics()
    db.session.commit()
    household = county.household_a
    person = household.members[0]
    scope = figures.ReportScope(
        organisation_id=county.county.id, start=date(2025, 3, 1), end=date(2025, 3, 31)
    )
    april = figures.ReportScope(
        organisation_id=county.county.id, start=date(2025, 4, 1), end=date(2025, 4, 30)
    )
    browser = login("manager")
    page = browser.get(f"/households/{household.id}/contacts/new")
    payload = contact_payload(
        [person.id],
        idempotency_key=form_key(page.get_data(as_text=True)),
        occurred_at="2025-03-31T23:30",  # Berlin time: still March (21:30 UTC)
        setting="home_visit",
        topics=["housing"],
    )
    response = browser.post(f"/households/{household.id}/contacts/new", payload)
    assert response.status_code in (302, 303)
    db.session.expire_all()
    assert figures.contacts_by_setting(scope).get("home_visit") == 1
    assert figures.reach(scope).persons == 1
    assert figures.reach(april).persons == 0
    # the same form posted again (double tap) does not count twice
    browser.post(f"/households/{household.id}/contacts/new", payload)
    db.session.expire_all()
    assert figures.contacts_by_setting(scope).total == 1

    contact = db.session.scalar(select(Contact).where(Contact.household_id == household.id))
    edit = browser.get(f"/contacts/{contact.id}/edit")
    assert edit.status_code == 200
    moved = contact_payload(
        [person.id],
        occurred_at="2025-04-02T10:00",
        setting="phone",
        topics=["language"],
    )
    assert browser.post(f"/contacts/{contact.id}/edit", moved).status_code in (302, 303)
    db.session.expire_all()
    assert figures.contacts_by_setting(scope).total == 0
    assert figures.contacts_by_setting(april).get("phone") == 1
    assert [t.key for t in figures.contacts_by_topic(april) if t.count] == ["language"]

    browser.get(f"/contacts/{contact.id}")
    deleted = browser.post(f"/contacts/{contact.id}/delete", {"reason": "falscher Haushalt"})
    assert deleted.status_code in (302, 303)
    db.session.expire_all()
    assert figures.reach(april).persons == 0
    assert figures.contacts_by_setting(april).total == 0


def test_the_rebuild_command_restores_lost_rows(history, app):
    conn = db.session.connection()
    expected = rollups.stored(conn)
    for table in rollups.TABLES:
        conn.execute(table.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reports", "rebuild-rollups"])
    assert result.exit_code == 0, result.output
    assert "report_household_rollup" in result.output
    db.session.expire_all()
    assert rollups.stored(db.session.connection()) == expected


def test_a_contact_moved_to_another_household_leaves_the_old_one(county, make):
    from tests.contacts_helpers import make_contact

    seed_topics()
    other = make.household(county.town_b, "Anders")
    make.person(other, "Lina")
    db.session.commit()
    contact = make_contact(county.household_a, county.users["manager"])
    scope = figures.ReportScope(
        organisation_id=county.county.id, start=date(2000, 1, 1), end=date(2030, 12, 31)
    )
    assert figures.reach(scope).households == 1
    contact.household = other  # through the relation, as a data correction would
    contact.participants = list(other.members)
    db.session.commit()
    conn = db.session.connection()
    assert rollups.stored(conn) == rollups.computed(conn)
    in_contact = db.session.execute(figures.households_in_contact(scope)).all()
    assert [row.household_id for row in in_contact] == [other.id]
