from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, TimeField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from app.appointments.forms import MultiCheckbox
from app.forms import Form, GermanDateField, Select, text
from app.households import choices as household_choices
from app.officehours.services import WEEKDAYS
from app.timeutil import today


class LocationForm(Form):
    name = text(
        _l("Name (z. B. Rathaus Uhingen)"), 120, DataRequired(_l("Bitte einen Namen angeben."))
    )
    room = text(_l("Raum"), 80)
    street = text(_l("Straße und Hausnummer"), 160)
    postcode = text(_l("PLZ"), 10, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    municipality_id = Select(_l("Gemeinde"), coerce=int, choices=[])
    active = BooleanField(_l("Sprechstunden finden statt"), default=True)


class ScheduleForm(Form):
    weekday = Select(_l("Wochentag"), coerce=int, choices=list(enumerate(WEEKDAYS)))
    start_time = TimeField(
        _l("Beginn"), [InputRequired(_l("Bitte eine Uhrzeit angeben."))], format="%H:%M"
    )
    end_time = TimeField(
        _l("Ende"), [InputRequired(_l("Bitte eine Uhrzeit angeben."))], format="%H:%M"
    )
    slot_minutes = IntegerField(
        _l("Minuten je Termin"),
        [
            InputRequired(_l("Bitte eine Zahl angeben.")),
            NumberRange(5, 240, _l("Zwischen 5 und 240 Minuten.")),
        ],
        default=30,
        render_kw={"inputmode": "numeric"},
    )
    manager_ids = MultiCheckbox(_l("Im Dienst"), coerce=int, choices=[])
    valid_from = GermanDateField(_l("Gültig ab"))
    valid_until = GermanDateField(_l("Gültig bis"))


class ExceptionForm(Form):
    on = GermanDateField(_l("Datum"), [DataRequired(_l("Bitte ein Datum angeben."))])
    reason = text(_l("Grund (z. B. Feiertag)"), 120)


class KioskForm(Form):
    label = text(_l("Bezeichnung des Geräts"), 80, Optional())


class BookForm(Form):
    starts = HiddenField()
    person_ids = MultiCheckbox(_l("Personen"), coerce=int, choices=[])


class SearchForm(Form):
    class Meta:
        csrf = False

    q = text(_l("Name"), 80)


class CodeForm(Form):
    code = text(
        _l("Code von der Terminkarte"),
        16,
        DataRequired(_l("Bitte den Code eingeben.")),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class WalkInForm(Form):
    first_name = text(
        _l("Vorname"),
        80,
        DataRequired(_l("Bitte den Vornamen angeben.")),
        render_kw={"autocomplete": "off"},
    )
    language = text(_l("Sprache"), 80)
    # Set by the button "Trotzdem ohne Termin anmelden" on a day without an office hour.
    confirmed = BooleanField()


class PersonCheckinForm(Form):
    person_id = HiddenField()


class WalkInSearchForm(Form):
    """Who is the walk-in? A POST form: a name is personal data and stays out of URLs."""

    q = text(_l("Vorname, Name oder Geburtsdatum"), 100)


class WalkInPersonForm(Form):
    """A walk-in not yet known: the least a household and its first person need. The rest is
    added on the person's page later."""

    given_name = text(
        _l("Vorname(n)"),
        80,
        DataRequired(_l("Bitte den Vornamen angeben.")),
        render_kw={"autocomplete": "off"},
    )
    family_name = text(
        _l("Familienname"),
        80,
        DataRequired(_l("Bitte den Familiennamen angeben.")),
        render_kw={"autocomplete": "off"},
    )
    birth_year = IntegerField(
        _l("Geburtsjahr"),
        [
            InputRequired(_l("Bitte das Geburtsjahr angeben (geschätzt, wenn unbekannt).")),
            NumberRange(1900, None, _l("Bitte ein Jahr ab 1900 angeben.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    languages = text(_l("Sprachen"), 200, Optional())
    municipality_id = Select(_l("Gemeinde"), coerce=int, choices=[])
    accommodation = Select(
        _l("Unterbringung"), choices=list(household_choices.ACCOMMODATION.items())
    )
    residence_status = Select(
        _l("Aufenthaltsstatus"), choices=list(household_choices.RESIDENCE_STATUS.items())
    )
    confirm_not_duplicate = BooleanField(_l("Keine dieser Personen – trotzdem anlegen"))

    def validate_birth_year(self, field: IntegerField) -> None:
        if field.data and field.data > today().year:
            raise ValidationError(_l("Das Geburtsjahr darf nicht in der Zukunft liegen."))


class FinishForm(Form):
    status = HiddenField()
