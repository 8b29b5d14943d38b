"""Households and persons: create, edit, view, close — on a phone, with bad input rejected."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.households.models import Household, Person
from tests.conftest import count_rows

PERSON = {
    "given_name": "Ahmad",
    "family_name": "Alahmad",
    "native_name": "أحمد الأحمد",
    "birth_year": "1988",
    "birth_month": "7",
    "birth_day": "15",
    "sex": "m",
    "country_of_origin": "Syrien",
    "languages": "Arabisch",
    "residence_status": "asylum_applicant",
    "residence_legal_basis": "",
    "entry_date": "2023-01-10",
    "asylum_application_date": "2023-02-01",
    "decision_date": "",
    "prospect": "unclear",
    "phone": "0151 1234567",
}


def household_form(county, **overrides) -> dict:
    return {
        "name": "Alahmad",
        "municipality_id": str(county.town_a.id),
        "street": "Hauptstraße 5",
        "postcode": "73066",
        "phone": "",
        "accommodation": "follow_up",
        "manager_id": str(county.users["manager"].id),
    } | overrides


def test_manager_creates_household_and_first_person(login, county, ctx):
    b = login("manager")
    response = b.post("/households/new", household_form(county))
    assert response.status_code == 302
    household = db.session.scalar(select(Household).where(Household.name == "Alahmad"))
    assert household.team_id == county.team_a.id
    assert response.headers["Location"].endswith(f"/households/{household.id}/persons/new")

    response = b.post(f"/households/{household.id}/persons/new", PERSON)
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.given_name == "Ahmad"))
    assert person.native_name == "أحمد الأحمد"
    assert person.asylum_application_date == date(2023, 2, 1)
    # Accents and hamza are folded for tolerant search; the stored name stays as written.
    assert person.search_name == "ahmad alahmad احمد الاحمد"
    assert "Ahmad Alahmad" in b.post("/search", {"q": "al-ahmad"}).get_data(as_text=True)

    page = b.get(f"/households/{household.id}").get_data(as_text=True)
    assert "Ahmad Alahmad" in page
    assert "Einzelperson" in page
    # Application 2023-02-01: 24 months passed, so the person is in the target group.
    assert "Asylverfahren nach 24 Monaten nicht abgeschlossen" in page
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type.in_(["household", "person"]))
    ).all()
    assert actions.count("create") == 2 and "view" in actions


def test_person_page_shows_eligibility_and_reason(login, county):
    page = login("manager").get(f"/persons/{county.person_a.id}").get_data(as_text=True)
    assert "Anerkannt mit Aufenthaltserlaubnis" in page
    assert "seit 04.05.2020" in page
    assert 'dir="auto"' in page  # native-script name isolated for bidirectional text


def test_possible_duplicate_is_shown_before_saving(login, county, ctx):
    b = login("manager")
    before = count_rows(Person)
    data = PERSON | {"given_name": "Samirah", "family_name": "Hadad", "birth_year": "1991"}
    response = b.post(f"/households/{county.household_a.id}/persons/new", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mögliche Doppelerfassung" in body and "Samira Haddad" in body
    assert count_rows(Person) == before
    response = b.post(
        f"/households/{county.household_a.id}/persons/new", data | {"confirm_not_duplicate": "y"}
    )
    assert response.status_code == 302
    assert count_rows(Person) == before + 1


def test_edit_person_records_changed_fields_in_audit(login, county, ctx):
    b = login("manager")
    person = county.person_a
    data = PERSON | {
        "given_name": "Samira",
        "family_name": "Haddad",
        "prospect": "secure",
        "residence_status": "residence_permit",
        "decision_date": "2020-05-04",
        "native_name": "سميرة حداد",
        "birth_year": "1990",
        "birth_month": "",
        "birth_day": "",
        "entry_date": "2019-09-01",
        "asylum_application_date": "2019-10-01",
    }
    assert b.post(f"/persons/{person.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).prospect == "secure"
    detail = db.session.scalar(
        select(AuditEvent.detail).where(
            AuditEvent.action == "update", AuditEvent.object_id == person.id
        )
    )
    assert "prospect" in detail and "Samira" not in detail


def test_close_and_reopen_household(login, county, ctx):
    b = login("manager")
    hid = county.household_a.id
    response = b.post(
        f"/households/{hid}/close", {"reason": "moved_away", "closed_on": "2026-01-15"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    household = db.session.get(Household, hid)
    assert household.status == "closed" and household.closed_on == date(2026, 1, 15)
    assert "abgeschlossen" in b.get(f"/households/{hid}").get_data(as_text=True)
    b.post(f"/households/{hid}/reopen")
    db.session.expire_all()
    assert db.session.get(Household, hid).status == "active"


def test_list_filters_by_eligibility_and_prospect(login, county, make):
    waiting = make.household(county.town_a, "Wartend")
    make.person(
        waiting,
        "Tarek",
        residence_status="asylum_applicant",
        asylum_application_date=date.today() - timedelta(days=100),
        prospect="unclear",
    )
    db.session.commit()
    b = login("manager")
    eligible = b.get("/households?status=active&eligibility=yes").get_data(as_text=True)
    assert "Haddad" in eligible and "Wartend" not in eligible
    not_eligible = b.get("/households?eligibility=no").get_data(as_text=True)
    assert "Wartend" in not_eligible and "Haddad" not in not_eligible
    unclear = b.get("/households?prospect=unclear").get_data(as_text=True)
    assert "Wartend" in unclear
    fragment = b.htmx_get("/households?eligibility=no", target="household-list")
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Wartend" in fragment.get_data(as_text=True)


# --- bad input ---------------------------------------------------------------------------


def _errors_and_nothing_stored(b, url, data, model, expected_message):
    before = count_rows(model)
    response = b.post(url, data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert expected_message in body
    assert 'class="error"' in body
    assert count_rows(model) == before
    return body


def test_birth_in_future_is_rejected(login, county, ctx):
    url = f"/households/{county.household_a.id}/persons/new"
    next_year = str(date.today().year + 1)
    _errors_and_nothing_stored(
        login("manager"),
        url,
        PERSON | {"birth_year": next_year},
        Person,
        "Das Geburtsjahr darf nicht in der Zukunft liegen.",
    )


def test_decision_before_application_is_rejected(login, county, ctx):
    url = f"/households/{county.household_a.id}/persons/new"
    body = _errors_and_nothing_stored(
        login("manager"),
        url,
        PERSON | {"decision_date": "2023-01-20"},
        Person,
        "Die Entscheidung liegt vor dem Antrag.",
    )
    # What the user typed is kept.
    assert 'value="Ahmad"' in body and 'value="2023-01-20"' in body


def test_impossible_and_malformed_dates_are_rejected(login, county, ctx):
    b = login("manager")
    url = f"/households/{county.household_a.id}/persons/new"
    _errors_and_nothing_stored(
        b,
        url,
        PERSON | {"birth_month": "2", "birth_day": "30"},
        Person,
        "Dieses Datum gibt es nicht.",
    )
    _errors_and_nothing_stored(
        b, url, PERSON | {"entry_date": "31.02.2020"}, Person, "Bitte ein gültiges Datum angeben"
    )
    _errors_and_nothing_stored(
        b,
        url,
        PERSON | {"entry_date": "1980-01-01"},
        Person,
        "Die Einreise kann nicht vor der Geburt liegen.",
    )
    _errors_and_nothing_stored(
        b, url, PERSON | {"given_name": "  "}, Person, "Bitte den Vornamen angeben."
    )


def test_bad_household_input(login, county, ctx):
    b = login("manager")
    _errors_and_nothing_stored(
        b,
        "/households/new",
        household_form(county, postcode="7306"),
        Household,
        "Die Postleitzahl hat fünf Ziffern.",
    )
    _errors_and_nothing_stored(
        b,
        "/households/new",
        household_form(county, name="x" * 121),
        Household,
        "Höchstens 120 Zeichen.",
    )
    # A town of another team is not offered and not accepted.
    body = _errors_and_nothing_stored(
        b,
        "/households/new",
        household_form(county, municipality_id=str(county.town_b.id)),
        Household,
        "Keine gültige Auswahl",
    )
    assert "Südhausen" not in body


def test_oversized_input_is_rejected_cleanly(login, county, ctx):
    b = login("manager")
    before = count_rows(Household)
    response = b.post("/households/new", household_form(county, street="x" * 400_000))
    assert response.status_code == 413
    assert "Eingabe zu groß" in response.get_data(as_text=True)
    assert count_rows(Household) == before


def test_unknown_ids_give_404(login, county):
    b = login("admin")
    for url in (
        "/households/999999",
        "/persons/999999",
        "/households/999999/edit",
        "/admin/users/999999/edit",
        "/persons/abc",
    ):
        assert b.get(url).status_code == 404, url


def test_household_and_person_pages_speak_english(login, county):
    b = login("manager")
    english = {"Accept-Language": "en"}
    page = b.get(f"/households/{county.household_a.id}", headers=english).get_data(as_text=True)
    assert "Single person" in page and "Close case" in page and "Persons" in page
    assert "Einzelperson" not in page and "Beratung abschließen" not in page
    person = b.get(f"/persons/{county.person_a.id}", headers=english).get_data(as_text=True)
    assert "Recognised with residence permit" in person and "since May 4, 2020" in person
    assert "Anerkannt mit Aufenthaltserlaubnis" not in person and "Geschlecht" not in person
    listing = b.get("/households?status=", headers=english).get_data(as_text=True)
    assert "Prospect to stay" in listing and "1 household" in listing
    assert "Bleibeperspektive" not in listing
    bad = b.post(
        "/households/new", {"name": "", "municipality_id": county.town_a.id}, headers=english
    )
    assert "Please enter a name." in bad.get_data(as_text=True)
