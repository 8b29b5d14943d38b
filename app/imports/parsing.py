"""Pure functions that read county lists: files to tables, header suggestions, German dates,
residence-status words. No database, no request: unit-tested on their own."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.households.search import fold, squeeze

MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_UNZIPPED = 20 * 1024 * 1024  # an XLSX is a zip: refuse "zip bombs" before opening it
IGNORE = "ignore"

# Target fields: code -> label. Required ones must be mapped to a column.
FIELDS = {
    "household": _l("Haushalt / Familie (gleicher Wert = ein Haushalt)"),
    "family_name": _l("Familienname"),
    "given_name": _l("Vorname"),
    "full_name": _l("Name (Nachname, Vorname)"),
    "birth": _l("Geburtsdatum oder -jahr"),
    "sex": _l("Geschlecht"),
    "country_of_origin": _l("Herkunftsland"),
    "languages": _l("Sprachen"),
    "residence_status": _l("Aufenthaltsstatus"),
    "residence_legal_basis": _l("Rechtsgrundlage"),
    "entry_date": _l("Einreise"),
    "phone": _l("Telefon"),
    "street": _l("Straße und Hausnummer"),
    "postcode": _l("PLZ"),
    "municipality": _l("Gemeinde / Wohnort"),
    "accommodation": _l("Unterbringung"),
}
FIELD_LENGTHS = {
    "family_name": 80,
    "given_name": 80,
    "country_of_origin": 80,
    "languages": 200,
    "residence_legal_basis": 40,
    "phone": 40,
    "street": 160,
    "postcode": 10,
}

# Header words as counties write them (folded with app.households.search.fold).
HEADER_WORDS = {
    "household": [
        "haushalt",
        "familie",
        "haushalts nr",
        "haushaltsnummer",
        "familien nr",
        "fam nr",
        "bedarfsgemeinschaft",
        "bg",
        "bg nr",
        "familie nr",
        "hh",
        "hh nr",
    ],
    "family_name": ["nachname", "familienname", "name", "zuname", "nachname n"],
    "given_name": ["vorname", "vornamen", "rufname", "vorname n"],
    "full_name": ["name vorname", "nachname vorname", "vollstandiger name", "person"],
    "birth": [
        "geburtsdatum",
        "geb datum",
        "geb",
        "geboren",
        "geburtsjahr",
        "geb am",
        "geburtstag",
        "geb dat",
    ],
    "sex": ["geschlecht", "m w", "m w d", "sex"],
    "country_of_origin": [
        "herkunftsland",
        "herkunft",
        "staatsangehorigkeit",
        "nationalitat",
        "land",
        "staatsang",
        "sta",
    ],
    "languages": ["sprache", "sprachen", "muttersprache", "sprachkenntnise"],
    "residence_status": [
        "aufenthaltsstatus",
        "status",
        "aufenthalt",
        "aufenthaltstitel",
        "aufenthaltsrecht",
        "titel",
        "rechtsstatus",
    ],
    "residence_legal_basis": ["rechtsgrundlage", "paragraf", "paragraph", "grundlage"],
    "entry_date": ["einreise", "einreisedatum", "eingereist", "einreise am", "ankunft"],
    "phone": ["telefon", "tel", "telefonnummer", "handy", "mobil", "telefon nr", "tel nr"],
    "street": [
        "strase",
        "strase und hausnummer",  # i18n: not UI (words the import reads)
        "strase hausnummer",
        "strase nr",
        "adresse",
        "anschrift",
        "wohnung",
    ],
    "postcode": ["plz", "postleitzahl"],
    "municipality": ["wohnort", "gemeinde", "ort", "stadt", "kommune", "wohngemeinde"],
    "accommodation": [
        "unterbringung",
        "unterkunft",
        "wohnform",
        "art der unterbringung",  # i18n: not UI (words the import reads)
    ],
}


def _norm(text: str) -> str:
    """Folded and squeezed: 'Straße', 'Strasse' and 'Strase' meet."""
    return squeeze(fold(text))


_HEADER_INDEX = {_norm(word): code for code, words in HEADER_WORDS.items() for word in words}

# Residence-status words as people write them -> the app's values (folded, first match wins).
_STATUS_WORDS: list[tuple[str, str]] = [
    ("niederlassung", "settlement_permit"),
    ("daueraufenthalt", "settlement_permit"),
    ("eingeburgert", "naturalised"),
    ("einburgerung", "naturalised"),
    ("deutsch", "naturalised"),
    ("duldung", "toleration"),
    ("geduldet", "toleration"),
    ("60a", "toleration"),
    ("60 a", "toleration"),
    ("gestattung", "asylum_applicant"),
    ("asyl", "asylum_applicant"),
    ("im verfahren", "asylum_applicant"),
    ("bum", "asylum_applicant"),
    ("aufenthaltserlaubnis", "residence_permit"),
    ("aufenthaltstitel", "residence_permit"),
    ("anerkannt", "residence_permit"),
    ("anerkenung", "residence_permit"),
    ("fluchtlingseigenschaft", "residence_permit"),
    ("subsidiar", "residence_permit"),
    ("abschiebungsverbot", "residence_permit"),
    ("25", "residence_permit"),
    ("24", "residence_permit"),
    ("sonstig", "other"),
    ("andere", "other"),
]
_STATUS_EXACT = {
    "ae": "residence_permit",
    "ne": "settlement_permit",
    "ag": "asylum_applicant",
    "gest": "asylum_applicant",
    "dul": "toleration",
    "residence_permit": "residence_permit",
    "settlement_permit": "settlement_permit",
    "asylum_applicant": "asylum_applicant",
    "toleration": "toleration",
    "naturalised": "naturalised",
    "other": "other",
}
_SEX_WORDS = {
    "w": "f", "weiblich": "f", "f": "f", "frau": "f", "female": "f",
    "m": "m", "mannlich": "m", "mann": "m", "male": "m",
    "d": "d", "divers": "d", "x": "d",
}  # fmt: skip
_ACCOMMODATION_WORDS: list[tuple[str, str]] = [
    ("anschlus", "follow_up"),
    ("au", "follow_up"),
    ("gemeinschaft", "collective"),
    ("gu", "collective"),
    ("vorlaufig", "collective"),
    ("miet", "own_tenancy"),
    ("eigen", "own_tenancy"),
    ("privat", "own_tenancy"),
]


class ImportFileError(ValueError):
    """The upload cannot be read as a table; the message is German and shown next to the field."""


@dataclass
class Table:
    headers: list[str]
    # (line or sheet row number, cells as stripped text), empty rows left out
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean(value: object) -> str:
    """A cell as text: trimmed, inner runs of white space (also non-breaking) made one space,
    dates as TT.MM.JJJJ, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u00a0", " ").split())


