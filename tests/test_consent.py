from __future__ import annotations

from datetime import date, timedelta

from app.consent import services
from app.consent.models import ConsentAgency, ConsentRecord
from app.extensions import db
from app.timeutil import today
from tests.conftest import count_rows
from tests.dp_helpers import page, pdf_text


def _give(b, person_id, **overrides):
    data = {
        "counselling": "y",
        "volunteer_sharing": "y",
        "agencies": "Jobcenter Göppingen\nAusländerbehörde\n jobcenter  göppingen ",
        "language": "ar",
        "form_version": "2026-1",
        "method": "screen_interpreter",
        "given_on": today().strftime("%d.%m.%Y"),
    }
    data.update(overrides)
    b.get(f"/persons/{person_id}/consent/new")
    return b.post(f"/persons/{person_id}/consent/new", data)


def test_person_without_consent_shows_notice(login, county):
    b = login("manager")
    html = page(b.get(f"/persons/{county.person_a.id}"))
    assert "Keine Einwilligung zur Speicherung von Beratungsdaten" in html
    assert "Noch keine Einwilligung erfasst" in html
    assert not services.counselling_allowed(county.person_a)


def test_manager_records_consent_with_separate_agencies(login, county):
    b = login("manager")
    r = _give(b, county.person_a.id)
    assert r.status_code == 302
    consent = db.session.scalar(db.select(ConsentRecord))
    assert consent.state == "given" and consent.counselling and consent.volunteer_sharing
    # Each agency is its own release; the duplicate spelling was folded away.
    assert consent.agency_names == ["Jobcenter Göppingen", "Ausländerbehörde"]
    assert consent.method == "screen_interpreter" and consent.language == "ar"
    person = county.person_a
    assert services.has_consent(person, services.COUNSELLING)
    assert services.has_consent(person, services.VOLUNTEERS)
    assert services.has_consent(person, services.AGENCY, agency="jobcenter göppingen")
    assert not services.has_consent(person, services.AGENCY, agency="Sozialamt")
    assert services.counselling_allowed(person)
    html = page(b.get(f"/persons/{person.id}"))
    assert "Keine Einwilligung zur Speicherung" not in html
    assert "Jobcenter Göppingen; Ausländerbehörde" in html


def test_consent_needs_a_scope_and_valid_date(login, county):
    b = login("manager")
    r = _give(b, county.person_a.id, counselling="", volunteer_sharing="", agencies="")
    assert "Bitte mindestens einen Bereich" in page(r)
    future = (today() + timedelta(days=3)).strftime("%d.%m.%Y")
    r = _give(b, county.person_a.id, given_on=future)
    assert "nicht in der Zukunft" in page(r)
    r = _give(b, county.person_a.id, given_on="31.02.2024")
    assert "gültiges Datum" in page(r)
    assert count_rows(ConsentRecord) == 0


def test_withdrawal_takes_effect_at_once_and_keeps_history(login, county):
    b = login("manager")
    _give(b, county.person_a.id, given_on="01.03.2024")
    b.get(f"/persons/{county.person_a.id}/consent/withdraw")
    r = b.post(
        f"/persons/{county.person_a.id}/consent/withdraw",
        {"withdrawn_on": today().strftime("%d.%m.%Y"), "confirm": "y"},
    )
    assert r.status_code == 302
    person = county.person_a
    assert not services.has_consent(person, services.COUNSELLING)
    assert not services.has_consent(person, services.AGENCY, agency="Ausländerbehörde")
    assert not services.counselling_allowed(person)
    # History: it was given on an earlier day.
    assert services.has_consent(person, services.COUNSELLING, on=date(2024, 6, 1))
    assert count_rows(ConsentRecord) == 2
    assert count_rows(ConsentAgency) == 2
    html = page(b.get(f"/persons/{person.id}"))
    assert "widerrufen" in html and "Verlauf (2)" in html
    assert "Keine Einwilligung zur Speicherung von Beratungsdaten" in html


def test_withdraw_needs_confirmation(login, county):
    b = login("manager")
    _give(b, county.person_a.id)
    b.get(f"/persons/{county.person_a.id}/consent/withdraw")
    r = b.post(
        f"/persons/{county.person_a.id}/consent/withdraw",
        {"withdrawn_on": today().strftime("%d.%m.%Y")},
    )
    assert "Bitte bestätigen Sie den Widerruf" in page(r)
    assert services.counselling_allowed(county.person_a)


