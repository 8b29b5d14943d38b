"""Beratungsprotokoll PDFs: content, German typography, Arabic shaping, no network."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from app.contacts.models import Contact
from app.extensions import db
from app.pdf import StaticOnlyFetcher, render_pdf
from tests.contacts_helpers import (
    make_contact,
    seed_topics,
)

# Contacts are counselling data: recorded only for persons who consented.
pytestmark = pytest.mark.usefixtures("consented")

ARABIC_NAME = "سميرة حداد"


@pytest.fixture(autouse=True)
def _topics(county):
    seed_topics()


def pdf_text(data: bytes) -> str:
    """The PDF's text, with words that WeasyPrint hyphenated at a line end joined again."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u2010\n", "")


def _contact(county, **kw) -> Contact:
    manager = county.users["manager"]
    manager.display_name = "Maria Manager"
    county.county.address = "Lorcher Straße 6, 73033 Göppingen"
    db.session.commit()
    contact = make_contact(
        county.household_a,
        manager,
        when=kw.pop("when", datetime(2026, 11, 24, 9, 30)),  # UTC -> 10:30 in Berlin
        setting="office_hour",
        topics=["housing", "language"],
        note=kw.pop("note", "Die Familie sucht eine größere Wohnung. Unterlagen geprüft."),
        tasks=[
            {
                "description": "Wohnberechtigungsschein beantragen",
                "owner_kind": "client",
                "owner_id": None,
                "due_on": date(2026, 12, 5),
            },
            {"description": "Rückruf Vermieter", "owner_kind": "manager"},
        ],
        **kw,
    )
    contact.interpreter_kind = "professional"
    contact.interpreter_language = "Arabisch"
    db.session.commit()
    return contact


def test_contact_pdf_contains_the_consultation_note(login, county):
    contact = _contact(county)
    b = login("manager")
    r = b.get(f"/contacts/{contact.id}/pdf")
    assert r.status_code == 200
    assert r.mimetype == "application/pdf"
    assert r.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(r.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in pt
    text = " ".join(pdf_text(r.data).split())  # line breaks in table cells become spaces
    for expected in (
        "Testkreis",
        "Lorcher Straße 6",
        "Beratungsprotokoll",
        "24.11.2026 10:30",
        "Sprechstunde vor Ort",
        "Rathaus Nordheim",
        "Samira Haddad",
        "„Wohnen“",
        "„Sprache“",
        "größere Wohnung",
        "Wohnberechtigungsschein beantragen",
        "05.12.2026",
        "Klient:in",
        "Rückruf Vermieter",
        "Integrationsmanagement: Maria Manager",
        "Arabisch (professionell)",
        "Beraten von",
        "Unterschrift Klient:in",
        "Unterschrift Integrationsmanagement",
    ):
        assert expected in text, text
    assert "2026-11-24" not in text


def test_arabic_name_is_shaped_and_round_trips_in_logical_order(login, county):
    contact = _contact(county)
    data = login("manager").get(f"/contacts/{contact.id}/pdf").data
    text = pdf_text(data)
    assert ARABIC_NAME in text  # logical order, as typed
    # Shaping: in "حداد" the first dal joins to the hah before it (final form) while the
    # last one follows an alef, which never joins forward (isolated form). A shaped PDF uses
    # two different glyphs for the same letter U+062F; an unshaped one would use one.
    reader = PdfReader(io.BytesIO(data))
    codes_for_dal: set[str] = set()
    arabic_fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            pairs = re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap)
            dal = {code.lower() for code, uni in pairs if uni.upper() == "062F"}
            if dal:
                arabic_fonts.append(str(font["/BaseFont"]))
                codes_for_dal |= dal
    assert arabic_fonts, "no font in the PDF carries Arabic letters"
    assert len(codes_for_dal) >= 2, f"dal drawn with one glyph only ({arabic_fonts})"