def read_table(data: bytes, filename: str = "") -> Table:
    """An XLSX or CSV file as a table. Raises ImportFileError with a German message."""
    if not data.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Alte Excel-Dateien (.xls) werden nicht gelesen: bitte als XLSX oder CSV speichern.")
        )
    else:
        rows = _csv_rows(data)
    return _table(rows)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise ImportFileError(_("Die Tabelle ist entpackt zu groß."))
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportFileError(_("Die Datei ist keine Tabelle (XLSX oder CSV)."))
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise ImportFileError(_("Die Datei ist keine lesbare XLSX-Tabelle.")) from error
    sheet = workbook.worksheets[0]
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Merged cells (a family's household number over several rows, a title over the columns):
    # every cell of the range gets the top-left value.
    for merged in sheet.merged_cells.ranges:
        top_left = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = top_left
    workbook.close()
    return [(number, [clean(v) for v in row]) for number, row in enumerate(grid, start=1)]


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel writes as 'CSV')."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("Die Datei ist keine Tabelle (XLSX oder CSV)."))
    text = decode_text(data)
    sample = text[:4096]
    counts = {d: sample.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise ImportFileError(
            _("Die Datei ist keine Tabelle (XLSX oder CSV): keine Spalten erkannt.")
        )
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(reader.line_num, [clean(v) for v in row]) for row in reader]
    except csv.Error as error:
        raise ImportFileError(_("Die CSV-Datei ist fehlerhaft: %(e)s", e=str(error))) from error


