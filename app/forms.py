"""Shared form base: German validation messages and input limits."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError


class Form(FlaskForm):
    class Meta:
        # WTForms ships German messages; Flask-WTF's Babel hook is off (WTF_I18N_ENABLED).
        locales = ("de_DE", "de")


def no_future(message: str = "Das Datum darf nicht in der Zukunft liegen.") -> callable:
    from app.timeutil import today

    def check(form: Form, field: DateField) -> None:
        if field.data and field.data > today():
            raise ValidationError(message)

    return check


def not_before(other_field: str, message: str) -> callable:
    def check(form: Form, field: DateField) -> None:
        other = getattr(form, other_field).data
        if field.data and other and field.data < other:
            raise ValidationError(message)

    return check


def reasonable_date(form: Form, field: DateField) -> None:
    if field.data and field.data < date(1900, 1, 1):
        raise ValidationError("Bitte ein Datum nach 1900 angeben.")


class GermanDateField(DateField):
    """A date input: ISO from <input type=date>, or German TT.MM.JJJJ typed by hand."""

    def __init__(self, label: str = "", validators: list | None = None, **kwargs) -> None:
        super().__init__(
            label, validators or [Optional()], format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs
        )
        self.invalid_value_message = "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."


def text(label: str, max_length: int, *validators, **kwargs) -> StringField:
    return StringField(
        label,
        [*validators, Length(max=max_length, message=f"Höchstens {max_length} Zeichen.")],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        **kwargs,
    )


class Select(SelectField):
    """SelectField that accepts (value, label) pairs; WTForms 3.3 wants SelectChoice objects."""

    def __init__(self, *args, choices: list | None = None, **kwargs) -> None:
        super().__init__(*args, choices=_as_select_choices(choices), **kwargs)

    @property
    def choices(self) -> list[SelectChoice] | None:
        return self._choices

    @choices.setter
    def choices(self, value: list | None) -> None:
        self._choices = _as_select_choices(value)


def _as_select_choices(value: list | None) -> list[SelectChoice] | None:
    if value is None or callable(value):
        return value
    return [c if isinstance(c, SelectChoice) else SelectChoice(*c) for c in value]
