from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FloatField, IntegerField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput

from app.forms import CheckboxList, Form, GermanDateField, Select, reasonable_date, text
from app.indicators.models import APPLIES_TO, TYPES, Indicator, lazy_group_labels
from app.timeutil import today


class MultiCheckboxField(SelectMultipleField):
    widget = CheckboxList()
    option_widget = CheckboxInput()


def value_form_class(indicator: Indicator) -> type[Form]:
    """A form for one value of `indicator`: the value input fits the indicator's type."""
    options = [SelectChoice(o.code, o.label) for o in indicator.active_options]
    label = indicator.label
    kind = indicator.type
    if kind == "choice":
        field = Select(label, choices=[SelectChoice("", _("— bitte wählen —")), *options])
    elif kind == "multi":
        field = MultiCheckboxField(label, choices=options, validate_choice=False)
    elif kind == "bool":
        field = Select(
            label,
            choices=[
                SelectChoice("", _("— bitte wählen —")),
                SelectChoice("true", _("ja")),
                SelectChoice("false", _("nein")),
            ],
        )
    elif kind == "number":
        field = text(label, 20, render_kw={"inputmode": "decimal", "autocomplete": "off"})
    elif kind == "date":
        field = text(label, 10, render_kw={"type": "date"})
    else:
        field = text(label, 200)

    class ValueForm(Form):
        value = field
        valid_from = GermanDateField(
            _l("Gültig ab"), [InputRequired(_l("Bitte das Datum angeben.")), reasonable_date]
        )
        kind_ = Select(
            _l("Art"),
            choices=[
                SelectChoice("change", _l("Die Lage hat sich geändert")),
                SelectChoice("correction", _l("Korrektur eines falschen Eintrags")),
            ],
            default="change",
        )

        def validate_valid_from(self, field):
            if field.data and field.data > today():
                raise ValidationError(_("Das Datum darf nicht in der Zukunft liegen."))

    return ValueForm


KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


class IndicatorForm(Form):
    key = text(
        _l("Schlüssel (technisch, z. B. german_level)"), 60, DataRequired(_l("Bitte angeben."))
    )
    label_de = text(_l("Bezeichnung (deutsch)"), 160, DataRequired(_l("Bitte angeben.")))
    label_en = text(_l("Bezeichnung (englisch)"), 160, Optional())
    group = Select(_l("Gruppe"), choices=list(lazy_group_labels().items()))
    type = Select(_l("Art des Werts"), choices=list(TYPES.items()))
    min_value = FloatField(_l("Kleinster Wert (nur Zahl)"), [Optional()])
    max_value = FloatField(_l("Größter Wert (nur Zahl)"), [Optional()])
    applies_to = Select(_l("Gilt für"), choices=list(APPLIES_TO.items()))
    age_min = IntegerField(_l("Ab Alter"), [Optional(), NumberRange(0, 120, _l("0 bis 120."))])
    age_max = IntegerField(_l("Bis Alter"), [Optional(), NumberRange(0, 120, _l("0 bis 120."))])
    required = BooleanField(_l("Pflichtangabe"))
    stale_after_days = IntegerField(
        _l("Veraltet nach (Tage)"),
        [Optional(), NumberRange(1, 3650, _l("1 bis 3650 Tage."))],
        render_kw={"inputmode": "numeric"},
    )
    restricted = BooleanField(_l("Besonders geschützt (Gesundheit, Behinderung)"))
    # Only for the county's admins creating one: a default that every organisation uses.
    shared = BooleanField(_l("Vorgabe für alle Träger im Landkreis"), default=True)

    def validate_key(self, field):
        if field.data and not KEY_RE.match(field.data):
            raise ValidationError(_("Nur Kleinbuchstaben, Ziffern und _; mit Buchstaben beginnen."))

    def validate_max_value(self, field):
        low = self.min_value.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_("Der größte Wert ist kleiner als der kleinste."))

    def validate_age_max(self, field):
        low = self.age_min.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_("„Bis Alter“ ist kleiner als „Ab Alter“."))


class OptionLabelForm(Form):
    label_de = text(_l("Bezeichnung (deutsch)"), 160, DataRequired(_l("Bitte angeben.")))
    label_en = text(_l("Bezeichnung (englisch)"), 160, Optional())


class OptionForm(OptionLabelForm):
    code = text(_l("Code (technisch)"), 40, DataRequired(_l("Bitte angeben.")))

    def validate_code(self, field):
        if field.data and not re.match(r"^[A-Za-z0-9_]{1,40}$", field.data):
            raise ValidationError(_("Nur Buchstaben (ohne Umlaute), Ziffern und _."))


class CountSheetForm(Form):
    class Meta:
        csrf = False

    year = IntegerField(
        _l("Jahr"), [Optional(), NumberRange(2000, 2100, _l("Jahr 2000 bis 2100."))]
    )
    date_from = GermanDateField(_l("Von"))
    date_to = GermanDateField(_l("Bis"))
    # the choices depend on the period: checked by the route against the managers it may show
    manager_id = Select(
        _l("Integrationsmanager:in"), coerce=int, default=0, choices=[], validate_choice=False
    )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("„Bis“ liegt vor „Von“."))
