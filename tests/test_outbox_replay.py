"""The outbox's replay protocol on the contact form: 201 once saved (exactly once per key),
422 with reasons when the entry needs correction, closed cases refused."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.contacts.models import Contact
from app.extensions import db
from app.households.models import Household
from app.timeutil import utcnow
from tests.conftest import count_rows
from tests.contacts_helpers import contact_payload, local_input, seed_topics

# Contacts are counselling data: recorded only for persons who consented.
pytestmark = pytest.mark.usefixtures("consented")

REPLAY = {"X-Outbox-Replay": "1"}


def replay(b, household_id: int, data: dict):
    token = b.get("/session/csrf").json["token"]
    return b.post(
        f"/households/{household_id}/contacts/new", data | {"csrf_token": token}, headers=REPLAY
    )


def test_replayed_entry_is_saved_once(login, county, ctx):
    seed_topics()
    b = login("manager")
    data = contact_payload(
        [county.person_a.id], note="Offline notiert", idempotency_key=str(uuid.uuid4())
    )
    first = replay(b, county.household_a.id, data)
    assert first.status_code == 201 and first.text == "Kontakt gespeichert."
    again = replay(b, county.household_a.id, data)  # the response was lost: sent again
    assert again.status_code == 201 and again.text == "Dieser Kontakt war schon gespeichert."
    assert first.headers["X-Contact-Id"] == again.headers["X-Contact-Id"]
    notes = db.session.scalars(select(Contact.note)).all()
    assert notes == ["Offline notiert"]


def test_replay_with_invalid_entry_answers_422_with_reasons(login, county, ctx):
    seed_topics()
    b = login("manager")
    data = contact_payload([county.person_a.id], topics=[], idempotency_key=str(uuid.uuid4()))
    response = replay(b, county.household_a.id, data)
    assert response.status_code == 422
    assert "Thema" in response.text and response.mimetype == "text/plain"
    assert count_rows(Contact) == 0


def test_closed_household_takes_no_new_contact_but_answers_a_replay(login, county, ctx):
    seed_topics()
    b = login("manager")
    hid = county.household_a.id
    saved = contact_payload([county.person_a.id], idempotency_key=str(uuid.uuid4()))
    assert replay(b, hid, saved).status_code == 201
    household = db.session.get(Household, hid)
    household.status = "closed"
    db.session.commit()
    fresh = contact_payload([county.person_a.id], idempotency_key=str(uuid.uuid4()))
    refused = replay(b, hid, fresh)
    assert refused.status_code == 422 and "abgeschlossen" in refused.text
    assert replay(b, hid, saved).status_code == 201  # already saved before closing
    assert count_rows(Contact) == 1
    # Without the outbox the same rule shows next to the form.
    page = b.post(f"/households/{hid}/contacts/new", fresh)
    assert page.status_code == 200 and "Beratung dieses Haushalts ist abgeschlossen" in page.text


def test_replay_to_other_team_is_404(login, county, ctx):
    seed_topics()
    b = login("manager")
    person_b = county.household_b.members[0]
    data = contact_payload([person_b.id], idempotency_key=str(uuid.uuid4()))
    assert replay(b, county.household_b.id, data).status_code == 404
    assert count_rows(Contact) == 0


def test_contact_form_page_may_be_kept_offline(login, county):
    seed_topics()
    b = login("manager")
    page = b.get(f"/households/{county.household_a.id}/contacts/new")
    assert page.headers["X-Offline-Copy"] == "allowed"
    embedded = b.htmx_get(f"/households/{county.household_a.id}/contacts/new?embedded=1")
    assert "X-Offline-Copy" not in embedded.headers


def test_entry_refused_with_422_is_saved_once_when_corrected_with_the_same_key(login, county, ctx):
    seed_topics()
    b = login("manager")
    hid = county.household_a.id
    key = str(uuid.uuid4())
    wrong = contact_payload(
        [county.person_a.id], topics=[], note="Erst ohne Thema", idempotency_key=key
    )
    refused = replay(b, hid, wrong)
    assert refused.status_code == 422 and "Thema" in refused.text
    assert count_rows(Contact) == 0  # the refusal does not use up the key
    corrected = wrong | {"topics": ["housing"]}
    assert replay(b, hid, corrected).status_code == 201
    again = replay(b, hid, corrected)  # the answer was lost: the phone sends it once more
    assert again.status_code == 201 and again.text == "Dieser Kontakt war schon gespeichert."
    [saved] = db.session.scalars(select(Contact)).all()
    assert saved.idempotency_key == key and saved.note == "Erst ohne Thema"


def test_replay_keeps_the_typed_time_within_bounds(login, county, ctx):
    """An entry typed offline carries the time it was typed; the server keeps it, and refuses
    a time more than a day ahead (a phone with a wrong clock) with a reason to correct."""
    seed_topics()
    b = login("manager")
    hid = county.household_a.id
    typed = utcnow().replace(second=0, microsecond=0) - timedelta(hours=5)
    data = contact_payload([county.person_a.id], occurred_at=local_input(typed))
    assert replay(b, hid, data).status_code == 201
    assert db.session.scalars(select(Contact.occurred_at)).one() == typed
    ahead = contact_payload(
        [county.person_a.id], occurred_at=local_input(utcnow() + timedelta(days=2))
    )
    refused = replay(b, hid, ahead)
    assert refused.status_code == 422 and "Zukunft" in refused.text
