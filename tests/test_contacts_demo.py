"""The demo county comes with a year of contacts."""

from __future__ import annotations

from sqlalchemy import func, select

from app.contacts.models import Contact, Task
from app.demo.generator import build_demo_county
from app.extensions import db
from tests.conftest import TEST_HASH


def test_demo_county_has_a_realistic_year_of_contacts(ctx):
    summary = build_demo_county(2018, TEST_HASH)
    assert 8_000 <= summary.contacts <= 12_000
    assert db.session.scalar(select(func.count(Contact.id))) == summary.contacts
    home_visits = db.session.scalar(
        select(func.count(Contact.id)).where(Contact.setting == "home_visit")
    )
    assert 0.28 < home_visits / summary.contacts < 0.38
    statuses = dict(
        db.session.execute(select(Task.status, func.count(Task.id)).group_by(Task.status)).all()
    )
    assert statuses["open"] > 0 and statuses["done"] > statuses["open"]
    # Same seed, same data: keys are drawn from the seeded generator too.
    first = db.session.scalar(select(Contact.idempotency_key).order_by(Contact.id).limit(1))
    assert len(first) == 36
