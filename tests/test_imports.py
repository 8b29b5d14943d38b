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


def test_messy_xlsx_with_merged_cells_through_the_forms(county, login, ctx, _import_dir):
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
    assert set(actions) - {("login", "user", 1)} == {
        ("create", "household", 2),
        ("import", "import_run", 1),
    }
    details = db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.object_type == "household", AuditEvent.object_id == haddad.id
        )
    ).all()
    run_id = db.session.scalar(select(ImportRun.id))
    assert details == [f"import {run_id}: persons {', '.join(str(m.id) for m in haddad.members)}"]
    # The uploaded file is gone once imported.
    assert not list(_import_dir.glob("*.bin"))


def imported(b, data: bytes, name: str, **mapping_changes):
    """Upload, preview with the suggested mapping (plus changes), import; the preview page."""
    page = upload(b, data, name)
    assert page.status_code == 200, body(page)
    shown = preview(b, page, **mapping_changes)
    assert shown.status_code == 200, body(shown)
    done = confirm(b, shown)
    assert done.status_code == 302, body(done)
    return shown


def test_messy_csv_utf8_bom_with_semicolons_and_a_duplicate(county, login, ctx):
    admin = login("admin")
    page = upload(admin, messy_csv_bom(), "liste.csv")
    assert "Unbekannte Spalten" not in body(page)
    shown = preview(admin, page)
    text = body(shown)
    assert "Mögliche Dublette: Farid Rahimi (1990, Südhausen)" in text
    assert "Mögliche Dubletten: <strong>1</strong>" in text
    before = count_rows(Person)
    assert confirm(admin, shown).status_code == 302
    new = persons()[before:]
    assert new == [
        ("Kovač", "Jelena", 1988, 4, 3, "settlement_permit", "Kovač"),
        ("Kovač", "Luka", 2015, None, None, "settlement_permit", "Kovač"),
        ("Öztürk", "Ayşe", 2001, 12, None, "asylum_applicant", "Öztürk"),
    ]  # the possible duplicate was left out, the Kovač family found by its address
    kovac = db.session.scalars(select(Household).where(Household.name == "Kovač")).one()
    assert (kovac.street, kovac.postcode, len(kovac.members)) == ("Lindenstraße 4", "73001", 2)
    assert [m.sex for m in kovac.members] == ["f", "m"]
    assert db.session.scalar(select(func.count()).where(Person.family_name == "Rahimi")) == 1


def test_possible_duplicates_are_created_when_confirmed(county, login, ctx):
    admin = login("admin")
    shown = preview(admin, upload(admin, messy_csv_bom(), "liste.csv"))
    assert confirm(admin, shown, include_duplicates="y").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Person.family_name == "Rahimi")) == 2
    assert db.session.get(ImportRun, db.session.scalar(select(ImportRun.id))).persons == 4


def test_messy_csv_windows_1252_with_umlauts(county, login, ctx):
    admin = login("admin")
    before = count_rows(Person)
    page = upload(admin, messy_csv_cp1252(), "export.csv")
    assert "Name, Vorname" in body(page)
    imported(admin, messy_csv_cp1252(), "export.csv")
    new = persons()[before:]
    assert new == [
        ("Sümer", "Gül", 1979, None, None, "asylum_applicant", "Sümer"),
        ("Sümer", "Ömer", 2012, None, None, "asylum_applicant", "Sümer"),
        ("Weiß", "Anaïs", 2001, None, None, "toleration", "Weiß"),
    ]
    suemer = db.session.scalars(select(Household).where(Household.name == "Sümer")).one()
    assert suemer.municipality_id == county.town_b.id and len(suemer.members) == 2


def test_the_same_file_twice_creates_nothing_twice(county, login, ctx):
    admin = login("admin")
    data = messy_xlsx()  # openpyxl stamps the time into every file it writes: made once
    shown = imported(admin, data, "Liste AU.xlsx", col_7="ignore")
    counts = (count_rows(Household), count_rows(Person), count_rows(AuditEvent))
    # Uploaded again: the preview says so and offers no import.
    page = upload(admin, data, "Liste AU (2).xlsx")
    again = preview(admin, page)
    text = body(again)
    assert "Diese Datei wurde am" in text and "bereits importiert" in text
    assert text.count("Schon importiert.") == 4
    assert 'value="import"' not in text
    # Posting the import anyway (an old tab, a replay) changes nothing.
    token = form_fields(shown, "/admin/import/confirm")["token"]
    replay = admin.post("/admin/import/confirm", {"token": token, "action": "import"})
    assert replay.status_code == 422
    fields = {"token": form_fields(page, "/admin/import/mapping")["token"]}
    refused = admin.post("/admin/import/confirm", {**fields, "action": "import"})
    assert "bereits importiert; es wurde nichts angelegt" in body(refused)
    assert (count_rows(Household), count_rows(Person)) == counts[:2]
    assert count_rows(ImportRun) == 1


