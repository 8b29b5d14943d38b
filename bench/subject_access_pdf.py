"""Time of the subject-access PDF (Art. 15) of a person with many contacts. Target: under 5 s
for 300 contacts on this machine, every contact in the PDF.

The person has `--contacts` contacts (a note of four sentences with a marker, two topics, two
next steps, one comment) and as many audit events on their household (the access log), plus
the rest of a long case in proportion: an appointment for every second contact, an indicator
value for every fifth, a plan with goals, referrals and corrections (`casework`).

Besides the wall time the bench prints the CPU time of the request (`time.process_time`): on
a machine shared with other jobs the wall time says more about the neighbours than about the
PDF; the CPU time is what one request costs a worker.

    .venv/bin/python bench/subject_access_pdf.py [--contacts 300] [--runs 3] [--profile]
        [--no-write]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._world import HASH, PASSWORD, machine_note, make_app, write_section

NOTE = (
    "Marker {n}: Die Familie sucht eine größere Wohnung, weil die jetzige für fünf Personen "
    "zu klein ist. Gemeinsam die Anzeigen der Woche angesehen und die Unterlagen für den "
    "Wohnberechtigungsschein geprüft. Lina geht gern in die Schule; das Elterngespräch ist am "
    "Donnerstag. Nächster Termin in zwei Wochen."
)


def build(app, ids: dict, contacts: int) -> int:
    """A team lead (who may produce the report) and `contacts` contacts of the first person;
    returns that person's id."""
    from werkzeug.security import generate_password_hash

    from app.accounts import roles
    from app.accounts.models import User
    from app.audit.models import AuditEvent
    from app.contacts.models import Contact, ContactComment, Task, Topic
    from app.extensions import db
    from app.households.models import Person
    from app.timeutil import utcnow

    with app.app_context():
        manager = db.session.get(User, ids["user"])
        lead = User(
            username="lead",
            display_name="Lea Leitung",
            password_hash=generate_password_hash(PASSWORD, method=HASH),
            role=roles.TEAM_LEAD,
            organisation_id=manager.organisation_id,
            team_id=manager.team_id,
        )
        db.session.add(lead)
        person = db.session.get(Person, ids["persons"][0])
        topics = db.session.scalars(db.select(Topic).limit(2)).all()
        start = utcnow() - timedelta(days=2 * contacts)
        for n in range(contacts):
            contact = Contact(
                household_id=ids["household"],
                author_id=manager.id,
                idempotency_key=f"00000000-0000-4000-8000-{n:012d}",
                occurred_at=start + timedelta(days=2 * n),
                duration_minutes=45,
                setting="home_visit",
                location="Hauptstraße 5, Nordheim",
                note=NOTE.format(n=n),
            )
            contact.participants = [person]
            contact.topics = list(topics)
            db.session.add(contact)
            db.session.flush()
            db.session.add_all(
                [
                    Task(
                        contact_id=contact.id,
                        household_id=ids["household"],
                        description=f"Schritt {n}a: Wohnberechtigungsschein beantragen",
                        owner_kind="client",
                        created_by_id=manager.id,
                    ),
                    Task(
                        contact_id=contact.id,
                        household_id=ids["household"],
                        description=f"Schritt {n}b: Rückruf Vermieter",
                        owner_kind="manager",
                        owner_id=manager.id,
                        created_by_id=manager.id,
                    ),
                    ContactComment(
                        contact_id=contact.id, author_id=lead.id, body=f"Kommentar {n}: gut so."
                    ),
                ]
            )
            db.session.add(
                AuditEvent(
                    at=start + timedelta(days=2 * n, minutes=5),
                    user_id=manager.id,
                    action="view",
                    object_type="household",
                    object_id=ids["household"],
                    detail="",
                )
            )
        db.session.commit()
        return person.id


