from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, TimeField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from app.appointments.forms import MultiCheckbox
from app.forms import Form, GermanDateField, Select, text
from app.officehours.services import WEEKDAYS


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


class PersonCheckinForm(Form):
    person_id = HiddenField()


class FinishForm(Form):
    status = HiddenField()