def test_household_pdf_covers_range_and_skips_deleted(login, county):
    manager = county.users["manager"]
    inside = make_contact(
        county.household_a, manager, when=datetime(2026, 3, 10, 9), note="Im Zeitraum A"
    )
    make_contact(county.household_a, manager, when=datetime(2026, 4, 1, 9), note="Im Zeitraum B")
    make_contact(county.household_a, manager, when=datetime(2026, 1, 5, 9), note="Vorher")
    gone = make_contact(county.household_a, manager, when=datetime(2026, 3, 15, 9), note="Gelöscht")
    b = login("manager")
    b.get(f"/contacts/{gone.id}")
    assert b.post(f"/contacts/{gone.id}/delete", {"reason": "Irrtum"}).status_code == 302
    r = b.get(
        f"/households/{county.household_a.id}/contacts.pdf?date_from=2026-03-01&date_to=01.04.2026"
    )
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data)
    assert "Beratungsverlauf" in text
    assert "01.03.2026 bis 01.04.2026" in text
    assert "Im Zeitraum A" in text and "Im Zeitraum B" in text
    assert text.index("Im Zeitraum A") < text.index("Im Zeitraum B")
    assert "Vorher" not in text and "Gelöscht" not in text
    assert "2 Kontakte" in text
    assert "Seite 1 von 1" in text  # a series of contacts gets page numbers
    assert inside.id  # the single-contact PDF of a deleted contact is gone too
    assert b.get(f"/contacts/{gone.id}/pdf").status_code == 404


def test_household_pdf_rejects_reversed_range(login, county):
    r = login("manager").get(
        f"/households/{county.household_a.id}/contacts.pdf?date_from=2026-05-01&date_to=2026-04-01"
    )
    assert r.status_code == 422
    assert "Das Ende liegt vor dem Anfang." in r.text


def test_pdf_routes_denied_to_front_desk_and_volunteer(login, county, app):
    contact = _contact(county)
    for who in ("frontdesk", "volunteer"):
        b = login(who)
        assert b.get(f"/contacts/{contact.id}/pdf").status_code == 403
        assert b.get(f"/households/{county.household_a.id}/contacts.pdf").status_code == 403
    anonymous = app.test_client().get(f"/contacts/{contact.id}/pdf")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_fetcher_serves_static_files_only(app, tmp_path):
    static = app.static_folder
    fetcher = StaticOnlyFetcher(static)
    ok = fetcher.fetch(f"file://{static}/pdf.css")
    assert b"@page" in ok.read()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    for url in (
        "http://example.org/style.css",
        "https://example.org/font.woff2",
        "data:text/css,body{}",
        "ftp://example.org/x",
        f"file://{secret}",
        "file:///etc/passwd",
        f"file://{static}/../pyproject.toml",
        f"file://{static}/nope.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


def test_render_pdf_never_touches_the_network(app, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access while rendering a PDF")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = (
        '<html lang="de"><head><link rel="stylesheet" href="pdf.css">'
        '<link rel="stylesheet" href="http://example.org/evil.css"></head>'
        '<body><p>Hallo</p><img src="https://example.org/track.png"></body></html>'
    )
    with app.test_request_context():
        data = render_pdf(html)
    assert "Hallo" in pdf_text(data)


def test_contact_pdf_is_audited(login, county):
    from sqlalchemy import select

    from app.audit.models import AuditEvent

    contact = _contact(county, when=datetime.now() - timedelta(days=2))
    login("lead").get(f"/contacts/{contact.id}/pdf")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.object_id == contact.id and event.detail == "pdf"


def test_household_pdf_asks_for_a_shorter_range_when_too_long(login, county, monkeypatch):
    from app.contacts import services

    monkeypatch.setattr(services, "PDF_MAX_CONTACTS", 2)
    for day in (1, 2, 3):
        make_contact(county.household_a, county.users["manager"], when=datetime(2026, 3, day, 9))
    b = login("manager")
    url = f"/households/{county.household_a.id}/contacts.pdf"
    r = b.get(f"{url}?date_from=2026-03-01&date_to=2026-03-31")
    assert r.status_code == 422
    assert "Bitte einen kürzeren Zeitraum" in r.text and "3 Kontakte" in r.text
    assert b.get(f"{url}?date_from=2026-03-02&date_to=2026-03-31").status_code == 200


def test_contact_pdf_follows_the_users_interface_language(login, county):
    """A staff document: an English user prints the counselling record in English, with
    English dates; the client's data stay as recorded."""
    contact = _contact(county)
    county.users["manager"].locale = "en"
    db.session.commit()
    r = login("manager").get(f"/contacts/{contact.id}/pdf", headers={"Accept-Language": "de"})
    text = " ".join(pdf_text(r.data).split())
    for expected in (
        "Counselling record",
        "Nov 24, 2026",
        "Local office hour",
        "Type and place:",
        "Counselled by:",
        "Arabisch (professional)",
        "Client",
        "signature of client",
        "Die Familie sucht eine größere Wohnung.",
    ):
        assert expected in text, text
    for german in ("Beratungsprotokoll", "Sprechstunde vor Ort", "Beraten von", "Unterschrift"):
        assert german not in text