def test_other_team_cannot_record_consent(login, county):
    b = login("manager_b")
    assert b.get(f"/persons/{county.person_a.id}/consent/new").status_code == 404
    assert login("volunteer").get(f"/persons/{county.person_a.id}/consent/new").status_code == 403


def test_consent_pdf_german_and_arabic(login, county):
    b = login("manager")
    r = b.get(f"/persons/{county.person_a.id}/consent/form.pdf?lang=ar")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data)
    assert "Einwilligung in die Verarbeitung personenbezogener Daten" in text
    assert "Maschinelle Übersetzung" in text
    assert "Samira Haddad" in text
    # Arabic text is present (extraction order of RTL glyphs varies; check for letters).
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_consent_pdf_ukrainian_dari_and_unknown_language(login, county):
    b = login("manager")
    text = pdf_text(b.get(f"/persons/{county.person_a.id}/consent/form.pdf?lang=uk").data)
    assert "Згода на обробку персональних даних" in text
    text = pdf_text(b.get(f"/persons/{county.person_a.id}/consent/form.pdf?lang=prs").data)
    assert "Übersetzung: Dari" in text
    # Unknown code, person without languages: German only.
    text = pdf_text(b.get(f"/persons/{county.person_a.id}/consent/form.pdf?lang=xx").data)
    assert "Einwilligung in die Verarbeitung" in text and "Übersetzung" not in text


def test_arabic_block_is_marked_rtl(app, county):
    from flask import render_template

    from app.consent import texts
    from app.documents.catalogue import document

    with app.test_request_context():
        html = render_template(
            "consent/form_pdf.html",
            person=county.person_a,
            doc=document("ar"),
            version=texts.FORM_VERSION,
            months=24,
        )
    assert '<section class="block" lang="ar" dir="rtl">' in html


def test_records_cannot_be_dated_before_the_newest_one(login, county):
    b = login("manager")
    _give(b, county.person_a.id)  # today
    b.get(f"/persons/{county.person_a.id}/consent/withdraw")
    r = b.post(
        f"/persons/{county.person_a.id}/consent/withdraw",
        {"withdrawn_on": "01.01.2020", "confirm": "y"},
    )
    assert "Das Datum liegt vor dem letzten Eintrag" in page(r)
    assert services.counselling_allowed(county.person_a)
    assert count_rows(ConsentRecord) == 1


def test_consent_pages_speak_english_when_the_browser_asks(login, county):
    """Issue #9: panel, form, messages and the subject access export in English."""
    import json

    english = {"Accept-Language": "en"}
    b = login("manager")
    person_id = county.person_a.id
    html = page(b.get(f"/persons/{person_id}", headers=english))
    assert "No consent to storing counselling data." in html
    assert "No consent recorded yet." in html
    assert "Keine Einwilligung" not in html and "Einwilligung erfassen" not in html
    form = page(b.get(f"/persons/{person_id}/consent/new", headers=english))
    assert "Store counselling data" in form and "What does the person consent to?" in form
    refused = b.post(
        f"/persons/{person_id}/consent/new",
        {"language": "de", "form_version": "1", "method": "paper", "given_on": "01.01.2026"},
        headers=english,
    )
    assert "Please tick at least one area or enter an agency." in page(refused)
    assert count_rows(ConsentRecord) == 0
    data = {"counselling": "y", "language": "ar", "form_version": "2026-1"}
    data |= {"method": "screen_interpreter", "given_on": today().strftime("%d.%m.%Y")}
    assert b.post(f"/persons/{person_id}/consent/new", data, headers=english).status_code == 302
    html = page(b.get(f"/persons/{person_id}", headers=english))
    assert "Consent saved." in html
    assert "On screen with an interpreter" in html and "Counselling data" in html
    assert "Am Bildschirm" not in html and "Beratungsdaten" not in html
    lead = login("lead")  # subject access is the team lead's task
    export = json.loads(lead.get(f"/persons/{person_id}/subject-access.json", headers=english).data)
    section = next(s for s in export["sections"] if s["key"] == "consents")
    assert section["title"] == "Consents"
    assert section["data"][0]["Status"] == "given"
    assert section["data"][0]["Store counselling data"] is True
