from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import String, Text, func, select

from app.audit.models import AuditEvent
from app.consent.models import ConsentAgency
from app.extensions import db
from app.households.models import Household, Person
from app.households.rules import add_months
from app.privacy.models import PersonCorrection
from app.privacy.registry import subject_access_section
from app.timeutil import today
from tests.conftest import count_rows
from tests.dp_helpers import page, pdf_text

PERSON_EDIT = {
    "given_name": "Samirah",
    "family_name": "Haddad",
    "native_name": "سميرة حداد",
    "birth_year": "1990",
    "birth_month": "3",
    "birth_day": "12",
    "sex": "f",
    "country_of_origin": "Syrien",
    "languages": "Arabisch, Englisch",
    "residence_status": "residence_permit",
    "residence_legal_basis": "§ 25 Abs. 2 AufenthG",
    "entry_date": "01.02.2016",
    "asylum_application_date": "",
    "decision_date": "04.05.2020",
    "prospect": "secure",
    "phone": "0151 2345678",
    "correction_reason": "Schreibweise laut Pass",
}


def search(b, q: str) -> str:
    b.get("/search")
    return page(b.post("/search", {"q": q}))


def _edit_person(b, person_id: int, **overrides) -> None:
    b.get(f"/persons/{person_id}/edit")
    r = b.post(f"/persons/{person_id}/edit", PERSON_EDIT | overrides)
    assert r.status_code == 302, page(r)


def _give_consent(b, person_id: int) -> None:
    b.get(f"/persons/{person_id}/consent/new")
    r = b.post(
        f"/persons/{person_id}/consent/new",
        {
            "counselling": "y",
            "agencies": "Jobcenter Haddad-Straße",
            "language": "de",
            "form_version": "2026-1",
            "method": "paper",
            "given_on": "01.03.2024",
        },
    )
    assert r.status_code == 302


# --- rectification ------------------------------------------------------------------------------


def test_correction_history_visible_to_lead_not_manager(login, county):
    manager = login("manager")
    _edit_person(manager, county.person_a.id)
    fixes = db.session.scalars(select(PersonCorrection).order_by(PersonCorrection.field)).all()
    by_field = {c.field: c for c in fixes}
    assert by_field["given_name"].old_value == "Samira"
    assert by_field["given_name"].new_value == "Samirah"
    assert by_field["given_name"].reason == "Schreibweise laut Pass"
    assert by_field["birth_month"].old_value == "" and by_field["birth_month"].new_value == "3"
    # The audit keeps field names only.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update"))
    assert "given_name" in event.detail and "Samira" not in event.detail
    assert "Berichtigungen" not in page(manager.get(f"/persons/{county.person_a.id}"))
    html = page(login("lead").get(f"/persons/{county.person_a.id}"))
    assert "Berichtigungen (" in html and "Schreibweise laut Pass" in html and "Samirah" in html


# --- subject access -----------------------------------------------------------------------------


def test_subject_access_json_contains_everything(login, county):
    manager = login("manager")
    _give_consent(manager, county.person_a.id)
    _edit_person(manager, county.person_a.id)
    manager.get(f"/persons/{county.person_a.id}")
    lead = login("lead")
    r = lead.get(f"/persons/{county.person_a.id}/subject-access.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    report = json.loads(r.data)
    sections = {s["key"]: s for s in report["sections"]}
    assert {"person", "household", "consents", "corrections", "access"} <= set(sections)
    assert sections["person"]["data"]["Vorname(n)"] == "Samirah"
    assert sections["person"]["data"]["Name in eigener Schrift"] == "سميرة حداد"
    assert sections["household"]["data"]["Gemeinde"] == "Nordheim"
    consent = sections["consents"]["data"][0]
    assert consent["Schweigepflichtentbindung gegenüber"] == ["Jobcenter Haddad-Straße"]
    assert consent["Stand"] == "erteilt" and consent["Beratungsdaten speichern"] is True
    assert any(c["Alt"] == "Samira" for c in sections["corrections"]["data"])
    who = {e["Wer"] for e in sections["access"]["data"]}
    assert "Manager" in who
    # Producing the report is itself audited.
    assert db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export")
    )


