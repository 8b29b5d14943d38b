"""Eligibility rule: the pure function, and the SQL clause the lists use, agree."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.households.models import Household, Person
from app.households.rules import add_months, eligibility, eligibility_clause, eligible_from

TODAY = date(2026, 11, 25)


def check(status: str, accommodation: str = "follow_up", application=None, decision=None):
    return eligibility(
        residence_status=status,
        accommodation=accommodation,
        asylum_application_date=application,
        decision_date=decision,
        today=TODAY,
    )


def test_residence_permit_is_eligible_since_decision():
    result = check("residence_permit", decision=date(2021, 3, 1))
    assert result.eligible and result.since == date(2021, 3, 1)


def test_toleration_is_eligible():
    assert check("toleration").eligible


def test_asylum_applicant_becomes_eligible_after_24_months():
    result = check("asylum_applicant", application=date(2024, 11, 25))
    assert result.eligible and result.since == date(2026, 11, 25)
    waiting = check("asylum_applicant", application=date(2024, 11, 26))
    assert not waiting.eligible
    assert waiting.since == date(2026, 11, 26)
    assert "26.11.2026" in waiting.reason


def test_asylum_applicant_without_application_date_is_not_eligible():
    result = check("asylum_applicant")
    assert not result.eligible and "fehlt" in result.reason


@pytest.mark.parametrize("status", ["settlement_permit", "naturalised", "other"])
def test_other_statuses_are_outside_the_target_group(status):
    assert not check(status).eligible


def test_collective_accommodation_counts_when_criteria_met():
    assert check("residence_permit", "collective").eligible
    assert not check("asylum_applicant", "collective", application=date(2026, 1, 1)).eligible


def test_own_tenancy_is_outside_follow_up_housing():
    result = check("residence_permit", "own_tenancy")
    assert not result.eligible and "Anschlussunterbringung" in result.reason


def test_leap_day_application():
    assert eligible_from(date(2024, 2, 29)) == date(2026, 3, 1)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_sql_clause_agrees_with_pure_function(county, make):
    """Generated cases around the 24-month boundary: the list filter and the page agree."""
    rng = random.Random(7)
    statuses = ["residence_permit", "toleration", "asylum_applicant", "settlement_permit", "other"]
    accommodations = ["follow_up", "collective", "own_tenancy"]
    boundary = add_months(TODAY, -24)
    expected = {}
    for index in range(120):
        household = make.household(
            county.town_a, f"H{index}", accommodation=rng.choice(accommodations)
        )
        application = rng.choice(
            [
                None,
                boundary,
                boundary + timedelta(days=1),
                boundary - timedelta(days=1),
                date(2024, 2, 29),
                TODAY - timedelta(days=rng.randint(0, 2000)),
            ]
        )
        person = make.person(
            household,
            f"P{index}",
            residence_status=rng.choice(statuses),
            asylum_application_date=application,
        )
        db.session.flush()
        expected[person.id] = check(
            person.residence_status, household.accommodation, application
        ).eligible
    db.session.commit()
    found = set(
        db.session.scalars(
            select(Person.id)
            .join(Person.household)
            .where(eligibility_clause(Person, Household, TODAY), Person.id.in_(expected))
        )
    )
    assert found == {pid for pid, ok in expected.items() if ok}
    assert 0 < len(found) < len(expected)
