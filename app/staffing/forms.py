"""Forms for funding periods and positions. Amounts and FTE are typed in the interface
language's number format ("51.000,00 €" / "0,75" in German, "51,000.00" / "0.75" in English)."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from app.forms import Form, GermanDateField, Select, not_before, reasonable_date, text
from app.i18n import current_locale
from app.staffing import rules
from app.staffing.format import QUALIFICATIONS

_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_decimal_input(raw: str, locale: str = "de") -> Decimal:
    """An amount or FTE share as typed in the interface language.

    German: '51.000' -> 51000, '51.000,50 €' -> 51000.50, '0,75' -> 0.75, '0.75' -> 0.75 (a
    point is a thousands separator when a comma follows or when it groups three digits).
    English: '51,000.50' -> 51000.50, '0.75' -> 0.75; ambiguous input is refused rather than
    read the German way, so that nobody's 51,000 becomes 51."""
    value = raw.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not locale.startswith("de"):
        try:
            number = parse_decimal(value, locale=locale, strict=True)
        except NumberFormatError as error:
            raise InvalidOperation(raw) from error
        if not number.is_finite():
            raise InvalidOperation(raw)
        return number
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif _GROUPED.match(value):
        value = value.replace(".", "")
    number = Decimal(value)  # raises InvalidOperation
    if not number.is_finite():
        raise InvalidOperation(raw)
    return number


class DecimalInputField(Field):
    widget = TextInput()

    def __init__(self, label: str = "", validators=None, places: int = 2, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.places = places

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text_value = f"{self.data:,.{self.places}f}"  # 51,000.00
        if not current_locale().startswith("de"):
            return text_value
        return text_value.replace(",", "_").replace(".", ",").replace("_", ".")

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            number = parse_decimal_input(str(valuelist[0]), current_locale())
        except (InvalidOperation, ValueError):
            self.data = None
            raise ValueError(_("Bitte eine Zahl angeben (z. B. 51.000,00).")) from None
        if number != number.quantize(Decimal(1).scaleb(-self.places)):
            self.data = None
            raise ValueError(_("Höchstens %(n)s Nachkommastellen.", n=self.places))
        self.data = number


def _required_number(message: str):
    # DataRequired treats Decimal("0") as missing; InputRequired-like check on raw data.
    class _Check:
        field_flags = {"required": True}

        def __call__(self, form, field):
            if field.data is None and not field.errors:
                raise ValidationError(message)

    return _Check()


def new_key() -> str:
    return str(uuid.uuid4())


def _valid_key(form: Form, field: HiddenField) -> None:
    try:
        uuid.UUID(field.data or "")
    except ValueError as exc:
        raise ValidationError(
            _l("Das Formular ist unvollständig. Bitte die Seite neu laden.")
        ) from exc


class PeriodForm(Form):
    idempotency_key = HiddenField(default=new_key, validators=[_valid_key])
    name = text(
        _l("Bezeichnung (z. B. Förderjahr 2026)"),
        120,
        DataRequired(_l("Bitte eine Bezeichnung angeben.")),
    )
    starts_on = GermanDateField(
        _l("Beginn"), [DataRequired(_l("Bitte den Beginn angeben.")), reasonable_date]
    )
    ends_on = GermanDateField(
        _l("Ende"),
        [
            DataRequired(_l("Bitte das Ende angeben.")),
            not_before("starts_on", _l("Das Ende liegt vor dem Beginn.")),
        ],
    )
    granted_amount = DecimalInputField(
        _l("Bewilligte Fördersumme (€)"),
        [_required_number(_l("Bitte die bewilligte Summe angeben."))],
    )
    rate_vocational = DecimalInputField(
        _l(
            "Jahressatz je Vollzeitstelle: %(qualification)s (€)",
            qualification=QUALIFICATIONS["vocational"],
        ),
        [_required_number(_l("Bitte den Jahressatz angeben."))],
    )
    rate_university = DecimalInputField(
        _l(
            "Jahressatz je Vollzeitstelle: %(qualification)s (€)",
            qualification=QUALIFICATIONS["university"],
        ),
        [_required_number(_l("Bitte den Jahressatz angeben."))],
    )

    RATE_FIELDS = {"vocational": "rate_vocational", "university": "rate_university"}

    def validate_granted_amount(self, field: DecimalInputField) -> None:
        if field.data is not None and not (0 <= field.data < Decimal("10000000000")):
            raise ValidationError(_l("Bitte einen Betrag zwischen 0 und 9.999.999.999 € angeben."))

    def validate_rate_vocational(self, field: DecimalInputField) -> None:
        _check_rate(field)

    def validate_rate_university(self, field: DecimalInputField) -> None:
        _check_rate(field)


def _check_rate(field: DecimalInputField) -> None:
    if field.data is not None and not (0 < field.data < Decimal("100000000")):
        raise ValidationError(_l("Bitte einen Jahressatz über 0 € angeben."))


class PositionForm(Form):
    idempotency_key = HiddenField(default=new_key, validators=[_valid_key])
    funding_period_id = Select(_l("Förderzeitraum"), coerce=int, choices=[])
    team_id = Select(_l("Team"), coerce=int, choices=[])
    user_id = Select(_l("Stelleninhaber:in"), coerce=int, choices=[])
    label = text(_l("Bezeichnung (bei unbesetzter Stelle)"), 120)
    fte = DecimalInputField(
        _l("Stellenanteil (VZÄ, z. B. 0,75)"),
        [_required_number(_l("Bitte den Stellenanteil angeben."))],
    )
    qualification = Select(
        _l("Qualifikation (bestimmt den Fördersatz)"),
        choices=[("", _l("— bitte wählen —")), *QUALIFICATIONS.items()],
        validators=[DataRequired(_l("Bitte die Qualifikation wählen."))],
    )
    contract_start = GermanDateField(
        _l("Vertragsbeginn"),
        [DataRequired(_l("Bitte den Vertragsbeginn angeben.")), reasonable_date],
    )
    contract_end = GermanDateField(
        _l("Vertragsende (leer: zwei Jahre nach Beginn)"),
        [Optional(), not_before("contract_start", _l("Das Vertragsende liegt vor dem Beginn."))],
    )
    note = TextAreaField(
        _l("Notiz"),
        [Optional(), Length(max=2000, message=_l("Höchstens 2000 Zeichen."))],
        render_kw={"rows": "3"},
    )

    def validate_fte(self, field: DecimalInputField) -> None:
        if field.data is not None and not (rules.MIN_FTE <= field.data <= rules.MAX_FTE):
            raise ValidationError(_l("Der Stellenanteil liegt zwischen 0,25 und 1,00 VZÄ."))

    def validate_label(self, field) -> None:
        if not self.user_id.data and not field.data:
            raise ValidationError(_l("Bitte eine Person wählen oder die Stelle bezeichnen."))


def check_holder(form: PositionForm, user_teams: dict[int, int | None]) -> bool:
    """The holder must belong to the chosen team (a position is counted for that team)."""
    holder = form.user_id.data
    if holder and user_teams.get(holder) not in (None, form.team_id.data):
        form.user_id.errors.append(_("Diese Person gehört zu einem anderen Team."))
        return False
    return True
