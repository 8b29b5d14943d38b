"""Shared form base: German validation messages and input limits."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import Length, Optional, ValidationError

# Bidi embeddings, overrides and isolates can disguise text (e.g. U+202E turns "txt.exe" around).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\t\n\r")
CONTROL_MESSAGE = (
    "Bitte keine Steuerzeichen eingeben (z. B. unsichtbare Zeichen aus kopiertem Text)."
)


def has_forbidden_characters(value: str) -> bool:
    """NUL and other control characters (PostgreSQL refuses NUL outright), bidi overrides and
    unpaired surrogates have no place in any text the app stores."""
    return any(
        (unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS)
        or ch in _BIDI_CONTROLS
        for ch in value
    )


class Form(FlaskForm):
    class Meta:
        # WTForms ships its own German and English messages; use them in the UI language
        # rather than Flask-WTF's Babel bridge, which only knows our own catalogues.
        @property
        def locales(self) -> tuple[str, ...]:
            from app.i18n import current_locale

            return (current_locale(),)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Field validation plus two checks for every form: no control characters in any text
        (including what a field could not parse), and only finite numbers."""
        # "NaN", "Infinity" and "sNaN" parse as Decimal; sNaN even crashes NumberRange.
        not_finite = set()
        for field in self:
            if isinstance(field.data, Decimal) and not field.data.is_finite():
                field.data = None
                not_finite.add(field.name)
        valid = super().validate(extra_validators)
        for field in self:
            raw = [v for v in (field.raw_data or []) if isinstance(v, str)]
            texts = [*raw, field.data] if isinstance(field.data, str) else raw
            if any(has_forbidden_characters(t) for t in texts):
                field.errors = [CONTROL_MESSAGE]
                valid = False
            elif field.name in not_finite:
                field.errors = ["Bitte eine gültige Zahl angeben."]
                valid = False
        return valid


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
