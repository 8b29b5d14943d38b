"""Spreadsheet import of households and persons: parsing on its own, then three messy files
(XLSX with merged cells, CSV UTF-8 with BOM, CSV Windows-1252) through the real forms."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from html.parser import HTMLParser

import openpyxl
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.households.models import Household, Person
from app.imports import parsing
from app.imports.models import ImportedRow, ImportMapping, ImportRun
from tests.conftest import count_rows

TODAY = date(2026, 12, 7)
URL = "/admin/import/"


@pytest.fixture(autouse=True)
def _import_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(tmp_path / "imports"))
    return tmp_path / "imports"


# --- parsing without HTTP --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.02.2019", (2019, 2, 1)),
        ("1.2.2019", (2019, 2, 1)),
        (" 2019 ", (2019, None, None)),
        ("02/2019", (2019, 2, None)),
        ("2.2019", (2019, 2, None)),
        ("2019-02-01", (2019, 2, 1)),
        ("01/02/2019", (2019, 2, 1)),
    ],
)
def test_german_date_formats(text, expected):
    assert parsing.parse_birth(text, TODAY) == expected


@pytest.mark.parametrize("text", ["31.02.2019", "13/2019", "1850", "2030", "gestern", "01.01.2027"])
def test_impossible_dates_are_refused_in_german(text, app):
    with app.test_request_context(), pytest.raises(ValueError) as error:
        parsing.parse_birth(text, TODAY)
    assert re.search(r"[a-zäöü]", str(error.value))


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Aufenthaltsgestattung", "asylum_applicant"),
        ("Gestattung", "asylum_applicant"),
        ("Asylbewerber", "asylum_applicant"),
        ("im Verfahren", "asylum_applicant"),
        ("Duldung", "toleration"),
        ("geduldet § 60a", "toleration"),
        ("AE", "residence_permit"),
        ("Aufenthaltserlaubnis § 25 Abs. 2", "residence_permit"),
        ("anerkannt", "residence_permit"),
        ("§ 24 AufenthG (Ukraine)", "residence_permit"),
        ("NE", "settlement_permit"),
        ("Niederlassungserlaubnis", "settlement_permit"),
        ("eingebürgert", "naturalised"),
        ("Sonstiges", "other"),
    ],
)
def test_residence_status_words(word, status, app):
    with app.test_request_context():
        assert parsing.residence_status(word)[0] == status


def test_residence_status_keeps_the_legal_basis_and_refuses_unknown_words(app):
    with app.test_request_context():
        assert parsing.residence_status("AE § 25 Abs. 2") == ("residence_permit", "AE § 25 Abs. 2")
        with pytest.raises(ValueError, match="unbekannt"):
            parsing.residence_status("weiß nicht")


def test_header_suggestions_know_german_variants():
    headers = ["Familie", "Name", "Vorname", "Geb.-Datum", "Aufenthaltsstatus", "Wohnort"]
    assert parsing.suggest_mapping(headers) == [
        "household",
        "family_name",
        "given_name",
        "birth",
        "residence_status",
        "municipality",
    ]
    assert parsing.suggest_mapping(["Nachname", "Geburtsdatum", "Straße", "PLZ", "Haushalt"]) == [
        "family_name",
        "birth",
        "street",
        "postcode",
        "household",
    ]
    assert parsing.suggest_mapping(["Name, Vorname", "Bemerkung"]) == ["full_name", ""]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(encoding):
    data = "Nachname;Vorname\nMüller;Jörg\n".encode(encoding)
    table = parsing.read_table(data)
    assert table.headers == ["Nachname", "Vorname"]
    assert table.rows == [(2, ["Müller", "Jörg"])]


def test_header_signature_ignores_case_spaces_and_spelling():
    assert parsing.header_signature(["Straße ", "NAME"]) == parsing.header_signature(
        ["strasse", "Name"]
    )


# --- three messy files -------------------------------------------------------------------------


def messy_xlsx() -> bytes:
    """A title merged over the columns, empty rows, a family number merged over its rows,
    trailing spaces, a real date cell, a column the import does not know."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Liste Anschlussunterbringung – Stand 01.10.2026"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(
        ["Familie", "Name ", "Vorname", "Geb.-Datum", "Aufenthaltsstatus", "Wohnort", "Straße",
         "Bemerkung"]
    )  # fmt: skip
    sheet.append(["F1", " Haddad ", "Omar ", datetime(1980, 2, 1), "AE § 25 Abs. 2", "Nordheim ",
                  "Lindenweg 3", "Vater"])  # fmt: skip
    sheet.append([None, "Haddad", "Lina", 2019, "AE", "Nordheim", "Lindenweg 3", ""])
    sheet.append([None, "Haddad", "  Samir", "02/2019", "Aufenthaltserlaubnis", "Nordheim",
                  "Lindenweg 3", None])  # fmt: skip
    sheet.merge_cells("A4:A6")
    sheet.append([])
    sheet.append(["F2", "Ayoub", "Mariam", "15.03.1995", "Duldung", "Südhausen", "", "neu"])
    sheet.append([None] * 8)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def messy_csv_bom() -> bytes:
    """UTF-8 with BOM and semicolons (Excel 'CSV UTF-8'); families by address; a quoted cell
    with a semicolon; a person already in the database; empty rows at the end."""
    text = (
        "Nachname;Vorname;Geburtsdatum;Geschlecht;Aufenthaltsstatus;Wohnort;Straße;PLZ\r\n"
        "Kovač;Jelena;3.4.1988;w;Niederlassungserlaubnis;Nordheim;Lindenstraße 4 ;73001\r\n"
        "Kovač ;Luka;2015;m;NE;Nordheim;Lindenstraße 4;73001\r\n"
        'Rahimi;Farid;1990;m;"anerkannt; § 25 Abs. 1";Südhausen;Bahnhofstr. 2;\r\n'
        "Öztürk;Ayşe;12/2001;weiblich;Gestattung;Südhausen;;\r\n"
        ";;;;;;;\r\n"
        "\r\n"
    )
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def messy_csv_cp1252() -> bytes:
    """Windows-1252 with commas, a combined name column and household numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Name, Vorname", "Geburtsjahr", "Status", "Gemeinde", "Haushalt"])
    writer.writerow(["Sümer, Gül", "1979", "Aufenthaltsgestattung", "Südhausen", "7"])
    writer.writerow(["Sümer, Ömer ", "2012", "Gestattung", "Südhausen ", "7"])
    writer.writerow(["Weiß, Anaïs", "2001", "geduldet", "Nordheim", "8"])
    writer.writerow(["", "", "", "", ""])
    return buffer.getvalue().encode("cp1252")


# --- going through the forms -----------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of the page's forms as a browser would send them (selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._first = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action") or "", {})
        elif self._form is None:
            return
        elif tag == "input" and a.get("type") in ("hidden", "text") and a.get("name"):
            self._form[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self._first = True
        elif tag == "option" and self._select and ("selected" in a or self._first):
            # Without a selected option a browser sends the first one.
            self._form[self._select] = a.get("value") or ""
            self._first = False

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def form_fields(response, action: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    return dict(reader.forms[action])


def upload(b, data: bytes, name: str):
    b.get(URL)
    return b.post(URL, {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def preview(b, mapping_page, **changes):
    fields = form_fields(mapping_page, "/admin/import/mapping") | changes
    return b.post("/admin/import/mapping", {**fields, "action": "preview"})


def confirm(b, preview_page, action="import", **changes):
    fields = form_fields(preview_page, "/admin/import/confirm") | changes
    return b.post("/admin/import/confirm", {**fields, "action": action})


def body(response) -> str:
    return response.get_data(as_text=True)


def column(page, header: str) -> str:
    """The name of the select for a column, by its label."""
    match = re.search(r'<label for="(col_\d+)">' + re.escape(header) + "</label>", body(page))
    assert match, header
    return match.group(1)


def persons() -> list[tuple[str, str, int | None, int | None, int | None, str, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(
            Person.family_name,
            Person.given_name,
            Person.birth_year,
            Person.birth_month,
            Person.birth_day,
            Person.residence_status,
            Household.name,
        )
        .join(Person.household)
        .order_by(Person.id)
    )
    return [tuple(r) for r in rows]


def test_messy_xlsx_with_merged_cells_through_the_forms(county, login, ctx):
    admin = login("admin")
    page = upload(admin, messy_xlsx(), "Liste AU.xlsx")
    assert page.status_code == 200
    text = body(page)
    assert "4 Zeilen" in text
    assert "Unbekannte Spalten: Bemerkung" in text
    # Left unassigned, the unknown column is refused next to its field; nothing is stored.
    refused = preview(admin, page)
    assert refused.status_code == 422
    assert "Unbekannte Spalte: bitte zuordnen" in body(refused)
    assert count_rows(ImportMapping) == 0
    shown = preview(admin, refused, **{column(page, "Bemerkung"): "ignore"})
    assert shown.status_code == 200, body(shown)
    text = body(shown)
    assert re.search(r"Neu anzulegen: <strong>4</strong> Personen, <strong>2</strong>", text)
    assert "Fehlerhafte Zeilen: <strong>0</strong>" in text
    before = count_rows(Person)
    dry = confirm(admin, shown, action="dry_run")
    assert "Probelauf: 2 Haushalte und 4 Personen würden angelegt" in body(dry)
    assert count_rows(Person) == before and count_rows(ImportRun) == 0
    done = confirm(admin, dry)
    assert done.status_code == 302
    assert "2 Haushalte und 4 Personen angelegt" in body(admin.get(URL))
    new = persons()[before:]
    assert new == [
        ("Haddad", "Omar", 1980, 2, 1, "residence_permit", "Haddad"),
        ("Haddad", "Lina", 2019, None, None, "residence_permit", "Haddad"),
        ("Haddad", "Samir", 2019, 2, None, "residence_permit", "Haddad"),
        ("Ayoub", "Mariam", 1995, 3, 15, "toleration", "Ayoub"),
    ]
    haddad = db.session.scalars(select(Household).where(Household.street == "Lindenweg 3")).one()
    assert [p.given_name for p in haddad.members] == ["Omar", "Lina", "Samir"]
    assert haddad.team_id == county.team_a.id  # Nordheim's team
    assert haddad.members[0].residence_legal_basis == "AE § 25 Abs. 2"
    ayoub = db.session.scalars(select(Household).where(Household.name == "Ayoub")).one()
    assert ayoub.team_id == county.team_b.id  # Südhausen's team
    # Audited: each household and person, and the import itself.
    actions = db.session.execute(
        select(AuditEvent.action, AuditEvent.object_type, func.count()).group_by(
            AuditEvent.action, AuditEvent.object_type
        )
    ).all()
    assert ("create", "person", 4) in actions and ("create", "household", 2) in actions
    assert ("import", "import_run", 1) in actions
    # The uploaded file is gone once imported.
    assert not list((_import_dir_path(county)).glob("*.bin"))


def _import_dir_path(_county):
    from flask import current_app

    from pathlib import Path

    return Path(current_app.config["IMPORT_DIR"])
