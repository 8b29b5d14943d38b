"""What a new contact form chooses for the manager, and that it says so (issue #17): the setting
and place of the manager's last contact only within 12 hours, marked "wie zuletzt"; all
consenting household members, marked as preselected; nothing chosen silently."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.contacts import services
from app.contacts.models import Contact
from app.extensions import db
from app.timeutil import utcnow
from tests.conftest import given_consent
from tests.contacts_helpers import contact_payload, make_contact, seed_topics

pytestmark = pytest.mark.usefixtures("consented")

CHECKED_SETTING = re.compile(
    r'name="setting" value="(\w+)" checked><span>([^<]*)(<small[^>]*>[^<]*)?'
)


def _last_contact(county, hours_ago: float, setting: str = "video") -> Contact:
    contact = make_contact(county.household_a, county.users["manager"], setting=setting)
    contact.location = "Rathaus Nordheim, Zimmer 3" if setting == "office_hour" else ""
    contact.created_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()
    return contact


def _form(b, county, query: str = "") -> str:
    return b.get(f"/households/{county.household_a.id}/contacts/new{query}").text


def test_last_defaults_only_within_the_configured_age(county, ctx):
    seed_topics()
    manager = county.users["manager"]
    contact = _last_contact(county, hours_ago=3, setting="office_hour")
    now = utcnow()
    assert services.last_defaults(manager, now) == {
        "setting": "office_hour",
        "location": "Rathaus Nordheim, Zimmer 3",
    }
    # Just inside and just outside the limit, measured from when the contact was recorded.
    limit = services.LAST_DEFAULTS_MAX_AGE
    assert services.last_defaults(manager, contact.created_at + limit)["setting"] == "office_hour"
    assert services.last_defaults(manager, contact.created_at + limit + timedelta(seconds=1)) == {}
    assert limit == timedelta(hours=12)
    # A deleted contact is no model for the next one.
    contact.deleted_at = now
    db.session.commit()
    assert services.last_defaults(manager, now) == {}


def test_recent_setting_and_place_are_preselected_and_marked(login, county):
    seed_topics()
    _last_contact(county, hours_ago=2, setting="office_hour")
    html = _form(login("manager"), county)
    value, label, marker = CHECKED_SETTING.search(html).groups()
    assert (value, label.strip()) == ("office_hour", "Sprechstunde vor Ort")
    assert marker is not None and marker.endswith("wie zuletzt")
    assert html.count('data-preselected="setting"') == 1  # only on the chosen chip
    assert 'value="Rathaus Nordheim, Zimmer 3"' in html
    assert 'data-preselected="location">wie zuletzt</small>' in html


def test_after_twelve_hours_no_setting_is_chosen_and_saving_without_one_is_refused(login, county):
    seed_topics()
    _last_contact(county, hours_ago=13)
    b = login("manager")
    html = _form(b, county)
    assert CHECKED_SETTING.search(html) is None
    assert "wie zuletzt" not in html
    before = db.session.scalar(select(db.func.count()).select_from(Contact))
    data = contact_payload([county.person_a.id])
    del data["setting"]  # the manager did not choose one
    response = b.post(f"/households/{county.household_a.id}/contacts/new", data)
    assert response.status_code == 200
    assert "Bitte eine Art des Kontakts wählen." in response.text
    assert 'href="#setting"' in response.text  # listed in the error summary
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Contact)) == before


def test_first_contact_of_a_manager_has_no_setting_chosen(login, county):
    seed_topics()
    html = _form(login("manager"), county)
    assert CHECKED_SETTING.search(html) is None
    assert "wie zuletzt" not in html


def test_all_members_preselected_is_said_and_an_appointment_prefill_is_not_last_time(
    login, county, make
):
    seed_topics()
    second = make.person(county.household_a, "Omar")
    db.session.flush()
    db.session.add(given_consent(second.id))
    db.session.commit()
    _last_contact(county, hours_ago=1, setting="video")
    b = login("manager")
    html = _form(b, county)
    assert (
        f'value="{county.person_a.id}" checked' in html and f'value="{second.id}" checked' in html
    )
    assert "Vorausgewählt: alle Haushaltsmitglieder." in html
    assert CHECKED_SETTING.search(html).group(1) == "video"
    # Opened from an office hour: setting, place and person come from there, not from the
    # last contact, so nothing is marked "wie zuletzt" or "alle".
    prefilled = _form(
        b, county, f"?person_ids={second.id}&setting=office_hour&location=Rathaus+Nordheim"
    )
    assert CHECKED_SETTING.search(prefilled).group(1) == "office_hour"
    assert "wie zuletzt" not in prefilled
    assert "Vorausgewählt: alle" not in prefilled
    assert f'value="{county.person_a.id}" checked' not in prefilled


def test_marker_in_english(login, county):
    seed_topics()
    _last_contact(county, hours_ago=1, setting="video")
    b = login("manager")
    html = b.get(
        f"/households/{county.household_a.id}/contacts/new", headers={"Accept-Language": "en"}
    ).text
    assert 'data-preselected="setting">as last time</small>' in html


def test_editing_a_contact_marks_nothing(login, county):
    seed_topics()
    contact = _last_contact(county, hours_ago=1, setting="video")
    html = login("manager").get(f"/contacts/{contact.id}/edit").text
    assert CHECKED_SETTING.search(html).group(1) == "video"
    assert "wie zuletzt" not in html and "Vorausgewählt" not in html