def test_the_same_rows_in_another_file_are_skipped_and_new_members_join_their_family(
    county, login, ctx
):
    admin = login("admin")
    imported(admin, messy_xlsx(), "Liste AU.xlsx", col_7="ignore")
    households = count_rows(Household)
    before = count_rows(Person)
    # The October list as CSV, one month later, with a newborn in family F1.
    text = (
        "Familie;Name;Vorname;Geb.-Datum;Aufenthaltsstatus;Wohnort;Straße\n"
        "F1;Haddad;Omar;01.02.1980;AE;Nordheim;Lindenweg 3\n"
        "F1;Haddad;Lina;2019;AE;Nordheim;Lindenweg 3\n"
        "F1;Haddad;Samir;02/2019;AE;Nordheim;Lindenweg 3\n"
        "F1;Haddad;Nour;11.2026;AE;Nordheim;Lindenweg 3\n"
        "F2;Ayoub;Mariam;15.03.1995;Duldung;Südhausen;\n"
    )
    shown = imported(admin, text.encode(), "november.csv")
    assert body(shown).count("Schon importiert.") == 4
    assert count_rows(Person) == before + 1
    assert count_rows(Household) == households
    nour = db.session.scalars(select(Person).where(Person.given_name == "Nour")).one()
    assert [m.given_name for m in nour.household.members] == ["Omar", "Lina", "Samir", "Nour"]
    # Once more: nothing left to import.
    again = preview(admin, upload(admin, text.replace("\n", "\r\n").encode(), "dec.csv"))
    refused = confirm(admin, again)
    assert "Nichts zu importieren" in body(refused)
    assert count_rows(Person) == before + 1


def test_a_double_submitted_import_creates_nothing_twice(county, login, ctx):
    admin = login("admin")
    shown = preview(admin, upload(admin, messy_csv_cp1252(), "export.csv"))
    fields = form_fields(shown, "/admin/import/confirm")
    assert admin.post("/admin/import/confirm", {**fields, "action": "import"}).status_code == 302
    counts = (count_rows(Household), count_rows(Person), count_rows(ImportedRow))
    second = admin.post("/admin/import/confirm", {**fields, "action": "import"})
    assert second.status_code == 422
    assert "nicht mehr vorhanden" in body(second)
    assert (count_rows(Household), count_rows(Person), count_rows(ImportedRow)) == counts


BAD_ROW_CSV = (
    "Nachname;Vorname;Geburtsdatum;Aufenthaltsstatus;Wohnort\n"
    "Haddad;Omar;01.02.1980;AE;Nordheim\n"
    "Haddad;Lina;31.02.2019;AE;Nordheim\n"
    "Ayoub;Mariam;1995;weiß nicht;Nordheim\n"
    "Yilmaz;Can;1990;Duldung;Atlantis\n"
    "Nasser;;1990;Duldung;Nordheim\n"
).encode()


def test_one_bad_row_stops_the_whole_import_with_german_messages(county, login, ctx):
    admin = login("admin")
    before = (count_rows(Household), count_rows(Person), count_rows(AuditEvent))
    shown = preview(admin, upload(admin, BAD_ROW_CSV, "fehler.csv"))
    text = body(shown)
    assert "Fehlerhafte Zeilen: <strong>4</strong>" in text
    assert "Geburtsdatum: Dieses Datum gibt es nicht." in text
    assert "Aufenthaltsstatus „weiß nicht“ ist unbekannt." in text
    assert "Gemeinde „Atlantis“ ist nicht eingerichtet." in text
    assert "Vorname fehlt." in text
    assert 'value="import"' not in text and "Korrigierte Datei hochladen" in text
    # The import posted anyway is refused as a whole: the good first row is not created either.
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', text)
    assert token is None  # no confirm form at all; a hand-made post:
    fields = form_fields(upload(admin, BAD_ROW_CSV, "fehler.csv"), "/admin/import/mapping")
    admin.post("/admin/import/mapping", {**fields, "action": "preview"})
    refused = admin.post("/admin/import/confirm", {"token": fields["token"], "action": "import"})
    assert refused.status_code == 422
    assert "4 fehlerhafte Zeilen; es wurde nichts importiert" in body(refused)
    assert (count_rows(Household), count_rows(Person), count_rows(AuditEvent)) == before


