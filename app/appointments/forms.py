from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectMultipleField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.appointments.models import KINDS, STATUSES
from app.forms import Form, GermanDateField, Select, text


class MultiCheckbox(SelectMultipleField):
    """Checkboxes for a multiple choice; accepts (value, label) pairs like app.forms.Select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        if value is None or callable(value):
            self._choices = value
        else:
            self._choices = [c if isinstance(c, SelectChoice) else SelectChoice(*c) for c in value]


def _time(label: str) -> TimeField:
    field = TimeField(label, [InputRequired("Bitte eine Uhrzeit angeben.")], format="%H:%M")
    return field


class AppointmentForm(Form):
    kind = Select("Art", choices=list(KINDS.items()), default="home_visit")
    day = GermanDateField("Datum", [DataRequired("Bitte ein Datum angeben.")])
    start_time = _time("Beginn")
    end_time = _time("Ende")
    place = text("Ort", 200)
    person_ids = MultiCheckbox("Personen", coerce=int, choices=[])
    manager_id = Select("Integrationsmanager:in", coerce=int, choices=[])
    language = text("Sprache", 80)
    interpreter = BooleanField("Dolmetscher:in nötig")
    bring = text("Bitte mitbringen", 300)
    note = TextAreaField("Interne Notiz", [Optional()])
    status = Select("Status", choices=list(STATUSES.items()), default="planned")
    confirm_overlap = BooleanField("Trotzdem speichern")


class StatusForm(Form):
    status = Select("Status", choices=list(STATUSES.items()))


class ShareForm(Form):
    volunteer_ids = MultiCheckbox("Ehrenamtliche", coerce=int, choices=[])
    show_first_name = BooleanField("Vorname zeigen", default=True)
    show_language = BooleanField("Sprache zeigen", default=True)
    show_meeting_point = BooleanField("Treffpunkt zeigen", default=True)
    meeting_point = text("Treffpunkt", 200)
    show_phone = BooleanField("Telefonnummer zeigen (nur mit Einwilligung)")


class AnswerForm(Form):
    answer = HiddenField()


class EmptyForm(Form):
    """CSRF only."""
