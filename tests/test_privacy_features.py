"""Subject access and anonymisation cover every case-work feature: contacts, tasks, comments,
indicator history, plans, referrals and appointments."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from sqlalchemy import select

from app.appointments.models import Appointment
from app.contacts.models import ContactComment, ContactVersion
from app.extensions import db
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorValue
from app.plans.models import Goal, IntegrationPlan, Referral
from app.timeutil import utcnow
from tests.contacts_helpers import make_contact, seed_topics
from tests.test_privacy import _close_long_ago, _occurrences

SECRET = "Vertraulich-Wohnungssuche-Kellerstr"


def casework(county) -> None:
    seed_topics()
    seed_catalogue()
    household, person = county.household_a, county.person_a
    contact = make_contact(
        household,
        county.users["manager"],
        note=f"Notiz {SECRET}",
        tasks=[{"description": f"Schritt {SECRET}"}],
    )
    db.session.add(
        ContactComment(
            contact_id=contact.id, author_id=county.users["lead"].id, body=f"Kommentar {SECRET}"
        )
    )
    db.session.add(
        ContactVersion(
            contact_id=contact.id,
            changed_by_id=county.users["manager"].id,
            changed_fields="note",
            old_values={"note": SECRET},
        )
    )
    text_indicator = db.session.scalar(select(Indicator).where(Indicator.type == "text"))
    db.session.add(
        IndicatorValue(
            indicator_id=text_indicator.id,
            household_id=household.id,
            person_id=person.id,
            value=f"Text {SECRET}",
            valid_from=date(2025, 1, 1),
        )
    )
    plan = IntegrationPlan(household_id=household.id, started_on=date(2025, 1, 1))
    db.session.add(plan)
    db.session.flush()
    db.session.add(Goal(plan_id=plan.id, field="housing", title=f"Ziel {SECRET}"))
    db.session.add(
        Referral(
            household_id=household.id,
            person_id=person.id,
            service="job_centre",
            referred_on=date(2025, 2, 1),
            reason=f"Grund {SECRET}",
        )
    )
    start = utcnow() - timedelta(days=800)
    db.session.add(
        Appointment(
            household=household,
            manager=county.users["manager"],
            kind="home_visit",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place=f"Ort {SECRET}",
            note=f"Intern {SECRET}",
            short_code="TST234",
            persons=[person],
        )
    )
    db.session.commit()


def test_subject_access_includes_every_feature(login, consented, ctx):
    casework(consented)
    report = login("lead").get(f"/persons/{consented.person_a.id}/subject-access.json")
    sections = {s["key"]: s["data"] for s in json.loads(report.data)["sections"]}
    assert {"contacts", "indicators", "plans", "appointments"} <= set(sections)
    assert SECRET in sections["contacts"][0]["Notiz"]
    assert any(SECRET in step for step in sections["contacts"][0]["Nächste Schritte"])
    assert any(SECRET in row["Wert"] for row in sections["indicators"])
    assert SECRET in sections["plans"]["Pläne"][0]["Ziele"][0]["Ziel"]
    assert SECRET in sections["plans"]["Verweise"][0]["Grund"]
    assert SECRET in sections["appointments"][0]["Ort"]
    pdf = login("lead").get(f"/persons/{consented.person_a.id}/subject-access.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_anonymisation_removes_casework_text_everywhere(app, login, consented, ctx):
    casework(consented)
    assert _occurrences(SECRET)  # present before
    _close_long_ago(login("manager"), consented.household_a.id)
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _occurrences(SECRET) == []
    assert all(
        SECRET not in json.dumps(v.old_values) for v in db.session.scalars(select(ContactVersion))
    )
    # Statistics keep their rows: the contact, goal, referral and appointment still count.
    for model in (ContactVersion, Goal, Referral, Appointment, IndicatorValue):
        assert db.session.scalar(select(db.func.count()).select_from(model)) >= 1


def test_subject_access_pdf_of_many_contacts_contains_every_one(consented, login):
    from pypdf import PdfReader

    seed_topics()
    person = consented.person_a
    for n in range(60):
        make_contact(
            consented.household_a,
            consented.users["manager"],
            note=f"Marker-{n:03d} Wohnungssuche besprochen.",
            participants=[person],
            tasks=[{"description": f"Schritt-{n:03d}"}],
        )
    db.session.commit()
    pdf = login("lead").get(f"/persons/{person.id}/subject-access.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert [n for n in range(60) if f"Marker-{n:03d}" not in text] == []
    assert [n for n in range(60) if f"Schritt-{n:03d}" not in text] == []