def test_subject_access_pdf(login, county):
    b = login("admin")
    r = b.get(f"/persons/{county.person_a.id}/subject-access.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data)
    assert "Auskunft über gespeicherte Daten" in text
    assert "Samira" in text and "Nordheim" in text and "Einwilligungen" in text


def test_subject_access_registry_accepts_new_sections(login, county):
    from app.privacy import registry

    @subject_access_section("test_extra", "Zusatz", order=99)
    def extra(person):
        return {"Notizen": 0}

    try:
        data = json.loads(
            login("lead").get(f"/persons/{county.person_a.id}/subject-access.json").data
        )
        assert any(s["key"] == "test_extra" for s in data["sections"])
    finally:
        registry._SECTIONS.pop("test_extra")


def test_subject_access_roles(login, county):
    url = f"/persons/{county.person_a.id}/subject-access.json"
    assert login("manager").get(url).status_code == 403
    assert login("manager_b").get(url).status_code == 403
    assert login("town_admin").get(url).status_code == 404


def test_access_history_for_admins(login, county):
    login("manager").get(f"/persons/{county.person_a.id}")
    admin = login("admin")
    assert "Wer hat zugegriffen?" in page(admin.get(f"/persons/{county.person_a.id}"))
    html = page(admin.get(f"/admin/persons/{county.person_a.id}/access"))
    assert "Manager" in html and "angesehen" in html
    assert login("lead").get(f"/admin/persons/{county.person_a.id}/access").status_code == 403
    assert login("town_admin").get(f"/admin/persons/{county.person_a.id}/access").status_code == 404


# --- retention ----------------------------------------------------------------------------------


def _close_long_ago(b, household_id: int) -> None:
    b.get(f"/households/{household_id}/close")
    closed = add_months(today(), -25)
    r = b.post(
        f"/households/{household_id}/close",
        {"reason": "goals_reached", "closed_on": closed.strftime("%d.%m.%Y")},
    )
    assert r.status_code == 302


def _text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                yield table, column


def _occurrences(*needles: str) -> list[str]:
    found = []
    for table, column in _text_columns():
        for needle in needles:
            hits = db.session.scalar(
                select(func.count()).select_from(table).where(column.contains(needle))
            )
            if hits:
                found.append(f"{table.name}.{column.name} ~ {needle}")
    return found


def test_retention_dry_run_changes_nothing_then_run_anonymises(app, login, county):
    manager = login("manager")
    _give_consent(manager, county.person_a.id)
    _edit_person(manager, county.person_a.id)
    b = login("manager")
    b.get(f"/households/{county.household_a.id}/edit")
    r = b.post(
        f"/households/{county.household_a.id}/edit",
        {
            "name": "Haddad",
            "municipality_id": county.town_a.id,
            "street": "Haddadweg 7",
            "postcode": "73033",
            "phone": "07161 99999",
            "accommodation": "follow_up",
            "manager_id": county.users["manager"].id,
        },
    )
    assert r.status_code == 302
    _close_long_ago(manager, county.household_a.id)
    assert "Samirah" in search(manager, "Samirah")
    names = ("Samira", "Haddad", "سميرة", "0151 2345678", "Haddadweg", "07161 99999")
    assert _occurrences(*names)  # the data is there before
    persons, households = count_rows(Person), count_rows(Household)

    db.session.expire_all()  # the command runs in this test's app context: no stale objects
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"would anonymise household {county.household_a.id}" in result.output
    assert "Haddad" not in result.output and "Samira" not in result.output
    assert "1 households due (dry run: nothing changed)" in result.output
    db.session.expire_all()
    assert db.session.get(Person, county.person_a.id).given_name == "Samirah"

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "1 households anonymised" in result.output
    db.session.expire_all()

    # Nothing left anywhere: any text column of any table.
    assert _occurrences(*names) == []
    person = db.session.get(Person, county.person_a.id)
    assert person.given_name == "anonymisiert" and person.family_name == "anonymisiert"
    assert person.birth_year == 1990 and person.birth_month is None and person.birth_day is None
    assert person.search_name == "" and person.search_skeleton == ""
    assert db.session.get(Household, county.household_a.id).status == "anonymised"
    assert db.session.scalar(select(ConsentAgency.agency_name)) == "anonymisiert"
    # Statistics keep their counts.
    assert (count_rows(Person), count_rows(Household)) == (persons, households)
    # Not findable by search, person page, household page; audit holds no name.
    manager = login("manager")
    assert "Keine Treffer" in search(manager, "Samirah")
    assert "Keine Treffer" in search(manager, "Haddad")
    assert manager.get(f"/persons/{county.person_a.id}").status_code == 404
    assert manager.get(f"/households/{county.household_a.id}").status_code == 404
    audit_html = page(login("admin").get("/admin/audit/"))
    assert "Samira" not in audit_html and "Haddad" not in audit_html
    assert db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "anonymise")
    )
    # A second run finds nothing: anonymisation happens once and cannot be undone.
    result = runner.invoke(args=["retention", "run"])
    assert "0 households anonymised" in result.output


