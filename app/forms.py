"""Shared form base: German validation messages and input limits."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import html_params

# Bidi embeddings, overrides and isolates can disguise text (e.g. U+202E turns "txt.exe" around).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\t\n\r")
CONTROL_MESSAGE = _l(
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


DATE_MESSAGE = _l("Bitte ein gültiges Datum angeben (TT.MM.JJJJ).")
DATETIME_MESSAGE = _l("Bitte ein gültiges Datum mit Uhrzeit angeben (TT.MM.JJJJ HH:MM).")
INTEGER_MESSAGE = _l("Bitte eine ganze Zahl eingeben.")
NUMBER_MESSAGE = _l("Bitte eine gültige Zahl angeben.")
CHOICE_MESSAGE = _l("Keine gültige Auswahl.")

# WTForms' own messages (its msgids are English) in our catalogues and wording: its German
# catalogue lacks some ("Not a valid time value.") and would leave them English.
WTFORMS_MESSAGES = {
    "This field is required.": _l("Bitte ausfüllen."),
    "Invalid input.": _l("Ungültige Eingabe."),
    "Not a valid date value.": DATE_MESSAGE,
    "Not a valid datetime value.": DATETIME_MESSAGE,
    "Not a valid time value.": _l("Bitte eine gültige Uhrzeit angeben (HH:MM)."),
    "Not a valid week value.": _l("Bitte eine gültige Kalenderwoche angeben."),
    "Not a valid integer value.": INTEGER_MESSAGE,
    "Not a valid decimal value.": NUMBER_MESSAGE,
    "Not a valid float value.": NUMBER_MESSAGE,
    "Not a valid choice.": CHOICE_MESSAGE,
    "Invalid Choice: could not coerce.": CHOICE_MESSAGE,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOICE_MESSAGE,
    "'%(value)s' is not a valid choice for this field.": _l("Ungültige Auswahl: '%(value)s'."),
    "Field must be exactly %(max)d character long.": _l("Genau %(max)d Zeichen."),
    "Date must be at least %(min)s.": _l("Bitte ein Datum ab %(min)s angeben."),
    "Date must be at most %(max)s.": _l("Bitte ein Datum bis %(max)s angeben."),
    "Date must be between %(min)s and %(max)s.": _l(
        "Bitte ein Datum zwischen %(min)s und %(max)s angeben."
    ),
    "This field cannot be edited.": _l("Dieses Feld kann nicht geändert werden."),
    "This field is disabled and cannot have a value.": _l("Dieses Feld ist gesperrt."),
}


class WTFormsTranslations:
    """WTForms' translations object: our texts for the messages above (in the interface
    language), WTForms' own catalogue for the rest."""

    def __init__(self, fallback) -> None:
        self.fallback = fallback

    def gettext(self, string: str) -> str:
        ours = WTFORMS_MESSAGES.get(string)
        return str(ours) if ours is not None else self.fallback.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        ours = WTFORMS_MESSAGES.get(singular)
        return str(ours) if ours is not None else self.fallback.ngettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        # WTForms' messages in the UI language (WTFormsTranslations), rather than Flask-WTF's
        # Babel bridge, which looks them up in our catalogues under their English ids.
        @property
        def locales(self) -> tuple[str, ...]:
            from app.i18n import current_locale

            return (current_locale(),)

        def get_translations(self, form):
            return WTFormsTranslations(DefaultMeta.get_translations(self, form))

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
            if field.process_errors and _typed(field):
                # What was typed but could not be read says so, alone: a "required" validator
                # would otherwise replace "not a valid date" with "please enter a date".
                # (Blank input stays with Optional/DataRequired.)
                field.errors = [str(field.process_errors[0])]
            raw = [v for v in (field.raw_data or []) if isinstance(v, str)]
            texts = [*raw, field.data] if isinstance(field.data, str) else raw
            if any(has_forbidden_characters(t) for t in texts):
                field.errors = [str(CONTROL_MESSAGE)]
                valid = False
            elif field.name in not_finite:
                field.errors = [_("Bitte eine gültige Zahl angeben.")]
                valid = False
        return valid


def _typed(field) -> bool:
    return any(isinstance(v, str) and v.strip() for v in field.raw_data or [])


def no_future(message: str | None = None) -> callable:
    from app.timeutil import today

    def check(form: Form, field: DateField) -> None:
        if field.data and field.data > today():
            raise ValidationError(message or _("Das Datum darf nicht in der Zukunft liegen."))

    return check


def not_before(other_field: str, message: str) -> callable:
    def check(form: Form, field: DateField) -> None:
        other = getattr(form, other_field).data
        if field.data and other and field.data < other:
            raise ValidationError(message)

    return check


def reasonable_date(form: Form, field: DateField) -> None:
    if field.data and field.data < date(1900, 1, 1):
        raise ValidationError(_("Bitte ein Datum nach 1900 angeben."))


class GermanDateField(DateField):
    """A date input: ISO from <input type=date>, or German TT.MM.JJJJ typed by hand."""

    def __init__(self, label: str = "", validators: list | None = None, **kwargs) -> None:
        super().__init__(
            label, validators or [Optional()], format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs
        )
        self.invalid_value_message = DATE_MESSAGE


def text(label: str, max_length: int, *validators, **kwargs) -> StringField:
    return StringField(
        label,
        [*validators, Length(max=max_length, message=_l("Höchstens %(n)s Zeichen.", n=max_length))],
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


class HideForm(Form):
    """Hide a county-wide catalogue default for one's own organisation ("1") or offer it
    again ("0") (app/organisations/ownership.py)."""

    hidden = Select(choices=[("1", "1"), ("0", "0")])


class CheckboxList:
    """The checkboxes of a multiple choice as a list, each box inside its label: the label is
    the finger's target (44 px high, tapping the text ticks the box), not the 22 px box that
    WTForms' ListWidget puts beside a separate label."""

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        items = "".join(
            f'<li><label class="check">{option()} {escape(option.label.text)}</label></li>'
            for option in field
        )
        return Markup(f"<ul {html_params(**kwargs)}>{items}</ul>")
