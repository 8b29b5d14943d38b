"""Property-based hostile input for every form: never a 500; invalid input gives a German
error and stores nothing; valid input is stored exactly (after strip) and shown escaped."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import User
from app.consent.models import ConsentAgency, ConsentRecord
from app.contacts.models import Contact, Task
from app.extensions import db
from app.households.models import Household, Person
from app.privacy.models import PersonCorrection
from app.security.models import TotpCredential
from tests.conftest import PASSWORD, TEST_HASH, count_rows
from tests.dp_helpers import page

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FRAGMENTS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE person; --",
    "' OR '1'='1",
    "%' OR 1=1 --",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202eexe.txt",
    "\u2066isolate\u2069",
    "\ufeff",
    "محمد",
    "Мохаммед",
    "Müller-Lüdenscheidt",
    "ﷺ" * 30,
    "ﬃ" * 50,
    "\u200d\u200c",
    "{{ 7*7 }}",
    "${jndi:ldap://x}",
    "../../etc/passwd",
    "\r\n",
    "  ",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "sNaN",
    "Infinity",
    "31.02.2024",
    "2024-13-45",
    "00.00.0000",
    "01.01.0001",
    "31.12.9999",
    "0x10",
]
hostile_text = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=40),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4).map("".join),
    st.builds(lambda s, n: s * n, st.sampled_from(["x", "ä", "ش", " ", "<"]), st.integers(1, 600)),
)
plain_name = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Zs")),
    min_size=1,
    max_size=30,
)
name_like = st.one_of(plain_name, hostile_text)
number_like = st.one_of(
    st.integers(-(10**30), 10**30).map(str), st.sampled_from(FRAGMENTS), st.just("")
)
date_like = st.one_of(
    st.dates(date(1850, 1, 1), date(2100, 1, 1)).map(lambda d: d.strftime("%d.%m.%Y")),
    st.dates(date(1850, 1, 1), date(2100, 1, 1)).map(lambda d: d.isoformat()),
    st.sampled_from(FRAGMENTS),
    st.just(""),
)

ENGLISH = re.compile(r"\b(Not a valid|This field|Invalid|must be|Field must|is required)\b")
ERROR = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)
TABLES = (
    Household,
    Person,
    User,
    ConsentRecord,
    ConsentAgency,
    PersonCorrection,
    TotpCredential,
    Contact,
    Task,
)


def _counts() -> dict[str, int]:
    return {m.__tablename__: count_rows(m) for m in TABLES}


@pytest.fixture
def as_user(login):
    """One logged-in browser per user for all examples of a test (the database is only
    emptied after the whole test), which keeps the example budget cheap."""
    cache = {}

    def get(username: str):
        if username not in cache:
            cache[username] = login(username)
        return cache[username]

    return get


def _post(b, url: str, data: dict):
    """POST with the browser's current CSRF token; asserts no server error."""
    before = _counts()
    response = b.post(url, data)
    assert response.status_code < 500, (url, data)
    db.session.expire_all()
    return response, before


def _assert_rejected_in_german(response, before) -> None:
    html = page(response)
    errors = ERROR.findall(html)
    assert errors, "invalid input must show an error next to the field"
    for message in errors:
        assert not ENGLISH.search(message), message
    assert _counts() == before, "nothing may be stored from an invalid form"


def _assert_shown_escaped(html: str, value: str) -> None:
    if value:
        assert str(escape(value)) in html


def _strip(value: str) -> str:
    return value.strip()


# --- login --------------------------------------------------------------------------------------


@SETTINGS
@given(username=hostile_text, password=hostile_text)
def test_login_form(app, county, username, password):
    from tests.conftest import Browser

    b = Browser(app.test_client())
    response, before = _post(b, "/login", {"username": username, "password": password})
    assert response.status_code in (200, 400, 401, 429)
    errors = ERROR.findall(page(response))
    assert errors and not any(ENGLISH.search(e) for e in errors)
    assert count_rows(User) == before["app_user"]


# --- households ---------------------------------------------------------------------------------


def _household_data(county, name, street, postcode, phone) -> dict:
    return {
        "name": name,
        "municipality_id": str(county.town_a.id),
        "street": street,
        "postcode": postcode,
        "phone": phone,
        "accommodation": "follow_up",
        "manager_id": str(county.users["manager"].id),
    }