def test_retention_waits_for_the_period(app, login, county):
    b = login("manager")
    b.get(f"/households/{county.household_a.id}/close")
    b.post(
        f"/households/{county.household_a.id}/close",
        {"reason": "moved_away", "closed_on": add_months(today(), -23).strftime("%d.%m.%Y")},
    )
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "0 households anonymised" in result.output
    db.session.expire_all()
    assert db.session.get(Person, county.person_a.id).given_name == "Samira"


def test_retention_admin_page_and_button(login, county, make):
    manager = login("manager")
    _close_long_ago(manager, county.household_a.id)
    old = make.household(county.town_a, "Langzeit", created_at=datetime(2019, 1, 1))
    make.person(old, "Ali")
    db.session.commit()
    admin = login("admin")
    html = page(admin.get("/admin/retention"))
    assert "Fällig" in html and "Haushalt Haddad" in html and "Haushalt Langzeit" in html
    r = admin.post("/admin/retention/run", {})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, county.household_a.id).status == "closed"
    r = admin.post("/admin/retention/run", {"confirm": "y"})
    db.session.expire_all()
    assert db.session.get(Household, county.household_a.id).status == "anonymised"
    assert "Nichts fällig" in page(admin.get("/admin/retention"))
    assert login("manager").get("/admin/retention").status_code == 403
    # Another organisation's admin sees nothing of the county's cases.
    assert "Haddad" not in page(login("town_admin").get("/admin/retention"))


def test_admin_anonymises_a_closed_case_on_request(login, county):
    admin = login("admin")
    html = page(admin.get(f"/households/{county.household_a.id}"))
    assert "Jetzt anonymisieren" not in html  # still active
    r = admin.post(f"/admin/households/{county.household_a.id}/anonymise", {"confirm": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, county.household_a.id).status == "active"
    b = login("manager")
    b.get(f"/households/{county.household_a.id}/close")
    b.post(
        f"/households/{county.household_a.id}/close",
        {"reason": "no_longer_wanted", "closed_on": today().strftime("%d.%m.%Y")},
    )
    assert "Jetzt anonymisieren" not in page(b.get(f"/households/{county.household_a.id}"))
    assert "Jetzt anonymisieren" in page(admin.get(f"/households/{county.household_a.id}"))
    r = admin.post(f"/admin/households/{county.household_a.id}/anonymise", {})
    db.session.expire_all()
    assert db.session.get(Household, county.household_a.id).status == "closed"
    r = admin.post(f"/admin/households/{county.household_a.id}/anonymise", {"confirm": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, county.household_a.id).status == "anonymised"
    assert db.session.get(Person, county.person_a.id).given_name == "anonymisiert"
    assert (
        login("town_admin")
        .post(f"/admin/households/{county.household_b.id}/anonymise", {"confirm": "y"})
        .status_code
        == 404
    )


def test_subject_access_follows_the_interface_language(login, county):
    b = login("admin")
    english = {"Accept-Language": "en"}
    report = json.loads(
        b.get(f"/persons/{county.person_a.id}/subject-access.json", headers=english).data
    )
    sections = {s["key"]: s for s in report["sections"]}
    assert sections["person"]["title"] == "Personal details"
    assert sections["person"]["data"]["Given name(s)"] == "Samira"
    assert sections["household"]["data"]["Municipality"] == "Nordheim"
    assert "Vorname(n)" not in sections["person"]["data"]
    text = pdf_text(
        b.get(f"/persons/{county.person_a.id}/subject-access.pdf", headers=english).data
    )
    assert "Information on stored data" in text and "Auskunft über gespeicherte Daten" not in text
    page = b.get("/admin/retention", headers=english).get_data(as_text=True)
    assert "Retention periods" in page and "Löschfristen" not in page
