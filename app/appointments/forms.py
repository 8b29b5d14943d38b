from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectMultipleField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput

from app.appointments.models import KINDS, STATUSES
from app.forms import CheckboxList, Form, GermanDateField, Select, text


class MultiCheckbox(SelectMultipleField):
    """Checkboxes for a multiple choice; accepts (value, label) pairs like app.forms.Select."""

    widget = CheckboxList()
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
    field = TimeField(label, [InputRequired(_l("Bitte eine Uhrzeit angeben."))], format="%H:%M")
    return field


class AppointmentForm(Form):
    kind = Select(_l("Art"), choices=list(KINDS.items()), default="home_visit")
    day = GermanDateField(_l("Datum"), [DataRequired(_l("Bitte ein Datum angeben."))])
    start_time = _time(_l("Beginn"))
    end_time = _time(_l("Ende"))
    place = text(_l("Ort"), 200)
    person_ids = MultiCheckbox(_l("Personen"), coerce=int, choices=[])
    manager_id = Select(_l("Integrationsmanager:in"), coerce=int, choices=[])
    language = text(_l("Sprache"), 80)
    interpreter = BooleanField(_l("Dolmetscher:in nötig"))
    bring = text(_l("Bitte mitbringen"), 300)
    note = TextAreaField(_l("Interne Notiz"), [Optional()])
    status = Select(_l("Status"), choices=list(STATUSES.items()), default="planned")
    confirm_overlap = BooleanField(_l("Trotzdem speichern"))


class StatusForm(Form):
    status = Select(_l("Status"), choices=list(STATUSES.items()))


class ShareForm(Form):
    volunteer_ids = MultiCheckbox(_l("Ehrenamtliche"), coerce=int, choices=[])
    show_first_name = BooleanField(_l("Vorname zeigen"), default=True)
    show_language = BooleanField(_l("Sprache zeigen"), default=True)
    show_meeting_point = BooleanField(_l("Treffpunkt zeigen"), default=True)
    meeting_point = text(_l("Treffpunkt"), 200)
    show_phone = BooleanField(_l("Telefonnummer zeigen (nur mit Einwilligung)"))


class AnswerForm(Form):
    answer = HiddenField()


class EmptyForm(Form):
    """CSRF only."""
