"""The subject-access PDF (Art. 15) of a long case: complete, and laid out flat so that it
renders in seconds (bench/subject_access_pdf.py measures the time; here the layout is checked,
not timed).

WeasyPrint's time grows with the number of boxes: the old layout (a block per record, a
paragraph per field, a styled `<span>` per label, `<bdi>` around every non-ASCII value) made
about 17 elements per contact and 86 pages for 300 contacts, 35 s on the shared machine. Now
a record is one paragraph of plain text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from markupsafe import Markup

import app.privacy.routes as privacy_routes
from app.appointments.models import Appointment
from app.contacts.models import ContactComment
from app.extensions import db
from app.plans.models import Goal, IntegrationPlan
from app.privacy.printout import Line, inline, lines, printable
from app.privacy.registry import sections
from app.timeutil import utcnow
from tests.contacts_helpers import make_contact, seed_topics
from tests.dp_helpers import pdf_text

CONTACTS = 300
NOTE = (
    "Marker-{n:03d} Die Familie sucht eine größere Wohnung, weil die jetzige für fünf Personen "
    "zu klein ist. Gemeinsam die Anzeigen der Woche angesehen und die Unterlagen für den "
    "Wohnberechtigungsschein geprüft. Nächster Termin in zwei Wochen."
)

# --- print lines, without HTTP ------------------------------------------------------------------


def test_a_record_is_one_line_of_plain_text(ctx):
    record = {"Datum": "2025-01-02T10:00", "Themen": ["Wohnen", "Kinder"], "Notiz": "Größer"}
    assert lines([record]) == [
        Line(Markup("Datum: 2025-01-02T10:00 · Themen: Wohnen; Kinder · Notiz: Größer"), "record")
    ]


def test_nested_records_follow_indented_under_a_label(ctx):
    data = {"Pläne": [{"begonnen": "2025-01-01", "Ziele": [{"Ziel": "B1", "Stand": "neu"}]}]}
    assert [(str(x.html), x.kind, x.depth) for x in lines(data)] == [
        ("Pläne:", "label", 0),
        ("begonnen: 2025-01-01", "record", 1),
        ("Ziele:", "label", 2),
        ("Ziel: B1 · Stand: neu", "record", 2),
    ]


def test_values_are_escaped_and_only_right_to_left_text_is_isolated(ctx):
    assert inline("O'Brien & <b>Söhne</b>") == "O&#39;Brien &amp; &lt;b&gt;Söhne&lt;/b&gt;"
    assert inline("سميرة حداد") == "<bdi>سميرة حداد</bdi>"
    assert inline("Größe") == "Größe"  # no box of its own for German umlauts
    assert inline([]) == inline(None) == inline("") == "—"
    assert inline(True) == "ja" and inline(False) == "nein"
    assert lines([]) == [Line(Markup("—"), "field")]


def test_printable_keeps_every_section_and_its_title(ctx):
    report = {"sections": [{"key": "a", "title": "Eins", "data": {"x": 1}}]}
    assert printable(report) == [
        {"key": "a", "title": "Eins", "lines": [Line(Markup("x: 1"), "field")]}
    ]


# --- the PDF of a long case ---------------------------------------------------------------------


def _long_case(county) -> None:
    seed_topics()
    household, person = county.household_a, county.person_a
    manager, lead = county.users["manager"], county.users["lead"]
    start = utcnow() - timedelta(days=2 * CONTACTS)
    for n in range(CONTACTS):
        contact = make_contact(
            household,
            manager,
            when=start + timedelta(days=2 * n),
            topics=["housing", "children"],
            note=NOTE.format(n=n),
            participants=[person],
            tasks=[{"description": f"Schritt-{n:03d}"}, {"description": "Rückruf Vermieter"}],
        )
        db.session.add(ContactComment(contact_id=contact.id, author_id=lead.id, body="Gut so."))
    for n in range(CONTACTS // 2):
        at = start + timedelta(days=4 * n, hours=1)
        db.session.add(
            Appointment(
                household=household,
                manager=manager,
                kind="home_visit",
                starts_at=at,
                ends_at=at + timedelta(minutes=45),
                place=f"Termin-{n:03d}",
                short_code=f"L{n:05d}",
                persons=[person],
            )
        )
    plan = IntegrationPlan(household_id=household.id, started_on=date(2025, 1, 1))
    db.session.add(plan)
    db.session.flush()
    db.session.add(Goal(plan_id=plan.id, field="housing", title="Ziel-Wohnung"))
    db.session.commit()


def test_pdf_of_a_long_case_is_complete_and_flat(consented, login, monkeypatch):
    _long_case(consented)
    rendered: list[str] = []
    original = privacy_routes.render_pdf

    def keep_html(html: str, *args, **kwargs) -> bytes:
        rendered.append(html)
        return original(html, *args, **kwargs)

    monkeypatch.setattr(privacy_routes, "render_pdf", keep_html)
    response = login("lead").get(f"/persons/{consented.person_a.id}/subject-access.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)

    # complete: every section, the first and the last contact, every contact and appointment
    for section in sections():
        assert str(section.title) in text, section.title
    assert "Marker-000" in text and f"Marker-{CONTACTS - 1:03d}" in text
    assert [n for n in range(CONTACTS) if f"Marker-{n:03d}" not in text] == []
    assert [n for n in range(CONTACTS) if f"Schritt-{n:03d}" not in text] == []
    assert [n for n in range(CONTACTS // 2) if f"Termin-{n:03d}" not in text] == []
    assert "Ziel-Wohnung" in text and "Samira" in text
    pages = re.findall(r"Seite (\d+) von (\d+)", text)
    assert pages and pages[-1][0] == pages[-1][1]  # the last page says it is the last

    # flat: one paragraph per contact, nothing inside it (the old layout had 17 elements)
    html = rendered[0]
    contacts = html.split("<h2>Beratungskontakte</h2>")[1].split("<h2>")[0]
    assert contacts.count("<") - contacts.count("</") == CONTACTS
    # and few pages: 86 for 300 contacts before, 40 now (+ the appointments)
    assert int(pages[-1][1]) <= CONTACTS // 5


def test_the_bench_runs():
    root = Path(__file__).resolve().parent.parent
    args = ["--contacts", "4", "--runs", "1", "--no-write"]
    result = subprocess.run(
        [sys.executable, "bench/subject_access_pdf.py", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| contacts missing from the extracted text | 0 | 0 |" in result.stdout
    assert "CPU time of the request" in result.stdout