@SETTINGS
@given(
    name=name_like,
    street=hostile_text,
    postcode=st.one_of(st.just("73033"), hostile_text),
    phone=hostile_text,
    municipality=st.one_of(st.just(None), number_like),
)
def test_household_new_and_edit(as_user, county, name, street, postcode, phone, municipality):
    b = as_user("manager")
    data = _household_data(county, name, street, postcode, phone)
    if municipality is not None:
        data["municipality_id"] = municipality
    for url in ("/households/new", f"/households/{county.household_a.id}/edit"):
        response, before = _post(b, url, data)
        if response.status_code == 302:
            household = db.session.scalar(select(Household).order_by(Household.updated_at.desc()))
            if url.endswith("/edit"):
                household = db.session.get(Household, county.household_a.id)
            assert household.name == _strip(name)
            assert household.street == _strip(street)
            assert household.phone == _strip(phone)
            assert household.postcode == _strip(postcode)
            html = page(b.get(f"/households/{household.id}"))
            _assert_shown_escaped(html, household.name)
            _assert_shown_escaped(html, household.street)
        else:
            _assert_rejected_in_german(response, before)


# --- persons ------------------------------------------------------------------------------------


def _person_data(given, family, native, year, month, day, entry, languages) -> dict:
    return {
        "given_name": given,
        "family_name": family,
        "native_name": native,
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "sex": "f",
        "country_of_origin": "Syrien",
        "languages": languages,
        "residence_status": "residence_permit",
        "residence_legal_basis": "",
        "entry_date": entry,
        "asylum_application_date": "",
        "decision_date": "",
        "prospect": "unclear",
        "phone": "",
        "confirm_not_duplicate": "y",
        "correction_reason": languages,
    }


@SETTINGS
@given(
    given_name=name_like,
    family=name_like,
    native=hostile_text,
    # Mostly plausible numbers and dates, so that the valid path is exercised as well.
    year=st.one_of(st.just("1990"), st.just("1990"), st.integers(1890, 2030).map(str), number_like),
    month=st.one_of(st.just(""), st.just(""), number_like),
    day=st.one_of(st.just(""), st.just(""), number_like),
    entry=st.one_of(st.just(""), st.just(""), date_like),
    languages=hostile_text,
)
def test_person_new_and_edit(
    as_user, county, given_name, family, native, year, month, day, entry, languages
):
    b = as_user("manager")
    data = _person_data(given_name, family, native, year, month, day, entry, languages)
    for url in (
        f"/households/{county.household_a.id}/persons/new",
        f"/persons/{county.person_a.id}/edit",
    ):
        response, before = _post(b, url, data)
        if response.status_code == 302:
            person = db.session.scalar(select(Person).order_by(Person.updated_at.desc()))
            if url.endswith("/edit"):
                person = db.session.get(Person, county.person_a.id)
            assert person.given_name == _strip(given_name)
            assert person.family_name == _strip(family)
            assert person.native_name == _strip(native)
            assert person.languages == _strip(languages)
            html = page(b.get(f"/persons/{person.id}"))
            _assert_shown_escaped(html, person.given_name)
            _assert_shown_escaped(html, person.native_name)
        else:
            _assert_rejected_in_german(response, before)


# --- close household ----------------------------------------------------------------------------


@SETTINGS
@given(reason=st.one_of(st.just("goals_reached"), hostile_text), closed_on=date_like)
def test_close_household(as_user, county, reason, closed_on):
    household = db.session.get(Household, county.household_b.id)
    household.status, household.closed_on, household.closed_reason = "active", None, None
    db.session.commit()
    b = as_user("manager_b")
    response, before = _post(
        b, f"/households/{county.household_b.id}/close", {"reason": reason, "closed_on": closed_on}
    )
    if response.status_code == 302:
        household = db.session.get(Household, county.household_b.id)
        assert household.status == "closed" and household.closed_reason == reason
    else:
        _assert_rejected_in_german(response, before)


# --- admin: users -------------------------------------------------------------------------------


@SETTINGS
@given(
    username=name_like,
    display_name=name_like,
    email=st.one_of(st.just(""), st.just("a@example.org"), hostile_text),
    fte=st.one_of(st.just("0.5"), number_like),
    password=st.one_of(st.just("ein sehr langes Passwort"), hostile_text),
)
def test_admin_user_forms(as_user, county, username, display_name, email, fte, password):
    b = as_user("admin")
    data = {
        "username": username,
        "display_name": display_name,
        "email": email,
        "role": "volunteer",
        "team_id": str(county.team_a.id),
        "fte": fte,
        "qualification": "",
        "password": password,
    }
    volunteer = county.users["volunteer"].id
    for url in ("/admin/users/new", f"/admin/users/{volunteer}/edit"):
        response, before = _post(b, url, data)
        if response.status_code == 302:
            user = db.session.scalar(select(User).order_by(User.id.desc()))
            if url.endswith("/edit"):
                user = db.session.get(User, volunteer)
            assert user.username == _strip(username)
            assert user.display_name == _strip(display_name)
            html = page(b.get("/admin/users/"))
            _assert_shown_escaped(html, user.display_name)
        else:
            _assert_rejected_in_german(response, before)
    response, before = _post(b, f"/admin/users/{volunteer}/password", {"password": password})
    if response.status_code != 302:
        _assert_rejected_in_german(response, before)