def test_a_failure_in_the_middle_of_the_import_leaves_nothing_behind(
    county, login, ctx, monkeypatch
):
    import app.imports.services as import_services

    calls = []
    real = import_services.refresh_search_keys

    def failing(person):
        calls.append(person)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(person)

    monkeypatch.setattr(import_services, "refresh_search_keys", failing)
    admin = login("admin")
    shown = preview(admin, upload(admin, messy_csv_cp1252(), "export.csv"))
    before = (count_rows(Household), count_rows(Person), count_rows(AuditEvent))
    with pytest.raises(RuntimeError):
        confirm(admin, shown)
    assert len(calls) == 3
    assert (count_rows(Household), count_rows(Person), count_rows(AuditEvent)) == before
    assert count_rows(ImportRun) == 0 and count_rows(ImportedRow) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "foto.png", "keine Tabelle"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "brief.pdf", "keine Tabelle"),
        (b"PK\x03\x04" + bytes(100), "kaputt.xlsx", "keine lesbare XLSX-Tabelle"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "alt.xls", "als XLSX oder CSV"),
        (b"Liebe Kolleginnen\nanbei die Liste\nGruss", "mail.txt", "keine Tabelle"),
        (b"   \n\n", "leer.csv", "Die Datei ist leer."),
        (b"Nachname;Vorname\n", "nur-kopf.csv", "keine Datenzeilen"),
    ],
)
def test_what_is_not_a_spreadsheet_gets_a_german_message(
    data, name, message, county, login, ctx, _import_dir
):
    admin = login("admin")
    response = upload(admin, data, name)
    assert response.status_code == 422
    assert message in body(response)
    assert 'class="error" id="file-err"' in body(response)
    assert not _import_dir.exists() or not list(_import_dir.iterdir())
    assert count_rows(ImportMapping) == 0


def test_a_file_too_big_for_the_import_is_refused(county, login, ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 10_000)
    admin = login("admin")
    data = messy_csv_bom() + b"Name;Vorname;2000;AE;Nordheim;;\r\n" * 400
    response = upload(admin, data, "gross.csv")
    assert response.status_code == 422
    assert "Die Datei ist zu groß (höchstens 9 KB)" in body(response)


def test_a_request_over_max_content_length_gets_the_form_with_a_german_message(
    county, login, ctx, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 20_000)
    admin = login("admin")
    response = upload(admin, bytes(30_000), "riesig.csv")
    assert response.status_code == 413
    text = body(response)
    assert "Die Datei ist zu groß (höchstens 15 KB)" in text  # the limit less room for fields
    assert 'enctype="multipart/form-data"' in text


def test_unknown_columns_need_a_decision_and_change_nothing(county, login, ctx):
    admin = login("admin")
    data = "Nachname;Vorname;Geburtsjahr;Status;Ort;Lieblingsfarbe\nA;B;1990;AE;Nordheim;rot\n"
    page = upload(admin, data.encode(), "farben.csv")
    assert "Unbekannte Spalten: Lieblingsfarbe." in body(page)
    refused = preview(admin, page)
    assert refused.status_code == 422
    assert '<p class="error" id="col_5-err">Unbekannte Spalte' in body(refused)
    assert count_rows(ImportMapping) == 0 and count_rows(ImportRun) == 0
    # Without a name column the mapping is refused as a whole.
    no_names = preview(admin, page, col_0="ignore", col_5="ignore")
    assert "Bitte Spalten für Familienname und Vorname zuordnen." in body(no_names)
    twice = preview(admin, page, col_0="given_name", col_5="ignore")
    assert "„Vorname“ ist mehreren Spalten zugeordnet." in body(twice)


