from __future__ import annotations

from wtforms import BooleanField, HiddenField, IntegerField, TimeField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from app.appointments.forms import MultiCheckbox
from app.forms import Form, GermanDateField, Select, text
from app.officehours.services import WEEKDAYS


class LocationForm(Form):
    name = text("Name (z. B. Rathaus Uhingen)", 120, DataRequired("Bitte einen Namen angeben."))
    room = text("Raum", 80)
    street = text("Straße und Hausnummer", 160)
    postcode = text("PLZ", 10, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    municipality_id = Select("Gemeinde", coerce=int, choices=[])
    active = BooleanField("Sprechstunden finden statt", default=True)


class ScheduleForm(Form):
    weekday = Select("Wochentag", coerce=int, choices=list(enumerate(WEEKDAYS)))
    start_time = TimeField("Beginn", [InputRequired("Bitte eine Uhrzeit angeben.")], format="%H:%M")
    end_time = TimeField("Ende", [InputRequired("Bitte eine Uhrzeit angeben.")], format="%H:%M")
    slot_minutes = IntegerField(
        "Minuten je Termin",
        [
            InputRequired("Bitte eine Zahl angeben."),
            NumberRange(5, 240, "Zwischen 5 und 240 Minuten."),
        ],
        default=30,
        render_kw={"inputmode": "numeric"},
    )
    manager_ids = MultiCheckbox("Im Dienst", coerce=int, choices=[])
    valid_from = GermanDateField("Gültig ab")
    valid_until = GermanDateField("Gültig bis")


class ExceptionForm(Form):
    on = GermanDateField("Datum", [DataRequired("Bitte ein Datum angeben.")])
    reason = text("Grund (z. B. Feiertag)", 120)


class KioskForm(Form):
    label = text("Bezeichnung des Geräts", 80, Optional())


class BookForm(Form):
    starts = HiddenField()
    person_ids = MultiCheckbox("Personen", coerce=int, choices=[])


class SearchForm(Form):
    class Meta:
        csrf = False

    q = text("Name", 80)


class CodeForm(Form):
    code = text(
        "Code von der Terminkarte",
        16,
        DataRequired("Bitte den Code eingeben."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class WalkInForm(Form):
    first_name = text(
        "Vorname",
        80,
        DataRequired("Bitte den Vornamen angeben."),
        render_kw={"autocomplete": "off"},
    )
    language = text("Sprache", 80)


class PersonCheckinForm(Form):
    person_id = HiddenField()


class FinishForm(Form):
    status = HiddenField()