# --- consent ------------------------------------------------------------------------------------


def _agency_names(raw: str) -> list[str]:
    names: list[str] = []
    for line in raw.strip().splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


@SETTINGS
@given(
    agencies=st.one_of(hostile_text, st.lists(name_like, max_size=25).map("\n".join)),
    version=hostile_text,
    given_on=date_like,
    language=st.one_of(st.sampled_from(["de", "ar", "uk"]), hostile_text),
    withdrawn_on=date_like,
)
def test_consent_forms(as_user, county, agencies, version, given_on, language, withdrawn_on):
    b = as_user("manager")
    person = county.person_a.id
    data = {
        "counselling": "y",
        "agencies": agencies,
        "language": language,
        "form_version": version,
        "method": "paper",
        "given_on": given_on,
    }
    response, before = _post(b, f"/persons/{person}/consent/new", data)
    if response.status_code == 302:
        consent = db.session.scalar(select(ConsentRecord).order_by(ConsentRecord.id.desc()))
        assert consent.form_version == _strip(version)
        assert consent.agency_names == _agency_names(agencies)
        html = page(b.get(f"/persons/{person}"))
        for name in consent.agency_names:
            _assert_shown_escaped(html, name)
    else:
        _assert_rejected_in_german(response, before)
    response, before = _post(
        b, f"/persons/{person}/consent/withdraw", {"withdrawn_on": withdrawn_on, "confirm": "y"}
    )
    if response.status_code != 302:
        _assert_rejected_in_german(response, before)


# --- contact notes ------------------------------------------------------------------------------


@SETTINGS
@given(
    field=st.sampled_from(
        ["note", "location", "duration_minutes", "occurred_at", "tasks-0-description"]
    ),
    value=st.one_of(plain_name, hostile_text),
)
def test_contact_form(as_user, consented, field, value):
    """One hostile field per example, the others valid, so both outcomes are exercised."""
    from tests.contacts_helpers import contact_payload, seed_topics

    seed_topics()
    b = as_user("manager")
    household = consented.household_a.id
    data = contact_payload(
        [consented.person_a.id],
        idempotency_key=str(uuid.uuid4()),
        note="Notiz",
        setting="office_hour",
        location="Rathaus",
        duration_preset="",
        duration_minutes="30",
    )
    data[field] = value
    response, before = _post(b, f"/households/{household}/contacts/new", data)
    if response.status_code == 302:
        contact = db.session.scalar(select(Contact).order_by(Contact.id.desc()))
        if field in ("note", "location"):
            assert getattr(contact, field) == _strip(value)
        html = page(b.get(f"/contacts/{contact.id}"))
        _assert_shown_escaped(html, contact.note)
        _assert_shown_escaped(html, contact.location)
    else:
        _assert_rejected_in_german(response, before)


# --- own account --------------------------------------------------------------------------------


@SETTINGS
@given(current=st.one_of(st.just(PASSWORD), hostile_text), new=hostile_text, code=hostile_text)
def test_own_password_and_2fa_forms(as_user, county, current, new, code):
    b = as_user("colleague")
    response, before = _post(
        b, "/account/password", {"current_password": current, "password": new, "repeat": new}
    )
    if response.status_code == 302:
        user = db.session.get(User, county.users["colleague"].id)
        assert check_password_hash(user.password_hash, new)
        # Back to the known password for the next example.
        user.password_hash = generate_password_hash(PASSWORD, method=TEST_HASH)
        db.session.commit()
    else:
        _assert_rejected_in_german(response, before)
    response, before = _post(b, "/account/2fa/setup", {"code": code})
    assert response.status_code == 200
    assert ERROR.findall(page(response))


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "Samira\u202e", "x\x1by"])
def test_control_characters_rejected_with_german_message(as_user, county, value):
    b = as_user("manager")
    data = _person_data(value, "Haddad", "", "1990", "", "", "", "")
    response, before = _post(b, f"/households/{county.household_a.id}/persons/new", data)
    assert response.status_code == 200
    assert "Bitte keine Steuerzeichen eingeben" in page(response)
    assert _counts() == before


@pytest.mark.parametrize(
    ("year", "month", "day"), [("1" + "0" * 25, "1", "1"), ("2000", "2", "99999999999999999999")]
)
def test_huge_birth_numbers_give_german_errors(as_user, county, year, month, day):
    """Found by the property test: date(10**25, 1, 1) raised OverflowError (a 500)."""
    b = as_user("manager")
    b.get(f"/households/{county.household_a.id}/persons/new")
    data = _person_data("Amal", "Haddad", "", year, month, day, "", "")
    response, before = _post(b, f"/households/{county.household_a.id}/persons/new", data)
    _assert_rejected_in_german(response, before)
