from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.forms import Form, GermanDateField, Select, no_future, not_before, reasonable_date, text
from app.households import choices
from app.timeutil import today


def _select(label: str, options: dict[str, str], **kwargs) -> Select:
    return Select(label, choices=list(options.items()), **kwargs)


class HouseholdForm(Form):
    name = text(
        _l("Bezeichnung (z. B. Familienname)"),
        120,
        DataRequired(_l("Bitte eine Bezeichnung angeben.")),
    )
    municipality_id = Select(_l("Gemeinde"), coerce=int)
    street = text(_l("Straße und Hausnummer"), 160, Optional())
    postcode = text(
        _l("PLZ"), 10, Optional(), render_kw={"inputmode": "numeric", "autocomplete": "off"}
    )
    phone = text(_l("Telefon"), 40, Optional(), render_kw={"inputmode": "tel", "type": "tel"})
    accommodation = _select(_l("Unterbringung"), choices.ACCOMMODATION)
    manager_id = Select(_l("Zuständig"), coerce=int)

    def validate_postcode(self, field: StringField) -> None:
        if field.data and not (field.data.isdigit() and len(field.data) == 5):
            raise ValidationError(_l("Die Postleitzahl hat fünf Ziffern."))


class CloseHouseholdForm(Form):
    reason = _select(_l("Grund"), choices.CLOSE_REASONS)
    closed_on = GermanDateField(
        _l("Abgeschlossen am"),
        [InputRequired(_l("Bitte das Datum angeben.")), no_future(), reasonable_date],
    )


class PersonForm(Form):
    given_name = text(_l("Vorname(n)"), 80, DataRequired(_l("Bitte den Vornamen angeben.")))
    family_name = text(_l("Familienname"), 80, DataRequired(_l("Bitte den Familiennamen angeben.")))
    native_name = text(
        _l("Name in eigener Schrift"), 160, Optional(), render_kw={"dir": "auto", "lang": ""}
    )
    birth_year = IntegerField(
        _l("Geburtsjahr"),
        [
            InputRequired(_l("Bitte das Geburtsjahr angeben (geschätzt, wenn unbekannt).")),
            NumberRange(1900, None, _l("Bitte ein Jahr ab 1900 angeben.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    birth_month = IntegerField(
        _l("Monat"),
        [Optional(), NumberRange(1, 12, _l("Monat 1 bis 12."))],
        render_kw={"inputmode": "numeric"},
    )
    birth_day = IntegerField(
        _l("Tag"),
        [Optional(), NumberRange(1, 31, _l("Tag 1 bis 31."))],
        render_kw={"inputmode": "numeric"},
    )
    sex = _select(_l("Geschlecht"), choices.SEX)
    country_of_origin = text(_l("Herkunftsland"), 80, Optional(), render_kw={"list": "countries"})
    languages = text(_l("Sprachen"), 200, Optional())
    interpreter_needed = BooleanField(_l("Dolmetscher:in nötig"))
    residence_status = _select(_l("Aufenthaltsstatus"), choices.RESIDENCE_STATUS)
    residence_legal_basis = text(
        _l("Rechtsgrundlage (z. B. § 25 Abs. 2 AufenthG)"),
        40,
        Optional(),
        render_kw={"list": "legal-bases"},
    )
    entry_date = GermanDateField(_l("Einreise"), [Optional(), no_future(), reasonable_date])
    asylum_application_date = GermanDateField(
        _l("Asylantrag"),
        [
            Optional(),
            no_future(),
            reasonable_date,
            not_before("entry_date", _l("Der Asylantrag kann nicht vor der Einreise liegen.")),
        ],
    )
    decision_date = GermanDateField(
        _l("Entscheidung"),
        [
            Optional(),
            no_future(),
            reasonable_date,
            not_before("asylum_application_date", _l("Die Entscheidung liegt vor dem Antrag.")),
        ],
    )
    prospect = _select(_l("Bleibeperspektive"), choices.PROSPECT)
    phone = text(_l("Telefon"), 40, Optional(), render_kw={"inputmode": "tel", "type": "tel"})
    confirm_not_duplicate = BooleanField(_l("Keine dieser Personen – trotzdem anlegen"))
    # Only on edit: why the data was corrected (kept in the rectification history).
    correction_reason = text(_l("Grund der Änderung (optional)"), 200, Optional())

    def validate_birth_year(self, field: IntegerField) -> None:
        if field.data and field.data > today().year:
            raise ValidationError(_l("Das Geburtsjahr darf nicht in der Zukunft liegen."))

    def validate_entry_date(self, field: GermanDateField) -> None:
        if field.data and self.birth_year.data and field.data.year < self.birth_year.data:
            raise ValidationError(_l("Die Einreise kann nicht vor der Geburt liegen."))

    def validate_birth_day(self, field: IntegerField) -> None:
        from datetime import date

        if field.data and not self.birth_month.data:
            raise ValidationError(_l("Ein Tag ohne Monat ist nicht eindeutig."))
        if field.data and self.birth_month.data and self.birth_year.data:
            try:
                born = date(self.birth_year.data, self.birth_month.data, field.data)
            except (ValueError, OverflowError) as exc:  # e.g. year 10**25: OverflowError
                raise ValidationError(_l("Dieses Datum gibt es nicht.")) from exc
            if born > today():
                raise ValidationError(_l("Das Geburtsdatum darf nicht in der Zukunft liegen."))


class ListFilterForm(Form):
    """GET filters of the household list; never changes anything, so no CSRF token."""

    class Meta:
        csrf = False

    status = Select(
        _l("Status"),
        choices=[("active", _l("aktiv")), ("closed", _l("abgeschlossen")), ("", _l("alle"))],
        default="active",
    )
    eligibility = Select(
        _l("Zielgruppe"),
        choices=[("", _l("alle")), ("yes", _l("berechtigt")), ("no", _l("nicht berechtigt"))],
        default="",
    )
    prospect = Select(
        _l("Bleibeperspektive"), choices=[("", _l("alle")), *choices.PROSPECT.items()], default=""
    )
    municipality_id = Select(_l("Gemeinde"), coerce=int, default=0)
    mine = BooleanField(_l("Nur meine"))
