from __future__ import annotations

from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.forms import Form, GermanDateField, Select, no_future, not_before, reasonable_date, text
from app.households import choices
from app.timeutil import today


def _select(label: str, options: dict[str, str], **kwargs) -> Select:
    return Select(label, choices=list(options.items()), **kwargs)


class HouseholdForm(Form):
    name = text(
        "Bezeichnung (z. B. Familienname)", 120, DataRequired("Bitte eine Bezeichnung angeben.")
    )
    municipality_id = Select("Gemeinde", coerce=int)
    street = text("Straße und Hausnummer", 160, Optional())
    postcode = text(
        "PLZ", 10, Optional(), render_kw={"inputmode": "numeric", "autocomplete": "off"}
    )
    phone = text("Telefon", 40, Optional(), render_kw={"inputmode": "tel", "type": "tel"})
    accommodation = _select("Unterbringung", choices.ACCOMMODATION)
    manager_id = Select("Zuständig", coerce=int)

    def validate_postcode(self, field: StringField) -> None:
        if field.data and not (field.data.isdigit() and len(field.data) == 5):
            raise ValidationError("Die Postleitzahl hat fünf Ziffern.")


class CloseHouseholdForm(Form):
    reason = _select("Grund", choices.CLOSE_REASONS)
    closed_on = GermanDateField(
        "Abgeschlossen am",
        [InputRequired("Bitte das Datum angeben."), no_future(), reasonable_date],
    )


class PersonForm(Form):
    given_name = text("Vorname(n)", 80, DataRequired("Bitte den Vornamen angeben."))
    family_name = text("Familienname", 80, DataRequired("Bitte den Familiennamen angeben."))
    native_name = text(
        "Name in eigener Schrift", 160, Optional(), render_kw={"dir": "auto", "lang": ""}
    )
    birth_year = IntegerField(
        "Geburtsjahr",
        [
            InputRequired("Bitte das Geburtsjahr angeben (geschätzt, wenn unbekannt)."),
            NumberRange(1900, None, "Bitte ein Jahr ab 1900 angeben."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    birth_month = IntegerField(
        "Monat",
        [Optional(), NumberRange(1, 12, "Monat 1 bis 12.")],
        render_kw={"inputmode": "numeric"},
    )
    birth_day = IntegerField(
        "Tag",
        [Optional(), NumberRange(1, 31, "Tag 1 bis 31.")],
        render_kw={"inputmode": "numeric"},
    )
    sex = _select("Geschlecht", choices.SEX)
    country_of_origin = text("Herkunftsland", 80, Optional(), render_kw={"list": "countries"})
    languages = text("Sprachen", 200, Optional())
    interpreter_needed = BooleanField("Dolmetscher:in nötig")
    residence_status = _select("Aufenthaltsstatus", choices.RESIDENCE_STATUS)
    residence_legal_basis = text(
        "Rechtsgrundlage (z. B. § 25 Abs. 2 AufenthG)",
        40,
        Optional(),
        render_kw={"list": "legal-bases"},
    )
    entry_date = GermanDateField("Einreise", [Optional(), no_future(), reasonable_date])
    asylum_application_date = GermanDateField(
        "Asylantrag",
        [
            Optional(),
            no_future(),
            reasonable_date,
            not_before("entry_date", "Der Asylantrag kann nicht vor der Einreise liegen."),
        ],
    )
    decision_date = GermanDateField(
        "Entscheidung",
        [
            Optional(),
            no_future(),
            reasonable_date,
            not_before("asylum_application_date", "Die Entscheidung liegt vor dem Antrag."),
        ],
    )
    prospect = _select("Bleibeperspektive", choices.PROSPECT)
    phone = text("Telefon", 40, Optional(), render_kw={"inputmode": "tel", "type": "tel"})
    confirm_not_duplicate = BooleanField("Keine dieser Personen – trotzdem anlegen")
    # Only on edit: why the data was corrected (kept in the rectification history).
    correction_reason = text("Grund der Änderung (optional)", 200, Optional())

    def validate_birth_year(self, field: IntegerField) -> None:
        if field.data and field.data > today().year:
            raise ValidationError("Das Geburtsjahr darf nicht in der Zukunft liegen.")

    def validate_entry_date(self, field: GermanDateField) -> None:
        if field.data and self.birth_year.data and field.data.year < self.birth_year.data:
            raise ValidationError("Die Einreise kann nicht vor der Geburt liegen.")

    def validate_birth_day(self, field: IntegerField) -> None:
        from datetime import date

        if field.data and not self.birth_month.data:
            raise ValidationError("Ein Tag ohne Monat ist nicht eindeutig.")
        if field.data and self.birth_month.data and self.birth_year.data:
            try:
                born = date(self.birth_year.data, self.birth_month.data, field.data)
            except (ValueError, OverflowError) as exc:  # e.g. year 10**25: OverflowError
                raise ValidationError("Dieses Datum gibt es nicht.") from exc
            if born > today():
                raise ValidationError("Das Geburtsdatum darf nicht in der Zukunft liegen.")


class ListFilterForm(Form):
    """GET filters of the household list; never changes anything, so no CSRF token."""

    class Meta:
        csrf = False

    status = Select(
        "Status",
        choices=[("active", "aktiv"), ("closed", "abgeschlossen"), ("", "alle")],
        default="active",
    )
    eligibility = Select(
        "Zielgruppe",
        choices=[("", "alle"), ("yes", "berechtigt"), ("no", "nicht berechtigt")],
        default="",
    )
    prospect = Select(
        "Bleibeperspektive", choices=[("", "alle"), *choices.PROSPECT.items()], default=""
    )
    municipality_id = Select("Gemeinde", coerce=int, default=0)
    mine = BooleanField("Nur meine")