def _table(rows: list[tuple[int, list[str]]]) -> Table:
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise ImportFileError(_("Die Datei enthält keine Daten."))
    # The header is the first row naming two known columns (titles above it are skipped);
    # otherwise the first row with at least two filled cells.
    header_at = next(
        (i for i, (_n, cells) in enumerate(rows[:20]) if _known_headers(cells) >= 2), None
    )
    if header_at is None:
        header_at = next((i for i, (_n, c) in enumerate(rows) if sum(1 for v in c if v) >= 2), 0)
    headers = rows[header_at][1]
    width = max(len(headers), 1)
    while (
        width > 1
        and not headers[width - 1]
        and not any(len(c) >= width and c[width - 1] for _n, c in rows[header_at + 1 :])
    ):
        width -= 1
    if width < 2:
        raise ImportFileError(
            _("Die Datei ist keine Tabelle (XLSX oder CSV): keine Spalten erkannt.")
        )
    if width > MAX_COLUMNS:
        raise ImportFileError(_("Zu viele Spalten (höchstens %(n)d).", n=MAX_COLUMNS))
    headers = [h or _("Spalte %(n)d", n=i + 1) for i, h in enumerate(headers[:width])]
    data_rows = [
        (n, (cells + [""] * width)[:width])
        for n, cells in rows[header_at + 1 :]
        if any(cells[:width])
    ]
    if not data_rows:
        raise ImportFileError(_("Die Datei enthält keine Datenzeilen unter den Spaltennamen."))
    if len(data_rows) > MAX_ROWS:
        raise ImportFileError(
            _("Zu viele Zeilen (höchstens %(n)d): bitte die Liste aufteilen.", n=MAX_ROWS)
        )
    return Table(headers, data_rows)


def _header_key(header: str) -> str:
    return _norm(header)


def _known_headers(cells: list[str]) -> int:
    return sum(1 for c in cells if c and _header_key(c) in _HEADER_INDEX)


def header_signature(headers: list[str]) -> str:
    return hashlib.sha256("|".join(_header_key(h) for h in headers).encode()).hexdigest()


def suggest_mapping(headers: list[str]) -> list[str]:
    """One field code per column from its header ('' when unknown); each field once."""
    taken: set[str] = set()
    result = []
    for header in headers:
        code = _HEADER_INDEX.get(_header_key(header), "")
        if code in taken:
            code = ""
        taken.add(code)
        result.append(code)
    return result


def mapping_problems(mapping: list[str]) -> list[str]:
    """German messages for a mapping that cannot be imported (one per problem)."""
    problems = []
    used = [m for m in mapping if m and m != IGNORE]
    for code in sorted({m for m in used if used.count(m) > 1}):
        problems.append(_("„%(field)s“ ist mehreren Spalten zugeordnet.", field=FIELDS[code]))
    has_names = "full_name" in used or ("family_name" in used and "given_name" in used)
    if not has_names:
        problems.append(_("Bitte Spalten für Familienname und Vorname zuordnen."))
    if "birth" not in used:
        problems.append(_("Bitte die Spalte mit dem Geburtsdatum oder -jahr zuordnen."))
    if "residence_status" not in used:
        problems.append(_("Bitte die Spalte mit dem Aufenthaltsstatus zuordnen."))
    return problems


# --- values ---------------------------------------------------------------------------------

