"""Public responsibility finder and the admin form for contact details."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.finder import services
from tests.appointment_world import build_world


def test_match_municipality_in_a_typed_address(county, ctx):
    assert services.match_municipality("Hauptstraße 1, 73000 Nordheim") == county.town_a
    assert services.match_municipality("suedhausen") == county.town_b  # umlaut spelling
    assert services.match_municipality("Am Markt 2 Südhausen") == county.town_b
    assert services.match_municipality("Nordheimer Weg 3, Irgendwo") is None
    assert services.match_municipality("") is None


def test_finder_is_public_and_shows_responsible_organisation(county, browser, ctx):
    world = build_world(county)
    county.county.phone = "07161 202-0"
    county.county.email = "im@testkreis.example"
    db.session.commit()
    body = browser.get(f"/zustaendigkeit?municipality_id={county.town_a.id}").get_data(as_text=True)
    assert "Testkreis" in body and "Team Nord" in body and "07161 202-0" in body
    assert world.location.name in body  # the coming office hours
    typed = browser.get("/zustaendigkeit?q=Hauptstr.+1,+Eigenstadt").get_data(as_text=True)
    assert "Stadt Eigenstadt" in typed and "Team" not in typed.split("Zuständig:")[1][:80]
    unknown = browser.get("/zustaendigkeit?q=Irgendwo").get_data(as_text=True)
    assert "keine Gemeinde gefunden" in unknown
    # Nothing about clients, ever.
    assert "Haddad" not in body


def test_admin_maintains_contact_details(county, login, ctx):
    b = login("admin")
    b.get("/admin/organisation")
    bad = b.post("/admin/organisation", {"address": "Lange Str. 1", "email": "kein-mail"})
    assert "Bitte eine gültige E-Mail-Adresse angeben." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert county.county.address == ""
    ok = b.post(
        "/admin/organisation",
        {"address": "Lange Str. 1, 73033 Göppingen", "phone": "07161 1", "email": "im@x.example"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert county.county.phone == "07161 1"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "organisation"))
    assert event.detail == "fields: address, phone, email"


def test_finder_speaks_the_browser_language(county, browser, ctx):
    english = browser.get(
        f"/zustaendigkeit?municipality_id={county.town_a.id}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Who is responsible for me?" in english and "Responsible:" in english
    assert "Wer ist für mich zuständig?" not in english and "Zuständig:" not in english
