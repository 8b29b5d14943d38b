"""Validation messages: German in German, English in English, one message per bad field —
also for what WTForms itself says (a time it cannot read, an impossible date)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po

from app.appointments.models import Appointment
from app.extensions import db
from app.households.models import Person
from app.timeutil import today
from tests.conftest import count_rows
from tests.contacts_helpers import contact_payload, seed_topics

ENGLISH = re.compile(r"\b(Not a valid|This field|Invalid|must be|Field must|is required|could)\b")
ERROR = re.compile(r'<p class="error" id="([^"]+)-err">(.*?)</p>', re.S)
# Raised as TypeError for a programming mistake, never shown next to a field.
NOT_SHOWN = {"Choices cannot be None.", "Invalid field name '%s'."}


def _wtforms_ids() -> list[tuple[str, str]]:
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as handle:
        catalogue = read_po(handle)
    return [
        (m.id, "") if isinstance(m.id, str) else m.id
        for m in catalogue
        if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in NOT_SHOWN
    ]


@pytest.mark.parametrize("locale", ["de", "en"])
def test_every_wtforms_message_is_in_the_interface_language(app, locale):
    from flask_babel import force_locale

    from app.forms import Form

    with app.test_request_context(), force_locale(locale):
        translations = Form().meta.get_translations(Form())
        for singular, plural in _wtforms_ids():
            text = (
                translations.ngettext(singular, plural, 2)
                if plural
                else translations.gettext(singular)
            )
            if locale == "de":
                assert text != singular and not ENGLISH.search(text), singular
            else:
                assert not re.search(r"\b(Bitte|Ungültig|gültig)", text), (singular, text)


def _errors(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, message in ERROR.findall(html):
        found.setdefault(field, []).append(message.strip())
    return found


def _appointment(county, b, **fields):
    data = {
        "kind": "home_visit",
        "day": (today() + timedelta(days=3)).isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "place": "Hauptstr. 5",
        "manager_id": str(county.users["manager"].id),
        "person_ids": str(county.person_a.id),
        "status": "planned",
        **fields,
    }
    return b.post(f"/households/{county.household_a.id}/appointments/new", data)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start_time": "25:99"}, "start_time", "Bitte eine gültige Uhrzeit angeben (HH:MM)."),
        ({"end_time": "abends"}, "end_time", "Bitte eine gültige Uhrzeit angeben (HH:MM)."),
        ({"day": "2026-02-30"}, "day", "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."),
        ({"day": "30.02.2026"}, "day", "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."),
        ({"day": ""}, "day", "Bitte ein Datum angeben."),
    ],
)
def test_appointment_form_says_once_what_is_wrong(county, login, fields, field, message):
    response = _appointment(county, login("manager"), **fields)
    assert response.status_code == 200
    assert _errors(response.get_data(as_text=True)) == {field: [message]}
    assert count_rows(Appointment) == 0


def test_appointment_form_in_english(county, login):
    county.users["manager"].locale = "en"
    db.session.commit()
    response = _appointment(county, login("manager"), start_time="25:99", day="2026-02-30")
    assert _errors(response.get_data(as_text=True)) == {
        "start_time": ["Please enter a valid time (HH:MM)."],
        "day": ["Please enter a valid date (DD.MM.YYYY)."],
    }
    assert count_rows(Appointment) == 0


def test_contact_form_with_an_impossible_date(consented, login):
    from app.contacts.models import Contact

    seed_topics()
    county = consented
    data = contact_payload([county.person_a.id], occurred_at="2026-02-30T10:00")
    response = login("manager").post(f"/households/{county.household_a.id}/contacts/new", data)
    assert response.status_code == 200
    assert _errors(response.get_data(as_text=True)) == {
        "occurred_at": ["Bitte ein gültiges Datum mit Uhrzeit angeben (TT.MM.JJJJ HH:MM)."]
    }
    assert count_rows(Contact) == 0


def test_person_form_number_and_date_fields(county, login):
    person = county.person_a
    before = (person.birth_year, person.entry_date)
    response = login("manager").post(
        f"/persons/{person.id}/edit",
        {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "birth_year": "19x0",
            "entry_date": "2026-02-30",
        },
    )
    assert response.status_code == 200
    errors = _errors(response.get_data(as_text=True))
    assert errors["birth_year"] == ["Bitte eine ganze Zahl eingeben."]
    assert errors["entry_date"] == ["Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."]
    db.session.expire_all()
    stored = db.session.get(Person, person.id)
    assert (stored.birth_year, stored.entry_date) == before
