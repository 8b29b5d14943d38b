"""Security headers, no personal data in URLs/logs/error pages, escaping, and organisation
isolation; plus the access expectations of the data-protection routes."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.households.models import Person
from tests.dp_helpers import page, pdf_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# --- headers ------------------------------------------------------------------------------------


def test_security_headers(login, county):
    r = login("manager").get(f"/persons/{county.person_a.id}")
    csp = r.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in r.headers


def test_hsts_over_https(client):
    r = client.get("/login", base_url="https://wegbegleiter.example")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_errors_and_pdfs_carry_headers_too(login, county):
    b = login("manager")
    assert "frame-ancestors 'none'" in b.get("/persons/999999").headers["Content-Security-Policy"]
    r = b.get(f"/persons/{county.person_a.id}/consent/form.pdf")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_or_style():
    for path in TEMPLATES.rglob("*.html"):
        if path.name.endswith("_pdf.html"):
            continue  # rendered to PDF on the server, never served as a page
        source = path.read_text()
        # Executable scripts come from files; a JSON data block (texts for the scripts) is data.
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", source), path
        assert "<style" not in source and " style=" not in source, path
        assert not re.search(r"\son[a-z]+=", source), path


# --- personal data in URLs, logs, audit, error pages -------------------------------------------


def test_search_query_stays_out_of_url_logs_and_audit(login, county, caplog):
    b = login("manager")
    html = page(b.get("/search"))
    assert 'method="post"' in html and "hx-post" in html and "hx-get" not in html
    with caplog.at_level(logging.DEBUG):
        r = b.post("/search", {"q": "Samira"})
    assert "Samira Haddad" in page(r)
    assert "Samira" not in caplog.text
    details = db.session.scalars(select(AuditEvent.detail)).all()
    assert not any("Samira" in d for d in details)
    # An old bookmark with ?q= is answered without using (or echoing) the query.
    r = b.get("/search?q=Samira")
    assert r.status_code == 303 and "Samira" not in r.headers["Location"]
    # htmx live search posts the same way.
    r = b.client.post(
        "/search", data={"q": "Haddad"}, headers={"HX-Request": "true", "X-CSRFToken": b.csrf}
    )
    assert "Samira Haddad" in page(r)


def test_home_search_form_posts(login, county):
    html = page(login("manager").get("/"))
    assert re.search(r'<form action="/search" method="post"', html)


def test_error_pages_show_no_personal_data(app, login, county, monkeypatch):
    html = page(login("manager_b").get(f"/persons/{county.person_a.id}"))
    assert "Samira" not in html and "Haddad" not in html and "Nicht gefunden" in html

    def broken(person, on):
        raise RuntimeError("Samira Haddad geb. 1990")

    monkeypatch.setattr("app.households.routes.rules.person_eligibility", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    r = login("manager").get(f"/persons/{county.person_a.id}")
    assert r.status_code == 500
    assert "Samira" not in page(r) and "Traceback" not in page(r)
    assert "Interner Fehler" in page(r)


# --- escaping -----------------------------------------------------------------------------------

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_NATIVE = '<img src="http://evil.example/x.png" onerror="alert(2)">'


def test_user_text_is_escaped_in_pages_and_pdfs(login, county):
    b = login("lead")
    b.get(f"/households/{county.household_a.id}/persons/new")
    r = b.post(
        f"/households/{county.household_a.id}/persons/new",
        {
            "given_name": HOSTILE_NAME,
            "family_name": "O'Brien & <b>Söhne</b>",
            "native_name": HOSTILE_NATIVE,
            "birth_year": "1985",
            "sex": "u",
            "residence_status": "toleration",
            "prospect": "unclear",
        },
    )
    assert r.status_code == 302, page(r)
    person = db.session.scalar(select(Person).where(Person.given_name == HOSTILE_NAME))
    for url in (f"/persons/{person.id}", f"/households/{county.household_a.id}"):
        html = page(b.get(url))
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=" not in html and "<b>Söhne" not in html
    b.get("/search")
    html = page(b.post("/search", {"q": "script"}))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    for url in (
        f"/persons/{person.id}/subject-access.pdf",
        f"/persons/{person.id}/consent/form.pdf?lang=ar",
    ):
        text = pdf_text(b.get(url).data)
        assert HOSTILE_NAME in text  # shown as text, not interpreted
        assert "O'Brien & <b>Söhne</b>" in text


# --- one organisation never sees another's data -------------------------------------------------


@pytest.mark.parametrize("who", ["town_admin", "town_manager"])
def test_town_never_sees_county_data(login, county, who):
    login("manager").get(f"/persons/{county.person_a.id}")  # county audit events exist
    b = login(who)
    assert b.get(f"/households/{county.household_a.id}").status_code == 404
    assert b.get(f"/households/{county.household_b.id}").status_code == 404
    assert b.get(f"/persons/{county.person_a.id}").status_code == 404
    assert b.get(f"/persons/{county.person_a.id}/consent/new").status_code == 404
    assert b.get(f"/persons/{county.person_a.id}/consent/form.pdf").status_code == 404
    assert b.get(f"/households/{county.household_a.id}/edit").status_code == 404
    assert "Haddad" not in page(b.get("/households?status="))
    assert "Kovalenko" in page(b.get("/households?status="))
    b.get("/search")
    assert "Keine Treffer" in page(b.post("/search", {"q": "Haddad"}))
    if who == "town_admin":
        assert b.get(f"/persons/{county.person_a.id}/subject-access.json").status_code == 404
        assert b.get(f"/admin/persons/{county.person_a.id}/access").status_code == 404
        users = page(b.get("/admin/users/"))
        assert "Manager_B" not in users and "Town_Manager" in users
        assert b.get(f"/admin/users/{county.users['manager'].id}/edit").status_code == 404
        audit = page(b.get("/admin/audit/"))
        assert "<td>Manager</td>" not in audit and "<td>Town_Admin</td>" in audit
        assert "Haddad" not in page(b.get("/admin/retention"))


def test_county_never_sees_town_data(login, county):
    town_person = county.household_town.members[0]
    for who in ("admin", "lead", "manager"):
        b = login(who)
        assert b.get(f"/households/{county.household_town.id}").status_code == 404
        assert b.get(f"/persons/{town_person.id}").status_code == 404
        b.get("/search")
        assert "Keine Treffer" in page(b.post("/search", {"q": "Kovalenko"}))
    assert (
        login("admin").get(f"/admin/users/{county.users['town_manager'].id}/edit").status_code
        == 404
    )


def test_pdf_fetcher_serves_only_static_files(app):
    from app.pdf import StaticOnlyFetcher, render_pdf

    fetcher = StaticOnlyFetcher(app.static_folder)
    static_css = Path(app.static_folder, "app.css").resolve().as_uri()
    assert fetcher.fetch(static_css).read()
    for url in (
        "file:///etc/passwd",
        Path(app.static_folder, "..", "pyproject.toml").resolve().as_uri(),
        "http://127.0.0.1:9/secret",
        "https://evil.example/x.png",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    with app.test_request_context():
        pdf = render_pdf('<p>ok</p><img src="http://127.0.0.1:9/x.png"><img src="/etc/passwd">')
    assert pdf_text(pdf).strip() == "ok"