def casework(app, ids: dict, person_id: int, contacts: int) -> None:
    """The rest of a long case, in proportion to the contacts (see the module docstring)."""
    from datetime import date

    from app.appointments.models import Appointment
    from app.extensions import db
    from app.households.models import Person
    from app.indicators.catalogue import seed_catalogue
    from app.indicators.models import Indicator, IndicatorValue
    from app.plans.models import Goal, IntegrationPlan, Referral
    from app.privacy.models import PersonCorrection
    from app.timeutil import utcnow

    with app.app_context():
        seed_catalogue()
        person = db.session.get(Person, person_id)
        indicators = db.session.scalars(
            db.select(Indicator).where(Indicator.applies_to == "person").limit(6)
        ).all()
        start = utcnow() - timedelta(days=2 * contacts)
        for n in range(contacts // 2):
            at = start + timedelta(days=4 * n, hours=1)
            appointment = Appointment(
                household_id=ids["household"],
                manager_id=ids["user"],
                kind="home_visit",
                starts_at=at,
                ends_at=at + timedelta(minutes=45),
                place=f"Termin {n}: Hauptstraße 5, Nordheim",
                status="done",
                short_code=f"B{n:07d}",
            )
            appointment.persons = [person]
            db.session.add(appointment)
        for n in range(contacts // 5):
            db.session.add(
                IndicatorValue(
                    indicator_id=indicators[n % len(indicators)].id,
                    household_id=ids["household"],
                    person_id=person_id,
                    value=f"Wert {n}",
                    valid_from=(start + timedelta(days=10 * n)).date(),
                    recorded_by_id=ids["user"],
                )
            )
        plan = IntegrationPlan(
            household_id=ids["household"], person_id=person_id, started_on=date(2024, 1, 15)
        )
        db.session.add(plan)
        db.session.flush()
        for n, field in enumerate(("german", "housing", "labour", "health", "children")):
            db.session.add(
                Goal(plan_id=plan.id, field=field, title=f"Ziel {n}: B1-Kurs abschließen")
            )
        for n in range(max(contacts // 30, 1)):
            db.session.add(
                Referral(
                    household_id=ids["household"],
                    person_id=person_id,
                    service="job_centre",
                    referred_on=(start + timedelta(days=60 * n)).date(),
                    reason=f"Verweis {n}: Antrag auf Leistungen begleiten",
                )
            )
        for n in range(5):
            db.session.add(
                PersonCorrection(
                    person_id=person_id,
                    field="phone",
                    old_value=f"0170 000000{n}",
                    new_value=f"0170 000001{n}",
                    reason="Nummer geändert",
                    user_id=ids["user"],
                )
            )
        db.session.commit()


def login_lead(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, r.status_code
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--label", default="", help="a note for the table, e.g. 'before'")
    args = parser.parse_args()

    from pypdf import PdfReader
    from weasyprint import __version__ as weasy_version

    import app.privacy.routes as privacy_routes

    app, ids = make_app()
    app.config["ENFORCE_2FA"] = False  # the bench measures the PDF, not the login
    person_id = build(app, ids, args.contacts)
    casework(app, ids, person_id, args.contacts)
    client = login_lead(app)
    url = f"/persons/{person_id}/subject-access.pdf"

    render_times: list[float] = []
    original = privacy_routes.render_pdf

    def timed_render(*a, **kw):
        start = time.perf_counter()
        out = original(*a, **kw)
        render_times.append(time.perf_counter() - start)
        return out

    privacy_routes.render_pdf = timed_render

    def fetch() -> bytes:
        r = client.get(url)
        assert r.status_code == 200 and r.data.startswith(b"%PDF"), r.status_code
        return r.data

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        fetch()
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        return

    fetch()  # warm-up: fonts, templates
    render_times.clear()
    samples, cpu = [], []
    data = b""
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = fetch()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    missing = [n for n in range(args.contacts) if f"Marker {n}:" not in text]
    med, render_med = statistics.median(samples), statistics.median(render_times)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    label = f" ({args.label})" if args.label else ""
    body = f"""
{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine_note()} · WeasyPrint {weasy_version}.
A person with {args.contacts} contacts (note of four sentences, two topics, two next steps,
one comment each), {args.contacts} access-log entries, {args.contacts // 2} appointments,
{args.contacts // 5} indicator values, a plan with 5 goals, referrals and corrections; median
of {args.runs} runs after a warm-up; load average {load}.

| what{label} | value | target |
| --- | --- | --- |
| whole request `GET /persons/<id>/subject-access.pdf` | {med:.2f} s | < 5 s |
| of which CPU time of the request | {statistics.median(cpu):.2f} s | |
| of which `render_pdf()` (WeasyPrint) | {render_med:.2f} s | |
| pages | {len(reader.pages)} | |
| size | {len(data) / 1024:.0f} KiB | |
| contacts missing from the extracted text | {len(missing)} | 0 |
"""
    print(body)
    if not args.no_write:
        write_section("Subject-access PDF (bench/subject_access_pdf.py)", body)


if __name__ == "__main__":
    main()