def test_the_mapping_is_remembered_for_the_same_headers(county, login, ctx):
    admin = login("admin")
    imported(admin, messy_xlsx(), "Liste AU.xlsx", col_7="ignore")
    assert count_rows(ImportMapping) == 1
    page = upload(admin, messy_xlsx(), "Liste AU (2).xlsx")
    assert "Zuordnung vom letzten Import dieser Spalten übernommen." in body(page)
    assert "Unbekannte Spalten" not in body(page)
    assert form_fields(page, "/admin/import/mapping")["col_7"] == "ignore"
    # Another organisation does not see it.
    other = login("town_admin")
    assert "Unbekannte Spalten: Bemerkung" in body(upload(other, messy_xlsx(), "x.xlsx"))


@pytest.mark.parametrize("username", ["manager", "frontdesk", "volunteer"])
def test_only_admins_and_team_leads_import(username, county, login, ctx):
    b = login(username)
    assert b.get(URL).status_code == 403
    assert b.get("/admin/import/vorlage.xlsx").status_code == 403
    response = b.post(URL, {"file": (io.BytesIO(messy_csv_bom()), "x.csv")})
    assert response.status_code == 403
    assert count_rows(ImportRun) == 0


def test_a_team_lead_imports_into_the_own_team_only(county, login, ctx):
    lead = login("lead")
    page = upload(lead, messy_xlsx(), "Liste AU.xlsx")
    fields = form_fields(page, "/admin/import/mapping")
    assert fields["team_id"] == str(county.team_a.id)
    assert "Team Süd" not in body(page)
    forged = preview(lead, page, col_7="ignore", team_id=str(county.team_b.id))
    assert forged.status_code == 422
    imported(lead, messy_xlsx(), "Liste AU.xlsx", col_7="ignore")
    ayoub = db.session.scalars(select(Household).where(Household.name == "Ayoub")).one()
    assert ayoub.team_id == county.team_a.id  # Südhausen's row, into the lead's own team


def test_admin_chooses_team_and_manager(county, login, ctx):
    admin = login("admin")
    manager_b = county.users["manager_b"]
    imported(
        admin,
        messy_csv_cp1252(),
        "export.csv",
        team_id=str(county.team_b.id),
        manager_id=str(manager_b.id),
    )
    weiss = db.session.scalars(select(Household).where(Household.name == "Weiß")).one()
    assert (weiss.team_id, weiss.manager_id) == (county.team_b.id, manager_b.id)


def test_someone_elses_or_an_expired_upload_is_gone(county, login, ctx, app, monkeypatch):
    admin = login("admin")
    page = upload(admin, messy_csv_bom(), "liste.csv")
    fields = form_fields(page, "/admin/import/mapping")
    lead = login("lead")
    lead.get(URL)
    stolen = lead.post("/admin/import/mapping", {**fields, "csrf_token": lead.csrf})
    assert stolen.status_code == 422 and "nicht mehr vorhanden" in body(stolen)
    monkeypatch.setitem(app.config, "IMPORT_TTL_SECONDS", -1)
    expired = admin.post("/admin/import/mapping", {**fields, "action": "preview"})
    assert expired.status_code == 422 and "nicht mehr vorhanden" in body(expired)


def test_cancel_deletes_the_uploaded_file(county, login, ctx, _import_dir):
    admin = login("admin")
    page = upload(admin, messy_csv_bom(), "liste.csv")
    assert len(list(_import_dir.glob("*.bin"))) == 1
    fields = form_fields(page, "/admin/import/mapping")
    response = admin.post("/admin/import/mapping", {**fields, "action": "cancel"})
    assert response.status_code == 302
    assert list(_import_dir.iterdir()) == []


def test_the_template_downloads_and_imports_cleanly(county, login, ctx):
    admin = login("admin")
    response = admin.get("/admin/import/vorlage.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Personen", "Hinweise"]
    page = upload(admin, response.data, "import-vorlage.xlsx")
    assert "Unbekannte Spalten" not in body(page)
    assert "– bitte wählen –</option>" in body(page)
    fields = form_fields(page, "/admin/import/mapping")
    assert "" not in [v for k, v in fields.items() if k.startswith("col_")]
    shown = preview(admin, page)
    assert "Fehlerhafte Zeilen: <strong>0</strong>" in body(shown)
    before = count_rows(Person)
    assert confirm(admin, shown).status_code == 302
    assert persons()[before:] == [
        ("Muster", "Amal", 1985, 2, 1, "residence_permit", "Muster"),
        ("Muster", "Yusuf", 2019, None, None, "residence_permit", "Muster"),
    ]


