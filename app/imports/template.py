"""The downloadable import template: the columns the import knows, two example rows and a
sheet with the words it understands."""

from __future__ import annotations

import io

from flask_babel import gettext as _

from app.households import choices

TEMPLATE_HEADERS = [
    "Haushalt",
    "Nachname",
    "Vorname",
    "Geburtsdatum",
    "Geschlecht",
    "Herkunftsland",
    "Sprachen",
    "Aufenthaltsstatus",
    "Einreise",
    "Telefon",
    "Straße",  # i18n: not UI
    "PLZ",
    "Wohnort",
    "Unterbringung",
]


def workbook(towns: list[str]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Personen")
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    town = towns[0] if towns else ""
    # Synthetic example rows (one family of two): replace them with the real list.
    sheet.append(
        ["1", "Muster", "Amal", "01.02.1985", "w", "Syrien", "Arabisch", "Aufenthaltserlaubnis",
         "15.09.2016", "", "Hauptstraße 1", "", town, "AU"]  # i18n: not UI
    )  # fmt: skip
    sheet.append(
        ["1", "Muster", "Yusuf", "2019", "m", "Syrien", "Arabisch", "Aufenthaltserlaubnis",
         "", "", "Hauptstraße 1", "", town, "AU"]  # i18n: not UI
    )  # fmt: skip
    for column, width in zip(
        "ABCDEFGHIJKLMN", (10, 18, 16, 14, 10, 16, 14, 24, 12, 16, 22, 8, 18, 16), strict=True
    ):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet(_("Hinweise"))
    notes.append(
        [
            _(
                "Eine Zeile je Person. Gleicher Wert in „Haushalt“ = eine Familie; ohne "
                "Haushalt-Spalte bilden Personen mit gleicher Adresse einen Haushalt."
            )
        ]
    )
    notes.append([_("Geburtsdatum: TT.MM.JJJJ, MM/JJJJ oder nur das Jahr.")])
    notes.append([_("Die Beispielzeilen „Muster“ bitte durch die echte Liste ersetzen.")])
    notes.append([])
    notes.append([_("Aufenthaltsstatus"), _("z. B.")])
    for label, example in zip(
        choices.RESIDENCE_STATUS.values(),
        (
            "Gestattung, Asyl",
            "Duldung, § 60a",
            "AE, § 25 Abs. 2",
            "NE",
            "eingebürgert",  # i18n: not UI
            "sonstiges",
        ),
        strict=True,
    ):
        notes.append([str(label), example])
    notes.append([])
    notes.append([_("Gemeinden")])
    for name in towns:
        notes.append([name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
