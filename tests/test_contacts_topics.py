"""The editable topic catalogue: seeding, add, rename, retire."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.contacts import choices
from app.contacts.models import Topic
from app.contacts.services import ensure_default_topics
from app.extensions import db
from tests.conftest import count_rows
from tests.contacts_helpers import (
    contact_payload,
    make_contact,
    seed_topics,
)

# Contacts are counselling data: recorded only for persons who consented.
pytestmark = pytest.mark.usefixtures("consented")


@pytest.fixture(autouse=True)
def _topics(county):
    seed_topics()


def test_default_catalogue_is_seeded_once():
    topics = db.session.scalars(select(Topic).order_by(Topic.sort_order)).all()
    assert [(t.key, t.label) for t in topics] == list(choices.DEFAULT_TOPICS)
    assert all(t.active for t in topics)
    assert ensure_default_topics() == 0
    assert count_rows(Topic) == len(choices.DEFAULT_TOPICS)


def test_migration_seeds_the_same_catalogue():
    from pathlib import Path

    source = (Path(__file__).parent.parent / "migrations/versions/0002_contacts.py").read_text()
    for key, label in choices.DEFAULT_TOPICS:
        assert f"('{key}', '{label}')" in source


def test_admin_adds_renames_and_retires_topics(login, county):
    b = login("admin")
    page = b.get("/admin/topics")
    assert page.status_code == 200 and "Wohnen" in page.text
    assert b.post("/admin/topics", {"label": "", "sort_order": ""}).status_code == 200
    assert count_rows(Topic) == len(choices.DEFAULT_TOPICS)
    r = b.post("/admin/topics", {"label": "Digitale Teilhabe", "sort_order": "55", "active": "y"})
    assert r.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.label == "Digitale Teilhabe"))
    assert topic.key == "digitale_teilhabe" and topic.sort_order == 55 and topic.active
    housing = db.session.scalar(select(Topic).where(Topic.key == "housing"))
    r = b.post(f"/admin/topics/{housing.id}", {"label": "Wohnen und Umzug", "sort_order": "20"})
    assert r.status_code == 302  # "active" left out: retired
    db.session.expire_all()
    housing = db.session.get(Topic, housing.id)
    assert housing.label == "Wohnen und Umzug" and housing.active is False
    details = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.object_type == "topic")
    ).all()
    assert "active, label" in details

    manager = login("manager")
    form = manager.get(f"/households/{county.household_a.id}/contacts/new").text
    assert "Digitale Teilhabe" in form
    assert 'value="housing"' not in form  # retired topics are not offered for new contacts
    data = contact_payload([county.person_a.id], topics=["housing"])
    html = manager.post(f"/households/{county.household_a.id}/contacts/new", data).text
    assert "Unbekanntes Thema." in html


def test_retired_topic_stays_on_old_contacts_and_in_their_edit_form(login, county):
    contact = make_contact(county.household_a, county.users["manager"], topics=["housing"])
    housing = db.session.scalar(select(Topic).where(Topic.key == "housing"))
    housing.active = False
    db.session.commit()
    b = login("manager")
    assert "Wohnen" in b.get(f"/households/{county.household_a.id}").text
    assert 'value="housing" checked' in b.get(f"/contacts/{contact.id}/edit").text


def test_topic_admin_is_for_admins_only(login, county):
    topic_id = db.session.scalar(select(Topic.id).limit(1))
    for who in ("lead", "manager", "frontdesk", "volunteer"):
        b = login(who)
        assert b.get("/admin/topics").status_code == 403
        assert b.post("/admin/topics", {"label": "X"}).status_code == 403
        assert b.post(f"/admin/topics/{topic_id}", {"label": "X"}).status_code == 403
    assert count_rows(Topic) == len(choices.DEFAULT_TOPICS)