def test_anonymising_a_household_forgets_its_row_keys(county, login, ctx):
    from app.imports.services import forget_imported_rows

    admin = login("admin")
    imported(admin, messy_csv_cp1252(), "export.csv")
    suemer = db.session.scalars(select(Household).where(Household.name == "Sümer")).one()
    forget_imported_rows(suemer)
    db.session.commit()
    assert count_rows(ImportedRow) == 1


def test_two_imports_of_the_same_file_racing_create_it_once(county, login, ctx, monkeypatch):
    """Both previews were shown before either import ran: the unique file hash stops the
    second one inside its transaction."""
    import app.imports.services as import_services

    admin = login("admin")
    data = messy_csv_cp1252()
    first = preview(admin, upload(admin, data, "a.csv"))
    second = preview(admin, upload(admin, data, "b.csv"))
    assert confirm(admin, first).status_code == 302
    counts = (count_rows(Household), count_rows(Person), count_rows(AuditEvent))
    real = import_services.build_preview

    def stale(*args, **kwargs):  # what the second request read before the first committed
        result = real(*args, **kwargs)
        result.imported_before = None
        for row in result.rows:
            row.status = "new"
        return result

    monkeypatch.setattr(import_services, "build_preview", stale)
    lost = confirm(admin, second)
    assert lost.status_code == 409
    assert "bereits importiert; es wurde nichts angelegt" in body(lost)
    assert (count_rows(Household), count_rows(Person), count_rows(AuditEvent)) == counts


def test_a_person_listed_twice_in_the_file_is_created_once(county, login, ctx):
    admin = login("admin")
    text = (
        "Nachname;Vorname;Geburtsdatum;Aufenthaltsstatus;Wohnort\n"
        "Nasser;Rami;05.06.1990;Duldung;Nordheim\n"
        "Nasser ;Rami;5.6.1990;Duldung;Nordheim \n"
    )
    shown = imported(admin, text.encode(), "doppelt.csv")
    assert "Gleiche Person wie Zeile 2: wird nur einmal angelegt." in body(shown)
    assert db.session.scalar(select(func.count()).where(Person.family_name == "Nasser")) == 1


def test_a_long_list_shows_only_rows_with_something_to_say(county, login, ctx):
    admin = login("admin")
    lines = ["Nachname;Vorname;Geburtsjahr;Aufenthaltsstatus;Wohnort"]
    letters = "bcdfgklmnprstvwxz"
    names = [f"Na{a}o{b}i" for a in letters for b in letters][:120]  # distinct name skeletons
    lines += [f"{name};Kind;2010;AE;Nordheim" for name in names]
    lines.append("Haddad;Samira;1990;AE;Nordheim")  # in the database already
    shown = preview(admin, upload(admin, "\n".join(lines).encode(), "lang.csv"))
    text = body(shown)
    assert "… und 90 weitere neue Zeilen ohne Hinweis." in text
    assert "Mögliche Dublette: Samira Haddad" in text
    assert len(shown.data) < 40_000


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (parsing.MAX_UNZIPPED + 1))
    assert len(buffer.getvalue()) < 100_000
    with app.test_request_context(), pytest.raises(parsing.ImportFileError, match="entpackt"):
        parsing.read_table(buffer.getvalue())


def test_a_new_member_of_a_closed_household_gets_a_new_one(county, login, ctx):
    admin = login("admin")
    head = "Haushalt;Nachname;Vorname;Geburtsjahr;Aufenthaltsstatus;Wohnort\n"
    imported(admin, (head + "9;Nasser;Rami;1990;AE;Nordheim\n").encode(), "a.csv")
    old = db.session.scalars(select(Household).where(Household.name == "Nasser")).one()
    old.status = "closed"
    db.session.commit()
    more = head + "9;Nasser;Rami;1990;AE;Nordheim\n9;Nasser;Lea;2020;AE;Nordheim\n"
    imported(admin, more.encode(), "b.csv")
    lea = db.session.scalars(select(Person).where(Person.given_name == "Lea")).one()
    assert lea.household_id != old.id and lea.household.status == "active"