_FULL = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_MONTH = re.compile(r"^(\d{1,2})\s?[/.-]\s?(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_birth(value: str, today: date) -> tuple[int, int | None, int | None]:
    """'01.02.2019' -> (2019, 2, 1); '02/2019' -> (2019, 2, None); '2019' -> (2019, None,
    None); also ISO and 01/02/2019 (day first). Raises ValueError with a German message."""
    value = value.strip().replace(" ", "")
    year: int
    month: int | None = None
    day: int | None = None
    if m := _FULL.match(value) or _SLASHED.match(value):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(value):
        year, month, day = (int(g) for g in m.groups())
    elif m := _MONTH.match(value):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := _YEAR.match(value):
        year = int(m.group(1))
    else:
        raise ValueError(_("„%(v)s“ ist kein Datum (TT.MM.JJJJ, MM/JJJJ oder JJJJ).", v=value[:40]))
    if not 1900 <= year <= today.year:
        raise ValueError(_("Das Jahr %(y)d liegt nicht zwischen 1900 und heute.", y=year))
    if month is not None and not 1 <= month <= 12:
        raise ValueError(_("Monat 1 bis 12."))
    if day is not None:
        try:
            born = date(year, month or 1, day)
        except ValueError as error:
            raise ValueError(_("Dieses Datum gibt es nicht.")) from error
        if born > today:
            raise ValueError(_("Das Datum darf nicht in der Zukunft liegen."))
    return year, month, day


def parse_date(value: str, today: date) -> date:
    year, month, day = parse_birth(value, today)
    if month is None or day is None:
        raise ValueError(_("Bitte ein vollständiges Datum angeben (TT.MM.JJJJ)."))
    return date(year, month, day)


def residence_status(value: str) -> tuple[str, str]:
    """The app's status and, when the text names one, the legal basis ('§ 25 Abs. 2 ...').
    Raises ValueError with a German message for words it does not know."""
    folded = _norm(value)
    if not folded:
        raise ValueError(_("Aufenthaltsstatus fehlt."))
    basis = value.strip()[:40] if "§" in value else ""
    # Abbreviations before folding ("AE" would fold like the umlaut "Ä"): the whole value or
    # its first word ("AE § 25 Abs. 2").
    words = re.sub(r"[^\w]+", " ", value.casefold()).split()
    for candidate in (" ".join(words), words[0] if words else ""):
        if candidate in _STATUS_EXACT:
            return _STATUS_EXACT[candidate], basis
    for word, code in _STATUS_WORDS:
        # Long words anywhere (German compounds: "Aufenthaltsgestattung"), short ones at the
        # start of a word ("§ 25", "BüM").
        pattern = re.escape(_norm(word)) if len(word) > 4 else rf"(?:^|\s){re.escape(word)}"
        if re.search(pattern, folded):
            return code, basis
    raise ValueError(_("Aufenthaltsstatus „%(v)s“ ist unbekannt.", v=value[:40]))


def sex(value: str) -> str:
    return _SEX_WORDS.get(fold(value), "u")


def accommodation(value: str) -> str | None:
    folded = _norm(value)
    if not folded:
        return None
    for word, code in _ACCOMMODATION_WORDS:
        if folded == _norm(word) or (len(word) > 2 and _norm(word) in folded):
            return code
    return None


def split_full_name(value: str) -> tuple[str, str]:
    """'Haddad, Samira' -> ('Samira', 'Haddad'); 'Samira Haddad' -> ('Samira', 'Haddad')."""
    if "," in value:
        family, _sep, given = value.partition(",")
        return given.strip(), family.strip()
    words = value.split()
    if len(words) < 2:
        return "", value.strip()
    return " ".join(words[:-1]), words[-1]


def key(*parts: object) -> str:
    return hashlib.sha256("|".join(fold(str(p or "")) for p in parts).encode()).hexdigest()
